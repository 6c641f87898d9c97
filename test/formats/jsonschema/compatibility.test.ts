/** Compatibility rules beyond the shared corpus: policies, newer keywords, messages, performance. */
import { describe, expect, it } from 'vitest';
import type { ParsedSchema } from '../../../serdes/src/formats/format.js';
import { diffJsonSchemas, jsonSchemaFormat, type JsonSchema } from '../../../serdes/src/formats/jsonschema/index.js';

const parse = (text: string) => jsonSchemaFormat.parse(text) as JsonSchema;
const diffs = (older: string, newer: string) => diffJsonSchemas(parse(older), parse(newer)).map((d) => `${d.type} ${d.path}`);
const issues = (older: string, newer: string, policy?: 'STRICT' | 'LENIENT') =>
  jsonSchemaFormat.backwardIssues(parse(newer), parse(older), { policy }).map((i) => `${i.type} ${i.path}`);
const D2020 = '"$schema":"https://json-schema.org/draft/2020-12/schema"';
const D2019 = '"$schema":"https://json-schema.org/draft/2019-09/schema"';

describe('content models and policies', () => {
  const closed = '{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}},"additionalProperties":false}';
  const open = '{"type":"object","properties":{"a":{"type":"string"}}}';

  it('removing a property from a closed model breaks STRICT but not LENIENT', () => {
    const without = '{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false}';
    expect(issues(closed, without)).toEqual(['PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL #/properties/b']);
    expect(issues(closed, without, 'LENIENT')).toEqual([]);
  });

  it('adding a property to an open model: only an empty schema is safe under STRICT', () => {
    expect(issues(open, '{"type":"object","properties":{"a":{"type":"string"},"z":{}}}')).toEqual([]);
    expect(issues(open, '{"type":"object","properties":{"a":{"type":"string"},"z":{"type":"string"}}}')).toEqual([
      'OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL #/properties/z',
    ]);
    const requiredWithDefault = '{"type":"object","properties":{"a":{"type":"string"},"z":{"type":"string","default":"x"}},"required":["z"]}';
    expect(issues(open, requiredWithDefault)).toEqual(['REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL #/properties/z']);
    expect(issues(open, requiredWithDefault, 'LENIENT')).toEqual([]);
    const required = '{"type":"object","properties":{"a":{"type":"string"},"z":{"type":"string"}},"required":["z"]}';
    expect(issues(open, required, 'LENIENT')).toEqual(['REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL #/properties/z']);
  });

  it('adding a property to a closed model: optional or required with a default is safe', () => {
    const c = '{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false}';
    const add = (extra: string) => `{"type":"object","properties":{"a":{"type":"string"},"z":{"type":"string"${extra}}}${extra.includes('default') || extra === ',"r":1' ? ',"required":["z"]' : ''},"additionalProperties":false}`;
    expect(issues(c, add(''))).toEqual([]);
    expect(issues(c, add(',"default":"x"'))).toEqual([]);
    expect(issues(c, add(',"r":1'))).toEqual(['REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/z']);
  });

  it('making an existing property required needs a default', () => {
    expect(issues(open, '{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]}')).toEqual(['REQUIRED_ATTRIBUTE_ADDED #/required/a']);
    expect(issues(open, '{"type":"object","properties":{"a":{"type":"string","default":""}},"required":["a"]}')).toEqual([]);
  });

  it('LENIENT tolerates closing an open model', () => {
    expect(issues(open, '{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false}')).toEqual([
      'ADDITIONAL_PROPERTIES_REMOVED #/additionalProperties',
    ]);
    expect(issues(open, '{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false}', 'LENIENT')).toEqual([]);
  });

  it('unevaluatedProperties (2019-09+) opens, closes and partially opens a model', () => {
    const base = `{${D2019},"type":"object","properties":{"a":{"type":"string"}}`;
    expect(issues(`${base},"unevaluatedProperties":false}`, `${base}}`)).toEqual([]);
    expect(issues(`${base}}`, `${base},"unevaluatedProperties":false}`)).toEqual(['UNEVALUATED_PROPERTIES_REMOVED #/unevaluatedProperties']);
    expect(issues(`${base}}`, `${base},"unevaluatedProperties":false}`, 'LENIENT')).toEqual([]);
    // A property added where unevaluatedProperties governed it is judged against that schema.
    const partial = `${base},"unevaluatedProperties":{"type":"string"}}`;
    const withB = (type: string) => `{${D2019},"type":"object","properties":{"a":{"type":"string"},"b":{"type":"${type}"}},"unevaluatedProperties":{"type":"string"}}`;
    expect(diffs(partial, withB('string'))).toEqual([
      'PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/properties/b',
      'OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/b',
    ]);
    expect(issues(partial, withB('number'))).toEqual([
      'TYPE_CHANGED #/properties/b',
      'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/properties/b',
    ]);
  });
});

