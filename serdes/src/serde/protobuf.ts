/**
 * Protobuf serializer and deserializer (protobufjs), in Confluent's wire format: magic byte, schema id,
 * message-index array (the path of the message type in the .proto file), payload. Schemas are parsed by
 * the Protobuf format module; its ProtobufSchema gives the protobufjs Root and the message indexes
 * (Confluent's rules: map entries are not messages).
 *
 * Imports: built-ins (google/protobuf, google/type, confluent) need nothing. Others come as registered
 * `references` of the schema, or as texts (`dependencies`), which the serializer registers under their
 * import paths before the schema itself, as Confluent's serializers do.
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
import type { ResolvedReference, SchemaReference } from '../formats/format.js';
import { parseProtobuf, type ProtobufSchema } from '../formats/protobuf/index.js';
import type { RegistryClient, SchemaInfo } from '../client/client.js';
import { HEADER_SIZE, readMessageIndexes } from '../wire.js';
import { readString, type NodeBuffer } from './avsc-internal.js';
import { DeserializationError, SerializationError, WireFormatError } from './errors.js';
import { onceUntilFailure } from './cache.js';
import { compileProtobufDecoder } from './protobuf-decoder.js';
import { DirectWriter } from './protobuf-writer.js';
import { Deserializer, Serializer, describe, registryFailure, typedSchemaInfo } from './serde.js';
import type { Compiled, DeserializerOptions, SerializerOptions, TopicWriter } from './serde.js';
import type { RuleFormat } from '../rules/support.js';
import { transformProtobuf } from '../rules/protobuf-fields.js';

/**
 * Field rules on protobufjs messages: each message walked with its own type (`$type`, else the schema's
 * first message), fields named by their .proto names, tags from `(confluent.field_meta).tags`.
 */
function protobufRuleFormat(keepCase: boolean): RuleFormat {
  return {
    recordName: (info, refs) => parse(info, refs).messageTypes()[0],
    fieldTransformer(info, refs) {
      const schema = parse(info, refs);
      const root = schema.protobufRoot({ keepCase });
      const original = schema.protobufRoot({ keepCase: true });
      const protoNames = (t: protobuf.Type): readonly string[] => original.lookupType(stripDot(t.fullName)).fieldsArray.map((f) => f.name);
      const first = schema.messageTypes()[0];
      return async (ctx, transform, msg) => {
        if (msg === null || typeof msg !== 'object') return msg;
        const own = (msg as { $type?: unknown }).$type;
        const type = own instanceof protobuf.Type ? root.lookupType(stripDot(own.fullName)) : first === undefined ? undefined : root.lookupType(first);
        return type === undefined ? msg : transformProtobuf(ctx, type, msg as Record<string, unknown>, transform, protoNames);
      };
    },
    inlineTags: () => null,
  };
}

/** Where the payload starts: after the schema id and the message-index array. */
function protobufPayloadOffset(bytes: Buffer): number {
  return bytes[HEADER_SIZE] === 0 ? HEADER_SIZE + 1 : readMessageIndexes(bytes, HEADER_SIZE).offset;
}

export type ProtobufSchemaInput = string | SchemaInfo;

export interface ProtobufParseOptions {
  /** Keep the .proto field names instead of protobufjs' camelCase (default false). */
  keepCase?: boolean;
}

/**
 * The text of a file a Protobuf schema imports, with its own imports: what a serializer needs to parse
 * the schema and auto-register its imports without a registry holding them yet.
 */
export interface ProtobufImportSource {
  /** The import path, as in `import "acme/money.proto";` (Confluent's reference name and auto-registration subject). */
  name: string;
  /** Its .proto text (or base64 FileDescriptorProto). */
  schema: string;
  /** The files it imports in turn (built-ins need not be given). */
  dependencies?: readonly ProtobufImportSource[];
}

/** Import sources as the references a schema is parsed with (subject: the import path; version unknown, 0). */
export function importSourceReferences(sources: readonly ProtobufImportSource[]): ResolvedReference[] {
  return sources.map((d) => ({
    name: d.name,
    subject: d.name,
    version: 0,
    schemaType: 'PROTOBUF' as const,
    schema: d.schema,
    references: importSourceReferences(d.dependencies ?? []),
  }));
}

