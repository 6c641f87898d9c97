/**
 * Confluent's wire format ("prefix framing"):
 *
 *   byte 0      magic byte 0x00
 *   bytes 1..4  schema id, 32-bit big-endian
 *   [Protobuf]  message-index array: zig-zag varint count, then that many zig-zag varint indexes
 *               (the path from the file's top-level messages down to the nested message);
 *               `[0]` (the first top-level message) is written as the single byte 0x00, and a
 *               count of 0 reads back as `[0]`
 *   rest        the payload (Avro binary, Protobuf binary or JSON text)
 *
 * Every reader here checks its bounds and throws a WireFormatError that says what is wrong.
 */
import { WireFormatError } from './serde/errors.js';

export const MAGIC_BYTE = 0;
/** Magic byte plus the 4-byte schema id. */
export const HEADER_SIZE = 5;

function hex(b: number): string {
  return `0x${b.toString(16).padStart(2, '0')}`;
}

function magicHint(b: number): string {
  if (b === 0x01) return " (0x01 is Confluent's GUID framing, a 16-byte schema GUID instead of an id; it is not supported)";
  if (b === 0x7b || b === 0x5b) return ' (this looks like plain JSON written without a schema registry serializer)';
  if (b === 0x4f) return ' (this looks like an Avro object container file, "Obj\\x01")';
  return '';
}

/** Writes the magic byte and the big-endian schema id at `offset`. */
export function writeHeader(buf: Uint8Array, offset: number, schemaId: number): void {
  buf[offset] = MAGIC_BYTE;
  buf[offset + 1] = schemaId >>> 24;
  buf[offset + 2] = schemaId >>> 16;
  buf[offset + 3] = schemaId >>> 8;
  buf[offset + 4] = schemaId;
}

/**
 * Checks the magic byte and the length and returns the schema id. Throws WireFormatError for empty or short
 * input (fewer than 5 bytes) and for a magic byte other than 0x00 (naming the byte found).
 */
export function readSchemaId(bytes: Uint8Array): number {
  const len = bytes.length;
  if (len < HEADER_SIZE) {
    if (len > 0 && bytes[0] !== MAGIC_BYTE) throw badMagic(bytes[0]!);
    throw new WireFormatError(
      `${len} byte${len === 1 ? '' : 's'} is too short for the Confluent wire format: it needs at least ${HEADER_SIZE} (magic byte 0x00 and a 4-byte schema id)`,
      'too-short',
    );
  }
  const magic = bytes[0]!;
  if (magic !== MAGIC_BYTE) throw badMagic(magic);
  return ((bytes[1]! << 24) | (bytes[2]! << 16) | (bytes[3]! << 8) | bytes[4]!) | 0;
}

function badMagic(b: number): WireFormatError {
  return new WireFormatError(
    `unknown magic byte ${hex(b)} (expected 0x00): the bytes are not in the Confluent wire format${magicHint(b)}`,
    'magic-byte',
  );
}

/** Size in bytes of a zig-zag varint of a 32-bit signed integer. */
function zigZagSize(n: number): number {
  let u = ((n << 1) ^ (n >> 31)) >>> 0;
  let size = 1;
  while (u > 0x7f) {
    u >>>= 7;
    size++;
  }
  return size;
}

function writeZigZag(buf: Uint8Array, offset: number, n: number): number {
  let u = ((n << 1) ^ (n >> 31)) >>> 0;
  while (u > 0x7f) {
    buf[offset++] = (u & 0x7f) | 0x80;
    u >>>= 7;
  }
  buf[offset++] = u;
  return offset;
}

function checkIndexes(indexes: readonly number[]): void {
  if (indexes.length === 0) throw new RangeError('a message-index array needs at least one index');
  for (const i of indexes) {
    if (!Number.isInteger(i) || i < 0 || i > 0x7fffffff) throw new RangeError(`invalid message index ${i}`);
  }
}

/** Bytes the message-index array takes on the wire (`[0]` takes one byte). */
export function messageIndexesSize(indexes: readonly number[]): number {
  checkIndexes(indexes);
  if (indexes.length === 1 && indexes[0] === 0) return 1;
  let size = zigZagSize(indexes.length);
  for (const i of indexes) size += zigZagSize(i);
  return size;
}