describe('arrays in 2020-12 (prefixItems / items)', () => {
  const tuple = (prefix: string, items: string) => `{${D2020},"type":"array","prefixItems":[${prefix}]${items === '' ? '' : `,"items":${items}`}}`;

  it('reports tuple positions as #/items/<i> and additional items at #/additionalItems', () => {
    expect(diffs(tuple('{"type":"string"}', 'false'), tuple('{"type":"string"},{"type":"number"}', 'false'))).toEqual([
      'ITEM_ADDED_TO_CLOSED_CONTENT_MODEL #/items/1',
    ]);
    expect(issues(tuple('{"type":"string"}', ''), tuple('{"type":"string"},{"type":"number"}', ''))).toEqual([
      'ITEM_ADDED_TO_OPEN_CONTENT_MODEL #/items/1',
    ]);
    expect(issues(tuple('{"type":"string"}', ''), tuple('{"type":"string"}', 'false'))).toEqual(['ADDITIONAL_ITEMS_REMOVED #/additionalItems']);
    // A new position must accept whatever the old additional-items schema allowed there.
    expect(issues(tuple('{"type":"string"}', '{"type":"integer"}'), tuple('{"type":"string"},{"type":"number"}', '{"type":"integer"}'))).toEqual([]);
    expect(issues(tuple('{"type":"string"}', '{"type":"number"}'), tuple('{"type":"string"},{"type":"integer"}', '{"type":"number"}'))).toEqual([
      'TYPE_NARROWED #/items/1',
      'ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/items/1',
    ]);
  });

  it('treats items without prefixItems as the list form', () => {
    expect(issues(`{${D2020},"type":"array","items":{"type":"integer"}}`, `{${D2020},"type":"array","items":{"type":"number"}}`)).toEqual([]);
    expect(issues(`{${D2020},"type":"array","items":{"type":"number"}}`, `{${D2020},"type":"array","items":{"type":"integer"}}`)).toEqual([
      'TYPE_NARROWED #/items',
    ]);
  });

  it('compares size and contains bounds', () => {
    expect(issues('{"type":"array","maxItems":3}', '{"type":"array","maxItems":2}')).toEqual(['MAX_ITEMS_DECREASED #/maxItems']);
    expect(issues('{"type":"array"}', '{"type":"array","uniqueItems":true}')).toEqual(['UNIQUE_ITEMS_ADDED #/uniqueItems']);
    const contains = (n: number) => `{${D2020},"type":"array","contains":{"type":"string"},"minContains":${n}}`;
    expect(issues(contains(2), contains(1))).toEqual([]);
    expect(issues(contains(1), contains(2))).toEqual(['MIN_CONTAINS_INCREASED #/minContains']);
  });
});

describe('other keywords', () => {
  it('dependentRequired (2019-09+) may lose but not gain dependencies', () => {
    const deps = (list: string) => `{${D2019},"type":"object","dependentRequired":{"card":[${list}]}}`;
    expect(diffs(deps('"billing","cvc"'), deps('"billing"'))).toEqual(['DEPENDENCY_ARRAY_NARROWED #/dependencies/card']);
    expect(issues(deps('"billing"'), deps('"billing","cvc"'))).toEqual(['DEPENDENCY_ARRAY_EXTENDED #/dependencies/card']);
    expect(issues(`{${D2019},"type":"object"}`, deps('"billing"'))).toEqual(['DEPENDENCY_ARRAY_ADDED #/dependencies/card']);
  });

  it('multipleOf compares by exact divisibility, decimals included', () => {
    const m = (v: string) => `{"type":"number","multipleOf":${v}}`;
    expect(diffs(m('0.3'), m('0.1'))).toEqual(['MULTIPLE_OF_REDUCED #/multipleOf']);
    expect(issues(m('0.1'), m('0.3'))).toEqual(['MULTIPLE_OF_EXPANDED #/multipleOf']);
    expect(issues(m('4'), m('6'))).toEqual(['MULTIPLE_OF_CHANGED #/multipleOf']);
  });

  it('not: the negated schema may only grow stricter', () => {
    expect(diffs('{"not":{"type":"number"}}', '{"not":{"type":"integer"}}')).toEqual(['NOT_TYPE_NARROWED #/not']);
  });

  it('a type may become a union that contains it, but a union may not collapse', () => {
    expect(diffs('{"type":"string"}', '{"type":["string","null"]}')).toEqual(['SUM_TYPE_EXTENDED #/']);
    expect(issues('{"type":["string","null"]}', '{"type":"string"}')).toEqual(['TYPE_CHANGED #/']);
    expect(issues('{"type":["string","null"]}', '{"type":["null","string"]}')).toEqual([]);
  });

  it('enum may grow; const may not change', () => {
    expect(diffs('{"enum":["a"]}', '{"enum":["a","b"]}')).toEqual(['ENUM_ARRAY_EXTENDED #/enum']);
    expect(issues('{"enum":["a","b"]}', '{"enum":["b"]}')).toEqual(['ENUM_ARRAY_NARROWED #/enum']);
    expect(issues('{"enum":[1]}', '{"enum":[1.0]}')).toEqual([]);
    expect(issues('{"const":{"a":[1,2]}}', '{"const":{"a":[1,2]}}')).toEqual([]);
    expect(issues('{"const":{"a":[1,2]}}', '{"const":{"a":[2,1]}}')).toEqual(['ENUM_ARRAY_CHANGED #/const']);
  });

  it('metadata changes are compatible; draft-04 ids use "id"', () => {
    const d4 = (id: string) => `{"$schema":"http://json-schema.org/draft-04/schema#","id":"${id}","type":"string"}`;
    expect(diffs(d4('urn:a'), d4('urn:b'))).toEqual(['ID_CHANGED #/']);
    expect(diffs('{"type":"string","default":"a"}', '{"type":"string","default":"b"}')).toEqual(['DEFAULT_CHANGED #/']);
    expect(issues('{"type":"string","title":"A","description":"x"}', '{"type":"string","title":"B"}')).toEqual([]);
  });

  it('anything may become {} or true; false may become anything; {} may not become a constrained schema', () => {
    expect(issues('{"type":"string","minLength":3}', '{}')).toEqual([]);
    expect(issues('{"type":"string"}', 'true')).toEqual([]);
    expect(issues('false', '{"type":"string"}')).toEqual([]);
    expect(issues('{}', '{"properties":{}}')).toEqual(['TYPE_CHANGED #/']);
  });

  it('leaves Kafka Connect bytes alone (connect.type: bytes on both sides)', () => {
    const decimal = (type: string) => `{"type":"${type}","title":"org.apache.kafka.connect.data.Decimal","connect.version":1,"connect.type":"bytes","connect.parameters":{"scale":"2"}}`;
    expect(issues(decimal('string'), decimal('number'))).toEqual([]);
  });

  it('allOf losing a member is PRODUCT_TYPE_NARROWED (compatible), gaining one is not', () => {
    expect(diffs('{"type":"string","maxLength":3}', '{"type":"string","maxLength":5}')).toEqual(['MAX_LENGTH_INCREASED #/maxLength']);
    expect(diffs('{"allOf":[{"type":"string"},{"maxLength":3}]}', '{"type":"string"}')).toEqual(['PRODUCT_TYPE_NARROWED #/']);
    expect(issues('{"allOf":[{"type":"string"}]}', '{"allOf":[{"type":"string"},{"maxLength":3}]}')).toEqual(['PRODUCT_TYPE_EXTENDED #/']);
  });
});

