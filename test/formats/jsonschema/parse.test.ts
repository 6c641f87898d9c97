/** Drafts, meta-validation, the nesting bound, canonical and normalized strings, record names. */
import { describe, expect, it } from 'vitest';
import { InvalidSchemaError } from '../../../serdes/src/formats/format.js';
import { jsonSchemaFormat, JsonSchema, MAX_NESTING_DEPTH } from '../../../serdes/src/formats/jsonschema/index.js';

const parse = (text: string) => jsonSchemaFormat.parse(text) as JsonSchema;
const rejects = (text: string) => expect(() => jsonSchemaFormat.parse(text)).toThrow(InvalidSchemaError);

describe('drafts', () => {
  it.each([
    ['http://json-schema.org/draft-04/schema#', 'draft-04', '{"id":"urn:x","type":"number","minimum":1,"exclusiveMinimum":true}'],
    ['http://json-schema.org/draft-06/schema#', 'draft-06', '{"$id":"urn:x","const":3,"exclusiveMinimum":1,"contains":{"type":"number"}}'],
    ['http://json-schema.org/draft-07/schema#', 'draft-07', '{"if":{"type":"string"},"then":{"minLength":1},"else":{"type":"number"}}'],
    ['https://json-schema.org/draft/2019-09/schema', '2019-09', '{"$defs":{"a":{"type":"string"}},"dependentRequired":{"a":["b"]},"unevaluatedProperties":false,"minContains":1,"$ref":"#/$defs/a"}'],
    ['https://json-schema.org/draft/2020-12/schema', '2020-12', '{"prefixItems":[{"type":"string"}],"items":false,"$defs":{"a":{"$anchor":"A","type":"string"}},"properties":{"a":{"$ref":"#A"}}}'],
  ])('accepts %s and reads it as %s', (uri, draft, body) => {
    const schema = parse(`{"$schema":"${uri}",${body.slice(1)}`);
    expect(schema.draft).toBe(draft);
    expect(schema.schemaType).toBe('JSON');
  });

  it('reads schemas without $schema, or with one it does not know, as draft-07 (as Confluent does)', () => {
    expect(parse('{"type":"string"}').draft).toBe('draft-07');
    expect(parse('true').draft).toBe('draft-07');
    expect(parse('{"$schema":"https://example.com/my-dialect","type":"string"}').draft).toBe('draft-07');
    // The draft-04 form of exclusiveMinimum is not draft-07.
    rejects('{"type":"number","minimum":1,"exclusiveMinimum":true}');
  });

  it('accepts $schema spelled with https, without the trailing # or with a trailing /', () => {
    expect(parse('{"$schema":"https://json-schema.org/draft-04/schema","type":"string"}').draft).toBe('draft-04');
    expect(parse('{"$schema":"http://json-schema.org/draft-06/schema","type":"string"}').draft).toBe('draft-06');
    expect(parse('{"$schema":"http://json-schema.org/draft/2020-12/schema#","type":"string"}').draft).toBe('2020-12');
  });

  it("validates each schema against its own draft's meta-schema", () => {
    rejects('{"$schema":"http://json-schema.org/draft-04/schema#","type":"number","minimum":1,"exclusiveMinimum":5}');
    rejects('{"$schema":"http://json-schema.org/draft-06/schema#","type":"number","exclusiveMinimum":true}');
    rejects('{"$schema":"https://json-schema.org/draft/2019-09/schema","minContains":-1}');
    rejects('{"$schema":"https://json-schema.org/draft/2020-12/schema","prefixItems":{"type":"string"}}');
    rejects('{"$schema":"https://json-schema.org/draft/2020-12/schema","$defs":{"a":5}}');
  });

  it('accepts booleans as schemas and in subschema positions', () => {
    expect(parse('false').canonical).toBe('false');
    expect(parse('{"properties":{"a":true,"b":false},"additionalProperties":false}').draft).toBe('draft-07');
  });

  it("accepts Java-style pattern escapes that JavaScript's unicode mode rejects", () => {
    expect(parse('{"type":"string","pattern":"^[a-z\\\\_]+\\\\_x$"}').validator()('abc_x')).toBe(true);
  });

  it('accepts a $ref to a meta-schema', () => {
    expect(parse('{"properties":{"schema":{"$ref":"http://json-schema.org/draft-07/schema#"}}}').draft).toBe('draft-07');
  });
});

describe('nesting bound', () => {
  const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
  const nestedNot = (depth: number) => '{"not":'.repeat(depth) + '{"type":"string"}' + '}'.repeat(depth);

  it('rejects 10,000-deep nesting with InvalidSchemaError, not a stack overflow', () => {
    for (const text of [`{"enum":${nested(10_000)}}`, nestedNot(10_000), '{"a":'.repeat(10_000), '['.repeat(100_000)]) {
      let error: unknown;
      try {
        jsonSchemaFormat.parse(text);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InvalidSchemaError);
      expect((error as Error).message).toContain(`nesting deeper than ${MAX_NESTING_DEPTH} levels`);
    }
  });

  it('accepts nesting up to the bound and can still diff, normalize and compile it', () => {
    const deepest = nestedNot(MAX_NESTING_DEPTH - 1);
    const schema = parse(deepest);
    const changed = parse(deepest.replace('"string"', '"number"'));
    expect(jsonSchemaFormat.backwardIssues(changed, schema).map((i) => i.type)).toEqual(['NOT_TYPE_EXTENDED']);
    expect(schema.normalize().canonical).toBe(deepest);
    expect(typeof schema.validator()).toBe('function');
    expect(() => jsonSchemaFormat.parse(nestedNot(MAX_NESTING_DEPTH))).toThrow(InvalidSchemaError);
  });

  it('applies to referenced schemas too', () => {
    const reference = { name: 'deep.json', subject: 'deep', version: 1, schemaType: 'JSON' as const, schema: nestedNot(5_000), references: [] };
    expect(() => jsonSchemaFormat.parse('{"$ref":"deep.json"}', [reference])).toThrow(InvalidSchemaError);
  });
});

