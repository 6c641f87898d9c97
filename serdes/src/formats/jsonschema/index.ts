/**
 * The JSON Schema format: parsing (drafts 4, 6, 7, 2019-09, 2020-12, validated against their
 * meta-schemas with ajv), Confluent's canonical and normalized strings, `$ref` resolution across
 * registered references, and Confluent's compatibility rules (STRICT and LENIENT policies).
 */
import type { CompatibilityIssue, CompatibilityOptions, ParsedSchema, ResolvedReference, ParseOptions, SchemaFormat } from '../format.js';
import { backwardIncompatibilities } from './compatibility/index.js';
import { parseJsonSchema } from './parse.js';
import { JsonSchema } from './schema.js';

export { JsonSchema, type ReferenceLoader } from './schema.js';
export { parseJsonSchema } from './parse.js';
export { MAX_NESTING_DEPTH } from './json-text.js';
export { DEFAULT_DRAFT, JSON_SCHEMA_DRAFTS, type JsonSchemaDraft } from './drafts.js';
export type { ValidateFunction } from './validator.js';
export {
  COMPATIBLE_CHANGES_LENIENT,
  COMPATIBLE_CHANGES_STRICT,
  describeDifference,
  diffJsonSchemas,
  type CompatibilityPolicy,
  type Difference,
} from './compatibility/index.js';

export const jsonSchemaFormat: SchemaFormat = {
  type: 'JSON',

  parse(text: string, references: readonly ResolvedReference[] = [], options?: ParseOptions): JsonSchema {
    return parseJsonSchema(text, references, options);
  },

  backwardIssues(newer: ParsedSchema, older: ParsedSchema, options: CompatibilityOptions = {}): CompatibilityIssue[] {
    if (!(newer instanceof JsonSchema) || !(older instanceof JsonSchema)) {
      return [{ type: 'SCHEMA_TYPE_CHANGED', path: '#/', message: 'Incompatible because of different schema type' }];
    }
    return backwardIncompatibilities(newer, older, options.policy ?? 'STRICT');
  },
};
