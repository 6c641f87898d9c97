import { describe, expect, it } from 'vitest';
import type { ResolvedReference } from '../../../serdes/src/formats/index.js';
import { AvroSchema } from '../../../serdes/src/formats/avro/index.js';
import { parse } from './fixtures.js';

describe('avsc Type for the SDK serializers', () => {
  const schema = parse(
    JSON.stringify({
      type: 'record',
      name: 'Event',
      namespace: 'com.acme',
      fields: [
        { name: 'id', type: 'long' },
        { name: 'kind', type: { type: 'enum', name: 'Kind', symbols: ['A', 'B'] } },
        { name: 'hash', type: { type: 'fixed', name: 'Hash', size: 2 } },
        { name: 'tags', type: { type: 'array', items: 'string' }, default: [] },
        { name: 'next', type: ['null', 'Event'], default: null },
        { name: 'global', type: { type: 'record', name: 'G', namespace: '', fields: [{ name: 'g', type: 'int' }] } },
        { name: 'again', type: 'G' },
      ],
    }),
  );

  it('encodes and decodes, with recursion and a type outside the namespace', () => {
    const type = schema.avscType();
    const value = {
      id: 7,
      kind: 'B',
      hash: Buffer.from([1, 2]),
      tags: ['x'],
      next: { id: 8, kind: 'A', hash: Buffer.from([3, 4]), tags: [], next: null, global: { g: 1 }, again: { g: 2 } },
      global: { g: 3 },
      again: { g: 4 },
    };
    const decoded = type.fromBuffer(type.toBuffer(value));
    expect(JSON.parse(JSON.stringify(decoded))).toEqual(JSON.parse(JSON.stringify(value)));
    expect((type as unknown as { name: string }).name).toBe('com.acme.Event');
  });

  it('builds the Type once and caches it; options give a fresh one', () => {
    expect(schema.avscType()).toBe(schema.avscType());
    expect(schema.avscType({ wrapUnions: 'always' })).not.toBe(schema.avscType());
  });

  it('makes referenced types available', () => {
    const refs: ResolvedReference[] = [
      {
        name: 'com.acme.Money',
        subject: 'money',
        version: 1,
        schemaType: 'AVRO',
        schema: '{"type":"record","name":"Money","namespace":"com.acme","fields":[{"name":"cents","type":"long"}]}',
        references: [],
      },
    ];
    const order = AvroSchema.parse('{"type":"record","name":"com.acme.Order","fields":[{"name":"total","type":"Money"}]}', refs);
    const type = order.avscType();
    expect(type.fromBuffer(type.toBuffer({ total: { cents: 1234 } }))).toMatchObject({ total: { cents: 1234 } });
  });

  it('resolves data written with an older schema (createResolver)', () => {
    const v1 = parse('{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}');
    const v2 = parse('{"type":"record","name":"R","fields":[{"name":"a","type":"long"},{"name":"b","type":"string","default":"d"}]}');
    const resolver = v2.avscType().createResolver(v1.avscType());
    expect(v2.avscType().fromBuffer(v1.avscType().toBuffer({ a: 5 }), resolver)).toMatchObject({ a: 5, b: 'd' });
  });

  it('cannot represent the empty union (avsc refuses it)', () => {
    expect(() => parse('[]').avscType()).toThrow();
  });
});
