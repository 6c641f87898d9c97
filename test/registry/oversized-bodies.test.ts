/**
 * Bodies over the limit, and bodies that never finish, on raw sockets (node:net, HTTP/1.1 written by hand)
 * so that nothing between the test and the server hides a reset.
 *
 * The client below behaves like the simplest ordinary one: it writes its whole body as fast as the socket
 * takes it and reads the response only after that. Before the fix the server answered 413 with
 * `Connection: close` and closed at once; the bytes still arriving were answered with a reset, which often
 * destroyed the 413 before the client read it. Each variant runs many times because the failure was a race.
 * The store plays no part here, so only PGlite runs it.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type TestRegistry } from './server.js';

const BODY_LIMIT = 16 * 1024 * 1024;
const BODY_TIMEOUT = 1500;
const BODY = 50 * 1024 * 1024;
const RUNS = 20;
const TOO_LARGE = { error_code: 413, message: 'HTTP 413 Request Entity Too Large' };

interface Exchange {
  /** The first final (non-1xx) response, if one arrived whole. */
  status?: number;
  headers?: string;
  body?: string;
  /** Everything after that response (a second response on a kept connection). */
  rest: string;
  error?: string;
  /** Whether the server ended the connection (FIN or reset) before the client gave up. */
  closedByServer: boolean;
}

/** Splits off 1xx responses and the first final response with a Content-Length body. */
function parseFinal(raw: string): Pick<Exchange, 'status' | 'headers' | 'body' | 'rest'> | undefined {
  let s = raw;
  while (/^HTTP\/1\.1 1\d\d /.test(s)) {
    const end = s.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    s = s.slice(end + 4);
  }
  const end = s.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const headers = s.slice(0, end);
  const length = Number(/\r\ncontent-length: *(\d+)/i.exec(headers)?.[1] ?? 0);
  if (s.length < end + 4 + length) return undefined;
  return { status: Number(headers.slice(9, 12)), headers, body: s.slice(end + 4, end + 4 + length), rest: s.slice(end + 4 + length) };
}

interface Send {
  head: string;
  /** Body bytes to write after the head, in 64 KiB pieces (chunk-framed when `chunked`). */
  bodyBytes: number;
  chunked: boolean;
  /** Written once the body is out. */
  tail?: string;
  /** Read the response while still sending (default: only once the body is out, like most simple clients). */
  readWhileSending?: boolean;
  /** The client gives up (and reports what it has) after this long. */
  patienceMs: number;
  /** Once the body is out, stop as soon as this holds for what was received; else wait for the server to close. */
  stopWhen?: (received: string) => boolean;
}

function exchange(port: number, send: Send): Promise<Exchange> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    let error: string | undefined;
    let bodyOut = send.bodyBytes === 0;
    let closedByServer = false;
    const giveUp = setTimeout(() => socket.destroy(), send.patienceMs);
    const maybeStop = () => {
      if (bodyOut && send.stopWhen?.(received)) socket.destroy();
    };
    socket.on('connect', () => {
      if (!send.readWhileSending) socket.pause();
      socket.write(send.head);
      const piece = Buffer.alloc(64 * 1024, 'x');
      const framed = send.chunked ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]) : piece;
      let written = 0;
      const pump = () => {
        while (written < send.bodyBytes) {
          if (!socket.writable) return;
          written += piece.length;
          if (!socket.write(framed)) return void socket.once('drain', pump);
        }
        const tail = (send.chunked && send.bodyBytes > 0 ? '0\r\n\r\n' : '') + (send.tail ?? '');
        socket.write(tail, () => {
          bodyOut = true;
          socket.resume();
          maybeStop();
        });
      };
      pump();
    });
    socket.on('data', (d: Buffer) => {
      received += d.toString('latin1');
      maybeStop();
    });
    socket.on('end', () => (closedByServer = true));
    socket.on('error', (e: NodeJS.ErrnoException) => {
      error ??= e.code;
      if (e.code === 'ECONNRESET' || e.code === 'EPIPE') closedByServer = true;
    });
    socket.on('close', () => {
      clearTimeout(giveUp);
      resolve({ rest: '', ...parseFinal(received), ...(error ? { error } : {}), closedByServer });
    });
  });
}