function protoSchemaInfo(input: ProtobufSchemaInput): SchemaInfo {
  if (typeof input === 'string') return { schema: input, schemaType: 'PROTOBUF' };
  if (typeof input === 'object' && input !== null && typeof input.schema === 'string') return typedSchemaInfo(input, 'PROTOBUF');
  throw new TypeError('a Protobuf schema must be .proto text or { schema, references }');
}

function stripDot(name: string): string {
  return name.startsWith('.') ? name.slice(1) : name;
}

/** Parses with the Protobuf format module (imports from the references or built in: google/protobuf, google/type, confluent). */
function parse(info: SchemaInfo, references: readonly ResolvedReference[]): ProtobufSchema {
  return parseProtobuf(info.schema, references, { validate: false });
}

/** `name (indexes)` of every message of a schema, for error messages. */
function declaredMessages(schema: ProtobufSchema, withIndexes: boolean): string {
  return schema.allMessageTypes().map((m) => (withIndexes ? `${m.fullName} [${m.indexes.join(', ')}]` : m.fullName)).join(', ') || 'none';
}

/** The full name of `messageType` (default: the first message) if the schema declares it. */
function pickMessage(schema: ProtobufSchema, messageType: string | undefined, what: string): string {
  if (messageType === undefined) {
    const first = schema.messageTypes()[0];
    if (first === undefined) throw new Error(`${what} declares no message type`);
    return first;
  }
  const name = stripDot(messageType);
  if (schema.allMessageTypes().some((m) => m.fullName === name)) return name;
  throw new Error(`${what} has no message ${name} (it declares ${declaredMessages(schema, false)})`);
}

/**
 * Registers (or, with `autoRegister: false`, looks up) every file the schema imports under the subject
 * named by its import path, as Confluent's serializers do: imports before importers, each with the
 * references to its own imports. Built-ins are never registered. Answers the references of the schema.
 */
async function registerImports(client: RegistryClient, schema: ProtobufSchema, options: { autoRegister: boolean; normalize: boolean }): Promise<SchemaReference[]> {
  const registered = new Map<string, SchemaReference>();
  const referencesOf = (s: ProtobufSchema): SchemaReference[] => s.importPaths().flatMap((p) => registered.get(p) ?? []);
  for (const dep of schema.dependencies()) {
    if (dep.builtin) continue;
    const subject = dep.importPath;
    const info: SchemaInfo = { schema: dep.schema.source, schemaType: 'PROTOBUF' };
    const references = referencesOf(dep.schema);
    if (references.length > 0) info.references = references;
    const normalize = options.normalize;
    let version: number;
    try {
      const registeredVersion = options.autoRegister ? (await client.register(subject, info, { normalize })).version : undefined;
      version = registeredVersion ?? (await client.lookupSchema(subject, info, { normalize })).version;
    } catch (e) {
      throw registryFailure(
        SerializationError,
        `cannot ${options.autoRegister ? 'register' : 'find'} the imported file ${JSON.stringify(subject)} under subject ${JSON.stringify(subject)}`,
        e,
      );
    }
    registered.set(subject, { name: subject, subject, version });
  }
  return referencesOf(schema);
}

export interface ProtobufCompiled extends Compiled {
  readonly schema: ProtobufSchema;
  readonly type: protobuf.Type;
  readonly indexes: readonly number[];
  /** 0x00 + 4 id bytes are written per message; this is the index array as varints to append. */
  readonly indexVarints: readonly number[];
}

export interface ProtobufSerializerOptions extends SerializerOptions, ProtobufParseOptions {
  /**
   * The .proto text, with `references` for imports registered already, or `dependencies` for imports to
   * register. Optional with useLatestVersion/useSchemaId/useVersion.
   */
  schema?: ProtobufSchemaInput;
  /**
   * The texts of the files `schema` imports (built-ins `google/protobuf/*`, `google/type/*`, `confluent/*`
   * excepted), when `schema` has no `references`. Before registering (or, with `autoRegister: false`,
   * looking up) `schema`, each is registered (looked up) under the subject named by its import path,
   * imports first, with the references to its own imports, and `schema` gets the references to them, as
   * Confluent's serializers do.
   */
  dependencies?: readonly ProtobufImportSource[];
  /** Full name of the message type to write (e.g. `acme.Order.Line`); default: the file's first message. */
  messageType?: string;
  /** Check values with `Type.verify` before encoding (default true). */
  verify?: boolean;
}

