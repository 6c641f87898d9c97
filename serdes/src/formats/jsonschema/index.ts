// PLACEHOLDER until the JSON format module lands: every call throws, nothing pretends to work.
import { InvalidSchemaError, type SchemaFormat } from '../format.js';

export const jsonSchemaFormat: SchemaFormat = {
  type: 'JSON',
  parse() {
    throw new InvalidSchemaError('JSON schemas are not supported yet');
  },
  backwardIssues() {
    throw new Error('JSON compatibility is not implemented yet');
  },
};
