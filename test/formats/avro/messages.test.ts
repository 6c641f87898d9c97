import { describe, expect, it } from 'vitest';
import { avroFormat, type ParsedSchema } from '../../../serdes/src/formats/index.js';
import {
  CHECK_FAILED,
  compatibilityIssues,
  confluentMessage,
  readerWriterIncompatibilities,
  type AvroSchema,
} from '../../../serdes/src/formats/avro/index.js';
import { parse } from './fixtures.js';

const old = parse('{"type":"record","name":"myrecord","fields":[{"name":"f1","type":"string"}]}');
const added = parse('{"type":"record","name":"myrecord","fields":[{"name":"f1","type":"string"},{"name":"f2","type":"string"}]}');

/** Record R whose field `sub` is a record S of `fields` (for paths into nested fields). */
function inSubRecord(fields: unknown[]): AvroSchema {
  return parse(JSON.stringify({ type: 'record', name: 'R', fields: [{ name: 'sub', type: { type: 'record', name: 'S', fields } }] }));
}

describe('compatibility issues name the field', () => {
  it('READER_FIELD_MISSING_DEFAULT_VALUE', () => {
    expect(avroFormat.backwardIssues(added, old)).toEqual([
      {
        type: 'READER_FIELD_MISSING_DEFAULT_VALUE',
        path: '/fields/1',
        message: "The field 'f2' at path '/fields/1' in the new schema has no default value and is missing in the old schema",
      },
    ]);
  });

  it('uses the roles given, so FORWARD can say which schema is which', () => {
    expect(compatibilityIssues(old.root, added.root, { reader: 'old', writer: 'new' })).toEqual([]);
    expect(compatibilityIssues(added.root, old.root, { reader: 'old', writer: 'new' })[0]?.message).toBe(
      "The field 'f2' at path '/fields/1' in the old schema has no default value and is missing in the new schema",
    );
  });

  it('TYPE_MISMATCH, NAME_MISMATCH, FIXED_SIZE_MISMATCH, MISSING_ENUM_SYMBOLS and MISSING_UNION_BRANCH in nested fields', () => {
    const writer = inSubRecord([
      { name: 'n', type: 'long' },
      { name: 'e', type: { type: 'enum', name: 'E', symbols: ['A', 'B', 'C'] } },
      { name: 'x', type: { type: 'fixed', name: 'X', size: 8 } },
      { name: 'u', type: ['null', 'string', 'int'] },
      { name: 'k', type: { type: 'enum', name: 'K1', symbols: ['A'] } },
    ]);
    const reader = inSubRecord([
      { name: 'n', type: 'int' },
      { name: 'e', type: { type: 'enum', name: 'E', symbols: ['B'] } },
      { name: 'x', type: { type: 'fixed', name: 'X', size: 4 } },
      { name: 'u', type: ['null', 'string'] },
      { name: 'k', type: { type: 'enum', name: 'K2', symbols: ['A'] } },
    ]);
    expect(avroFormat.backwardIssues(reader, writer)).toEqual([
      {
        type: 'TYPE_MISMATCH',
        path: '/fields/0/type/fields/0/type',
        message:
          "The type (path '/fields/0/type/fields/0/type') of field 'sub.n' in the new schema does not match with the old schema: reader type: INT not compatible with writer type: LONG",
      },
      {
        type: 'MISSING_ENUM_SYMBOLS',
        path: '/fields/0/type/fields/1/type/symbols',
        message:
          "The new schema is missing enum symbols '[A, C]' at path '/fields/0/type/fields/1/type/symbols' (field 'sub.e') in the old schema",
      },
      {
        type: 'FIXED_SIZE_MISMATCH',
        path: '/fields/0/type/fields/2/type/size',
        message:
          "The size of FIXED type field at path '/fields/0/type/fields/2/type/size' (field 'sub.x') in the new schema does not match with the old schema: expected: 8, found: 4",
      },
      {
        type: 'MISSING_UNION_BRANCH',
        path: '/fields/0/type/fields/3/type/2',
        message:
          "The new schema is missing a type inside a union field at path '/fields/0/type/fields/3/type/2' (field 'sub.u') in the old schema: reader union lacking writer type: INT",
      },
      {
        type: 'NAME_MISMATCH',
        path: '/fields/0/type/fields/4/type/name',
        message: "The name of the schema has changed (path '/fields/0/type/fields/4/type/name') (field 'sub.k'): expected: K1",
      },
    ]);
  });

  it("gives Confluent's verbose string", () => {
    const [first] = readerWriterIncompatibilities(added.root, old.root);
    expect(first).toBeDefined();
    expect(confluentMessage(first!, { reader: 'new', writer: 'old' })).toBe(
      "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'f2' at path '/fields/1' in the new schema has no default value and is missing in the old schema', additionalInfo:'f2'}",
    );
  });

  it('reports an exception inside the check (ambiguous aliases) as one incompatibility, as Confluent does', () => {
    const writer = parse('{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"int"}]}');
    const reader = parse('{"type":"record","name":"R","fields":[{"name":"a","type":"int","aliases":["b"]}]}');
    const issues = avroFormat.backwardIssues(reader, writer);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.type).toBe(CHECK_FAILED);
    expect(issues[0]?.message).toContain("Reader record field 'a' at path '/fields/0' matches multiple fields");
    // The other way round only reader aliases count: "b" is simply missing.
    expect(avroFormat.backwardIssues(writer, reader).map((i) => i.type)).toEqual(['READER_FIELD_MISSING_DEFAULT_VALUE']);
  });

  it('refuses to compare with a schema of another format', () => {
    const foreign = { schemaType: 'JSON' } as unknown as ParsedSchema;
    expect(avroFormat.backwardIssues(old, foreign)[0]?.type).toBe('SCHEMA_TYPE_MISMATCH');
  });
});

describe('names and formats', () => {
  it('recordName/fullName give the full name of a top-level named type only', () => {
    expect(parse('{"type":"enum","name":"E","namespace":"a.b","symbols":["X"]}').recordName()).toBe('a.b.E');
    expect(parse('{"type":"record","name":"x.y.R","namespace":"ignored","fields":[]}').fullName).toBe('x.y.R');
    expect(parse('"string"').recordName()).toBeUndefined();
    expect(parse('["null",{"type":"record","name":"R","fields":[]}]').recordName()).toBeUndefined();
  });

  it('formatted() knows only "resolved"', () => {
    const s = parse('{"type":"record","name":"R","fields":[]}');
    expect(s.formatted('serialized')).toBeUndefined();
    expect(s.formatted('default')).toBeUndefined();
    expect(s.formatted('resolved')).toBe(s.canonical);
    expect(s.schemaType).toBe('AVRO');
  });
});
