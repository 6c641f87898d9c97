// PLACEHOLDER until the PROTOBUF format module lands: every call throws, nothing pretends to work.
import { InvalidSchemaError, type SchemaFormat } from '../format.js';

export const protobufFormat: SchemaFormat = {
  type: 'PROTOBUF',
  parse() {
    throw new InvalidSchemaError('PROTOBUF schemas are not supported yet');
  },
  backwardIssues() {
    throw new Error('PROTOBUF compatibility is not implemented yet');
  },
};
