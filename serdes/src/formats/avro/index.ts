/**
 * The Avro format: Avro-Java semantics (what Confluent's registry runs), with avsc for the SDK's
 * encoding and decoding.
 *
 * - parse.ts: text -> model, with Avro-Java's validation;
 * - canonical.ts: Confluent's stored string (Avro-Java `Schema.toString`);
 * - normalize.ts: Confluent's `normalize=true` form;
 * - compatibility.ts: Avro-Java `SchemaCompatibility` (union-index.ts: which union branches can match);
 * - avsc.ts: the avsc `Type` for serializers.
 */
import type { CompatibilityIssue, ParsedSchema, SchemaFormat } from '../format.js';
import { compatibilityIssues } from './compatibility.js';
import { AvroSchema } from './schema.js';

export { AvroSchema } from './schema.js';
export {
  CHECK_FAILED,
  compatibilityIssues,
  confluentMessage,
  describeIncompatibility,
  readerWriterIncompatibilities,
  type AvroIncompatibility,
  type BranchScan,
  type CheckerOptions,
  type IncompatibilityType,
  type RoleNames,
} from './compatibility.js';
export type {
  ArrayNode,
  EnumNode,
  FieldNode,
  FieldOrder,
  FixedNode,
  MapNode,
  NamedNode,
  PrimitiveNode,
  PrimitiveType,
  RecordNode,
  SchemaNode,
  UnionNode,
} from './model.js';
export type { Name } from './names.js';

function schemaTypeMismatch(): CompatibilityIssue[] {
  return [{ type: 'SCHEMA_TYPE_MISMATCH', path: '/', message: 'Incompatible because of different schema type' }];
}

export const avroFormat: SchemaFormat = {
  type: 'AVRO',

  parse(text, references = [], options = {}): AvroSchema {
    return AvroSchema.parse(text, references, options);
  },

  /**
   * Avro-Java `checkReaderWriterCompatibility(reader = newer, writer = older)`. Messages call the reader
   * "new" and the writer "old"; for FORWARD (arguments swapped) use `compatibilityIssues(old.root,
   * new.root, { reader: 'old', writer: 'new' })` to get Confluent's wording.
   */
  backwardIssues(newer: ParsedSchema, older: ParsedSchema): CompatibilityIssue[] {
    if (!(newer instanceof AvroSchema) || !(older instanceof AvroSchema)) return schemaTypeMismatch();
    return compatibilityIssues(newer.root, older.root, { reader: 'new', writer: 'old' });
  },
};