const post = (framing: string, expectContinue: boolean) =>
  `POST /subjects/big/versions HTTP/1.1\r\nHost: registry\r\nContent-Type: application/vnd.schemaregistry.v1+json\r\n${framing}\r\n` +
  (expectContinue ? 'Expect: 100-continue\r\n' : '') +
  '\r\n';

describe('oversized and unfinished request bodies (raw sockets)', () => {
  let r: TestRegistry;
  let port = 0;

  beforeAll(async () => {
    r = await startRegistry('pglite', { bodyLimit: BODY_LIMIT, bodyTimeout: BODY_TIMEOUT });
    port = Number(new URL(r.url).port);
  });
  afterAll(async () => {
    await r?.close();
  });

  const variants = [
    { name: 'chunked', chunked: true, expectContinue: false },
    { name: 'chunked with Expect: 100-continue', chunked: true, expectContinue: true },
    { name: 'Content-Length', chunked: false, expectContinue: false },
    { name: 'Content-Length with Expect: 100-continue', chunked: false, expectContinue: true },
  ];
  for (const v of variants) {
    it(`a ${BODY / 1024 / 1024} MiB body (${v.name}) is answered 413 in Confluent's shape, every time (${RUNS} runs)`, async () => {
      const framing = v.chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${BODY}`;
      const outcomes: string[] = [];
      for (let i = 0; i < RUNS; i++) {
        const res = await exchange(port, {
          head: post(framing, v.expectContinue),
          bodyBytes: BODY,
          chunked: v.chunked,
          patienceMs: 20_000,
          stopWhen: (received) => parseFinal(received) !== undefined,
        });
        const ok = res.status === 413 && res.body !== undefined && JSON.stringify(JSON.parse(res.body)) === JSON.stringify(TOO_LARGE);
        outcomes.push(ok ? 'ok' : `${res.status ?? 'no response'} ${res.error ?? ''} ${res.body ?? ''}`.trim());
      }
      expect(outcomes).toEqual(Array(RUNS).fill('ok'));
    });
  }

  it('the connection stays usable once the rest of an oversized body has been read', async () => {
    const res = await exchange(port, {
      head: post(`Content-Length: ${BODY_LIMIT * 2}`, false),
      bodyBytes: BODY_LIMIT * 2,
      chunked: false,
      tail: 'GET /subjects HTTP/1.1\r\nHost: registry\r\n\r\n',
      patienceMs: 5_000,
      stopWhen: (received) => parseFinal(parseFinal(received)?.rest ?? '') !== undefined,
    });
    expect(res.status).toBe(413);
    const second = parseFinal(res.rest);
    expect(second?.status).toBe(200);
    expect(JSON.parse(second!.body!)).toEqual([]);
  });

  it('a Content-Length larger than what is sent, then silence, is answered 408 at the body deadline', async () => {
    const started = Date.now();
    const res = await exchange(port, {
      head: `${post('Content-Length: 500', false)}{"schema":`,
      bodyBytes: 0,
      chunked: false,
      patienceMs: BODY_TIMEOUT * 4,
    });
    expect(res.status, JSON.stringify(res)).toBe(408);
    expect(JSON.parse(res.body!)).toEqual({ error_code: 408, message: 'HTTP 408 Request Timeout' });
    expect(res.closedByServer).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(BODY_TIMEOUT - 50);
  });

  it('an oversized Content-Length that is never sent gets its 413 at once, and the connection is closed at the deadline', async () => {
    const res = await exchange(port, {
      head: `${post(`Content-Length: ${BODY}`, false)}{"schema":`,
      bodyBytes: 0,
      chunked: false,
      patienceMs: BODY_TIMEOUT * 4,
    });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body!)).toEqual(TOO_LARGE);
    // Closed by the server before the client's patience ran out: the deadline, not the client, ended it.
    expect(res.closedByServer).toBe(true);
  });

  it('an endless chunked body gets its 413, and the connection is closed at the deadline', async () => {
    const res = await exchange(port, {
      head: post('Transfer-Encoding: chunked', false),
      bodyBytes: 1024 * 1024 * 1024 * 1024,
      chunked: true,
      readWhileSending: true,
      patienceMs: BODY_TIMEOUT * 4,
    });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body!)).toEqual(TOO_LARGE);
    expect(res.closedByServer).toBe(true);
  });
});
