/**
 * JSON Schema serializer and deserializer, in Confluent's wire format (0x00, schema id, UTF-8 JSON text).
 *
 * The serializer validates every value against the schema with ajv before writing it (Confluent's JS
 * serde only does with `validate: true`; kafkajs always does), unless `validate: false`. The deserializer
 * returns the parsed JSON as is; with `validate: true` it checks it against the reader schema if one is
 * given, else against the writer schema.
 */
import AjvModule from 'ajv';
import Ajv2019Module from 'ajv/dist/2019.js';
import Ajv2020Module from 'ajv/dist/2020.js';
import AjvDraft04Module from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { ResolvedReference } from '../formats/format.js';
import { jsonSchemaFormat } from '../formats/jsonschema/index.js';
import type { RegistryClient, SchemaInfo } from '../client/client.js';
import { HEADER_SIZE, writeHeader } from '../wire.js';
import { DeserializationError, SerializationError } from './errors.js';
import { onceUntilFailure } from './cache.js';
import { Deserializer, Serializer, describe, flattenReferences, typedSchemaInfo, viaFormatOr } from './serde.js';
import type { Compiled, DeserializerOptions, SerializerOptions, TopicWriter } from './serde.js';
import type { RuleFormat } from '../rules/support.js';
import { JsonSchemaTree, transformJson } from '../rules/json-fields.js';

/** Field rules on JSON values: the schema walked as Confluent's client walks it; `confluent:tags` on property schemas. */
export const jsonRuleFormat: RuleFormat = {
  recordName(info) {
    const schema = JSON.parse(info.schema) as { title?: unknown };
    return typeof schema === 'object' && schema !== null && typeof schema.title === 'string' ? schema.title : undefined;
  },
  fieldTransformer(info, refs) {
    const tree = new JsonSchemaTree(JSON.parse(info.schema) as Record<string, unknown>, flattenReferences(refs));
    return (ctx, transform, msg) => transformJson(ctx, tree, tree.root, '$', msg, transform);
  },
  inlineTags: () => null,
};

/** A JSON Schema: JSON text, a schema object, or a registry SchemaInfo (with references). */
export type JsonSchemaInput = string | object | SchemaInfo;

function isSchemaInfo(x: unknown): x is SchemaInfo {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as SchemaInfo).schema === 'string' &&
    !('type' in x) &&
    !('$schema' in x) &&
    !('properties' in x)
  );
}

export function jsonSchemaInfo(input: JsonSchemaInput): SchemaInfo {
  if (typeof input === 'string') return { schema: input, schemaType: 'JSON' };
  if (isSchemaInfo(input)) return typedSchemaInfo(input, 'JSON');
  if (typeof input === 'object' && input !== null) return { schema: JSON.stringify(input), schemaType: 'JSON' };
  throw new TypeError('a JSON Schema must be JSON text, a schema object or { schema, references }');
}

export interface JsonCompiled extends Compiled {
  readonly validate: ValidateFunction;
  readonly label: string;
}

const Ajv = AjvModule.default;
const Ajv2019 = Ajv2019Module.default;
const Ajv2020 = Ajv2020Module.default;
const AjvDraft04 = AjvDraft04Module.default;
const addFormats = addFormatsModule.default;

/** A validator built with ajv directly (used when the JSON Schema format module does not provide one). */
function localValidator(schema: unknown, references: readonly ResolvedReference[]): ValidateFunction {
  const $schema = typeof schema === 'object' && schema !== null ? String((schema as { $schema?: unknown }).$schema ?? '') : '';
  const opts = { strict: false, logger: false as const, validateSchema: false };
  const ajv = $schema.includes('draft-04')
    ? new AjvDraft04(opts)
    : $schema.includes('2020-12')
      ? new Ajv2020(opts)
      : $schema.includes('2019-09')
        ? new Ajv2019(opts)
        : new Ajv(opts);
  addFormats(ajv as never);
  for (const ref of flattenReferences(references)) {
    try {
      ajv.addSchema(JSON.parse(ref.schema) as object, ref.name);
    } catch {
      // The same schema under its $id already: the first registration stands.
    }
  }
  return ajv.compile(schema as object);
}

/** Compiles a JSON schema: through the JSON Schema format module when it offers a validator, else with ajv. */
export function jsonValidator(info: SchemaInfo, references: readonly ResolvedReference[]): JsonCompiled {
  return viaFormatOr(
    () => {
      const parsed = jsonSchemaFormat.parse(info.schema, references, { validate: false }) as unknown as {
        validator?: () => ValidateFunction;
        recordName(): string | undefined;
      };
      if (typeof parsed.validator !== 'function') return undefined;
      const recordName = parsed.recordName();
      return { validate: parsed.validator(), recordName, label: recordName ?? 'schema' };
    },
    () => {
      const schema = JSON.parse(info.schema) as unknown;
      const title = typeof schema === 'object' && schema !== null ? (schema as { title?: unknown }).title : undefined;
      const recordName = typeof title === 'string' ? title : undefined;
      return { validate: localValidator(schema, references), recordName, label: recordName ?? 'schema' };
    },
  );
}

