/**
 * Avro serializer and deserializer (avsc), in Confluent's wire format.
 *
 * Values are what avsc reads and writes with its default options: records as objects (decoded records
 * are instances of avsc's generated record class), `long` as a JS number (values beyond 2^53 are rejected
 * by avsc rather than rounded), `bytes`/`fixed` as Buffers, enums as strings, unions unwrapped when avsc
 * can tell the branches apart (`["null","string"]` → `null | string`) and wrapped (`{ string: "x" }`)
 * otherwise.
 *
 * Speed: values are written by an encoder compiled per schema (avro-encoder.ts) into a reused scratch
 * buffer, then copied into one exact-size Buffer per message (from Node's pool); bytes are read in place,
 * from offset 5, by a decoder compiled per writer schema (avro-decoder.ts). Both accept and build exactly
 * what avsc does; with a reader schema, avsc's resolver reads (through a bounds-checked Tap).
 */
import avsc from 'avsc';
import type { ResolvedReference } from '../formats/format.js';
// The Avro format module only: the formats index would load every format (ajv, protobufjs) for Avro users.
import { avroFormat } from '../formats/avro/index.js';
import type { RegistryClient, SchemaInfo } from '../client/client.js';
import { HEADER_SIZE, writeHeader } from '../wire.js';
import { compileAvroDecoder, type CompiledAvroDecoder } from './avro-decoder.js';
import { compileAvroEncoder, type CompiledAvroEncoder, type EncodeState } from './avro-encoder.js';
import { PastEndError, ReadTap, type AvscResolverInternal, type AvscTap, type AvscTypeInternal, type NodeBuffer } from './avsc-internal.js';
import { DeserializationError, SerializationError } from './errors.js';
import { onceUntilFailure } from './cache.js';
import { Deserializer, Serializer, describe, flattenReferences, typedSchemaInfo, viaFormatOr } from './serde.js';
import type { Compiled, DeserializerOptions, SerializerOptions, TopicWriter } from './serde.js';
import type { RuleSchema } from '../rules/context.js';
import type { RuleFormat } from '../rules/support.js';
import { avroInlineTags, transformAvro } from '../rules/avro-fields.js';

/** Field rules on Avro records: avsc types walked as Confluent's client walks them; `confluent:tags` inline. */
export const avroRuleFormat: RuleFormat = {
  recordName: (info, refs) => avroType(info, refs).recordName,
  fieldTransformer(info, refs) {
    const { type } = avroType(info, refs);
    return async (ctx, transform, msg) => transformAvro(ctx, type as never, msg, transform);
  },
  inlineTags: (info, refs) => avroInlineTags([info.schema, ...flattenReferences(refs).map((r) => r.schema)]),
};

/** An Avro schema: JSON text, a parsed schema object, an avsc Type, or a registry SchemaInfo (for references). */
export type AvroSchemaInput = string | object | avsc.Type | SchemaInfo;

function isSchemaInfo(x: unknown): x is SchemaInfo {
  return typeof x === 'object' && x !== null && typeof (x as SchemaInfo).schema === 'string' && !('type' in x);
}

/** Normalizes the accepted inputs to a SchemaInfo with schemaType AVRO. */
export function avroSchemaInfo(input: AvroSchemaInput): SchemaInfo {
  if (typeof input === 'string') return { schema: input, schemaType: 'AVRO' };
  if (avsc.Type.isType(input)) return { schema: JSON.stringify((input as avsc.Type).schema()), schemaType: 'AVRO' };
  if (isSchemaInfo(input)) return typedSchemaInfo(input, 'AVRO');
  if (typeof input === 'object' && input !== null) return { schema: JSON.stringify(input), schemaType: 'AVRO' };
  throw new TypeError('an Avro schema must be JSON text, a schema object, an avsc Type or { schema, references }');
}

export interface AvroCompiled extends Compiled {
  readonly type: AvscTypeInternal;
  /** Compiled on first use (deserializers never need it). */
  encoder?: CompiledAvroEncoder;
  /** Full name of the top-level record/enum/fixed, for messages. */
  readonly label: string;
}

/**
 * The avsc Type for a schema and its resolved references: through the Avro format module (Avro-Java's
 * name resolution) when it is available, else straight from avsc with the references' named types
 * registered first.
 */
