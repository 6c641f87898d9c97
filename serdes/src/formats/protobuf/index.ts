/**
 * The PROTOBUF schema format.
 *
 * - parse: .proto text (proto2/proto3) or a base64 FileDescriptorProto, imports resolved through the
 *   references (by import path) or the built-ins (google/protobuf, google/type, confluent);
 * - canonical: a deterministic re-print, identical for both input representations;
 * - formatted('serialized'): the base64 FileDescriptorProto (main file named "default");
 * - normalize(): Confluent's normal form (see normalize.ts);
 * - backwardIssues: Confluent's Protobuf diff rules (see compatibility.ts).
 */
import {
  InvalidSchemaError,
  type CompatibilityIssue,
  type CompatibilityOptions,
  type ParsedSchema,
  type ParseOptions,
  type ResolvedReference,
  type SchemaFormat,
} from '../format.js';
import { COMPATIBLE_CHANGES, DiffTooComplexError, diffSchemas, protobufBackwardIssues, type Difference } from './compatibility.js';
import {
  ProtobufSchema,
  builtinSchema,
  loadSchema,
  DEFAULT_FILE_NAME,
  type ProtobufDependency,
  type ProtobufMessageType,
  type ProtobufRootOptions,
} from './schema.js';
import { BUILTIN_PROTOS, isBuiltinImport } from './wellknown.js';

export { ProtobufSchema, builtinSchema, DEFAULT_FILE_NAME, COMPATIBLE_CHANGES, DiffTooComplexError, diffSchemas, BUILTIN_PROTOS, isBuiltinImport };
export type { Difference, ProtobufDependency, ProtobufMessageType, ProtobufRootOptions };
export type { FileDef, MessageDef, FieldDef, EnumDef, ServiceDef } from './model.js';

/** Parses a Protobuf schema (text or base64 descriptor) into a ProtobufSchema. */
export function parseProtobuf(
  text: string,
  references: readonly ResolvedReference[] = [],
  options: ParseOptions = {},
): ProtobufSchema {
  return loadSchema(text, references, { validate: options.validate ?? true, ...(options.limits ? { limits: options.limits } : {}) });
}

function asProtobuf(schema: ParsedSchema, role: string): ProtobufSchema {
  if (!(schema instanceof ProtobufSchema)) {
    throw new InvalidSchemaError(`the ${role} schema is a ${schema.schemaType} schema, not a PROTOBUF one`);
  }
  return schema;
}

export const protobufFormat: SchemaFormat = {
  type: 'PROTOBUF',
  parse(text, references, options) {
    return parseProtobuf(text, references ?? [], options ?? {});
  },
  backwardIssues(newer: ParsedSchema, older: ParsedSchema, options?: CompatibilityOptions): CompatibilityIssue[] {
    return protobufBackwardIssues(asProtobuf(newer, 'new'), asProtobuf(older, 'old'), options);
  },
};
