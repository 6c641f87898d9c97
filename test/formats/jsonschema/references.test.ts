/** `$ref` across registered schemas (nested two levels), local references, and validation with them. */
import { describe, expect, it } from 'vitest';
import { InvalidSchemaError, type ResolvedReference } from '../../../serdes/src/formats/format.js';
import { diffJsonSchemas, jsonSchemaFormat, type JsonSchema } from '../../../serdes/src/formats/jsonschema/index.js';

const ref = (name: string, subject: string, schema: string, references: ResolvedReference[] = [], version = 1): ResolvedReference => ({
  name, subject, version, schemaType: 'JSON', schema, references,
});
const parse = (text: string, references: ResolvedReference[] = []) => jsonSchemaFormat.parse(text, references) as JsonSchema;

// order.json → address.json → country.json
const COUNTRY = '{"type":"string","enum":["NL","DE"]}';
const ADDRESS = '{"type":"object","properties":{"street":{"type":"string"},"country":{"$ref":"country.json"}},"required":["street","country"]}';
const ORDER = '{"title":"Order","type":"object","properties":{"id":{"type":"integer"},"shipTo":{"$ref":"address.json"}},"required":["id"]}';
const country = (schema = COUNTRY, version = 1) => ref('country.json', 'country', schema, [], version);
const address = (c = country()) => ref('address.json', 'address', ADDRESS, [c]);

describe('a schema referencing registered schemas, nested two levels', () => {
  it('parses with its references and keeps them in order', () => {
    const order = parse(ORDER, [address()]);
    expect(order.references).toEqual([{ name: 'address.json', subject: 'address', version: 1 }]);
    expect(order.resolvedReferences[0]!.references[0]!.name).toBe('country.json');
  });

  it('validates data through both levels', () => {
    const validate = parse(ORDER, [address()]).validator();
    expect(validate({ id: 1, shipTo: { street: 'Main St', country: 'NL' } })).toBe(true);
    expect(validate({ id: 1, shipTo: { street: 'Main St', country: 'FR' } })).toBe(false);
    expect(validate({ id: 1, shipTo: { country: 'NL' } })).toBe(false);
    expect(validate({ id: 'one' })).toBe(false);
  });

  it('compiles the validator once, on first use', () => {
    const order = parse(ORDER, [address()]);
    expect(order.validator()).toBe(order.validator());
  });

  it('follows references in the compatibility check', () => {
    const before = parse(ORDER, [address()]);
    const widened = parse(ORDER, [address(country('{"type":"string","enum":["NL","DE","FR"]}', 2))]);
    const narrowed = parse(ORDER, [address(country('{"type":"string","enum":["NL"]}', 3))]);
    // country.json is {type, enum}: two keyword groups, which the diff sees as an allOf of two parts.
    const path = '#/properties/shipTo/properties/country/allOf/0/enum';
    expect(diffJsonSchemas(before, widened)).toEqual([{ type: 'ENUM_ARRAY_EXTENDED', path }]);
    expect(jsonSchemaFormat.backwardIssues(widened, before)).toEqual([]);
    const issues = jsonSchemaFormat.backwardIssues(narrowed, before);
    expect(issues.map((i) => i.type)).toEqual(['COMBINED_TYPE_SUBSCHEMAS_CHANGED']);
    expect(jsonSchemaFormat.backwardIssues(before, narrowed)).toEqual([]);
  });

  it('treats a reference and the same schema inlined alike', () => {
    const referenced = parse(ORDER, [address()]);
    const inlined = parse(ORDER.replace('{"$ref":"address.json"}', ADDRESS.replace('{"$ref":"country.json"}', COUNTRY)));
    expect(diffJsonSchemas(referenced, inlined)).toEqual([]);
    expect(diffJsonSchemas(inlined, referenced)).toEqual([]);
  });

  it('rejects a schema whose reference is missing, naming it', () => {
    expect(() => parse(ORDER)).toThrow(new InvalidSchemaError(
      "Invalid JSON Schema: $ref 'address.json' at /properties/shipTo cannot be resolved: it names neither a part of this schema nor one of its references",
    ));
    expect(() => parse(ORDER, [ref('address.json', 'address', ADDRESS)])).toThrow(/'country.json'.*in referenced schema 'address.json'/);
  });

  it('rejects a reference that is not JSON Schema or not JSON', () => {
    expect(() => parse(ORDER, [{ ...address(), schemaType: 'AVRO' }])).toThrow(InvalidSchemaError);
    expect(() => parse(ORDER, [ref('address.json', 'address', '{not json')])).toThrow(/referenced schema 'address.json'.*not valid JSON/);
  });
});

