/** Confluent wire framing: header, Protobuf message-index arrays (clients.md §1.5), and their errors. */
import { describe, expect, it } from 'vitest';
import {
  encodeMessageIndexes,
  frame,
  messageIndexesSize,
  readMessageIndexes,
  readSchemaId,
  unframe,
  WireFormatError,
  writeHeader,
} from '@schemata/serdes';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex').replace(/(..)(?!$)/g, '$1 ');

describe('header', () => {
  it('writes magic byte 0 and the id big-endian', () => {
    const b = Buffer.alloc(5);
    writeHeader(b, 0, 0x01020304);
    expect(hex(b)).toBe('00 01 02 03 04');
    expect(readSchemaId(b)).toBe(0x01020304);
    const big = Buffer.alloc(5);
    writeHeader(big, 0, 2147483647);
    expect(hex(big)).toBe('00 7f ff ff ff');
    expect(readSchemaId(big)).toBe(2147483647);
  });

  it('frames and unframes without copying the payload', () => {
    const framed = frame(42, Buffer.from([9, 8, 7]));
    expect(hex(framed)).toBe('00 00 00 00 2a 09 08 07');
    const u = unframe(framed);
    expect(u.schemaId).toBe(42);
    expect(u.offset).toBe(5);
    expect(hex(u.payload)).toBe('09 08 07');
    expect(u.payload.buffer).toBe(framed.buffer);
  });

  it('names the wrong magic byte', () => {
    expect(() => readSchemaId(Buffer.from([0x01, 0, 0, 0, 1, 5]))).toThrow(/unknown magic byte 0x01 \(expected 0x00\).*GUID/);
    expect(() => readSchemaId(Buffer.from('{"json":true}'))).toThrow(/unknown magic byte 0x7b/);
    expect(() => readSchemaId(Buffer.from([0xff, 0, 0, 0, 0]))).toThrow(/unknown magic byte 0xff/);
    try {
      readSchemaId(Buffer.from([0x02, 0, 0, 0, 0]));
    } catch (e) {
      expect(e).toBeInstanceOf(WireFormatError);
      expect((e as WireFormatError).problem).toBe('magic-byte');
    }
  });

  it('rejects input shorter than 5 bytes', () => {
    expect(() => readSchemaId(Buffer.alloc(0))).toThrow(/0 bytes is too short for the Confluent wire format: it needs at least 5/);
    expect(() => readSchemaId(Buffer.from([0, 0, 0, 1]))).toThrow(/4 bytes is too short/);
    expect(() => readSchemaId(Buffer.from([0]))).toThrow(/1 byte is too short/);
    // A short input with a wrong first byte reports the magic byte (the more useful hint).
    expect(() => readSchemaId(Buffer.from([0x7b, 0x7d]))).toThrow(/magic byte 0x7b/);
  });
});

describe('message indexes', () => {
  it('encodes the examples of clients.md §1.5', () => {
    expect(hex(encodeMessageIndexes([0]))).toBe('00');
    expect(hex(encodeMessageIndexes([1]))).toBe('02 02');
    expect(hex(encodeMessageIndexes([0, 0]))).toBe('04 00 00');
    expect(hex(encodeMessageIndexes([2, 1, 3]))).toBe('06 04 02 06');
    expect(hex(encodeMessageIndexes([64]))).toBe('02 80 01');
    expect(messageIndexesSize([64])).toBe(3);
  });

  it('reads them back, count 0 as [0]', () => {
    const read = (bytes: number[]) => readMessageIndexes(Buffer.from([0, 0, 0, 0, 1, ...bytes]), 5);
    expect(read([0x00, 0xaa])).toEqual({ indexes: [0], offset: 6 });
    expect(read([0x02, 0x02, 0xaa])).toEqual({ indexes: [1], offset: 7 });
    expect(read([0x04, 0x00, 0x00])).toEqual({ indexes: [0, 0], offset: 8 });
    expect(read([0x02, 0x80, 0x01])).toEqual({ indexes: [64], offset: 8 });
    // A non-canonical explicit [0] (count 1, index 0) is accepted too.
    expect(read([0x02, 0x00])).toEqual({ indexes: [0], offset: 7 });
  });

  it('frames a Protobuf payload with its indexes', () => {
    expect(hex(frame(1, Buffer.from([0x08, 0x01]), [1]))).toBe('00 00 00 00 01 02 02 08 01');
    const u = unframe(Buffer.from([0, 0, 0, 0, 3, 0x04, 0x00, 0x02, 0x08, 0x01]), { messageIndexes: true });
    expect(u.messageIndexes).toEqual([0, 1]);
    expect(hex(u.payload)).toBe('08 01');
  });

  it('rejects absent, negative, oversized and truncated arrays', () => {
    const read = (bytes: number[]) => () => readMessageIndexes(Buffer.from([0, 0, 0, 0, 1, ...bytes]), 5);
    expect(read([])).toThrow(/message indexes are absent or malformed: there is no byte after the schema id/);
    expect(read([0x01])).toThrow(/negative index count -1/);
    expect(read([0x06, 0x02])).toThrow(/index count 3 is larger than the 1 byte that follow/);
    expect(read([0x02, 0x80])).toThrow(/index #0 at offset 6 is cut off/);
    expect(read([0x02, 0x03])).toThrow(/negative message index -2/);
    expect(read([0xff, 0xff, 0xff, 0xff, 0xff, 0x01])).toThrow(/longer than a 32-bit varint/);
    try {
      read([0x01])();
    } catch (e) {
      expect((e as WireFormatError).problem).toBe('message-indexes');
    }
  });

  it('refuses to write invalid indexes', () => {
    expect(() => encodeMessageIndexes([])).toThrow(RangeError);
    expect(() => encodeMessageIndexes([-1])).toThrow(RangeError);
    expect(() => encodeMessageIndexes([1.5])).toThrow(RangeError);
  });
});
