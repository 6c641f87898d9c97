/**
 * Schemas of every kind of Avro type, and random values of them, for the tests of the compiled Avro
 * encoder and decoder (each compares with avsc over the same kinds).
 */
import type avsc from 'avsc';

/** Schemas both the encoder and the decoder tests run; `complexRecord` gives the record of complex types. */
export const AVRO_KINDS: Record<string, unknown> = {
  primitives: {
    type: 'record',
    name: 'P',
    fields: [
      { name: 'n', type: 'null' },
      { name: 'b', type: 'boolean' },
      { name: 'i', type: 'int' },
      { name: 'l', type: 'long' },
      { name: 'f', type: 'float' },
      { name: 'd', type: 'double' },
      { name: 's', type: 'string' },
      { name: 'y', type: 'bytes' },
    ],
  },
  wrappedUnion: { type: 'record', name: 'W', fields: [{ name: 'u', type: ['int', 'long', 'string'] }] },
  logical: {
    type: 'record',
    name: 'L',
    fields: [
      { name: 'ts', type: { type: 'long', logicalType: 'timestamp-millis' } },
      { name: 'dec', type: { type: 'bytes', logicalType: 'decimal', precision: 5, scale: 2 } },
    ],
  },
  recursive: {
    type: 'record',
    name: 'Node',
    fields: [
      { name: 'value', type: 'int' },
      { name: 'children', type: { type: 'array', items: 'Node' } },
      { name: 'next', type: ['null', 'Node'], default: null },
    ],
  },
  topLevelString: 'string',
  topLevelUnion: ['null', 'string', { type: 'array', items: 'int' }],
};

/**
 * Record `acme.C` with a field of every complex kind (enum, fixed, array of records, map of arrays, optional
 * named type, nested records); `beforeNested` and `trailing` add the fields a test needs besides.
 */
export function complexRecord(beforeNested: object[], trailing: object[]): unknown {
  return {
    type: 'record',
    name: 'acme.C',
    fields: [
      { name: 'e', type: { type: 'enum', name: 'E', symbols: ['A', 'B', 'C'] } },
      { name: 'fx', type: { type: 'fixed', name: 'F', size: 5 } },
      { name: 'arr', type: { type: 'array', items: { type: 'record', name: 'Item', fields: [{ name: 'k', type: 'string' }, { name: 'v', type: ['null', 'long'] }] } } },
      { name: 'map', type: { type: 'map', values: { type: 'array', items: 'double' } } },
      { name: 'opt', type: ['null', 'Item'], default: null },
      ...beforeNested,
      { name: 'nested', type: { type: 'record', name: 'N', fields: [{ name: 'deep', type: { type: 'record', name: 'D', fields: [{ name: 'x', type: 'int' }] } }] } },
      ...trailing,
    ],
  };
}

/** A random value of the recursive Node schema (avsc's random() does not terminate on recursion). */
function randomTree(depth: number): unknown {
  const n = depth > 0 ? Math.floor(Math.random() * 3) : 0;
  return {
    value: Math.floor(Math.random() * 1000) - 500,
    children: Array.from({ length: n }, () => randomTree(depth - 1)),
    next: depth > 0 && Math.random() < 0.5 ? randomTree(depth - 1) : null,
  };
}

/** A random value of the schema named `name` (a key of the tests' schemas) whose avsc Type is `type`. */
export function randomValue(name: string, type: avsc.Type): unknown {
  return name === 'recursive' ? randomTree(4) : type.random();
}
