/**
 * The topic reader's own decoding of record batches (record-batches.ts) against kafkajs' decoder and its
 * read_committed filtering (Batch), on record sets built here byte for byte in Kafka's format (magic 2):
 * plain and transactional batches, aborted transactions and their markers, null keys and values,
 * headers, log-append time, batches that start before the fetch offset, a batch cut short at the end.
 * No broker: the Kafka store suites read real brokers' responses through the same code.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { createBatch, decodeRecordSet } from '../../registry/src/store/kafka/client.js';
import { nextOffset, readRecordBatches, UnsupportedBatches, type AbortedTransaction } from '../../registry/src/store/kafka/record-batches.js';

const require = createRequire(import.meta.url);
const crc32C = require('kafkajs/src/protocol/recordBatch/crc32C') as (b: Buffer) => number;

function varint(n: number): Buffer {
  let z = n >= 0 ? n * 2 : -n * 2 - 1;
  const out: number[] = [];
  while (z >= 0x80) {
    out.push((z % 128) | 0x80);
    z = Math.floor(z / 128);
  }
  out.push(z);
  return Buffer.from(out);
}

const bytes = (s: string | null) => (s === null ? varint(-1) : Buffer.concat([varint(Buffer.byteLength(s)), Buffer.from(s)]));

interface TestRecord {
  key: string | null;
  value: string | null;
  headers?: [string, string][];
  timestampDelta?: number;
}

function record(offsetDelta: number, r: TestRecord): Buffer {
  const headers = r.headers ?? [];
  const body = Buffer.concat([
    Buffer.from([0]),
    varint(r.timestampDelta ?? offsetDelta * 7),
    varint(offsetDelta),
    bytes(r.key),
    bytes(r.value),
    varint(headers.length),
    ...headers.flatMap(([k, v]) => [bytes(k), bytes(v)]),
  ]);
  return Buffer.concat([varint(body.length), body]);
}

interface BatchSpec {
  base: number;
  records: TestRecord[];
  producerId?: number;
  transactional?: boolean;
  control?: boolean;
  logAppendTime?: boolean;
  compression?: number;
  firstTimestamp?: number;
}

function batch(spec: BatchSpec): Buffer {
  const attributes = (spec.compression ?? 0) | (spec.logAppendTime ? 0x08 : 0) | (spec.transactional ? 0x10 : 0) | (spec.control ? 0x20 : 0);
  const first = spec.firstTimestamp ?? 1_700_000_000_000;
  const afterCrc = Buffer.alloc(40);
  afterCrc.writeInt16BE(attributes, 0);
  afterCrc.writeInt32BE(spec.records.length - 1, 2);
  afterCrc.writeBigInt64BE(BigInt(first), 6);
  afterCrc.writeBigInt64BE(BigInt(first + 99_000), 14);
  afterCrc.writeBigInt64BE(BigInt(spec.producerId ?? -1), 22);
  afterCrc.writeInt16BE(0, 30);
  afterCrc.writeInt32BE(0, 32);
  afterCrc.writeInt32BE(spec.records.length, 36);
  const body = Buffer.concat([afterCrc, ...spec.records.map((r, i) => record(i, r))]);
  const head = Buffer.alloc(21);
  head.writeBigInt64BE(BigInt(spec.base), 0);
  head.writeInt32BE(9 + body.length, 8);
  head.writeInt32BE(0, 12); // leader epoch
  head.writeInt8(2, 16);
  head.writeUInt32BE(crc32C(body), 17);
  return Buffer.concat([head, body]);
}

/** A commit (type 1) or abort (type 0) marker of `producerId` at `offset`. */
function marker(offset: number, producerId: number, abort: boolean): Buffer {
  const key = Buffer.alloc(4);
  key.writeInt16BE(0, 0);
  key.writeInt16BE(abort ? 0 : 1, 2);
  const value = '\u0000\u0000\u0000\u0000\u0000\u0000';
  return batch({ base: offset, producerId, transactional: true, control: true, records: [{ key: key.toString('latin1'), value }] });
}

const plain = (base: number, n: number, tag = 'r'): Buffer =>
  batch({ base, records: Array.from({ length: n }, (_, i) => ({ key: `{"k":"${tag}${base + i}"}`, value: `{"v":${base + i}}` })) });

interface Seen {
  offset: number;
  timestamp: number;
  key: string | null;
  value: string | null;
}

