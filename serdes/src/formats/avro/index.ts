// PLACEHOLDER until the AVRO format module lands: every call throws, nothing pretends to work.
import { InvalidSchemaError, type SchemaFormat } from '../format.js';

export const avroFormat: SchemaFormat = {
  type: 'AVRO',
  parse() {
    throw new InvalidSchemaError('AVRO schemas are not supported yet');
  },
  backwardIssues() {
    throw new Error('AVRO compatibility is not implemented yet');
  },
};