describe('reference names and base URIs', () => {
  const PERSON_ID = 'https://example.com/schemas/person.json';

  it("resolves a relative $ref against the referrer's $id, whichever form the reference name takes", () => {
    const text = `{"$id":"${PERSON_ID}","type":"object","properties":{"address":{"$ref":"address.json"}}}`;
    const plain = ref('address.json', 'address', '{"type":"object","properties":{"city":{"type":"string"}}}');
    for (const name of ['address.json', 'https://example.com/schemas/address.json']) {
      const schema = parse(text, [{ ...plain, name }]);
      expect(schema.validator()({ address: { city: 'Delft' } })).toBe(true);
      expect(schema.validator()({ address: { city: 7 } })).toBe(false);
    }
  });

  it("finds a referenced schema by its own $id, and resolves its refs against that $id", () => {
    const city = ref('city', 'city', '{"$id":"https://example.com/types/city.json","type":"string","minLength":2}');
    const addr = ref('addr', 'address', '{"$id":"https://example.com/types/address.json","type":"object","properties":{"city":{"$ref":"city.json"}}}', [city]);
    const schema = parse('{"properties":{"address":{"$ref":"https://example.com/types/address.json"}}}', [addr]);
    expect(schema.validator()({ address: { city: 'Delft' } })).toBe(true);
    expect(schema.validator()({ address: { city: 'D' } })).toBe(false);
  });

  it('resolves JSON pointers into referenced schemas', () => {
    const defs = ref('defs.json', 'defs', '{"definitions":{"id":{"type":"string","format":"uuid"}}}');
    const schema = parse('{"properties":{"id":{"$ref":"defs.json#/definitions/id"}}}', [defs]);
    expect(schema.validator()({ id: '6c9a7f0e-8d5b-4a57-9c1e-2f1d8f6b4c3a' })).toBe(true);
    expect(schema.validator()({ id: 'nope' })).toBe(false);
    expect(() => parse('{"properties":{"id":{"$ref":"defs.json#/definitions/missing"}}}', [defs])).toThrow(/'defs.json#\/definitions\/missing'/);
  });
});

describe('local references', () => {
  it.each([
    ['draft-07 #/definitions', '{"definitions":{"name":{"type":"string"}},"properties":{"n":{"$ref":"#/definitions/name"}}}'],
    ['2020-12 #/$defs', '{"$schema":"https://json-schema.org/draft/2020-12/schema","$defs":{"name":{"type":"string"}},"properties":{"n":{"$ref":"#/$defs/name"}}}'],
    ['2020-12 $anchor', '{"$schema":"https://json-schema.org/draft/2020-12/schema","$defs":{"name":{"$anchor":"name","type":"string"}},"properties":{"n":{"$ref":"#name"}}}'],
    ['draft-07 plain-name $id', '{"definitions":{"name":{"$id":"#name","type":"string"}},"properties":{"n":{"$ref":"#name"}}}'],
    ['escaped pointer', '{"definitions":{"a/b~c":{"type":"string"}},"properties":{"n":{"$ref":"#/definitions/a~1b~0c"}}}'],
  ])('%s', (_label, text) => {
    const schema = parse(text);
    expect(schema.validator()({ n: 'x' })).toBe(true);
    expect(schema.validator()({ n: 1 })).toBe(false);
    const changed = parse(text.replace('"type":"string"', '"type":"number"'));
    expect(jsonSchemaFormat.backwardIssues(changed, schema)).toEqual([
      expect.objectContaining({ type: 'TYPE_CHANGED', path: '#/properties/n' }),
    ]);
  });
});

describe('recursive schemas', () => {
  const TREE = '{"type":"object","properties":{"value":{"type":"string"},"children":{"type":"array","items":{"$ref":"#"}}}}';

  it('compares a recursive schema with itself without looping, and finds a change inside the recursion', () => {
    expect(diffJsonSchemas(parse(TREE), parse(TREE))).toEqual([]);
    const changed = parse(TREE.replace('"value":{"type":"string"}', '"value":{"type":"integer"}'));
    const issues = jsonSchemaFormat.backwardIssues(changed, parse(TREE)).map((i) => `${i.type} ${i.path}`);
    // Once the recursion is known to be incompatible, the change is also reported one level down.
    expect(issues).toEqual(['TYPE_CHANGED #/properties/value', 'TYPE_CHANGED #/properties/children/items/properties/value']);
  });

  it('handles mutually recursive definitions through unions', () => {
    // T0 → T2 → T0 is a cycle behind singleton oneOfs; the root is oneOf[T0, T1]. The incompatible
    // changes to T0.id and T1.id must not be hidden by the cycle being assumed compatible.
    const schema = (t0: string, t1: string) => {
      const object = (idType: string, target: string) => ({
        type: 'object', additionalProperties: true,
        properties: { id: { type: idType }, ref: { oneOf: [{ $ref: `#/definitions/${target}` }] } },
      });
      return parse(JSON.stringify({
        definitions: { T0: object(t0, 'T2'), T1: object(t1, 'T2'), T2: object('integer', 'T0') },
        type: 'object', additionalProperties: true,
        properties: { root: { oneOf: [{ $ref: '#/definitions/T0' }, { $ref: '#/definitions/T1' }] } },
      }));
    };
    const before = schema('integer', 'boolean');
    expect(jsonSchemaFormat.backwardIssues(schema('integer', 'boolean'), before)).toEqual([]);
    expect(jsonSchemaFormat.backwardIssues(schema('boolean', 'number'), before)).not.toEqual([]);
  });

  it('stays fast on a large recursive union (memoized pairs)', () => {
    const types = ['Asset', 'Basket', 'Swap', 'Bond', 'Option', 'Future', 'Forward', 'Loan', 'Repo', 'Equity', 'Index', 'Leg'];
    const union = () => ({ oneOf: types.map((t) => ({ $ref: `#/definitions/${t}` })) });
    const text = JSON.stringify({
      title: 'Trade', type: 'object',
      definitions: Object.fromEntries(types.map((t) => [t, { type: 'object', properties: { id: { type: 'string' }, underlying: union(), reference: union() } }])),
      properties: { tradeId: { type: 'string' }, product: union() },
    });
    const started = performance.now();
    expect(diffJsonSchemas(parse(text), parse(text))).toEqual([]);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
