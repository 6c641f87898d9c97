/**
 * The compiled Protobuf decoder against protobufjs' own `Type.decode`: the same messages (class, own
 * keys, values, Long class) for every scalar kind, packed and unpacked repeated fields, maps, oneofs,
 * proto3 optional, unknown fields (groups included) and random messages; truncated and corrupt bytes throw
 * instead of returning a wrong value; the types it does not cover fall back (undefined).
 */
import Long from 'long';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { compileProtobufDecoder } from '../../serdes/src/serde/protobuf-decoder.js';
import { All, inner, Inner, LongKeyed, Narrow, randomInner } from './protobuf-kinds.js';

/** Same field numbers as All where they overlap, proto2: unpacked repeated scalars, a group, extra fields. */
const PROTO2 = `syntax = "proto2";
package t2;
message Wide {
  repeated int32 packed = 17;
  repeated sint64 zz = 26;
  optional string s = 14;
  optional group Extra = 40 { optional string inside = 41; optional int64 n = 42; }
  optional fixed64 f64 = 50;
  optional fixed32 f32 = 51;
  optional int64 big = 52;
}
message Req { required string must = 1; }
message Grouped { optional group G = 1 { optional int32 x = 2; } }
`;

const root2 = protobuf.parse(PROTO2).root;
const Wide = root2.lookupType('t2.Wide');

const decodeAll = compileProtobufDecoder(All)!;

/** What protobufjs decodes and what we decode are the same message. */
function expectSame(type: protobuf.Type, decode: (b: Buffer, o: number) => protobuf.Message, bytes: Buffer): void {
  const theirs = type.decode(bytes);
  const ours = decode(bytes, 0);
  expect(Object.getPrototypeOf(ours)).toBe(Object.getPrototypeOf(theirs));
  expect(Object.keys(ours)).toEqual(Object.keys(theirs));
  expect(ours.toJSON()).toEqual(theirs.toJSON());
  for (const key of Object.keys(theirs)) {
    const t = (theirs as unknown as Record<string, unknown>)[key];
    if (Long.isLong(t)) expect((ours as unknown as Record<string, unknown>)[key]).toBeInstanceOf(protobuf.util.Long as unknown as typeof Long);
  }
}

const encode = (type: protobuf.Type, value: object) => Buffer.from(type.encode(value as protobuf.Message).finish());


const FULL = {
  d: -0, f: 1.5, i32: -5, i64: Long.fromString('-9223372036854775808'), u32: 4294967295,
  u64: Long.fromString('18446744073709551615', true), s32: -2147483648, s64: Long.fromString('-77'),
  fx32: 4294967295, fx64: Long.fromString('18446744073709551615', true), sfx32: -1, sfx64: Long.fromNumber(-2),
  b: true, s: 'héllo wörld ✓', by: Buffer.from([1, 2, 3]), e: -1, packed: [1, -1, 300], names: ['a', '', 'b'],
  inners: [inner('x', 2), {}], byName: { k: inner('v'), '': {}, __proto__x: inner('p') },
  byNumber: { 5: 'five', '-3': 'minus three' }, counts: { a: Long.fromNumber(7), b: Long.fromString('-1') },
  text: 'chosen', nested: { blob: Buffer.alloc(300, 7), child: inner('deep', 5) }, maybe: 0,
  zz: [Long.fromNumber(-1), Long.fromNumber(7)], ds: [0.5, 1e300, Number.NaN],
};

