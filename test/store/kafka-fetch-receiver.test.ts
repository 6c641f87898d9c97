/**
 * The topic reader's framing of large fetch responses (fetch-receiver.ts) against kafkajs' own: the same
 * byte stream, cut into chunks at every awkward place (inside a size field, inside a frame, several frames
 * in one chunk), goes through kafkajs' Connection.prototype.processData and through the replacement, on
 * two stand-ins holding just the fields processData touches; both must hand the request queue the same
 * frames in the same order. No broker: the Kafka store suites and bench:kafka run the replacement on a real
 * broker's connection.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { ReceiveBuffers, REUSE_FROM, receiveInto } from '../../registry/src/store/kafka/fetch-receiver.js';

const require = createRequire(import.meta.url);
const Connection = require('kafkajs/src/network/connection') as { prototype: { processData(data: Buffer): void } };

interface Delivered {
  size: number;
  correlationId: number;
  payload: Buffer;
}

/** The fields of kafkajs' Connection its processData reads and writes, as its constructor sets them. */
function standIn() {
  const delivered: Delivered[] = [];
  const c = {
    socket: {},
    authHandlers: null as unknown,
    authExpectResponse: false,
    chunks: [] as Buffer[],
    bytesBuffered: 0,
    bytesNeeded: 4,
    requestQueue: { fulfillRequest: (r: Delivered) => delivered.push({ ...r, payload: Buffer.from(r.payload) }) },
    processData: Connection.prototype.processData,
  };
  return { c, delivered };
}

/** A response frame: size, correlation id, payload of `n` bytes (patterned by the id). */
function frame(correlationId: number, n: number): Buffer {
  const out = Buffer.alloc(8 + n);
  out.writeInt32BE(4 + n, 0);
  out.writeInt32BE(correlationId, 4);
  for (let i = 0; i < n; i++) out[8 + i] = (i * 31 + correlationId) & 0xff;
  return out;
}

function feed(c: { processData(d: Buffer): void }, stream: Buffer, cuts: number[]): void {
  let at = 0;
  for (const cut of [...cuts, stream.length]) {
    if (cut > at) c.processData(stream.subarray(at, cut));
    at = Math.max(at, cut);
  }
}

describe('fetch-receiver framing', () => {
  const frames = [frame(1, 10), frame(2, REUSE_FROM + 5), frame(3, 0), frame(4, 3 * REUSE_FROM), frame(5, 100), frame(6, REUSE_FROM - 4)];
  const stream = Buffer.concat(frames);
  const starts = frames.reduce<number[]>((acc, f) => [...acc, (acc.at(-1) ?? 0) + f.length], [0]);
  const cutsets: [string, number[]][] = [
    ['one chunk', []],
    ['64 KiB chunks', Array.from({ length: Math.ceil(stream.length / 65536) }, (_, i) => i * 65536)],
    ['inside each size field', starts.map((s) => s + 2)],
    ['inside each correlation id', starts.map((s) => s + 6)],
    ['right after each size field', starts.map((s) => s + 4)],
    ['7-byte chunks around frame ends', starts.flatMap((s) => [s - 7, s - 1, s, s + 1, s + 7]).filter((n) => n > 0).sort((a, b) => a - b)],
    ['odd chunks', Array.from({ length: 400 }, (_, i) => Math.floor((i * i * 37) % stream.length)).sort((a, b) => a - b)],
  ];

  for (const [name, cuts] of cutsets) {
    it(`hands over the same frames as kafkajs: ${name}`, () => {
      const theirs = standIn();
      feed(theirs.c, stream, cuts);
      const ours = standIn();
      const buffers = new ReceiveBuffers();
      receiveInto(ours.c, buffers);
      feed(ours.c, stream, cuts);
      expect(theirs.delivered.map((d) => d.correlationId)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(ours.delivered.map((d) => [d.correlationId, d.size, d.payload.length])).toEqual(theirs.delivered.map((d) => [d.correlationId, d.size, d.payload.length]));
      ours.delivered.forEach((d, i) => expect(d.payload.equals(theirs.delivered[i]!.payload)).toBe(true));
    });
  }

  it('reuses a released buffer for the next large response, and lets kept buffers go on trim', () => {
    const seen: Buffer[] = [];
    const c = { ...standIn().c, requestQueue: { fulfillRequest: (r: Delivered) => seen.push(r.payload) } };
    const buffers = new ReceiveBuffers();
    receiveInto(c, buffers);
    // As a socket delivers them: in 64 KiB chunks (a response that arrives whole is handed over as it is).
    const send = (f: Buffer) => feed(c, f, Array.from({ length: Math.ceil(f.length / 65536) }, (_, i) => i * 65536));
    send(frame(1, 2 * REUSE_FROM));
    send(frame(2, 2 * REUSE_FROM));
    // Neither given back yet: two buffers.
    expect(seen[0]!.buffer).not.toBe(seen[1]!.buffer);
    buffers.release(seen[0]!);
    send(frame(3, 2 * REUSE_FROM - 100));
    expect(seen[2]!.buffer).toBe(seen[0]!.buffer);
    expect(seen[2]!.readUInt8(0)).toBe(frame(3, 1)[8]);
    buffers.release(seen[1]!);
    buffers.release(seen[2]!);
    expect(buffers.keptBytes).toBeGreaterThan(0);
    // Small responses never lease.
    send(frame(4, 10));
    expect(seen[3]!.buffer).not.toBe(seen[1]!.buffer);
    buffers.trim();
    expect(buffers.keptBytes).toBe(0);
  });

  it('drops a half-received response when the connection has a new socket', () => {
    const { c, delivered } = standIn();
    receiveInto(c, new ReceiveBuffers());
    const big = frame(1, 2 * REUSE_FROM);
    c.processData(big.subarray(0, 1000));
    c.socket = {}; // kafkajs' connect() sets a new socket
    c.processData(frame(2, 50));
    expect(delivered.map((d) => d.correlationId)).toEqual([2]);
  });

  it('leaves SASL exchanges to kafkajs', () => {
    const { c, delivered } = standIn();
    const sasl: Buffer[] = [];
    c.authHandlers = { onSuccess: (b: Buffer) => sasl.push(b) };
    receiveInto(c, new ReceiveBuffers());
    c.processData(Buffer.from('handshake'));
    expect(sasl.map(String)).toEqual(['handshake']);
    expect(delivered).toEqual([]);
  });
});