export class ProtobufSerializer<T extends object = Record<string, unknown>> extends Serializer<T, ProtobufCompiled> {
  private readonly messageType: string | undefined;
  private readonly keepCase: boolean;
  private readonly verify: boolean;
  private readonly dependencies: readonly ProtobufImportSource[];
  private importReferences: Promise<SchemaReference[]> | undefined;
  /** Reused for every message: encoding is synchronous, so one writer per serializer is enough. */
  private readonly writer = new DirectWriter();

  constructor(client: RegistryClient, options: ProtobufSerializerOptions) {
    super(client, 'PROTOBUF', options.schema === undefined ? undefined : protoSchemaInfo(options.schema), options);
    this.messageType = options.messageType;
    this.keepCase = options.keepCase ?? false;
    this.verify = options.verify ?? true;
    this.dependencies = options.dependencies ?? [];
  }

  /** Whether the caller's imports come as texts (to register) rather than as registered references. */
  private get embedsImports(): boolean {
    return this.dependencies.length > 0 && !this.schemaInfo?.references?.length;
  }

  protected override localReferences(info: SchemaInfo): Promise<ResolvedReference[]> {
    return this.embedsImports ? Promise.resolve(importSourceReferences(this.dependencies)) : super.localReferences(info);
  }

  /** The auto-register (or lookup) path: the imports given as texts are registered first. */
  protected override async schemaToRegister(info: SchemaInfo, local: ProtobufCompiled, options: { autoRegister: boolean; normalize: boolean }): Promise<SchemaInfo> {
    if (!this.embedsImports) return info;
    this.importReferences ??= registerImports(this.client, local.schema, options);
    this.importReferences.catch(() => {
      this.importReferences = undefined;
    });
    const references = await this.importReferences;
    return references.length > 0 ? { ...info, references } : info;
  }

  ruleFormat(): RuleFormat {
    return protobufRuleFormat(this.keepCase);
  }

  protected override payloadOffset(bytes: Buffer): number {
    return protobufPayloadOffset(bytes);
  }

