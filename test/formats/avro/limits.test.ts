/**
 * `SchemaLimits` in the Avro parser: each bound lets a schema just at the limit through and refuses one
 * over it with a SchemaLimitError naming where; without `limits` (or without validation) nothing changes.
 */
import { describe, expect, it } from 'vitest';
import {
  avroFormat,
  DEFAULT_SCHEMA_LIMITS,
  SchemaLimitError,
  type ResolvedReference,
  type SchemaLimits,
} from '../../../serdes/src/formats/index.js';

const LIMIT = 5;
const limits: SchemaLimits = { maxFields: LIMIT, maxBranches: LIMIT, maxEnumValues: LIMIT, maxTypes: LIMIT, maxDepth: LIMIT };

const record = (name: string, fields: unknown[]) => ({ type: 'record', name, fields });
const fields = (n: number, type: unknown = 'int') => Array.from({ length: n }, (_, i) => ({ name: `f${i}`, type }));
const branches = (n: number) => ['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string'].slice(0, n);
const symbols = (n: number) => Array.from({ length: n }, (_, i) => `S${i}`);
/** A record holding `n` records (n + 1 named types). */
const withRecords = (n: number) => record('Outer', Array.from({ length: n }, (_, i) => ({ name: `r${i}`, type: record(`In${i}`, fields(1)) })));
/** `n` levels: arrays nested around "int" (each array one level, the int the last one). */
const nestedArrays = (n: number): unknown => (n === 1 ? 'int' : { type: 'array', items: nestedArrays(n - 1) });

function parse(schema: unknown, options: { limits?: SchemaLimits; validate?: boolean } = { limits }, references: ResolvedReference[] = []) {
  return avroFormat.parse(JSON.stringify(schema), references, options);
}

/** The SchemaLimitError `schema` throws (fails the test when it parses). */
function limitError(schema: unknown, references: ResolvedReference[] = []): SchemaLimitError {
  try {
    parse(schema, { limits }, references);
  } catch (e) {
    if (e instanceof SchemaLimitError) return e;
    throw e;
  }
  throw new Error('parsed, expected a SchemaLimitError');
}

describe('Avro SchemaLimits', () => {
  it('maxFields: fields per record', () => {
    expect(parse(record('R', fields(LIMIT))).canonical).toContain('"f4"');
    const e = limitError(record('R', fields(LIMIT + 1)));
    expect([e.limit, e.value, e.max]).toEqual(['maxFields', LIMIT + 1, LIMIT]);
    expect(e.message).toBe('record "R" has 6 fields, more than the limit of 5 (maxFields)');
  });

  it('maxBranches: branches per union, named by the field that holds it', () => {
    expect(() => parse(record('R', [{ name: 'u', type: branches(LIMIT) }]))).not.toThrow();
    const e = limitError(record('R', [{ name: 'u', type: branches(LIMIT + 1) }]));
    expect([e.limit, e.value, e.max]).toEqual(['maxBranches', LIMIT + 1, LIMIT]);
    expect(e.message).toBe('the union in field "u" of record "R" has 6 branches, more than the limit of 5 (maxBranches)');
    expect(limitError(branches(LIMIT + 1)).message).toBe(
      'the top-level union has 6 branches, more than the limit of 5 (maxBranches)',
    );
  });

  it('maxEnumValues: symbols per enum', () => {
    expect(() => parse({ type: 'enum', name: 'E', symbols: symbols(LIMIT) })).not.toThrow();
    const e = limitError(record('R', [{ name: 'e', type: { type: 'enum', name: 'E', symbols: symbols(LIMIT + 1) } }]));
    expect([e.limit, e.value, e.max]).toEqual(['maxEnumValues', LIMIT + 1, LIMIT]);
    expect(e.message).toBe('enum "E" has 6 enum values, more than the limit of 5 (maxEnumValues)');
  });

  it('maxTypes: named types of the schema, counting those of its references', () => {
    expect(() => parse(withRecords(LIMIT - 1))).not.toThrow();
    const e = limitError(withRecords(LIMIT));
    expect([e.limit, e.value, e.max]).toEqual(['maxTypes', LIMIT + 1, LIMIT]);
    expect(e.message).toBe('the schema (with its references) has 6 named types, more than the limit of 5 (maxTypes)');

    // A reference bringing 3 named types: the schema may define 2 more, not 3.
    const ref: ResolvedReference = {
      name: 'Shared',
      subject: 'shared',
      version: 1,
      schemaType: 'AVRO',
      schema: JSON.stringify(record('Shared', [{ name: 'a', type: record('A', fields(1)) }, { name: 'b', type: record('B', fields(1)) }])),
      references: [],
    };
    expect(() => parse(record('Mine', [{ name: 's', type: 'Shared' }, { name: 'x', type: record('X', fields(1)) }]), { limits }, [ref])).not.toThrow();
    const withRef = limitError(
      record('Mine', [
        { name: 's', type: 'Shared' },
        { name: 'x', type: record('X', fields(1)) },
        { name: 'y', type: record('Y', fields(1)) },
      ]),
      [ref],
    );
    expect([withRef.limit, withRef.value]).toEqual(['maxTypes', LIMIT + 1]);
  });

  it('maxDepth: levels of nesting, named by the field where the limit is crossed', () => {
    expect(() => parse(nestedArrays(LIMIT))).not.toThrow();
    expect(limitError(nestedArrays(LIMIT + 1)).message).toBe(
      'the schema (at the top-level type) has 6 levels of nesting, more than the limit of 5 (maxDepth)',
    );
    // Root record (1), field type (2), then arrays: the field `deep` reaches level 6.
    expect(() => parse(record('R', [{ name: 'deep', type: nestedArrays(LIMIT - 1) }]))).not.toThrow();
    const e = limitError(record('R', [{ name: 'deep', type: nestedArrays(LIMIT) }]));
    expect([e.limit, e.value, e.max]).toEqual(['maxDepth', LIMIT + 1, LIMIT]);
    expect(e.message).toBe('the schema (at field "deep" of record "R") has 6 levels of nesting, more than the limit of 5 (maxDepth)');
  });

  it('apply to new schemas only: without limits, or without validation, nothing is refused', () => {
    const big = record('R', [
      ...fields(LIMIT + 1),
      { name: 'u', type: branches(LIMIT + 1) },
      { name: 'e', type: { type: 'enum', name: 'E', symbols: symbols(LIMIT + 1) } },
      { name: 'deep', type: nestedArrays(LIMIT + 1) },
    ]);
    expect(() => parse(big, {})).not.toThrow();
    expect(() => parse(big, { limits, validate: false })).not.toThrow();
    expect(() => parse(withRecords(LIMIT + 1), { limits, validate: false })).not.toThrow();
    expect(() => parse(big, { limits })).toThrow(SchemaLimitError);
  });

  it('the defaults let large ordinary schemas through, normalized too', () => {
    const wide = record('Wide', fields(3000, ['null', 'string']));
    const schema = parse(wide, { limits: DEFAULT_SCHEMA_LIMITS });
    expect(schema.normalize().canonical).toContain('"f2999"');
  });
});
