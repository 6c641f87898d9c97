/**
 * Avro cases for bench:complexity: one dimension each (record fields, union branches, enum symbols).
 * `schema(n)` has size n; `evolved(n)` has size n + 1 and is BACKWARD-compatible with `schema(n)` (reader =
 * evolved, writer = schema), so a check walks the whole schema instead of stopping at a first issue.
 */

const TYPES = ['int', 'long', 'string', 'double', 'boolean', 'bytes'];

/** A record of `n` fields of mixed primitive types; fields past `required` carry a default. */
function record(name, n, required = n) {
  return {
    type: 'record',
    name,
    namespace: 'bench.cx',
    fields: Array.from({ length: n }, (_, i) => {
      const field = { name: `f${i}`, type: TYPES[i % TYPES.length] };
      return i < required ? field : { ...field, type: ['null', field.type], default: null };
    }),
  };
}

/** A record holding one union of `n` small record branches (each a distinct named type). */
function unionOfRecords(n) {
  return {
    type: 'record',
    name: 'Envelope',
    namespace: 'bench.cx',
    fields: [
      {
        name: 'payload',
        type: Array.from({ length: n }, (_, i) => ({
          type: 'record',
          name: `Event${i}`,
          fields: [
            { name: 'id', type: 'long' },
            { name: 'note', type: ['null', 'string'], default: null },
          ],
        })),
      },
    ],
  };
}

/** A record holding one enum of `n` symbols (the new version adds a symbol at the end). */
function enumRecord(n) {
  return {
    type: 'record',
    name: 'Labelled',
    namespace: 'bench.cx',
    fields: [{ name: 'label', type: { type: 'enum', name: 'Label', symbols: Array.from({ length: n }, (_, i) => `S${i}`) } }],
  };
}

export const cases = [
  {
    name: 'record with n fields',
    schemaType: 'AVRO',
    schema: (n) => JSON.stringify(record('Wide', n)),
    // The added field has a default, so old data stays readable.
    evolved: (n) => JSON.stringify(record('Wide', n + 1, n)),
  },
  {
    name: 'union of n record branches',
    schemaType: 'AVRO',
    schema: (n) => JSON.stringify(unionOfRecords(n)),
    evolved: (n) => JSON.stringify(unionOfRecords(n + 1)),
  },
  {
    name: 'enum with n symbols',
    schemaType: 'AVRO',
    schema: (n) => JSON.stringify(enumRecord(n)),
    evolved: (n) => JSON.stringify(enumRecord(n + 1)),
  },
];