describe('canonical and normalized strings', () => {
  const text = `{
    "title": "Order",
    "type": "object",
    "properties": {
      "zeta": { "type": "number", "maximum": 1.50, "minimum": 1e3, "exclusiveMinimum": -0 },
      "10": { "type": "string", "description": "tab\\there \\u00e9 \\u001f /" },
      "alpha": { "enum": ["b", "a"] }
    },
    "required": ["zeta", "alpha"]
  }`;

  it('canonical is compact and keeps key order, including integer-like keys', () => {
    expect(parse(text).canonical).toBe(
      '{"title":"Order","type":"object","properties":{"zeta":{"type":"number","maximum":1.50,"minimum":1E+3,"exclusiveMinimum":0},' +
        '"10":{"type":"string","description":"tab\\there é \\u001F /"},"alpha":{"enum":["b","a"]}},"required":["zeta","alpha"]}',
    );
  });

  it('canonical differs for a different key order (identity depends on it unless normalized)', () => {
    expect(parse('{"type":"string","title":"a"}').canonical).not.toBe(parse('{"title":"a","type":"string"}').canonical);
  });

  it('normalize sorts keys recursively, keeps array order, and is idempotent', () => {
    const normalized = parse(text).normalize();
    expect(normalized.canonical).toBe(
      '{"properties":{"10":{"description":"tab\\there é \\u001F /","type":"string"},"alpha":{"enum":["b","a"]},' +
        '"zeta":{"exclusiveMinimum":0,"maximum":1.50,"minimum":1E+3,"type":"number"}},"required":["zeta","alpha"],"title":"Order","type":"object"}',
    );
    expect(normalized.normalize().canonical).toBe(normalized.canonical);
    expect(parse('{"type":"string","title":"a"}').normalize().canonical).toBe(parse('{"title":"a","type":"string"}').normalize().canonical);
  });

  it('reparsing the canonical string gives the same canonical string', () => {
    const schema = parse(text);
    expect(parse(schema.canonical).canonical).toBe(schema.canonical);
  });

  it('writes numbers as Jackson does', () => {
    const numbers = ['0', '-0', '12', '-12', '1.0', '1.50', '0.001', '1e3', '1.5E3', '1e-7', '-2.5e-3', '100e-2', '123456789012345678901234567890', '0.0'];
    const expected = ['0', '0', '12', '-12', '1.0', '1.50', '0.001', '1E+3', '1.5E+3', '1E-7', '-0.0025', '1.00', '123456789012345678901234567890', '0.0'];
    expect(parse(`{"examples":[${numbers.join(',')}]}`).canonical).toBe(`{"examples":[${expected.join(',')}]}`);
  });

  it('keeps the last of repeated keys at the first position', () => {
    expect(parse('{"type":"string","title":"a","type":"number"}').canonical).toBe('{"type":"number","title":"a"}');
  });

  it('treats __proto__ and constructor as ordinary property names', () => {
    const schema = parse('{"properties":{"__proto__":{"type":"string"},"constructor":{"type":"number"}}}');
    expect(schema.canonical).toBe('{"properties":{"__proto__":{"type":"string"},"constructor":{"type":"number"}}}');
    expect(schema.validator()(JSON.parse('{"__proto__":"x","constructor":1}'))).toBe(true);
    expect(schema.validator()(JSON.parse('{"constructor":"x"}'))).toBe(false);
  });

  it('formatted() knows no other representation; recordName() is the title', () => {
    const schema = parse('{"title":"com.example.Order","type":"object"}');
    expect(schema.formatted('serialized')).toBeUndefined();
    expect(schema.recordName()).toBe('com.example.Order');
    expect(parse('{"type":"object"}').recordName()).toBeUndefined();
    expect(parse('true').recordName()).toBeUndefined();
  });

  it('keeps the parsed JSON value and the references in the order given', () => {
    const refs = ['b.json', 'a.json', 'b.json'].map((name, i) => ({
      name, subject: name, version: 1, schemaType: 'JSON' as const, schema: '{"type":"string"}', references: [], _i: i,
    }));
    const schema = jsonSchemaFormat.parse('{"properties":{"a":{"$ref":"a.json"},"b":{"$ref":"b.json"}}}', refs) as JsonSchema;
    expect(schema.value).toEqual({ properties: { a: { $ref: 'a.json' }, b: { $ref: 'b.json' } } });
    expect(schema.references).toEqual([
      { name: 'b.json', subject: 'b.json', version: 1 },
      { name: 'a.json', subject: 'a.json', version: 1 },
      { name: 'b.json', subject: 'b.json', version: 1 },
    ]);
    // Confluent's normalize sorts and de-duplicates the references.
    expect(schema.normalize().references).toEqual([
      { name: 'a.json', subject: 'a.json', version: 1 },
      { name: 'b.json', subject: 'b.json', version: 1 },
    ]);
  });
});

describe('stored schemas (validate: false)', () => {
  it('load without meta-validation or reference checks, but still need JSON', () => {
    const stored = jsonSchemaFormat.parse('{"type":5,"properties":{"a":{"$ref":"gone.json"}}}', [], { validate: false });
    expect(stored.canonical).toBe('{"type":5,"properties":{"a":{"$ref":"gone.json"}}}');
    expect(() => jsonSchemaFormat.parse('{', [], { validate: false })).toThrow(InvalidSchemaError);
  });
});