describe('the format contract', () => {
  it('FORWARD is the same call with the arguments swapped', () => {
    const v1 = '{"type":"object","properties":{"a":{"type":"integer"}}}';
    const v2 = '{"type":"object","properties":{"a":{"type":"number"}}}';
    expect(issues(v1, v2)).toEqual([]); // BACKWARD: v2 reads v1 data
    expect(jsonSchemaFormat.backwardIssues(parse(v1), parse(v2)).map((i) => i.type)).toEqual(['TYPE_NARROWED']); // FORWARD
  });

  it('issues carry a message naming the property', () => {
    const [issue] = jsonSchemaFormat.backwardIssues(
      parse('{"type":"object","properties":{"name":{"type":"string"},"zip":{"type":"string"}}}'),
      parse('{"type":"object","properties":{"name":{"type":"string"}}}'),
    );
    expect(issue).toEqual({
      type: 'OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL',
      path: '#/properties/zip',
      message: expect.stringContaining("property 'zip' (#/properties/zip)"),
    });
    const [required] = jsonSchemaFormat.backwardIssues(
      parse('{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}'),
      parse('{"type":"object","properties":{"name":{"type":"string"}}}'),
    );
    expect(required!.message).toContain("property 'name'");
  });

  it('reports a schema of another type as incompatible', () => {
    const other: ParsedSchema = {
      schemaType: 'AVRO', canonical: '"string"', references: [],
      normalize: () => other, formatted: () => undefined, recordName: () => undefined,
    };
    expect(jsonSchemaFormat.backwardIssues(parse('{"type":"string"}'), other)).toEqual([
      { type: 'SCHEMA_TYPE_CHANGED', path: '#/', message: 'Incompatible because of different schema type' },
    ]);
  });

  // Correctness over a long history only; its speed is measured by `npm run bench:registration`.
  it('checks a new version against 1,000 earlier versions of varying shape', () => {
    const version = (n: number) => {
      const properties: Record<string, unknown> = { id: { type: 'string' } };
      for (let i = 0; i < 40 + (n % 10); i++) {
        properties[`f${i}`] = i % 3 === 0 ? { type: ['string', 'null'], maxLength: 100 } : i % 3 === 1 ? { type: 'integer', minimum: 0 } : { type: 'array', items: { type: 'string' } };
      }
      return JSON.stringify({ title: 'Event', type: 'object', additionalProperties: false, required: ['id'], properties });
    };
    const history = Array.from({ length: 1000 }, (_, n) => parse(version(n)));
    const next = parse(version(9));
    let incompatible = 0;
    for (const older of history) if (jsonSchemaFormat.backwardIssues(next, older).length > 0) incompatible++;
    expect(incompatible).toBe(0);
  });
});
