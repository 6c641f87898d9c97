/**
 * The compiled Avro decoder must build exactly what avsc's `fromBuffer` builds (same classes, same values),
 * for every kind of type, over random values; and fail (never loop, never return garbage) on corrupt bytes.
 */
import avsc from 'avsc';
import { describe, expect, it } from 'vitest';
import { compileAvroDecoder } from '../../serdes/src/serde/avro-decoder.js';
import { PastEndError, ReadTap } from '../../serdes/src/serde/avsc-internal.js';
import { AVRO_KINDS, complexRecord, randomValue } from './avro-kinds.js';

type NodeBuffer = Parameters<ReturnType<typeof compileAvroDecoder>>[0];

const SCHEMAS: Record<string, unknown> = {
  ...AVRO_KINDS,
  complex: complexRecord([], [{ name: 'nulls', type: { type: 'array', items: 'null' } }]),
  topLevelMap: { type: 'map', values: 'string' },
  unicode: { type: 'record', name: 'U', fields: [{ name: 's', type: 'string' }] },
};

describe('compiled Avro decoder', () => {
  for (const [name, schema] of Object.entries(SCHEMAS)) {
    it(`decodes like avsc: ${name}`, () => {
      const type = avsc.Type.forSchema(schema as avsc.Schema);
      const decode = compileAvroDecoder(type);
      for (let i = 0; i < 300; i++) {
        const value = randomValue(name, type);
        const buf = type.toBuffer(value) as NodeBuffer;
        const st = { pos: 0 };
        const mine = decode(buf, st);
        expect(st.pos).toBe(buf.length);
        expect(mine).toStrictEqual(type.fromBuffer(buf));
      }
    });
  }

  it('decodes non-ASCII strings of every length', () => {
    const type = avsc.Type.forSchema(SCHEMAS.unicode as avsc.Schema);
    const decode = compileAvroDecoder(type);
    for (const s of ['', 'a', 'é', 'aé', 'x'.repeat(24) + 'é', '日本語テキスト', '😀'.repeat(30), 'plain ascii that is longer than twenty-five']) {
      const buf = type.toBuffer({ s }) as NodeBuffer;
      expect((decode(buf, { pos: 0 }) as { s: string }).s).toBe(s);
    }
  });

  it('reads at an offset and reports where the value ended', () => {
    const type = avsc.Type.forSchema('string');
    const decode = compileAvroDecoder(type);
    const buf = Buffer.concat([Buffer.from([9, 9, 9]), type.toBuffer('hello'), Buffer.from([7])]) as NodeBuffer;
    const st = { pos: 3 };
    expect(decode(buf, st)).toBe('hello');
    expect(st.pos).toBe(9);
  });

  it('throws PastEndError on every truncation, never returns a value', () => {
    const type = avsc.Type.forSchema(SCHEMAS.complex as avsc.Schema);
    const decode = compileAvroDecoder(type);
    for (let i = 0; i < 50; i++) {
      const buf = type.toBuffer(type.random());
      for (let cut = 0; cut < buf.length; cut++) {
        expect(() => decode(buf.subarray(0, cut) as NodeBuffer, { pos: 0 })).toThrow();
      }
    }
  });

  it('refuses block counts larger than the bytes left, and invalid enum/union indexes', () => {
    const arr = compileAvroDecoder(avsc.Type.forSchema({ type: 'array', items: 'long' }));
    expect(() => arr(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x01, 0x02]) as NodeBuffer, { pos: 0 })).toThrow(PastEndError);
    const nulls = compileAvroDecoder(avsc.Type.forSchema({ type: 'array', items: 'null' }));
    expect(() => nulls(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x01]) as NodeBuffer, { pos: 0 })).toThrow(/implausible block count/);
    const en = compileAvroDecoder(avsc.Type.forSchema({ type: 'enum', name: 'E', symbols: ['A'] }));
    expect(() => en(Buffer.from([0x02]) as NodeBuffer, { pos: 0 })).toThrow(/invalid E enum index: 1/);
    expect(() => en(Buffer.from([0x01]) as NodeBuffer, { pos: 0 })).toThrow(/invalid E enum index: -1/);
    const un = compileAvroDecoder(avsc.Type.forSchema(['null', 'int']));
    expect(() => un(Buffer.from([0x04]) as NodeBuffer, { pos: 0 })).toThrow(/invalid union index: 2/);
    const lng = compileAvroDecoder(avsc.Type.forSchema('long'));
    expect(() => lng(Buffer.from([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]) as NodeBuffer, { pos: 0 })).toThrow(/precision loss/);
  });

  it('ReadTap (avsc reading with a reader schema) reads longs with the same varint reader', () => {
    const long = avsc.Type.forSchema('long');
    for (const v of [0, -1, 63, -64, 300, -(2 ** 40), -(2 ** 52), 9007199254740990]) {
      expect(new ReadTap(long.toBuffer(v)).readLong()).toBe(v);
    }
    expect(() => new ReadTap(Buffer.from([0x80, 0x80])).readLong()).toThrow(PastEndError);
    expect(() => new ReadTap(Buffer.from([...new Array<number>(10).fill(0xff), 0x01])).readLong()).toThrow(/longer than 64 bits/);
  });

  it('keeps a "__proto__" map key as data', () => {
    const type = avsc.Type.forSchema({ type: 'map', values: 'int' });
    const buf = Buffer.from([0x02, 0x12, ...Buffer.from('__proto__'), 0x02, 0x00]) as NodeBuffer;
    const map = compileAvroDecoder(type)(buf, { pos: 0 }) as Record<string, number>;
    expect(Object.getPrototypeOf(map)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(map, '__proto__')?.value).toBe(1);
  });
});
