/**
 * Kafka's record batches (magic 2, uncompressed: what Confluent's registry and this one write to
 * `_schemas`) read straight from a fetch response's bytes, one record at a time, read_committed.
 *
 * Why not kafkajs' decoder: it turns a whole fetch into objects first (per record a Buffer for the key and
 * one for the value, offsets as 64-bit Long objects and strings, header maps), all alive until the last
 * one is applied; at start-up that live set (16 MiB of fetch → ~40,000 records) is copied by every young
 * collection and made up about a third of the catch-up's time. Here each record becomes its key and value
 * text and is applied before the next is read. Batches this does not handle (compressed, older formats)
 * make it throw UnsupportedBatches before visiting anything; the reader then decodes that fetch with kafkajs.
 *
 * Aborted transactions are dropped as Kafka's own consumer does (Fetcher, read_committed): a transactional
 * batch is skipped while its producer has an aborted transaction open at or before the batch (from the
 * fetch response's list), until that producer's abort marker; control batches (commit and abort markers)
 * are never visited. Record headers are skipped (the registry's records have none).
 */

/** As the fetch response lists them (kafkajs decodes both numbers to decimal strings). */
export interface AbortedTransaction {
  producerId: string;
  firstOffset: string;
}

/** Called for each committed record at or past the fetch offset, in offset order. */
export type RecordVisitor = (offset: number, timestamp: number, key: string | null, value: string | null) => void;

/** The fetch holds a batch this module does not read (compressed, or an older message format). */
export class UnsupportedBatches extends Error {
  override readonly name = 'UnsupportedBatches';
}

// Batch header layout (Kafka's DefaultRecordBatch).
const BASE_OFFSET = 0;
const LENGTH = 8; // bytes after this field
const MAGIC = 16;
const ATTRIBUTES = 21;
const LAST_OFFSET_DELTA = 23;
const FIRST_TIMESTAMP = 27;
const MAX_TIMESTAMP = 35;
const PRODUCER_ID = 43;
const RECORD_COUNT = 57;
const HEADER_SIZE = 61;
const LOG_OVERHEAD = 12; // base offset + length

const COMPRESSION_MASK = 0x07;
const LOG_APPEND_TIME = 0x08;
const TRANSACTIONAL = 0x10;
const CONTROL = 0x20;
const ABORT_MARKER = 0;

/**
 * Where to fetch after `records` (a partition's record set from a fetch at `fetchOffset`): past its last
 * complete batch (the broker may cut the last one short), or `fetchOffset` when there is none. Throws
 * UnsupportedBatches when a batch is one readRecordBatches does not read.
 */
export function nextOffset(records: Buffer, fetchOffset: number): number {
  let next = fetchOffset;
  for (let p = 0; p + HEADER_SIZE <= records.length; ) {
    const size = LOG_OVERHEAD + records.readInt32BE(p + LENGTH);
    if (p + size > records.length) break;
    const magic = records.readInt8(p + MAGIC);
    if (magic !== 2) throw new UnsupportedBatches(`message format ${magic}`);
    if ((records.readInt16BE(p + ATTRIBUTES) & COMPRESSION_MASK) !== 0) throw new UnsupportedBatches('compressed batch');
    next = Math.max(next, Number(records.readBigInt64BE(p + BASE_OFFSET)) + records.readInt32BE(p + LAST_OFFSET_DELTA) + 1);
    p += size;
  }
  return next;
}

/** Visits the committed records of `records` at or past `fetchOffset` (nextOffset said it can). */
export function readRecordBatches(records: Buffer, fetchOffset: number, aborted: readonly AbortedTransaction[], visit: RecordVisitor): void {
  const pending = [...aborted].sort((a, b) => Number(a.firstOffset) - Number(b.firstOffset));
  const abortedProducers = new Set<string>();
  for (let p = 0; p + HEADER_SIZE <= records.length; ) {
    const batchEnd = p + LOG_OVERHEAD + records.readInt32BE(p + LENGTH);
    // The broker may cut the last batch short: it is fetched again next time.
    if (batchEnd > records.length) break;
    const base = Number(records.readBigInt64BE(p + BASE_OFFSET));
    const attributes = records.readInt16BE(p + ATTRIBUTES);
    const last = base + records.readInt32BE(p + LAST_OFFSET_DELTA);
    const producerId = records.readBigInt64BE(p + PRODUCER_ID);
    const control = (attributes & CONTROL) !== 0;
    let skip = control;
    if (producerId >= 0n && pending.length + abortedProducers.size > 0) {
      while (pending.length > 0 && Number(pending[0]!.firstOffset) <= last) abortedProducers.add(pending.shift()!.producerId);
      const producer = producerId.toString();
      if (control) {
        if (isAbortMarker(records, p + HEADER_SIZE, batchEnd)) abortedProducers.delete(producer);
      } else if ((attributes & TRANSACTIONAL) !== 0 && abortedProducers.has(producer)) skip = true;
    }
    if (!skip && last >= fetchOffset) {
      const appendTime = (attributes & LOG_APPEND_TIME) !== 0;
      // With log-append time every record's timestamp is the batch's maximum (the broker's clock).
      const timestamp = Number(records.readBigInt64BE(p + (appendTime ? MAX_TIMESTAMP : FIRST_TIMESTAMP)));
      const batch = { base, timestamp, deltas: !appendTime };
      readRecords(records, p + HEADER_SIZE, batchEnd, records.readInt32BE(p + RECORD_COUNT), batch, fetchOffset, visit);
    }
    p = batchEnd;
  }
}

/** Reads Kafka's zig-zag varints (up to 64 bits; exact while below 2^53). */
class Cursor {
  constructor(
    readonly buf: Buffer,
    public pos: number,
  ) {}

  varint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      const b = this.buf[this.pos++]!;
      value += (b & 0x7f) * scale;
      if (b < 0x80) break;
      scale *= 128;
      if (scale > 2 ** 63) throw new RangeError('varint too long');
    }
    // Zig-zag: even values are non-negative.
    return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
  }

  /** A length-prefixed byte string as UTF-8 text, or null (length -1). */
  text(): string | null {
    const length = this.varint();
    if (length < 0) return null;
    const start = this.pos;
    this.pos += length;
    return this.buf.toString('utf8', start, this.pos);
  }
}

function readRecords(
  buf: Buffer,
  start: number,
  end: number,
  count: number,
  batch: { base: number; timestamp: number; deltas: boolean },
  fetchOffset: number,
  visit: RecordVisitor,
): void {
  const c = new Cursor(buf, start);
  for (let i = 0; i < count && c.pos < end; i++) {
    const length = c.varint();
    const recordEnd = c.pos + length;
    if (recordEnd > end) throw new RangeError('record runs past its batch');
    c.pos += 1; // attributes (unused)
    const timestampDelta = c.varint();
    const offset = batch.base + c.varint();
    if (offset >= fetchOffset) {
      const key = c.text();
      const value = c.text();
      visit(offset, batch.deltas ? batch.timestamp + timestampDelta : batch.timestamp, key, value);
    }
    c.pos = recordEnd; // headers skipped
  }
}

/** A control batch's first record key: version (int16), type (int16, 0 = abort). */
function isAbortMarker(buf: Buffer, start: number, end: number): boolean {
  const c = new Cursor(buf, start);
  if (c.pos >= end) return false;
  c.varint(); // record length
  c.pos += 1; // attributes
  c.varint(); // timestamp delta
  c.varint(); // offset delta
  const keyLength = c.varint();
  if (keyLength < 4 || c.pos + 4 > end) return false;
  return buf.readInt16BE(c.pos + 2) === ABORT_MARKER;
}
