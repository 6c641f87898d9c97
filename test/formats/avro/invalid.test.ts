import { describe, expect, it } from 'vitest';
import { avroFormat, InvalidSchemaError } from '../../../serdes/src/formats/index.js';
import { invalidCases, parse } from './fixtures.js';

function rejection(text: string, options?: { validate?: boolean }): InvalidSchemaError {
  try {
    avroFormat.parse(text, [], options);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidSchemaError);
    return e as InvalidSchemaError;
  }
  throw new Error(`accepted: ${text}`);
}

const rec = (fields: unknown[], extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ type: 'record', name: 'R', ...extra, fields });

describe('invalid Avro corpus (test/fixtures/compat/invalid-avro.json)', () => {
  const cases = invalidCases();

  it('holds the 11 schemas the README announces', () => {
    expect(cases).toHaveLength(11);
  });

  it.each(cases)('$id is rejected: $why', (c) => {
    expect(rejection(c.schema).message.length).toBeGreaterThan(0);
  });

  it('says what is wrong', () => {
    const byId = new Map(cases.map((c) => [c.id, rejection(c.schema).message]));
    expect(byId.get('invalid-avro-001')).toMatch(/invalid JSON: .* at line 1, column 44$/);
    expect(byId.get('invalid-avro-002')).toContain('No name in schema');
    expect(byId.get('invalid-avro-004')).toBe('Invalid schema: field "a" default "x" does not match type "int"');
    expect(byId.get('invalid-avro-005')).toContain('Duplicate in union: "int"');
    expect(byId.get('invalid-avro-006')).toContain('Nested union');
    expect(byId.get('invalid-avro-008')).toContain('Duplicate enum symbol: A');
    expect(byId.get('invalid-avro-010')).toContain('invalid field name "bad-name" in record "R"');
    expect(byId.get('invalid-avro-011')).toContain('Invalid or no size');
    expect(byId.get('invalid-avro-012')).toContain('Array has no items type');
    expect(byId.get('invalid-avro-013')).toContain('Duplicate field a in record R');
    expect(byId.get('invalid-avro-014')).toContain("Can't redefine: F");
  });
});

