/**
 * The compiled Avro encoder must write exactly avsc's bytes for every value avsc accepts, and refuse every
 * value avsc refuses (checked against `isValid`), for every kind of type.
 */
import avsc from 'avsc';
import { describe, expect, it } from 'vitest';
import { compileAvroEncoder, InvalidAvroValue, type EncodeState } from '../../serdes/src/serde/avro-encoder.js';
import { AVRO_KINDS, complexRecord, randomValue } from './avro-kinds.js';

const SCHEMAS: Record<string, unknown> = {
  ...AVRO_KINDS,
  complex: complexRecord(
    [{ name: 'u', type: ['null', 'boolean', 'int', 'string', 'bytes', { type: 'array', items: 'int' }, { type: 'map', values: 'int' }] }],
    [
      { name: 'withDefault', type: 'string', default: 'dflt' },
      { name: 'count', type: 'int', default: 3 },
    ],
  ),
  topLevelLong: 'long',
};

function encode(type: avsc.Type, value: unknown, size = 16): Buffer {
  const st: EncodeState = { buf: Buffer.alloc(size) as EncodeState['buf'], pos: 0 };
  compileAvroEncoder(type)(st, value);
  return st.buf.subarray(0, st.pos);
}

describe('compiled Avro encoder', () => {
  for (const [name, schema] of Object.entries(SCHEMAS)) {
    it(`writes avsc's bytes: ${name}`, () => {
      const type = avsc.Type.forSchema(schema as avsc.Schema);
      const enc = compileAvroEncoder(type);
      for (let i = 0; i < 300; i++) {
        const value = randomValue(name, type);
        // A tiny starting buffer makes every path grow it.
        const st: EncodeState = { buf: Buffer.alloc(3) as EncodeState['buf'], pos: 0 };
        enc(st, value);
        expect(st.buf.subarray(0, st.pos).equals(type.toBuffer(value))).toBe(true);
      }
    });
  }

  it('writes long edge values and strings of every kind like avsc', () => {
    const long = avsc.Type.forSchema('long');
    // Below -2^52 avsc writes the wrong sign; avro-long.test.ts checks those against exact bytes.
    for (const v of [0, -1, 1, 63, -64, 64, 2 ** 30 - 1, 2 ** 30, -(2 ** 30), -(2 ** 30) - 1, 2 ** 31, -(2 ** 31), 2 ** 52, 9007199254740990, -(2 ** 52)]) {
      expect(encode(long, v).equals(long.toBuffer(v))).toBe(true);
    }
    const int = avsc.Type.forSchema('int');
    for (const v of [0, -1, 2 ** 31 - 1, -(2 ** 31), 12345]) expect(encode(int, v).equals(int.toBuffer(v))).toBe(true);
    const str = avsc.Type.forSchema('string');
    for (const s of ['', 'a', 'é', 'x'.repeat(63), 'x'.repeat(64), 'x'.repeat(63) + 'é', '日本語', '😀'.repeat(40), 'a'.repeat(10_000)]) {
      expect(encode(str, s).equals(str.toBuffer(s))).toBe(true);
    }
  });

  it('fills record fields left undefined with their defaults, as avsc does', () => {
    const type = avsc.Type.forSchema(SCHEMAS.complex as avsc.Schema);
    const value = type.random() as unknown as Record<string, unknown>;
    delete value.withDefault;
    delete value.opt;
    expect(encode(type, value).equals(type.toBuffer(value))).toBe(true);
  });

  it('refuses what avsc refuses', () => {
    const cases: Array<[unknown, unknown]> = [
      ['int', 1.5],
      ['int', 2 ** 31],
      ['int', '1'],
      ['long', 2 ** 60],
      ['long', 1.5],
      ['long', 1n],
      ['float', '1'],
      ['double', null],
      ['string', 5],
      ['boolean', 0],
      ['null', undefined],
      ['bytes', 'abc'],
      [{ type: 'fixed', name: 'F', size: 2 }, Buffer.alloc(3)],
      [{ type: 'enum', name: 'E', symbols: ['A'] }, 'B'],
      [{ type: 'array', items: 'int' }, { length: 1, 0: 1 }],
      [{ type: 'array', items: 'int' }, [1, 'x']],
      [{ type: 'map', values: 'int' }, [1]],
      [{ type: 'map', values: 'int' }, null],
      [['null', 'string'], 3],
      [['null', 'string'], undefined],
      [{ type: 'record', name: 'R', fields: [{ name: 'a', type: 'int' }] }, {}],
    ];
    for (const [schema, value] of cases) {
      const type = avsc.Type.forSchema(schema as avsc.Schema);
      expect(type.isValid(value), JSON.stringify(schema)).toBe(false);
      expect(() => encode(type, value), `${JSON.stringify(schema)} ${String(value)}`).toThrow(InvalidAvroValue);
    }
    // avsc looks enum symbols up in a plain object, so it takes 'toString' for a symbol; we refuse it.
    const en = avsc.Type.forSchema({ type: 'enum', name: 'E', symbols: ['A'] });
    expect(en.isValid('toString')).toBe(true);
    expect(() => encode(en, 'toString')).toThrow(InvalidAvroValue);
    // A record given null: avsc fails with a TypeError, so do we.
    const rec = avsc.Type.forSchema({ type: 'record', name: 'R', fields: [{ name: 'a', type: 'int' }] });
    expect(() => encode(rec, null)).toThrow(TypeError);
  });
});