export function avroType(info: SchemaInfo, references: readonly ResolvedReference[]): { type: AvscTypeInternal; recordName: string | undefined } {
  return viaFormatOr(
    () => {
      const parsed = avroFormat.parse(info.schema, references, { validate: false }) as unknown as {
        avscType?: () => avsc.Type;
        recordName(): string | undefined;
      };
      return typeof parsed.avscType === 'function' ? { type: parsed.avscType() as AvscTypeInternal, recordName: parsed.recordName() } : undefined;
    },
    () => {
      const registry: Record<string, avsc.Type> = {};
      for (const ref of flattenReferences(references)) avsc.Type.forSchema(JSON.parse(ref.schema) as avsc.Schema, { registry });
      const type = avsc.Type.forSchema(JSON.parse(info.schema) as avsc.Schema, { registry }) as AvscTypeInternal;
      return { type, recordName: (type as { name?: string }).name };
    },
  );
}

function compileAvro(info: SchemaInfo, references: readonly ResolvedReference[]): AvroCompiled {
  const { type, recordName } = avroType(info, references);
  return { type, recordName, label: recordName ?? (type as { typeName?: string }).typeName ?? 'schema' };
}

/** Where a value does not match, as `path: got … , expected …` lines (first few only). */
function invalidPaths(type: avsc.Type, value: unknown): string[] {
  const out: string[] = [];
  try {
    type.isValid(value, {
      errorHook(path: string[], got: unknown, t: avsc.Type) {
        if (out.length >= 5) return;
        let shown: string;
        try {
          shown = got === undefined ? 'undefined' : (JSON.stringify(got) ?? String(got));
        } catch {
          shown = String(got);
        }
        if (shown.length > 60) shown = `${shown.slice(0, 57)}...`;
        const expected = (t as { name?: string }).name ?? (t as { typeName?: string }).typeName;
        out.push(`${path.length ? path.join('.') : '(top level)'}: ${shown} is not a valid ${expected}`);
      },
    });
  } catch {
    // isValid itself failed on an exotic value; the caller reports avsc's own message.
  }
  return out;
}

const SCRATCH_SIZE = 16 * 1024;
/** A scratch buffer that grew beyond this is not kept for the next message. */
const MAX_SCRATCH = 1024 * 1024;

export interface AvroSerializerOptions extends SerializerOptions {
  /** The schema to write with (registered or looked up). Optional with useLatestVersion/useSchemaId/useVersion. */
  schema?: AvroSchemaInput;
}

export class AvroSerializer<T = unknown> extends Serializer<T, AvroCompiled> {
  private scratch: NodeBuffer = Buffer.allocUnsafeSlow(SCRATCH_SIZE) as NodeBuffer;
  private readonly state: EncodeState = { buf: this.scratch, pos: 0 };

  constructor(client: RegistryClient, options: AvroSerializerOptions) {
    super(client, 'AVRO', options.schema === undefined ? undefined : avroSchemaInfo(options.schema), options);
  }

  ruleFormat(): RuleFormat {
    return avroRuleFormat;
  }

  protected compile(info: SchemaInfo, references: ResolvedReference[]): AvroCompiled {
    const compiled = compileAvro(info, references);
    compiled.encoder = compileAvroEncoder(compiled.type);
    return compiled;
  }

  /**
   * Writes the value with the compiled encoder into the reused scratch buffer (after room for the header),
   * then copies header and payload into one Buffer of the exact size (from Node's pool for small ones).
   */
  protected encode(entry: TopicWriter<AvroCompiled>, value: T): Buffer {
    const st = this.state;
    st.buf = this.scratch;
    st.pos = HEADER_SIZE;
    try {
      entry.writer.encoder!(st, value);
    } catch (e) {
      throw this.invalid(entry, value, e);
    }
    const buf = st.buf;
    if (buf !== this.scratch) {
      // It grew: keep the bigger buffer unless it is huge (then let it go after this message).
      if (buf.length <= MAX_SCRATCH) this.scratch = buf;
      st.buf = this.scratch;
    }
    const end = st.pos;
    const out = Buffer.allocUnsafe(end);
    writeHeader(out, 0, entry.schemaId);
    buf.copy(out, HEADER_SIZE, HEADER_SIZE, end);
    return out;
  }

  private invalid(entry: TopicWriter<AvroCompiled>, value: unknown, e: unknown): SerializationError {
    const paths = invalidPaths(entry.writer.type, value);
    const detail = paths.length > 0 ? paths.join('; ') : describe(e);
    return new SerializationError(
      `value does not match the Avro schema ${entry.writer.label} (schema id ${entry.schemaId}, subject ${JSON.stringify(entry.subject)}): ${detail}`,
      { cause: e },
    );
  }
}

export interface AvroDeserializerOptions extends DeserializerOptions {
  /**
   * Read every message as this schema (schema evolution): avsc's resolver from the writer schema to this
   * one, built once per writer schema id. Without it, values come out as the writer schema has them.
   */
  readerSchema?: AvroSchemaInput;
}

