/** Schemas that must be rejected at registration (test/fixtures/compat/invalid-jsonschema.json and more). */
import { describe, expect, it } from 'vitest';
import { InvalidSchemaError } from '../../../serdes/src/formats/format.js';
import { jsonSchemaFormat } from '../../../serdes/src/formats/jsonschema/index.js';
import { loadCorpus, type InvalidCase } from '../corpus.js';

const corpus = loadCorpus<InvalidCase[]>('invalid-jsonschema.json');

function rejection(text: string): InvalidSchemaError {
  try {
    jsonSchemaFormat.parse(text);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidSchemaError);
    return e as InvalidSchemaError;
  }
  throw new Error(`accepted: ${text}`);
}

describe('invalid-jsonschema.json corpus', () => {
  it('has the 7 cases the README announces', () => expect(corpus).toHaveLength(7));

  for (const c of corpus) {
    it(`${c.id} is rejected (${c.why})`, () => {
      expect(rejection(c.schema).message).toMatch(/^Invalid JSON Schema: /);
    });
  }
});

describe('rejection messages name the problem and where it is', () => {
  it.each([
    ['{"type":"object","properties":{"a":{"type":5}}}', 'Invalid JSON Schema: /properties/a/type must be equal to one of the allowed values'],
    ['{"type":"number","minimum":"ten"}', 'Invalid JSON Schema: /minimum must be number'],
    ['{"enum":"x"}', 'Invalid JSON Schema: /enum must be array'],
    ['{"type":"object","properties":{"a":5}}', 'Invalid JSON Schema: /properties/a must be object,boolean'],
    ['{"properties":{"a":{"pattern":"[a-"}}}', 'Invalid JSON Schema: /properties/a/pattern must be a valid regular expression'],
    ['{"patternProperties":{"(x":{}}}', "Invalid JSON Schema: /patternProperties property name '(x' must be a valid regular expression"],
    ['{"required":"a"}', 'Invalid JSON Schema: /required must be array'],
  ])('%s', (text, message) => {
    expect(rejection(text).message).toBe(message);
  });

  it('names a $ref that resolves nowhere, with its location', () => {
    expect(rejection('{"type":"object","properties":{"a":{"$ref":"#/definitions/missing"}}}').message).toBe(
      "Invalid JSON Schema: $ref '#/definitions/missing' at /properties/a cannot be resolved: it names neither a part of this schema nor one of its references",
    );
    expect(rejection('{"items":{"$ref":"https://example.com/elsewhere.json"}}').message).toContain("'https://example.com/elsewhere.json'");
    expect(rejection('{"$ref":"other.json#/definitions/x"}').message).toContain("'other.json#/definitions/x'");
    expect(rejection('{"$schema":"https://json-schema.org/draft/2020-12/schema","$ref":"#nowhere"}').message).toContain("'#nowhere'");
  });

  it('reports text that is not JSON with the parse error', () => {
    expect(rejection('{]').message).toBe('Invalid JSON Schema: the schema is not valid JSON: expected a property name in double quotes at line 1 column 2');
    expect(rejection('').message).toBe('Invalid JSON Schema: the schema is not valid JSON: empty document');
    expect(rejection('{"type":"string"} {}').message).toContain('unexpected text after the JSON document');
    expect(rejection('{"type":"string",}').message).toContain('not valid JSON');
    expect(rejection("{'type':'string'}").message).toContain('not valid JSON');
    expect(rejection('{"type":"str\u0001ing"}').message).toContain('control character in string');
  });

  it.each([
    ['"string"', 'a string'],
    ['42', 'a number'],
    ['null', 'null'],
    ['[{"type":"string"}]', 'an array'],
  ])('rejects %s: a schema is an object or a boolean', (text, kind) => {
    expect(rejection(text).message).toBe(`Invalid JSON Schema: the schema must be a JSON object or a boolean, not ${kind}`);
  });
});
