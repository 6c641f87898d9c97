import { avroFormat } from './avro/index.js';
import { jsonSchemaFormat } from './jsonschema/index.js';
import { protobufFormat } from './protobuf/index.js';
import type { SchemaFormat, SchemaType } from './format.js';

export * from './format.js';
export { avroFormat, jsonSchemaFormat, protobufFormat };
export { AvroSchema } from './avro/index.js';
export { JsonSchema } from './jsonschema/index.js';
export { ProtobufSchema, parseProtobuf, type ProtobufDependency, type ProtobufMessageType, type ProtobufRootOptions } from './protobuf/index.js';

const FORMATS: Readonly<Record<SchemaType, SchemaFormat>> = {
  AVRO: avroFormat,
  PROTOBUF: protobufFormat,
  JSON: jsonSchemaFormat,
};

/** The format for a `schemaType`, or undefined for an unknown type (the caller answers 42201). */
export function formatFor(type: string): SchemaFormat | undefined {
  return Object.prototype.hasOwnProperty.call(FORMATS, type) ? FORMATS[type as SchemaType] : undefined;
}
