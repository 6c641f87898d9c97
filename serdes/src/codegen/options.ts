/** Options of the code generator (the `serdes codegen` flags of the same names). */
export interface CodegenOptions {
  /**
   * Avro `timestamp-millis` / `timestamp-micros`: a `Date` (default) or the number the schema stores
   * (milliseconds or microseconds since the epoch). A Date holds milliseconds: micros are truncated.
   */
  timestamps?: 'date' | 'number';
  /** Avro `date`: a `Date` at UTC midnight (default) or the number of days since 1970-01-01. */
  dates?: 'date' | 'number';
  /**
   * Avro `decimal`: a `Buffer` with the unscaled value in big-endian two's complement (default, what avsc
   * and the Avro serializer use), or a decimal string such as `"12.30"` (converted by the generated code,
   * never rounded: more decimal places than the scale is an error).
   */
  decimals?: 'buffer' | 'string';
  /**
   * Protobuf 64-bit integers (int64, uint64, sint64, fixed64, sfixed64): `bigint` (default) or a decimal
   * `string`. Either way no precision is lost (the serde decodes them as Long; the generated code converts).
   */
  int64?: 'bigint' | 'string';
  /** Protobuf field names as written in the .proto file instead of protobufjs' camelCase (default false). */
  keepCase?: boolean;
  /** The module the generated code imports the SDK from (default `@schemata/serdes`). */
  importFrom?: string;
}

export type ResolvedCodegenOptions = Required<CodegenOptions>;

export const DEFAULT_IMPORT = '@schemata/serdes';

export function resolveOptions(options: CodegenOptions = {}): ResolvedCodegenOptions {
  return {
    timestamps: options.timestamps ?? 'date',
    dates: options.dates ?? 'date',
    decimals: options.decimals ?? 'buffer',
    int64: options.int64 ?? 'bigint',
    keepCase: options.keepCase ?? false,
    importFrom: options.importFrom ?? DEFAULT_IMPORT,
  };
}
