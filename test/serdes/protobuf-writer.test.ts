/**
 * DirectWriter against protobufjs' own Writer: the same generated encoders driven through both must give
 * the same bytes, for every scalar kind, 64-bit inputs (Long, number, string), packed and unpacked
 * repeated fields, maps, oneofs, proto2 groups, and nested messages whose length needs 1 to 3 varint
 * bytes (the body shift in `ldelim`). Then random messages, and reuse after a failed encoding.
 */
import Long from 'long';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { DirectWriter } from '../../serdes/src/serde/protobuf-writer.js';
import { All, inner, LongKeyed, randomInner } from './protobuf-kinds.js';

const PROTO2 = `syntax = "proto2";
package t2;
message Old {
  optional int32 a = 1;
  repeated int32 unpacked = 2;
  repeated int32 packed = 3 [packed = true];
  optional group G = 4 { optional string inside = 5; }
  required string must = 6;
}
`;

const Old = protobuf.parse(PROTO2).root.lookupType('t2.Old');

function viaProtobufjs(type: protobuf.Type, value: object): Buffer {
  return Buffer.from(type.encode(value as protobuf.Message).finish());
}

function viaDirect(type: protobuf.Type, value: object, writer = new DirectWriter()): Buffer {
  return type.encode(value as protobuf.Message, writer.begin().asProtobufWriter()) && writer.finish();
}

function expectSameBytes(type: protobuf.Type, value: object, writer?: DirectWriter): void {
  const expected = viaProtobufjs(type, value);
  const ours = viaDirect(type, value, writer);
  expect(ours.toString('hex')).toBe(expected.toString('hex'));
  // And it decodes back (a sanity check that the test wrote a real message, not two equal empty ones).
  expect(() => type.decode(ours)).not.toThrow();
  if (Object.keys(value).length > 0) expect(ours.length).toBeGreaterThan(0);
}


describe('DirectWriter', () => {
  it('writes every scalar kind as protobufjs does, extremes included', () => {
    expectSameBytes(All, {
      d: -0,
      f: 3.4028234663852886e38,
      i32: -2147483648,
      i64: Long.fromString('-9223372036854775808'),
      u32: 4294967295,
      u64: Long.fromString('18446744073709551615', true),
      s32: -2147483648,
      s64: Long.fromString('-9223372036854775808'),
      fx32: 4294967295,
      fx64: Long.fromString('18446744073709551615', true),
      sfx32: -1,
      sfx64: Long.fromNumber(-2),
      b: true,
      s: 'héllo wörld ✓ 𝄞',
      by: new Uint8Array([0, 1, 2, 255]),
      e: -1,
    });
    expectSameBytes(All, { d: Number.NaN, f: Number.POSITIVE_INFINITY, i32: 0, s: '', by: new Uint8Array(0), b: false });
    expectSameBytes(All, { d: Number.NEGATIVE_INFINITY, f: -1.5, i32: -1, s32: 2147483647, s64: -1 });
  });

  it('takes 64-bit values as Long, number or decimal string, and bytes as base64', () => {
    for (const v of [0, 1, -1, 2 ** 53 - 1, -(2 ** 53 - 1), '123456789012345678', '-123456789012345678', Long.fromString('9223372036854775807')]) {
      expectSameBytes(All, { i64: v, u64: typeof v === 'number' ? Math.abs(v) : v, s64: v, fx64: v, sfx64: v, zz: [v, v] });
    }
    expectSameBytes(All, { by: Buffer.from('any bytes at all \u0000').toString('base64') });
  });

  it('writes strings of every length class: short ASCII, long ASCII, and non-ASCII', () => {
    for (const s of ['a', 'x'.repeat(127), 'x'.repeat(128), 'y'.repeat(20_000), 'é', 'ü'.repeat(100), '日本語'.repeat(50), '🎉'.repeat(40)]) {
      expectSameBytes(All, { s, names: [s, s] });
    }
  });

  it('gives nested messages lengths of one, two and three varint bytes', () => {
    for (const size of [0, 1, 126, 127, 128, 129, 16_382, 16_383, 16_384, 70_000]) {
      expectSameBytes(All, { nested: { label: 'z'.repeat(size) } });
      expectSameBytes(All, { nested: { label: 'a', child: { label: 'z'.repeat(size), child: { blob: new Uint8Array(size) } } } });
    }
  });

  it('writes packed, unpacked and message repeated fields, maps, oneofs, and proto3 optional', () => {
    expectSameBytes(All, {
      packed: [1, -1, 300, 0, 2147483647],
      ds: [0.5, -0, 1e300],
      inners: [inner('a', 3), inner('b'), {}],
      byName: { x: inner('x', 2), '': {} },
      byNumber: { '1': 'one', '-5': 'minus five' },
      text: 'chosen',
      maybe: 0,
    });
    expectSameBytes(All, { inner: inner('deep', 6), packed: [] });
    expectSameBytes(All, { counts: { a: Long.fromNumber(7), b: '-9223372036854775808' } });
    expectSameBytes(LongKeyed, { byLong: { '1': 'one', '-5': 'minus five', '9223372036854775807': 'max' }, byBool: { true: 1, false: 0 } });
  });

  it('writes proto2 unpacked and packed repeated fields, groups and required fields', () => {
    expectSameBytes(Old, { a: -3, unpacked: [1, 2, 3], packed: [4, 5, 600], g: { inside: 'grouped' }, must: 'yes' });
  });

  it('matches protobufjs on random messages, reusing one writer', () => {
    const writer = new DirectWriter();
    const { rand, str, message } = randomInner(7);
    for (let i = 0; i < 500; i++) {
      expectSameBytes(All, {
        i32: (rand() * 2 ** 32) | 0,
        d: rand() * 1e6 - 5e5,
        s: str(),
        inners: Array.from({ length: Math.floor(rand() * 4) }, () => message(3)),
        nested: message(4),
        byName: Object.fromEntries(Array.from({ length: Math.floor(rand() * 3) }, () => [str(), message(1)])),
      }, writer);
    }
  });

  it('is clean again after an encoding that threw half-way', () => {
    const writer = new DirectWriter();
    // A Long-like value that throws when read, inside a nested message (after fork(), before ldelim()).
    const poisoned = { nested: { label: 'x', values: [{ get low(): number { throw new Error('boom'); }, high: 0, unsigned: false }] } };
    expect(() => All.encode(poisoned as unknown as protobuf.Message, writer.begin().asProtobufWriter())).toThrow('boom');
    expectSameBytes(All, { s: 'after', nested: inner('n', 2) }, writer);
  });

  it('writes the wire-format header before the message', () => {
    const w = new DirectWriter().begin().header(0x01020304).uint32(0);
    All.encode({ i32: 1 } as unknown as protobuf.Message, w.asProtobufWriter());
    expect(w.finish().toString('hex')).toBe('0001020304' + '00' + viaProtobufjs(All, { i32: 1 }).toString('hex'));
  });

  it('refuses ldelim() without fork()', () => {
    expect(() => new DirectWriter().ldelim()).toThrow('ldelim() without fork()');
  });
});