describe('compiled Protobuf decoder', () => {
  it('decodes every field kind as protobufjs does', () => {
    expectSame(All, decodeAll, encode(All, FULL));
    expectSame(All, decodeAll, encode(All, {}));
    expectSame(All, decodeAll, encode(All, { inner: inner('in', 1), maybe: 3, byName: { __proto__: { label: 'proto' } } }));
  });

  it('reads both packed and unpacked repeated scalars, and skips unknown fields and groups', () => {
    const wide = encode(Wide, {
      packed: [1, 2, 3000], zz: [Long.fromNumber(-9)], s: 'kept',
      extra: { inside: 'skipped', n: Long.fromNumber(5) }, f64: Long.fromNumber(1), f32: 2, big: Long.fromString('-1'),
    });
    expectSame(All, decodeAll, wide); // proto2 writes packed/zz unpacked; the rest is unknown to All
    expectSame(Narrow, compileProtobufDecoder(Narrow)!, encode(All, FULL));
  });

  it('matches protobufjs on random messages', () => {
    const { rand, str, message } = randomInner(11);
    for (let i = 0; i < 300; i++) {
      expectSame(All, decodeAll, encode(All, {
        i32: (rand() * 2 ** 32) | 0, s32: (rand() * 2 ** 32) | 0, u32: Math.floor(rand() * 2 ** 32),
        d: rand() * 1e6 - 5e5, f: Math.fround(rand()), s: str(), b: rand() < 0.5,
        i64: Long.fromBits((rand() * 2 ** 32) | 0, (rand() * 2 ** 32) | 0),
        s64: Long.fromBits((rand() * 2 ** 32) | 0, (rand() * 2 ** 32) | 0),
        inners: Array.from({ length: Math.floor(rand() * 4) }, () => message(3)),
        nested: message(4),
        byName: Object.fromEntries(Array.from({ length: Math.floor(rand() * 3) }, () => [str(), message(1)])),
        packed: Array.from({ length: Math.floor(rand() * 6) }, () => (rand() * 2 ** 32) | 0),
      }));
    }
  });

  it('never returns a wrong value for truncated bytes: a prefix decodes as protobufjs decodes it, or throws', () => {
    const bytes = encode(All, FULL);
    let thrown = 0;
    for (let cut = 0; cut < bytes.length; cut++) {
      const prefix = bytes.subarray(0, cut);
      let ours: protobuf.Message | undefined;
      try {
        ours = decodeAll(prefix, 0);
      } catch (e) {
        expect(e).toBeInstanceOf(RangeError);
        thrown++;
        continue;
      }
      // A cut at a field boundary is a valid, shorter message.
      expect(ours.toJSON()).toEqual(All.decode(prefix).toJSON());
    }
    expect(thrown).toBeGreaterThan(bytes.length / 2);
  });

  it('refuses corrupt bytes: bad wire types, huge lengths, endless varints, too deep nesting', () => {
    expect(() => decodeAll(Buffer.from([0x7f]), 0)).toThrow(/invalid wire type 7/);
    expect(() => decodeAll(Buffer.from([0x72, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x41]), 0)).toThrow(RangeError); // s, length 2^32-1
    expect(() => decodeAll(Buffer.from([0x18, ...Array<number>(11).fill(0xff), 0x01]), 0)).toThrow(/invalid varint/);
    // Inner.child nested 120 deep under All.nested (built by hand: protobufjs' encoder refuses that depth).
    const varint = (n: number): number[] => (n < 128 ? [n] : [(n & 127) | 128, ...varint(n >>> 7)]);
    let deep = encode(Inner, { label: 'bottom' });
    for (let i = 0; i < 120; i++) deep = Buffer.from([0x12, ...varint(deep.length), ...deep]);
    const bytes = Buffer.from([0xc2, 0x01, ...varint(deep.length), ...deep]);
    expect(() => decodeAll(bytes, 0)).toThrow(/maximum nesting depth exceeded/);
    expect(() => All.decode(bytes)).toThrow(/maximum nesting depth exceeded/);
  });

  it('decodes from an offset (after the wire-format header)', () => {
    const body = encode(All, { s: 'at offset', i32: 42 });
    const framed = Buffer.concat([Buffer.from([0, 0, 0, 0, 9, 0]), body]);
    expect(decodeAll(framed, 6).toJSON()).toEqual(All.decode(body).toJSON());
  });

  it('leaves to protobufjs what it does not cover: required fields, groups, 64-bit or bool map keys', () => {
    for (const name of ['t2.Req', 't2.Grouped']) expect(compileProtobufDecoder(root2.lookupType(name)), name).toBeUndefined();
    expect(compileProtobufDecoder(LongKeyed)).toBeUndefined();
    expect(compileProtobufDecoder(Wide)).toBeUndefined(); // it has a group
  });
});
