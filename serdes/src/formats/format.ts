/**
 * The one interface every schema format (Avro, Protobuf, JSON Schema) implements.
 *
 * The registry and the client tools (codegen, offline compatibility tests, serializers) both go through
 * it, so nothing here knows about HTTP, SQL or the registry's storage.
 */

export type SchemaType = 'AVRO' | 'PROTOBUF' | 'JSON';

export const SCHEMA_TYPES: readonly SchemaType[] = ['AVRO', 'PROTOBUF', 'JSON'];

/** A reference as clients send and the registry stores it: `name` is format-specific
 * (Avro: full type name; Protobuf: import path; JSON Schema: the `$ref` URL). */
export interface SchemaReference {
  name: string;
  subject: string;
  version: number;
}

/** A reference together with the schema text it points at, resolved recursively by the caller. */
export interface ResolvedReference extends SchemaReference {
  schemaType: SchemaType;
  /** The stored (canonical) text of the referenced version. */
  schema: string;
  /** That schema's own references, resolved the same way. */
  references: readonly ResolvedReference[];
}

/**
 * Bounds on what one schema may hold, so that one request cannot make a registry (or a tool) do unbounded
 * work. Each format counts what it has: fields (Avro record fields, Protobuf message fields, JSON Schema
 * `properties` of one object), branches (Avro union branches, Protobuf `oneof` members, JSON Schema
 * `anyOf`/`oneOf`/`allOf` entries), enum values (Avro symbols, Protobuf enum values, JSON `enum` entries),
 * named types (Avro named types, Protobuf messages and enums, JSON Schema subschemas under
 * `definitions`/`$defs`) and nesting depth. Checked only when parsing with `validate` (new schemas);
 * stored schemas always load.
 */
export interface SchemaLimits {
  maxFields: number;
  maxBranches: number;
  maxEnumValues: number;
  maxTypes: number;
  maxDepth: number;
}

export const DEFAULT_SCHEMA_LIMITS: Readonly<SchemaLimits> = {
  maxFields: 10_000,
  maxBranches: 10_000,
  maxEnumValues: 10_000,
  maxTypes: 10_000,
  maxDepth: 256,
};

/**
 * Thrown by a compatibility check that would need more work than its format allows (e.g. densely cyclic
 * references): the registry answers it like a limit (42209), not as a verdict.
 */
export class CheckTooComplexError extends Error {
  override readonly name: string = 'CheckTooComplexError';
}

/** Thrown when a schema exceeds a `SchemaLimits` bound; the registry answers it as an invalid schema. */
export class SchemaLimitError extends Error {
  override readonly name = 'SchemaLimitError';
  constructor(
    readonly limit: keyof SchemaLimits,
    readonly value: number,
    readonly max: number,
    where: string,
  ) {
    super(`${where} has ${value} ${LIMIT_NOUNS[limit]}, more than the limit of ${max} (${limit})`);
  }
}

const LIMIT_NOUNS: Record<keyof SchemaLimits, string> = {
  maxFields: 'fields',
  maxBranches: 'branches',
  maxEnumValues: 'enum values',
  maxTypes: 'named types',
  maxDepth: 'levels of nesting',
};

/** Throws SchemaLimitError when `value` exceeds the bound (absent `limits`: no check). */
export function checkLimit(limits: Readonly<SchemaLimits> | undefined, limit: keyof SchemaLimits, value: number, where: string): void {
  if (limits && value > limits[limit]) throw new SchemaLimitError(limit, value, limits[limit], where);
}

export interface ParseOptions {
  /**
   * Validation for schemas being registered (Avro: strict names and validated defaults, as Confluent does
   * for new schemas). Off when re-reading schemas that are already stored, which must never fail to load.
   * Default: true.
   */
  validate?: boolean;
  /** Bounds to enforce (with `validate` only); absent: none beyond the format's own recursion limit. */
  limits?: Readonly<SchemaLimits>;
}

/** Thrown by `parse` for text that is not a valid schema; the message says what is wrong and where. */
export class InvalidSchemaError extends Error {
  override readonly name = 'InvalidSchemaError';
}

export interface ParsedSchema {
  readonly schemaType: SchemaType;
  /** The string the registry stores and returns: Confluent's canonical string for this format. */
  readonly canonical: string;
  /** The references the schema was parsed with, in the order given. */
  readonly references: readonly SchemaReference[];
  /** Confluent's normalized form (`normalize=true`); `canonical` of the result is the normalized text. */
  normalize(): ParsedSchema;
  /**
   * The schema in another representation for reads with `?format=` (Protobuf: `serialized` gives the
   * base64 FileDescriptorProto). `undefined` when the format does not know that representation, in which
   * case the caller returns `canonical` (Confluent ignores unknown formats).
   */
  formatted(format: string): string | undefined;
  /** The record name used by RecordNameStrategy (Avro full name, first Protobuf message, JSON `title`). */
  recordName(): string | undefined;
}

/** One finding of a compatibility check, named so a user can find the field. */
export interface CompatibilityIssue {
  /** Confluent's kind, e.g. READER_FIELD_MISSING_DEFAULT_VALUE, FIELD_KIND_CHANGED, TYPE_NARROWED. */
  type: string;
  /** Where in the schema: Avro `/fields/0/type`, Protobuf `#/Msg/1`, JSON Schema `#/properties/a`. */
  path: string;
  /** A sentence that names the field or type involved. */
  message: string;
}

export interface CompatibilityOptions {
  /** JSON Schema only: Confluent's `compatibilityPolicy` (STRICT by default). */
  policy?: 'STRICT' | 'LENIENT';
  /** Confluent's `validateFields` config: also enforce reserved fields/names. */
  validateFields?: boolean;
}

export interface SchemaFormat {
  readonly type: SchemaType;
  /** Parse and validate; throws InvalidSchemaError. `references` must hold every reference the text uses. */
  parse(text: string, references?: readonly ResolvedReference[], options?: ParseOptions): ParsedSchema;
  /**
   * What breaks when data written with `older` is read by consumers of `newer` (Confluent's
   * `isBackwardCompatible`). FORWARD is the same call with the arguments swapped, FULL is both.
   * An empty list means compatible. Both schemas come from this format's `parse`.
   */
  backwardIssues(newer: ParsedSchema, older: ParsedSchema, options?: CompatibilityOptions): CompatibilityIssue[];
}
