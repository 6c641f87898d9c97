/**
 * JSON Schema shapes that grow along one dimension, for `bench:complexity`: `schema(n)` has n of
 * something, `evolved(n)` has n + 1 and is BACKWARD compatible with `schema(n)` under Confluent's rules
 * (STRICT). Every old entry is also changed compatibly in `evolved` (a string's `maxLength` rises, a
 * description changes), so a check cannot stop at identical subschemas: each entry is really compared.
 */

const range = (n) => Array.from({ length: n }, (_, i) => i);

/** One object branch per i: its own required string property, so branch i only matches branch i. */
function branch(i, maxLength) {
  return {
    type: 'object',
    title: `Branch${i}`,
    properties: { id: { type: 'string' }, [`field${i}`]: { type: 'string', maxLength } },
    required: [`field${i}`],
  };
}

function combined(keyword) {
  return {
    name: `${keyword} of n object branches`,
    schemaType: 'JSON',
    schema: (n) => JSON.stringify({ [keyword]: range(n).map((i) => branch(i, 10)) }),
    // A branch added (SUM_TYPE_EXTENDED), each old branch's maxLength raised (MAX_LENGTH_INCREASED).
    evolved: (n) => JSON.stringify({ [keyword]: range(n + 1).map((i) => branch(i, 20)) }),
  };
}

/** A closed object (additionalProperties: false), so adding an optional property is compatible. */
function object(n, count, maxLength) {
  const properties = {};
  for (const i of range(count)) properties[`p${i}`] = { type: 'string', maxLength };
  return JSON.stringify({ type: 'object', properties, required: range(n).map((i) => `p${i}`), additionalProperties: false });
}

export const cases = [
  combined('anyOf'),
  combined('oneOf'),
  {
    name: 'object with n properties',
    schemaType: 'JSON',
    schema: (n) => object(n, n, 10),
    // An optional property added to a closed content model, every maxLength raised.
    evolved: (n) => object(n, n + 1, 20),
  },
  {
    name: 'enum with n values',
    schemaType: 'JSON',
    schema: (n) => JSON.stringify({ type: 'string', description: 'v1', enum: range(n).map((i) => `value${i}`) }),
    // A value added (ENUM_ARRAY_EXTENDED), the description changed.
    evolved: (n) => JSON.stringify({ type: 'string', description: 'v2', enum: range(n + 1).map((i) => `value${i}`) }),
  },
];