describe('parse: Avro-Java rules', () => {
  it('rejects unknown type names', () => {
    expect(rejection('"foo"').message).toBe('Unknown type: "foo"');
    expect(rejection(rec([{ name: 'a', type: 'Missing' }], { namespace: 'ns' })).message).toBe(
      'Unknown type: "Missing" (looked up as "ns.Missing")',
    );
    expect(rejection('{"type":"integer"}').message).toBe('Unknown type: "integer"');
  });

  it('accepts the empty union (Avro-Java parses it; avsc does not)', () => {
    expect(parse('[]').canonical).toBe('[]');
  });

  it('rejects anonymous named types', () => {
    expect(rejection('{"type":"enum","symbols":["A"]}').message).toContain('No name in schema');
    expect(rejection('{"type":"fixed","size":2}').message).toContain('No name in schema');
  });

  it('validates names and namespaces strictly for new schemas, not when re-reading stored ones', () => {
    const badNamespace = rec([{ name: 'a', type: 'int' }], { namespace: 'foo-bar.x' });
    expect(rejection(badNamespace).message).toContain('Namespace part "foo-bar"');
    expect(rejection(rec([{ name: 'a', type: 'int' }]).replace('"name":"R"', '"name":"Ünïcode"')).message).toContain(
      'Illegal initial character',
    );
    expect(rejection('{"type":"enum","name":"E","symbols":["OK","BAD-ONE"]}').message).toContain('invalid symbol "BAD-ONE"');
    expect(rejection(rec([{ name: 'a', type: 'int' }], { aliases: ['bad alias'] })).message).toContain('invalid alias');
    const lenient = avroFormat.parse(badNamespace, [], { validate: false });
    expect(lenient.recordName()).toBe('foo-bar.x.R');
  });

  it('rejects a named type called like a primitive', () => {
    expect(rejection('{"type":"fixed","name":"int","size":4}').message).toContain('may not be named after primitives');
    expect(parse('{"type":"fixed","name":"int","namespace":"ns","size":4}').recordName()).toBe('ns.int');
  });

  it('accepts a named type defined twice identically, rejects a different redefinition', () => {
    const fixed = { type: 'fixed', name: 'F', size: 4 };
    const twice = parse(rec([{ name: 'a', type: fixed }, { name: 'b', type: fixed }]));
    expect(twice.canonical).toBe(
      '{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"fixed","name":"F","size":4}},{"name":"b","type":"F"}]}',
    );
    expect(rejection(rec([{ name: 'a', type: fixed }, { name: 'b', type: { ...fixed, size: 8 } }])).message).toContain(
      "Can't redefine: F",
    );
  });

  it('resolves a name used before its definition (Avro 1.12 forward reference)', () => {
    const s = parse(rec([{ name: 'a', type: 'E' }, { name: 'b', type: { type: 'enum', name: 'E', symbols: ['X'] } }]));
    expect(s.canonical).toBe(
      '{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"enum","name":"E","symbols":["X"]}},{"name":"b","type":"E"}]}',
    );
  });

  it('validates defaults for new schemas and skips that with validate: false', () => {
    // [field type, default as JSON text, the type as the message names it]
    const cases: Array<[unknown, string, string]> = [
      ['int', '1.0', '"int"'],
      ['int', '2147483648', '"int"'],
      ['long', '9223372036854775808', '"long"'],
      ['string', 'null', '"string"'],
      ['boolean', '"true"', '"boolean"'],
      [['null', 'string'], '"x"', '["null","string"]'],
      [{ type: 'array', items: 'int' }, '["a"]', '{"type":"array","items":"int"}'],
      [{ type: 'map', values: 'int' }, '{"a":"b"}', '{"type":"map","values":"int"}'],
      [{ type: 'record', name: 'In', fields: [{ name: 'x', type: 'int' }] }, '{}', '"In"'],
    ];
    for (const [type, def, described] of cases) {
      const text = rec([{ name: 'f', type, default: '__DEFAULT__' }]).replace('"__DEFAULT__"', def);
      expect(rejection(text).message, text).toBe(`Invalid schema: field "f" default ${def} does not match type ${described}`);
      expect(() => avroFormat.parse(text, [], { validate: false }), text).not.toThrow();
    }
  });

  it('accepts valid defaults of every kind', () => {
    const text = rec([
      { name: 'i', type: 'int', default: -2147483648 },
      { name: 'l', type: 'long', default: 9007199254740993 },
      { name: 'f', type: 'float', default: 1 },
      { name: 'n', type: ['null', 'int'], default: null },
      { name: 'e', type: { type: 'enum', name: 'E', symbols: ['A'] }, default: 'A' },
      { name: 'r', type: { type: 'record', name: 'In', fields: [{ name: 'x', type: 'int', default: 1 }] }, default: {} },
      { name: 'm', type: { type: 'map', values: 'long' }, default: { a: 1 } },
    ]).replace('9007199254740992', '9007199254740993');
    expect(parse(text).canonical).toContain('"default":9007199254740993');
  });

  it('requires a union default to match the first branch', () => {
    expect(rejection(rec([{ name: 'f', type: ['string', 'null'], default: null }])).message).toContain(
      'field "f" default null does not match type ["string","null"]',
    );
  });

  it('rejects an enum default that is not a symbol, and other structural errors even with validate: false', () => {
    const badEnum = '{"type":"enum","name":"E","symbols":["A"],"default":"B"}';
    expect(rejection(badEnum).message).toContain('The Enum Default: B is not in the enum symbol set: [A]');
    expect(rejection(badEnum, { validate: false }).message).toContain('The Enum Default');
    expect(rejection('["int","int"]', { validate: false }).message).toContain('Duplicate in union');
    expect(rejection('{"type":"map"}').message).toContain('Map has no values type');
    expect(rejection('{"type":"record","name":"R"}').message).toContain('Record has no fields');
    expect(rejection('{"type":"fixed","name":"F","size":-1}').message).toContain('negative size');
    expect(rejection('{"type":"fixed","name":"F","size":4.0}').message).toContain('Invalid or no size');
    expect(rejection(rec([{ type: 'int' }])).message).toContain('No field name');
    expect(rejection(rec([{ name: 'a' }])).message).toContain('No field type');
    expect(rejection(rec([{ name: 'a', type: 'int', order: 'sideways' }])).message).toContain('invalid order');
    expect(rejection('{"type":{"type":"string"}}').message).toContain('No type');
    expect(rejection('42').message).toContain('is not a schema');
    expect(rejection(rec([{ name: 'a', type: 'int' }], { aliases: 'x' })).message).toContain('aliases not an array');
  });

  it('reports JSON syntax errors with their position', () => {
    expect(rejection('{\n  "type": "record",\n  "name": "R",\n  "fields": [,]\n}').message).toBe(
      "Invalid schema: invalid JSON: unexpected ',': expected a JSON value at line 4, column 14",
    );
    expect(rejection('"int" "long"').message).toContain('dangling content after the end of the schema at line 1, column 7');
    expect(rejection('').message).toContain('empty document');
    expect(rejection('{"type":"int",}').message).toContain('expected a double-quoted field name');
  });

  it('bounds the nesting depth: 10,000 levels give InvalidSchemaError, never a stack overflow', () => {
    const arrays = (n: number): string => '{"type":"array","items":'.repeat(n) + '"int"' + '}'.repeat(n);
    expect(rejection(arrays(10_000)).message).toContain('nesting depth exceeds the maximum of 1000');
    expect(rejection('['.repeat(10_000) + ']'.repeat(10_000)).message).toContain('nesting depth');
    const records = (n: number): string => {
      let s = '"int"';
      for (let i = n; i > 0; i--) s = `{"type":"record","name":"R${i}","fields":[{"name":"f","type":${s}}]}`;
      return s;
    };
    expect(rejection(records(10_000)).message).toContain('nesting depth');
    // The deepest document Jackson accepts (1,000 levels) still parses, prints and checks.
    const deepest = parse(arrays(999));
    expect(deepest.canonical).toBe(arrays(999));
    expect(avroFormat.backwardIssues(deepest, deepest)).toEqual([]);
  });

  it('turns a structure deeper than the text (forward references chained through types) into InvalidSchemaError', () => {
    const fields: string[] = [];
    for (let i = 0; i < 40; i++) {
      const leaf = i + 1 < 40 ? `"T${i + 1}"` : '"int"';
      const deep = '{"type":"array","items":'.repeat(300) + leaf + '}'.repeat(300);
      fields.push(`{"name":"f${i}","type":{"type":"record","name":"T${i}","fields":[{"name":"x","type":${deep}}]}}`);
    }
    const text = `{"type":"record","name":"Top","fields":[{"name":"first","type":"T0"},${fields.join(',')}]}`;
    expect(rejection(text).message).toBe('Invalid schema: the schema is nested too deeply');
  });
});