function ours(records: Buffer, fetchOffset: number, aborted: AbortedTransaction[] = []): { next: number; seen: Seen[] } {
  const seen: Seen[] = [];
  const next = nextOffset(records, fetchOffset);
  readRecordBatches(records, fetchOffset, aborted, (offset, timestamp, key, value) => seen.push({ offset, timestamp, key, value }));
  return { next, seen };
}

async function kafkajs(records: Buffer, fetchOffset: number, aborted: AbortedTransaction[] = []): Promise<Seen[]> {
  const messages = await decodeRecordSet(records);
  const b = createBatch('t', fetchOffset, { partition: 0, highWatermark: '0', abortedTransactions: aborted, messages });
  return b.messages.map((m) => ({
    offset: Number(m.offset),
    timestamp: Number(m.timestamp),
    key: m.key === null ? null : m.key.toString(),
    value: m.value === null ? null : m.value.toString(),
  }));
}

describe('record batches read without kafkajs', () => {
  it('reads plain batches as kafkajs does, from the fetch offset on, and says where to fetch next', async () => {
    const set = Buffer.concat([plain(0, 5), plain(5, 3), plain(8, 4)]);
    for (const from of [0, 3, 5, 9]) {
      const { next, seen } = ours(set, from);
      expect(seen).toEqual(await kafkajs(set, from));
      expect(seen[0]!.offset).toBe(from);
      expect(next).toBe(12);
    }
  });

  it('keeps null keys and values (tombstones), skips headers, decodes UTF-8', async () => {
    const set = batch({
      base: 40,
      records: [
        { key: '{"keytype":"SCHEMA","subject":"zürich","version":1,"magic":1}', value: null },
        { key: null, value: 'x', headers: [['h', 'v'], ['h2', 'ü']] },
        { key: 'k', value: '' },
      ],
    });
    const { seen } = ours(set, 40);
    expect(seen).toEqual(await kafkajs(set, 40));
    expect(seen.map((s) => [s.key, s.value])).toEqual([
      ['{"keytype":"SCHEMA","subject":"zürich","version":1,"magic":1}', null],
      [null, 'x'],
      ['k', ''],
    ]);
  });

  it('gives every record the batch maximum under log-append time, as kafkajs does', async () => {
    const set = batch({ base: 0, logAppendTime: true, records: [{ key: 'a', value: 'b', timestampDelta: 5 }] });
    const { seen } = ours(set, 0);
    expect(seen[0]!.timestamp).toBe(1_700_000_099_000);
    expect(seen).toEqual(await kafkajs(set, 0));
  });

  it('drops aborted transactions and every marker, keeps committed ones and other producers', async () => {
    const set = Buffer.concat([
      plain(0, 2),
      batch({ base: 2, producerId: 7, transactional: true, records: [{ key: 'aborted', value: '1' }, { key: 'aborted', value: '2' }] }),
      batch({ base: 4, producerId: 8, transactional: true, records: [{ key: 'committed', value: '3' }] }),
      marker(5, 7, true),
      marker(6, 8, false),
      batch({ base: 7, producerId: 7, transactional: true, records: [{ key: 'later-committed', value: '4' }] }),
      marker(8, 7, false),
      plain(9, 1),
    ]);
    const aborted = [{ producerId: '7', firstOffset: '2' }];
    const { next, seen } = ours(set, 0, aborted);
    expect(seen).toEqual(await kafkajs(set, 0, aborted));
    expect(seen.map((s) => s.key)).toEqual(['{"k":"r0"}', '{"k":"r1"}', 'committed', 'later-committed', '{"k":"r9"}']);
    expect(next).toBe(10);
  });

  it('stops before a batch the broker cut short, and moves past a fetch of markers only', () => {
    const whole = Buffer.concat([plain(0, 3), plain(3, 3)]);
    const cut = whole.subarray(0, whole.length - 10);
    const { next, seen } = ours(cut, 0);
    expect(next).toBe(3);
    expect(seen.map((s) => s.offset)).toEqual([0, 1, 2]);
    expect(ours(marker(20, 3, false), 20)).toEqual({ next: 21, seen: [] });
    expect(ours(Buffer.alloc(0), 5)).toEqual({ next: 5, seen: [] });
  });

  it('leaves compressed batches to kafkajs', () => {
    const gzip = batch({ base: 0, compression: 1, records: [{ key: 'a', value: 'b' }] });
    expect(() => nextOffset(Buffer.concat([plain(0, 1), gzip]), 0)).toThrow(UnsupportedBatches);
  });
});
