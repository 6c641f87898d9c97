/** SchemaLimits in JSON Schema parsing: each bound at its limit parses, one beyond it throws naming where. */
import { describe, expect, it } from 'vitest';
import { InvalidSchemaError, SchemaLimitError, type ResolvedReference, type SchemaLimits } from '../../../serdes/src/formats/format.js';
import { jsonSchemaFormat, MAX_NESTING_DEPTH } from '../../../serdes/src/formats/jsonschema/index.js';

const LIMITS: SchemaLimits = { maxFields: 3, maxBranches: 2, maxEnumValues: 3, maxTypes: 2, maxDepth: 6 };
const parse = (schema: unknown, references: ResolvedReference[] = [], limits: SchemaLimits = LIMITS) =>
  jsonSchemaFormat.parse(JSON.stringify(schema), references, { limits });

/** The SchemaLimitError `fn` throws. */
function limitError(fn: () => unknown): SchemaLimitError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SchemaLimitError) return e;
    throw e;
  }
  throw new Error('no SchemaLimitError thrown');
}

const strings = (n: number, prefix = 'p') => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, { type: 'string' }]));
const nested = (schema: unknown) => ({ type: 'object', properties: { outer: schema } });

describe('JSON Schema limits', () => {
  it('maxFields: properties of one object schema', () => {
    expect(() => parse(nested({ type: 'object', properties: strings(3) }))).not.toThrow();
    const e = limitError(() => parse(nested({ type: 'object', properties: strings(4) })));
    expect(e.limit).toBe('maxFields');
    expect([e.value, e.max]).toEqual([4, 3]);
    expect(e.message).toBe("the object schema at '/properties/outer' has 4 fields, more than the limit of 3 (maxFields)");
  });

  it('maxBranches: entries of each allOf, anyOf and oneOf', () => {
    for (const keyword of ['allOf', 'anyOf', 'oneOf']) {
      expect(() => parse(nested({ [keyword]: [{ type: 'string' }, { type: 'number' }] }))).not.toThrow();
      const e = limitError(() => parse(nested({ [keyword]: [{ type: 'string' }, { type: 'number' }, { type: 'null' }] })));
      expect(e.limit).toBe('maxBranches');
      expect(e.message).toBe(`the ${keyword} at '/properties/outer/${keyword}' has 3 branches, more than the limit of 2 (maxBranches)`);
    }
  });

  it('maxEnumValues: values of one enum', () => {
    expect(() => parse(nested({ enum: ['a', 'b', 'c'] }))).not.toThrow();
    const e = limitError(() => parse({ definitions: { d: { enum: ['a', 'b', 'c', 'd'] } } }));
    expect(e.limit).toBe('maxEnumValues');
    expect(e.message).toBe("the enum at '/definitions/d/enum' has 4 enum values, more than the limit of 3 (maxEnumValues)");
  });

  it('maxTypes: subschemas under definitions and $defs, nested ones included', () => {
    expect(() => parse({ definitions: { a: {} }, $defs: { b: {} } })).not.toThrow();
    const e = limitError(() => parse({ definitions: { a: { $defs: { inner: {} } } }, $defs: { b: {} } }));
    expect(e.limit).toBe('maxTypes');
    expect(e.message).toBe('the definitions/$defs of the schema has 3 named types, more than the limit of 2 (maxTypes)');
  });

  it('maxTypes counts the definitions of referenced schemas too', () => {
    const reference = (definitions: number): ResolvedReference => ({
      name: 'other.json',
      subject: 'other',
      version: 1,
      schemaType: 'JSON',
      schema: JSON.stringify({ type: 'object', definitions: strings(definitions, 'd') }),
      references: [],
    });
    const schema = { definitions: { a: {} }, properties: { o: { $ref: 'other.json' } } };
    expect(() => parse(schema, [reference(1)])).not.toThrow();
    const e = limitError(() => parse(schema, [reference(2)]));
    expect(e.message).toBe('the definitions/$defs of the schema and its references has 3 named types, more than the limit of 2 (maxTypes)');
  });

  it('maxDepth: JSON nesting, counted as the reader counts it', () => {
    // root (1) → properties (2) → a (3) → properties (4) → b (5) → enum (6)
    const deep = (inner: unknown) => ({ properties: { a: { properties: { b: inner } } } });
    expect(() => parse(deep({ enum: ['x'] }))).not.toThrow();
    const e = limitError(() => parse(deep({ enum: [['x']] })));
    expect(e.limit).toBe('maxDepth');
    expect([e.value, e.max]).toEqual([7, 6]);
    expect(e.message).toBe("the schema (nested too deeply at '/properties/a/properties/b/enum/0') has 7 levels of nesting, more than the limit of 6 (maxDepth)");
  });

  it('maxDepth above the format nesting bound leaves that bound in force', () => {
    let schema: unknown = {};
    for (let i = 0; i < MAX_NESTING_DEPTH; i++) schema = { not: schema };
    const limits = { ...LIMITS, maxDepth: 10_000 };
    expect(() => parse(schema, [], limits)).toThrow(InvalidSchemaError);
    expect(() => parse(schema, [], limits)).toThrow(/nesting deeper than 256 levels/);
  });

  it('counts schema positions only, not data', () => {
    const data = { properties: strings(10), anyOf: [1, 2, 3], enum: [1, 2, 3, 4, 5], definitions: strings(5) };
    expect(() => parse({ type: 'object', default: data, const: data, examples: [data] })).not.toThrow();
  });

  it('without limits, or without validation, nothing is bounded', () => {
    const big = JSON.stringify({ type: 'object', properties: strings(50), anyOf: [{}, { type: 'string' }, { type: 'number' }] });
    expect(() => jsonSchemaFormat.parse(big)).not.toThrow();
    expect(() => jsonSchemaFormat.parse(big, [], { validate: false, limits: LIMITS })).not.toThrow();
    expect(() => jsonSchemaFormat.parse(big, [], { limits: LIMITS })).toThrow(SchemaLimitError);
  });
});