/** Writes the message-index array at `offset` and returns the offset after it. */
export function writeMessageIndexes(buf: Uint8Array, offset: number, indexes: readonly number[]): number {
  checkIndexes(indexes);
  if (indexes.length === 1 && indexes[0] === 0) {
    buf[offset] = 0;
    return offset + 1;
  }
  offset = writeZigZag(buf, offset, indexes.length);
  for (const i of indexes) offset = writeZigZag(buf, offset, i);
  return offset;
}

/** The message-index array as bytes: `[0]` → `00`, `[1]` → `02 02`, `[0,0]` → `04 00 00`. */
export function encodeMessageIndexes(indexes: readonly number[]): Buffer {
  const out = Buffer.allocUnsafe(messageIndexesSize(indexes));
  writeMessageIndexes(out, 0, indexes);
  return out;
}

function malformed(detail: string): WireFormatError {
  return new WireFormatError(`Protobuf message indexes are absent or malformed: ${detail}`, 'message-indexes');
}

/** Reads one zig-zag varint (at most 5 bytes, 32-bit) or throws. Returns [value, next offset]. */
function readZigZag(bytes: Uint8Array, offset: number, what: string): [number, number] {
  let u = 0;
  let shift = 0;
  const start = offset;
  for (;;) {
    if (offset >= bytes.length) {
      throw malformed(`the ${what} at offset ${start} is cut off by the end of the bytes`);
    }
    const b = bytes[offset++]!;
    if (shift === 28 && b > 0x0f) throw malformed(`the ${what} at offset ${start} is longer than a 32-bit varint`);
    u |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) break;
    shift += 7;
  }
  u >>>= 0;
  return [(u >>> 1) ^ -(u & 1), offset];
}

/**
 * Reads the message-index array at `offset` (normally 5). A count of 0 means `[0]`. Throws WireFormatError
 * for a missing array, a negative count, a count larger than the bytes left, a negative index or a
 * truncated varint.
 */
export function readMessageIndexes(bytes: Uint8Array, offset: number): { indexes: number[]; offset: number } {
  if (offset >= bytes.length) throw malformed(`there is no byte after the schema id at offset ${offset}`);
  let count: number;
  [count, offset] = readZigZag(bytes, offset, 'index count');
  if (count === 0) return { indexes: [0], offset };
  if (count < 0) throw malformed(`negative index count ${count}`);
  const left = bytes.length - offset;
  if (count > left) throw malformed(`index count ${count} is larger than the ${left} byte${left === 1 ? '' : 's'} that follow`);
  const indexes = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    let index: number;
    [index, offset] = readZigZag(bytes, offset, `index #${i}`);
    if (index < 0) throw malformed(`negative message index ${index}`);
    indexes[i] = index;
  }
  return { indexes, offset };
}

/** Builds framed bytes: header, optional message-index array, payload. */
export function frame(schemaId: number, payload: Uint8Array, messageIndexes?: readonly number[]): Buffer {
  const idxSize = messageIndexes ? messageIndexesSize(messageIndexes) : 0;
  const out = Buffer.allocUnsafe(HEADER_SIZE + idxSize + payload.length);
  writeHeader(out, 0, schemaId);
  let offset = HEADER_SIZE;
  if (messageIndexes) offset = writeMessageIndexes(out, offset, messageIndexes);
  out.set(payload, offset);
  return out;
}

export interface Unframed {
  schemaId: number;
  /** Present when read with `messageIndexes: true`. */
  messageIndexes?: number[];
  /** Offset of the payload in the input. */
  offset: number;
  /** The payload, a view on the input (not a copy). */
  payload: Buffer;
}

/** Splits framed bytes into schema id, message indexes (Protobuf) and payload. */
export function unframe(bytes: Uint8Array, options: { messageIndexes?: boolean } = {}): Unframed {
  const schemaId = readSchemaId(bytes);
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (options.messageIndexes) {
    const { indexes, offset } = readMessageIndexes(buf, HEADER_SIZE);
    return { schemaId, messageIndexes: indexes, offset, payload: buf.subarray(offset) };
  }
  return { schemaId, offset: HEADER_SIZE, payload: buf.subarray(HEADER_SIZE) };
}