  protected compile(info: SchemaInfo, references: ResolvedReference[], fromRegistry: boolean): ProtobufCompiled {
    const schema = parse(info, references);
    const name = pickMessage(schema, this.messageType, fromRegistry ? 'the registered schema' : 'the schema');
    const type = schema.protobufRoot({ keepCase: this.keepCase }).lookupType(name);
    const indexes = schema.messageIndexes(name);
    const indexVarints = indexes.length === 1 && indexes[0] === 0 ? [0] : [indexes.length, ...indexes];
    return { schema, type, indexes, indexVarints, recordName: name };
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
    const w = this.writer.begin().header(entry.schemaId);
    if (indexVarints.length === 1) w.uint32(0);
    else for (const n of indexVarints) w.sint32(n);
    try {
      type.encode(value as protobuf.Message, w.asProtobufWriter());
    } catch (e) {
      throw new SerializationError(`cannot encode the value as ${stripDot(type.fullName)}: ${describe(e)}`, { cause: e });
    }
    return w.finish();
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

/** A message type to decode with, and its compiled decoder where it has one (else protobufjs decodes). */
interface Decoding {
  readonly type: protobuf.Type;
  readonly decode: ((buf: Buffer, offset: number) => protobuf.Message) | undefined;
}

const decodings = new WeakMap<protobuf.Type, Decoding>();

function decodingOf(type: protobuf.Type): Decoding {
  let d = decodings.get(type);
  if (d === undefined) {
    d = { type, decode: compileProtobufDecoder(type) };
    decodings.set(type, d);
  }
  return d;
}

interface ProtobufReader {
  readonly id: number;
  readonly schema: ProtobufSchema;
  /** The type for `[0]` and for legacy bytes. */
  readonly first: Decoding | undefined;
  readonly byPath: Map<string, Decoding>;
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
  /** The reader schema's protobufjs Root (or the reader Type given). */
  private readonly readerSchema = onceUntilFailure(async (): Promise<protobuf.Root | protobuf.Type> => {
    const input = this.options.readerSchema!;
    if (input instanceof protobuf.Type) return input;
    return this.compileReaderSchema(protoSchemaInfo(input), (info, refs) => parse(info, refs).protobufRoot({ keepCase: this.options.keepCase ?? false }));
  });

  constructor(client: RegistryClient, options: ProtobufDeserializerOptions = {}) {
    super(client, 'PROTOBUF', options);
    this.options = options;
  }

  ruleFormat(): RuleFormat {
    return protobufRuleFormat(this.options.keepCase ?? false);
  }

  protected override payloadOffset(bytes: Buffer): number {
    return protobufPayloadOffset(bytes);
  }

  protected async compile(id: number, writer: SchemaInfo, references: ResolvedReference[]): Promise<ProtobufReader> {
    const schema = parse(writer, references);
    const root = schema.protobufRoot({ keepCase: this.options.keepCase ?? false });
    const reader = this.options.readerSchema === undefined ? undefined : await this.readerSchema();
    /** The type that decodes the writer's message `name`: the writer's own, or the reader schema's. */
    const typeFor = (name: string): protobuf.Type => {
      if (reader === undefined) return root.lookupType(name);
      if (reader instanceof protobuf.Type) return reader;
      const readerName = stripDot(this.options.readerMessageType ?? name);
      try {
        return reader.lookupType(readerName);
      } catch {
        throw new DeserializationError(`the reader schema has no message ${readerName} to read schema id ${id} with`);
      }
    };
    const byPath = new Map(schema.allMessageTypes().map((m) => [m.indexes.join('.'), decodingOf(typeFor(m.fullName))]));
    const firstName = this.options.legacyKafkajsProtobuf ? pickMessage(schema, this.options.messageType, `schema id ${id}`) : schema.messageTypes()[0];
    return { id, schema, first: firstName === undefined ? undefined : decodingOf(typeFor(firstName)), byPath };
  }

  protected decode(reader: ProtobufReader, bytes: Buffer, schemaId: number): T {
    let offset = HEADER_SIZE;
    let decoding: Decoding | undefined;
    if (this.options.legacyKafkajsProtobuf) {
      if (bytes[offset] === 0) offset++;
      decoding = reader.first;
    } else if (bytes[offset] === 0) {
      // `[0]`, the common case: no array to allocate.
      offset++;
      decoding = reader.first;
    } else {
      const read = readMessageIndexes(bytes, offset);
      offset = read.offset;
      decoding = reader.byPath.get(read.indexes.join('.'));
      if (decoding === undefined) {
        throw new WireFormatError(
          `Protobuf message indexes [${read.indexes.join(', ')}] do not name a message of writer schema id ${schemaId} (it declares ${declaredMessages(reader.schema, true)})`,
          'message-indexes',
        );
      }
    }
    if (decoding === undefined) {
      if (bytes.length <= HEADER_SIZE && !this.options.legacyKafkajsProtobuf) {
        throw new WireFormatError('Protobuf message indexes are absent or malformed: there is no byte after the schema id', 'message-indexes');
      }
      throw new DeserializationError(`writer schema id ${schemaId} declares no message type`);
    }
    const { type, decode } = decoding;
    if (decode !== undefined) {
      try {
        return decode(bytes, offset) as T;
      } catch (e) {
        throw this.payloadError(type, schemaId, e);
      }
    }
    const r = this.reusedReader;
    r.buf = bytes;
    r.pos = offset;
    r.len = bytes.length;
    try {
      return type.decode(r) as T;
    } catch (e) {
      throw this.payloadError(type, schemaId, e);
    } finally {
      r.buf = EMPTY;
      r.len = 0;
    }
  }

  private payloadError(type: protobuf.Type, schemaId: number, cause: unknown): DeserializationError {
    return new DeserializationError(
      `the payload does not match the Protobuf message ${stripDot(type.fullName)} of writer schema id ${schemaId}: ${describe(cause)}`,
      { cause },
    );
  }
}

const EMPTY = Buffer.alloc(0);