function errorsText(errors: readonly ErrorObject[] | null | undefined): string {
  if (!errors || errors.length === 0) return 'does not match';
  return errors
    .slice(0, 5)
    .map((e) => `${e.instancePath === '' ? '/' : e.instancePath} ${e.message ?? `fails ${e.keyword}`}`)
    .join('; ');
}

export interface JsonSerializerOptions extends SerializerOptions {
  /** The schema to write with. Optional with useLatestVersion/useSchemaId/useVersion. */
  schema?: JsonSchemaInput;
  /** Validate values before writing (default true). */
  validate?: boolean;
}

export class JsonSerializer<T = unknown> extends Serializer<T, JsonCompiled> {
  private readonly validateValues: boolean;

  constructor(client: RegistryClient, options: JsonSerializerOptions) {
    super(client, 'JSON', options.schema === undefined ? undefined : jsonSchemaInfo(options.schema), options);
    this.validateValues = options.validate ?? true;
  }

  ruleFormat(): RuleFormat {
    return jsonRuleFormat;
  }

  protected compile(info: SchemaInfo, references: ResolvedReference[]): JsonCompiled {
    return jsonValidator(info, references);
  }

  protected encode(entry: TopicWriter<JsonCompiled>, value: T): Buffer {
    const w = entry.writer;
    if (this.validateValues && !w.validate(value)) {
      throw new SerializationError(
        `value does not match the JSON schema ${w.label} (schema id ${entry.schemaId}, subject ${JSON.stringify(entry.subject)}): ${errorsText(w.validate.errors)}`,
      );
    }
    let text: string | undefined;
    try {
      text = JSON.stringify(value);
    } catch (e) {
      throw new SerializationError(`value cannot be written as JSON: ${describe(e)}`, { cause: e });
    }
    if (text === undefined) throw new SerializationError(`value cannot be written as JSON (${typeof value})`);
    const len = Buffer.byteLength(text, 'utf8');
    const out = Buffer.allocUnsafe(HEADER_SIZE + len);
    writeHeader(out, 0, entry.schemaId);
    out.write(text, HEADER_SIZE, len, 'utf8');
    return out;
  }
}

export interface JsonDeserializerOptions extends DeserializerOptions {
  /** Validate decoded values (default false): against `readerSchema` if given, else the writer schema. */
  validate?: boolean;
  /** The schema consumers expect; only used for validation (values are returned as written). */
  readerSchema?: JsonSchemaInput;
}

interface JsonReader {
  readonly validate: ValidateFunction | undefined;
  readonly label: string;
}

export class JsonDeserializer<T = unknown> extends Deserializer<T, JsonReader> {
  private readonly validateValues: boolean;
  private readonly readerInfo: SchemaInfo | undefined;
  private readonly readerSchema = onceUntilFailure(() => this.compileReaderSchema(this.readerInfo!, jsonValidator));

  constructor(client: RegistryClient, options: JsonDeserializerOptions = {}) {
    super(client, 'JSON', options);
    this.validateValues = options.validate ?? false;
    this.readerInfo = options.readerSchema === undefined ? undefined : jsonSchemaInfo(options.readerSchema);
  }

  ruleFormat(): RuleFormat {
    return jsonRuleFormat;
  }

  protected async compile(id: number, writer: SchemaInfo, references: ResolvedReference[]): Promise<JsonReader> {
    if (!this.validateValues) return { validate: undefined, label: `schema id ${id}` };
    if (this.readerInfo !== undefined) {
      const r = await this.readerSchema();
      return { validate: r.validate, label: `reader schema ${r.label}` };
    }
    const w = jsonValidator(writer, references);
    return { validate: w.validate, label: `writer schema ${w.label} (schema id ${id})` };
  }

  protected decode(reader: JsonReader, bytes: Buffer, schemaId: number): T {
    let value: unknown;
    try {
      value = JSON.parse(bytes.toString('utf8', HEADER_SIZE));
    } catch (e) {
      throw new DeserializationError(`the payload of a message with schema id ${schemaId} is not valid JSON: ${describe(e)}`, { cause: e });
    }
    if (reader.validate !== undefined && !reader.validate(value)) {
      throw new DeserializationError(`the value does not match the ${reader.label}: ${errorsText(reader.validate.errors)}`);
    }
    return value as T;
  }
}
