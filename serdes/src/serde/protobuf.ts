/**
 * Protobuf serializer and deserializer (protobufjs), in Confluent's wire format: magic byte, schema id,
 * message-index array (the path of the message type in the .proto file), payload.
 *
 * Values: protobufjs messages, or plain objects with the same shape (checked with `Type.verify` before
 * encoding, so a wrong value is an error rather than silently written as zero). Field names are
 * protobufjs' default camelCase (`keepCase: true` keeps the .proto names). Enums are numbers.
 *
 * 64-bit integers (int64, uint64, sint64, fixed64, sfixed64) decode as `Long` objects (the `long`
 * package, which protobufjs picks up), so no precision is lost; call `.toString()` or `.toBigInt()`.
 * For encoding, pass a Long, or a JS number when the value is a safe integer.
 *
 * Legacy kafkajs bytes: `@kafkajs/confluent-schema-registry` writes Protobuf without the message-index
 * array (0x00, id, payload). The deserializer reads those only with `legacyKafkajsProtobuf: true`, never
 * by guessing, because the two framings cannot be told apart from the bytes: after the id, Confluent
 * writes a zig-zag count (0x00 for `[0]`, 0x02 for one index, 0x08 for four…) where kafkajs writes a
 * field tag, and 0x08 is both "four indexes follow" and "field 1, varint". Reading the wrong way does not
 * always fail either: protobufjs skips unknown fields, field number 0 included, so a misread can yield a
 * wrong message instead of an error. (kafkajs' own decoder strips every leading 0x00, which is how it
 * reads Confluent's `[0]`, but it then misreads every other message type.) In legacy mode a single 0x00
 * after the id is taken as Confluent's `[0]` and skipped: a Protobuf payload never starts with 0x00
 * (that would be field number 0), so mixed topics of kafkajs and first-message Confluent bytes still read.
 */
import protobuf from 'protobufjs';
import type { ResolvedReference } from '../formats/format.js';
import { formatFor } from '../formats/index.js';
import type { RegistryClient, SchemaInfo } from '../client/client.js';
import { HEADER_SIZE, readMessageIndexes } from '../wire.js';
import { readString, type NodeBuffer } from './avsc-internal.js';
import { DeserializationError, SerializationError, WireFormatError } from './errors.js';
import {
  Deserializer,
  Serializer,
  describe,
  registryFailure,
  type Compiled,
  type DeserializerOptions,
  type SerializerOptions,
  type TopicWriter,
} from './serde.js';

export type ProtobufSchemaInput = string | SchemaInfo;

export interface ProtobufParseOptions {
  /** Keep the .proto field names instead of protobufjs' camelCase (default false). */
  keepCase?: boolean;
}

/** A parsed .proto file with its references: the protobufjs Root and Confluent's message-index paths. */
export interface ProtobufSchemaView {
  readonly root: protobuf.Root;
  /** The file's message types in declaration order, depth first, with their index paths. */
  readonly messages: ReadonlyArray<{ readonly fullName: string; readonly indexes: readonly number[]; readonly type: protobuf.Type }>;
  /** The type at a message-index path, if there is one. */
  typeAt(indexes: readonly number[]): protobuf.Type | undefined;
  /** The index path of a message of this file (full name without the leading dot). */
  indexesOf(fullName: string): number[] | undefined;
}

function protoSchemaInfo(input: ProtobufSchemaInput): SchemaInfo {
  if (typeof input === 'string') return { schema: input, schemaType: 'PROTOBUF' };
  if (typeof input === 'object' && input !== null && typeof input.schema === 'string') {
    if (input.schemaType !== undefined && input.schemaType !== 'PROTOBUF') throw new TypeError(`expected a PROTOBUF schema, got ${input.schemaType}`);
    return { ...input, schemaType: 'PROTOBUF' };
  }
  throw new TypeError('a Protobuf schema must be .proto text or { schema, references }');
}

