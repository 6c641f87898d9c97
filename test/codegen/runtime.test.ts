/** The value conversions generated code relies on: Avro decimals as strings, dates, 64-bit integers. */
import { describe, expect, it } from 'vitest';
import protobuf from 'protobufjs';
import { codegenRuntime as rt } from '@schemata/serdes';

describe('codegen runtime conversions', () => {
  it('decimal strings as the unscaled value in minimal big-endian two\'s complement (Java BigInteger.toByteArray)', () => {
    expect(rt.decimalToBytes('123.45', 10, 2)).toEqual(Buffer.from([0x30, 0x39]));
    expect(rt.decimalToBytes('-1.00', 10, 2)).toEqual(Buffer.from([0x9c]));
    expect(rt.decimalToBytes('1.28', 10, 2)).toEqual(Buffer.from([0x00, 0x80]));
    expect(rt.decimalToBytes('0', 10, 2)).toEqual(Buffer.from([0x00]));
    expect(rt.decimalToBytes('-0.01', 4, 2, 4)).toEqual(Buffer.from([0xff, 0xff, 0xff, 0xff]));
    expect(rt.decimalToBytes('12', 4, 2)).toEqual(Buffer.from([0x04, 0xb0]));
    expect(rt.decimalToBytes('1.50', 4, 3)).toEqual(Buffer.from([0x05, 0xdc]));
    for (const [text, scale] of [
      ['123.45', 2],
      ['-0.01', 2],
      ['99999999.99', 2],
      ['-99999999.99', 2],
      ['0.000', 3],
      ['170141183460469231731687303715884105727', 0],
    ] as const) {
      expect(rt.decimalFromBytes(rt.decimalToBytes(text, 39, scale), scale)).toBe(text);
      expect(rt.decimalFromBytes(rt.decimalToBytes(text, 39, scale, 17), scale)).toBe(text);
    }
    expect(rt.decimalFromBytes(Buffer.alloc(0), 2)).toBe('0.00');
  });

  it('refuses decimals that do not fit instead of rounding', () => {
    expect(() => rt.decimalToBytes('1.005', 10, 2)).toThrow(/more than 2 decimal places/);
    expect(rt.decimalToBytes('1.0500', 10, 2)).toEqual(rt.decimalToBytes('1.05', 10, 2));
    expect(() => rt.decimalToBytes('1000.00', 5, 2)).toThrow(/does not fit decimal\(5, 2\)/);
    expect(() => rt.decimalToBytes('abc', 5, 2)).toThrow(/not a decimal/);
    expect(() => rt.decimalToBytes('300', 5, 0, 1)).toThrow(/does not fit in 1 bytes/);
  });

  it('dates', () => {
    expect(rt.dateToDays(new Date(Date.UTC(1970, 0, 2, 23, 59)))).toBe(1);
    expect(rt.dateToDays(new Date(Date.UTC(1969, 11, 31, 12)))).toBe(-1);
    expect(rt.dateToMicros(new Date(1234))).toBe(1_234_000);
    expect(rt.dateFromMicros(1_234_999).getTime()).toBe(1234);
    expect(rt.dateFromMicros(-1).getTime()).toBe(-1);
  });

  it('64-bit integers to and from protobufjs Long bits, without precision loss', () => {
    const cases: Array<[bigint, boolean]> = [
      [0n, false],
      [-1n, false],
      [2n ** 63n - 1n, false],
      [-(2n ** 63n), false],
      [9007199254740993n, false],
      [2n ** 64n - 1n, true],
      [2n ** 63n, true],
    ];
    for (const [n, unsigned] of cases) {
      const bits = rt.int64ToWire(n, unsigned);
      expect(rt.int64FromWire(bits, unsigned)).toBe(n);
      // What protobufjs writes for those bits reads back as the same number.
      const w = protobuf.Writer.create();
      (unsigned ? w.uint64(bits) : w.int64(bits));
      const r = protobuf.Reader.create(w.finish());
      const read = unsigned ? r.uint64() : r.int64();
      expect(rt.int64FromWire(read, unsigned)).toBe(n);
    }
    expect(rt.int64ToWire('-42', false)).toEqual(rt.int64ToWire(-42n, false));
    expect(rt.int64ToWire(42, false)).toEqual(rt.int64ToWire(42n, false));
    expect(() => rt.int64ToWire(2 ** 60, false)).toThrow(/not a safe integer/);
    expect(() => rt.int64ToWire(-1n, true)).toThrow(/out of range/);
    expect(() => rt.int64ToWire('1.5', false)).toThrow(/not a decimal integer/);
  });

  it('64-bit map keys decoded by protobufjs become decimal strings', () => {
    const type = protobuf.parse('syntax = "proto3"; message M { map<int64, string> m = 1; map<uint64, string> u = 2; }').root.lookupType('M');
    const msg = type.decode(type.encode({ m: { '-5': 'a', '9007199254740993': 'b' }, u: { '18446744073709551615': 'c' } }).finish()) as any;
    const keys = Object.keys(msg.m).map((k) => rt.int64MapKeyFromWire(k, false));
    expect(keys.sort()).toEqual(['-5', '9007199254740993']);
    expect(Object.keys(msg.u).map((k) => rt.int64MapKeyFromWire(k, true))).toEqual(['18446744073709551615']);
  });
});