interface AvroReader {
  /** The compiled decoder of the writer schema (no reader schema). */
  readonly decoder: CompiledAvroDecoder | undefined;
  /** avsc's resolver from the writer schema to the reader schema. */
  readonly resolver: AvscResolverInternal | undefined;
  readonly label: string;
}

export class AvroDeserializer<T = unknown> extends Deserializer<T, AvroReader> {
  private readonly tap: AvscTap = new ReadTap(Buffer.alloc(0), 0);
  private readonly state = { pos: 0 };
  private readonly readerInfo: SchemaInfo | undefined;
  private readonly readerType = onceUntilFailure(() => this.compileReaderSchema(this.readerInfo!, compileAvro));
  private static readonly EMPTY = Buffer.alloc(0) as NodeBuffer;

  constructor(client: RegistryClient, options: AvroDeserializerOptions = {}) {
    super(client, 'AVRO', options);
    this.readerInfo = options.readerSchema === undefined ? undefined : avroSchemaInfo(options.readerSchema);
  }

  ruleFormat(): RuleFormat {
    return avroRuleFormat;
  }

  /** useLatestVersion without migrations: avsc's resolver from the writer schema to the latest one. */
  private readonly latestReaders = new Map<string, Promise<AvroReader>>();

  protected override async decodeAs(readerInfo: RuleSchema, reader: AvroReader, bytes: Buffer, schemaId: number): Promise<T> {
    const key = `${schemaId}\0${readerInfo.id ?? readerInfo.schema}`;
    let p = this.latestReaders.get(key);
    if (p === undefined) {
      p = (async () => {
        const writer = await this.client.getSchemaById(schemaId);
        const w = compileAvro({ schema: writer.schema, schemaType: 'AVRO', ...(writer.references ? { references: writer.references } : {}) }, await this.client.resolveReferences(writer.references));
        const r = compileAvro(readerInfo, await this.client.resolveReferences(readerInfo.references));
        if (r.type.equals(w.type)) return reader;
        let resolver: AvscResolverInternal;
        try {
          resolver = r.type.createResolver(w.type) as unknown as AvscResolverInternal;
        } catch (e) {
          throw new DeserializationError(`the latest schema ${r.label} cannot read data written with schema id ${schemaId} (${w.label}): ${describe(e)}`, { cause: e });
        }
        return { decoder: undefined, resolver, label: `${w.label} (schema id ${schemaId}, read as ${r.label})` };
      })();
      this.latestReaders.set(key, p);
      p.catch(() => this.latestReaders.delete(key));
    }
    return this.decode(await p, bytes, schemaId);
  }

  protected async compile(id: number, writer: SchemaInfo, references: ResolvedReference[]): Promise<AvroReader> {
    const w = compileAvro(writer, references);
    if (this.readerInfo === undefined) {
      return { decoder: compileAvroDecoder(w.type), resolver: undefined, label: `${w.label} (schema id ${id})` };
    }
    const r = await this.readerType();
    let resolver: AvscResolverInternal;
    try {
      resolver = r.type.createResolver(w.type) as unknown as AvscResolverInternal;
    } catch (e) {
      throw new DeserializationError(`the reader schema ${r.label} cannot read data written with schema id ${id} (${w.label}): ${describe(e)}`, {
        cause: e,
      });
    }
    return { decoder: undefined, resolver, label: `${w.label} (schema id ${id}, read as ${r.label})` };
  }

  protected decode(reader: AvroReader, bytes: Buffer, _schemaId: number): T {
    let value: unknown;
    let end: number;
    try {
      if (reader.decoder !== undefined) {
        const st = this.state;
        st.pos = HEADER_SIZE;
        value = reader.decoder(bytes as NodeBuffer, st);
        end = st.pos;
      } else {
        const tap = this.tap;
        tap.buf = bytes as NodeBuffer;
        tap.pos = HEADER_SIZE;
        try {
          value = reader.resolver!._read(tap);
          end = tap.pos;
        } finally {
          tap.buf = AvroDeserializer.EMPTY;
        }
      }
    } catch (e) {
      if (e instanceof PastEndError) {
        throw new DeserializationError(
          `the payload does not match the writer schema ${reader.label}: it ends too early (${bytes.length - HEADER_SIZE}-byte payload, truncated or not written with this schema)`,
          { cause: e },
        );
      }
      throw new DeserializationError(`the payload does not match the writer schema ${reader.label}: ${describe(e)}`, { cause: e });
    }
    if (end !== bytes.length) {
      const extra = bytes.length - end;
      throw new DeserializationError(
        `the payload does not match the writer schema ${reader.label}: ${extra} trailing byte${extra === 1 ? '' : 's'} after the value`,
      );
    }
    return value as T;
  }
}