function flatten(refs: readonly ResolvedReference[], out: ResolvedReference[] = [], seen = new Set<string>()): ResolvedReference[] {
  for (const r of refs) {
    const key = `${r.subject}\0${r.version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    flatten(r.references, out, seen);
    out.push(r);
  }
  return out;
}

function stripDot(name: string): string {
  return name.startsWith('.') ? name.slice(1) : name;
}

/** Message types nested in a namespace or type, in declaration order (protobufjs keeps insertion order). */
function childTypes(ns: protobuf.NamespaceBase): protobuf.Type[] {
  return ns.nestedArray.filter((n): n is protobuf.Type => n instanceof protobuf.Type);
}

/**
 * Builds the view with protobufjs alone: references parsed into one Root first, well-known
 * `google/protobuf/*` imports added from protobufjs' bundled definitions, then the file itself. The index
 * paths come from parsing the file alone (so the references' messages do not count). Map fields add no
 * nested message in protobufjs, which matches Confluent's index paths (map entries are not counted).
 * Used only when the Protobuf format module cannot load the schema.
 */
export function protobufSchemaLocal(info: SchemaInfo, references: readonly ResolvedReference[], options: ProtobufParseOptions = {}): ProtobufSchemaView {
  const parseOptions = { keepCase: options.keepCase ?? false, alternateCommentMode: true };
  const root = new protobuf.Root();
  const added = new Set<string>();
  const addImports = (imports: readonly string[] | undefined): void => {
    for (const imp of imports ?? []) {
      if (added.has(imp) || !imp.startsWith('google/protobuf/')) continue;
      const json = protobuf.common.get(imp);
      if (json?.nested) {
        added.add(imp);
        root.addJSON(json.nested as Record<string, protobuf.AnyNestedObject>);
      }
    }
  };
  for (const ref of flatten(references)) {
    const parsed = protobuf.parse(ref.schema, root, parseOptions);
    addImports(parsed.imports);
  }
  const main = protobuf.parse(info.schema, root, parseOptions);
  addImports(main.imports);
  root.resolveAll();

  const alone = protobuf.parse(info.schema, new protobuf.Root(), parseOptions);
  const top = alone.package ? alone.root.lookup(alone.package) : alone.root;
  const messages: Array<{ fullName: string; indexes: number[]; type: protobuf.Type }> = [];
  const walk = (ns: protobuf.NamespaceBase, path: number[]): void => {
    childTypes(ns).forEach((t, i) => {
      const indexes = [...path, i];
      const fullName = stripDot(t.fullName);
      messages.push({ fullName, indexes, type: root.lookupType(fullName) });
      walk(t, indexes);
    });
  };
  if (top instanceof protobuf.Namespace) walk(top, []);
  return viewOf(root, messages);
}

function viewOf(root: protobuf.Root, messages: Array<{ fullName: string; indexes: number[]; type: protobuf.Type }>): ProtobufSchemaView {
  const byPath = new Map(messages.map((m) => [m.indexes.join('.'), m.type]));
  const byName = new Map(messages.map((m) => [m.fullName, m.indexes]));
  return {
    root,
    messages,
    typeAt: (indexes) => byPath.get(indexes.join('.')),
    indexesOf: (name) => {
      const i = byName.get(stripDot(name));
      return i ? [...i] : undefined;
    },
  };
}

/** What the SDK reads from the Protobuf format module's ProtobufSchema. */
interface FormatProtobufSchema {
  /** The protobufjs Root with the .proto field names (keepCase). */
  readonly root?: protobuf.Root;
  /** The file printed with fully-qualified type names (what a protobufjs Root can be built from). */
  readonly qualifiedText?: string;
  allDependencies?(): Map<string, FormatProtobufSchema>;
  readonly file?: { messages: FormatMessageDef[] };
}
interface FormatMessageDef {
  fullName: string;
  messages: FormatMessageDef[];
}

/**
 * The view of a Protobuf schema. The Protobuf format module parses the text (or base64 descriptor) and
 * resolves imports, built-ins included (google/protobuf, google/type, confluent); its message tree gives
 * Confluent's index paths. The protobufjs Root is the module's own with `keepCase`, else one built here
 * from the module's fully-qualified texts with protobufjs' camelCase names. If the module cannot load the
 * schema, protobufjs alone is used (protobufSchemaLocal).
 */
export function protobufSchema(info: SchemaInfo, references: readonly ResolvedReference[], options: ProtobufParseOptions = {}): ProtobufSchemaView {
  let formatError: unknown;
  try {
    const parsed = formatFor('PROTOBUF')!.parse(info.schema, references, { validate: false }) as unknown as FormatProtobufSchema;
    if (typeof parsed.qualifiedText === 'string' && typeof parsed.allDependencies === 'function' && parsed.file) {
      let root: protobuf.Root;
      if (options.keepCase && parsed.root) {
        root = parsed.root;
      } else {
        root = new protobuf.Root();
        const parseOptions = { keepCase: options.keepCase ?? false };
        for (const dep of parsed.allDependencies().values()) protobuf.parse(dep.qualifiedText!, root, parseOptions);
        protobuf.parse(parsed.qualifiedText, root, parseOptions);
        root.resolveAll();
      }
      const messages: Array<{ fullName: string; indexes: number[]; type: protobuf.Type }> = [];
      const walk = (list: readonly FormatMessageDef[], path: number[]): void => {
        list.forEach((m, i) => {
          const indexes = [...path, i];
          messages.push({ fullName: m.fullName, indexes, type: root.lookupType(m.fullName) });
          walk(m.messages, indexes);
        });
      };
      walk(parsed.file.messages, []);
      return viewOf(root, messages);
    }
  } catch (e) {
    formatError = e;
  }
  try {
    return protobufSchemaLocal(info, references, options);
  } catch (e) {
    throw formatError ?? e;
  }
}

export interface ProtobufCompiled extends Compiled {
  readonly view: ProtobufSchemaView;
  readonly type: protobuf.Type;
  readonly indexes: readonly number[];
  /** 0x00 + 4 id bytes are written per message; this is the index array as varints to append. */
  readonly indexVarints: readonly number[];
}

function pickType(view: ProtobufSchemaView, messageType: string | undefined, what: string): protobuf.Type {
  if (messageType === undefined) {
    const first = view.messages[0];
    if (!first) throw new Error(`${what} declares no message type`);
    return first.type;
  }
  const name = stripDot(messageType);
  const found = view.messages.find((m) => m.fullName === name);
  if (found) return found.type;
  throw new Error(`${what} has no message ${name} (it declares ${view.messages.map((m) => m.fullName).join(', ') || 'none'})`);
}

export interface ProtobufSerializerOptions extends SerializerOptions, ProtobufParseOptions {
  /** The .proto text (with `references` for its imports). Optional with useLatestVersion/useSchemaId/useVersion. */
  schema?: ProtobufSchemaInput;
  /** Full name of the message type to write (e.g. `acme.Order.Line`); default: the file's first message. */
  messageType?: string;
  /** Check values with `Type.verify` before encoding (default true). */
  verify?: boolean;
}

/** Writes an ASCII string (checked by the caller) char by char. */
function writeAscii(value: string, buf: Uint8Array, pos: number): void {
  for (let i = 0; i < value.length; i++) buf[pos + i] = value.charCodeAt(i);
}

type PushWriter = protobuf.BufferWriter & { _push(fn: (val: string, buf: Uint8Array, pos: number) => void, len: number, val: string): unknown };

/**
 * protobufjs' BufferWriter with a cheaper `string()` for short ASCII strings: their byte length is their
 * length, so no call into C++ (`Buffer.byteLength`) is needed per string. Other strings go to protobufjs.
 */
class FastWriter extends protobuf.BufferWriter {
  override string(value: string): protobuf.Writer {
    const n = value.length;
    if (n < 64) {
      let bits = 0;
      for (let i = 0; i < n; i++) bits |= value.charCodeAt(i);
      if (bits < 0x80) {
        this.uint32(n);
        if (n > 0) (this as unknown as PushWriter)._push(writeAscii, n, value);
        return this;
      }
    }
    return super.string(value);
  }
}

function byteSwap(id: number): number {
  return (((id & 0xff) << 24) | ((id & 0xff00) << 8) | ((id >>> 8) & 0xff00) | (id >>> 24)) >>> 0;
}

export class ProtobufSerializer<T extends object = Record<string, unknown>> extends Serializer<T, ProtobufCompiled> {
  private readonly messageType: string | undefined;
  private readonly parseOptions: ProtobufParseOptions;
  private readonly verify: boolean;

  constructor(client: RegistryClient, options: ProtobufSerializerOptions) {
    super(client, 'PROTOBUF', options.schema === undefined ? undefined : protoSchemaInfo(options.schema), options);
    this.messageType = options.messageType;
    this.parseOptions = { keepCase: options.keepCase ?? false };
    this.verify = options.verify ?? true;
  }

  protected compile(info: SchemaInfo, references: ResolvedReference[], fromRegistry: boolean): ProtobufCompiled {
    const view = protobufSchema(info, references, this.parseOptions);
    const type = pickType(view, this.messageType, fromRegistry ? 'the registered schema' : 'the schema');
    const indexes = view.indexesOf(type.fullName)!;
    const indexVarints = indexes.length === 1 && indexes[0] === 0 ? [0] : [indexes.length, ...indexes];
    return { view, type, indexes, indexVarints, recordName: stripDot(type.fullName) };
  }

  protected encode(entry: TopicWriter<ProtobufCompiled>, value: T): Buffer {
    const { type, indexVarints } = entry.writer;
    if (this.verify) {
      const problem = value === null || typeof value !== 'object' ? 'a message object expected' : type.verify(value as Record<string, unknown>);
      if (problem) {
        throw new SerializationError(
          `value does not match the Protobuf message ${stripDot(type.fullName)} (schema id ${entry.schemaId}, subject ${JSON.stringify(entry.subject)}): ${problem}`,
        );
      }
    }
    const w = new FastWriter();
    w.uint32(0).fixed32(byteSwap(entry.schemaId));
    if (indexVarints.length === 1) w.uint32(0);
    else for (const n of indexVarints) w.sint32(n);
    try {
      type.encode(value as protobuf.Message, w);
    } catch (e) {
      throw new SerializationError(`cannot encode the value as ${stripDot(type.fullName)}: ${describe(e)}`, { cause: e });
    }
    return w.finish() as Buffer;
  }
}

export interface ProtobufDeserializerOptions extends DeserializerOptions, ProtobufParseOptions {
  /**
   * Decode with this schema's message types instead of the writer's (schema evolution): the message with
   * the writer message's full name, or `readerMessageType`. A protobufjs Type is used as is.
   */
  readerSchema?: ProtobufSchemaInput | protobuf.Type;
  /** Full name of the reader message type, when it differs from the writer's. */
  readerMessageType?: string;
  /**
   * Read bytes written by `@kafkajs/confluent-schema-registry` (no message-index array), decoding as
   * `messageType` or the writer schema's first message. Off by default; see the module comment for why.
   */
  legacyKafkajsProtobuf?: boolean;
  /** With `legacyKafkajsProtobuf`: the message type to decode as (default: the schema's first message). */
  messageType?: string;
}

interface ProtobufReader {
  readonly id: number;
  readonly view: ProtobufSchemaView;
  /** The type for `[0]` and for legacy bytes. */
  readonly first: protobuf.Type | undefined;
  readonly byPath: Map<string, protobuf.Type>;
}

/**
 * protobufjs' BufferReader with a stricter, faster `string()`: protobufjs cuts a string that runs past the
 * end of the bytes short without an error (a truncated payload would decode to a wrong value); this one
 * throws, and reads short ASCII strings in JavaScript.
 */
class StrictReader extends protobuf.BufferReader {
  override string(): string {
    const len = this.uint32();
    const pos = this.pos;
    const end = pos + len;
    if (end > this.len) throw new RangeError(`index out of range: ${pos} + ${len} > ${this.len}`);
    this.pos = end;
    return readString(this.buf as NodeBuffer, pos, len);
  }
}

export class ProtobufDeserializer<T = protobuf.Message> extends Deserializer<T, ProtobufReader> {
  private readonly options: ProtobufDeserializerOptions;
  private readonly reusedReader = new StrictReader(Buffer.alloc(0));
  private readerView: Promise<ProtobufSchemaView | protobuf.Type> | undefined;

  constructor(client: RegistryClient, options: ProtobufDeserializerOptions = {}) {
    super(client, 'PROTOBUF', options);
    this.options = options;
  }

  private readerSchema(): Promise<ProtobufSchemaView | protobuf.Type> {
    this.readerView ??= (async () => {
      const input = this.options.readerSchema!;
      if (input instanceof protobuf.Type) return input;
      const info = protoSchemaInfo(input);
      let refs: ResolvedReference[];
      try {
        refs = await this.client.resolveReferences(info.references);
      } catch (e) {
        throw registryFailure(DeserializationError, 'cannot fetch the references of the reader schema', e);
      }
      try {
        return protobufSchema(info, refs, { keepCase: this.options.keepCase ?? false });
      } catch (e) {
        throw new DeserializationError(`invalid reader schema: ${describe(e)}`, { cause: e });
      }
    })();
    this.readerView.catch(() => {
      this.readerView = undefined;
    });
    return this.readerView;
  }

  protected async compile(id: number, writer: SchemaInfo, references: ResolvedReference[]): Promise<ProtobufReader> {
    const view = protobufSchema(writer, references, { keepCase: this.options.keepCase ?? false });
    const reader = this.options.readerSchema === undefined ? undefined : await this.readerSchema();
    const map = (t: protobuf.Type): protobuf.Type => {
      if (reader === undefined) return t;
      if (reader instanceof protobuf.Type) return reader;
      const name = this.options.readerMessageType ?? stripDot(t.fullName);
      const found = reader.messages.find((m) => m.fullName === stripDot(name));
      if (found) return found.type;
      try {
        return reader.root.lookupType(stripDot(name));
      } catch {
        throw new DeserializationError(`the reader schema has no message ${stripDot(name)} to read schema id ${id} with`);
      }
    };
    const byPath = new Map<string, protobuf.Type>();
    for (const m of view.messages) {
      // Reader types are looked up lazily per path below; only the writer's own ones are known up front.
      if (reader === undefined) byPath.set(m.indexes.join('.'), m.type);
    }
    let first: protobuf.Type | undefined;
    if (this.options.legacyKafkajsProtobuf) {
      first = map(pickType(view, this.options.messageType, `schema id ${id}`));
    } else if (view.messages[0]) {
      first = map(view.messages[0].type);
    }
    if (reader !== undefined) for (const m of view.messages) byPath.set(m.indexes.join('.'), map(m.type));
    return { id, view, first, byPath };
  }

  protected decode(reader: ProtobufReader, bytes: Buffer, schemaId: number): T {
    let offset = HEADER_SIZE;
    let type: protobuf.Type | undefined;
    if (this.options.legacyKafkajsProtobuf) {
      if (bytes[offset] === 0) offset++;
      type = reader.first;
    } else if (bytes[offset] === 0) {
      // `[0]`, the common case: no array to allocate.
      offset++;
      type = reader.first;
    } else {
      const read = readMessageIndexes(bytes, offset);
      offset = read.offset;
      type = reader.byPath.get(read.indexes.join('.'));
      if (type === undefined) {
        throw new WireFormatError(
          `Protobuf message indexes [${read.indexes.join(', ')}] do not name a message of writer schema id ${schemaId} (it declares ${
            reader.view.messages.map((m) => `${m.fullName} [${m.indexes.join(', ')}]`).join(', ') || 'none'
          })`,
          'message-indexes',
        );
      }
    }
    if (type === undefined) {
      if (bytes.length <= HEADER_SIZE && !this.options.legacyKafkajsProtobuf) {
        throw new WireFormatError('Protobuf message indexes are absent or malformed: there is no byte after the schema id', 'message-indexes');
      }
      throw new DeserializationError(`writer schema id ${schemaId} declares no message type`);
    }
    const r = this.reusedReader;
    r.buf = bytes;
    r.pos = offset;
    r.len = bytes.length;
    try {
      return type.decode(r) as T;
    } catch (e) {
      throw new DeserializationError(
        `the payload does not match the Protobuf message ${stripDot(type.fullName)} of writer schema id ${schemaId}: ${describe(e)}`,
        { cause: e },
      );
    } finally {
      r.buf = EMPTY;
      r.len = 0;
    }
  }
}

const EMPTY = Buffer.alloc(0);
