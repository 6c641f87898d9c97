/**
 * Avro longs across the whole range the serializer accepts (avsc's: ±9007199254740990). avsc forms the
 * zig-zag value 2n or -2n - 1 in a double, which past 2^53 cannot hold it: it writes -4503599627370497 as
 * +4503599627370496 and reads such bytes back with the wrong sign. The compiled encoder and decoder, and the
 * Tap used for the types left to avsc (logical types), must write and read the exact bytes; the expected bytes
 * come from a BigInt zig-zag varint written here.
 */
import avsc from 'avsc';
import { describe, expect, it } from 'vitest';
import { compileAvroEncoder, type EncodeState } from '../../serdes/src/serde/avro-encoder.js';
import { compileAvroDecoder } from '../../serdes/src/serde/avro-decoder.js';
import { ReadTap } from '../../serdes/src/serde/avsc-internal.js';

type NodeBuffer = EncodeState['buf'];

/** The zig-zag varint of `n`, in exact integer arithmetic. */
function zigzag(n: number): Buffer {
  let z = n < 0 ? -2n * BigInt(n) - 1n : 2n * BigInt(n);
  const out: number[] = [];
  do {
    const low = Number(z & 0x7fn);
    z >>= 7n;
    out.push(z > 0n ? low | 0x80 : low);
  } while (z > 0n);
  return Buffer.from(out);
}

const EDGES = [
  0, -1, 1, 63, -64, 64, -65, 2 ** 28 - 1, -(2 ** 28), 2 ** 30, -(2 ** 30) - 1, 2 ** 31, -(2 ** 31),
  2 ** 52 - 1, 2 ** 52, 2 ** 52 + 1, -(2 ** 52) + 1, -(2 ** 52), -(2 ** 52) - 1, -(2 ** 52) - 2,
  -4503599627370497, -6755399441055745, 9007199254740990, -9007199254740990, 9007199254740989, -9007199254740989,
];

function encode(type: avsc.Type, value: unknown): Buffer {
  const st: EncodeState = { buf: Buffer.alloc(2) as NodeBuffer, pos: 0 };
  compileAvroEncoder(type)(st, value);
  return Buffer.from(st.buf.subarray(0, st.pos));
}

describe('Avro long: every accepted value written and read exactly', () => {
  const long = avsc.Type.forSchema('long');
  const decode = compileAvroDecoder(long);

  it('the compiled encoder writes the exact zig-zag varint, and the decoder reads it back', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const values = [...EDGES, ...Array.from({ length: 2000 }, () => Math.round((random() * 2 - 1) * 9007199254740990))];
    for (const n of values) {
      const bytes = encode(long, n);
      expect(bytes.toString('hex'), `writes ${n}`).toBe(zigzag(n).toString('hex'));
      const st = { pos: 0 };
      expect(decode(bytes as NodeBuffer, st), `reads ${n}`).toBe(n);
      expect(st.pos).toBe(bytes.length);
    }
  });

  it('avsc (unpatched) gets the sign wrong below -2^52: the case this guards against', () => {
    expect(long.fromBuffer(long.toBuffer(-4503599627370497))).not.toBe(-4503599627370497);
  });

  it('types left to avsc (a timestamp-millis logical type) write through the exact Tap', () => {
    // A user's logical type (avsc applies logical types only when given their classes).
    class DateType extends avsc.types.LogicalType {
      override _fromValue(v: unknown): Date {
        return new Date(v as number);
      }
      override _toValue(v: unknown): number | undefined {
        return v instanceof Date ? v.getTime() : undefined;
      }
    }
    const ts = avsc.Type.forSchema({ type: 'long', logicalType: 'timestamp-millis' }, { logicalTypes: { 'timestamp-millis': DateType } });
    for (const ms of [-4503599627370497, -8640000000000000, 8640000000000000, 0, -1]) {
      const bytes = encode(ts, new Date(ms));
      expect(bytes.toString('hex'), `writes ${ms}`).toBe(zigzag(ms).toString('hex'));
      const tap = new ReadTap(bytes, 0) as unknown as { readLong(): number };
      expect(tap.readLong()).toBe(ms);
    }
  });

  it('reads a record field past 2^52 through the compiled decoder of a record', () => {
    const rec = avsc.Type.forSchema({ type: 'record', name: 'R', fields: [{ name: 'a', type: 'long' }, { name: 'b', type: 'string' }] });
    const value = { a: -(2 ** 52) - 3, b: 'x' };
    const bytes = encode(rec, value);
    expect(compileAvroDecoder(rec)(bytes as NodeBuffer, { pos: 0 })).toEqual(value);
  });
});
