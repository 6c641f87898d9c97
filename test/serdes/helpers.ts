/**
 * Test helpers for the serdes suites: a real registry (buildApp over in-memory PGlite) on a loopback port,
 * and tiny real HTTP peers (flaky, counting, header-echoing) on 127.0.0.1 for the client's transport tests.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { buildApp } from '../../registry/src/app.js';
import { createStore } from '../../registry/src/store/index.js';

export interface TestRegistry {
  url: string;
  close(): Promise<void>;
}

/** The registry server on 127.0.0.1:<free port>, over an in-memory PGlite store. */
export async function startRegistry(): Promise<TestRegistry> {
  const store = await createStore({ dataDir: 'memory://' });
  const app = await buildApp({ store, ownsStore: true });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

/**
 * A registry for the tests of the calling file (or `describe` block): started before them, handed to
 * `started` (to make clients, register fixtures), closed after them.
 */
export function withRegistry(started: (registry: TestRegistry) => void | Promise<void>): void {
  let registry: TestRegistry | undefined;
  beforeAll(async () => {
    registry = await startRegistry();
    await started(registry);
  });
  afterAll(async () => {
    await registry?.close();
  });
}

export interface TinyServer {
  url: string;
  server: Server;
  /** Requests seen, in order. */
  requests: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }>;
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 whose behaviour the test decides request by request. */
export async function tinyServer(
  handler: (req: IncomingMessage, res: ServerResponse, body: string, n: number) => void | Promise<void>,
): Promise<TinyServer> {
  const requests: TinyServer['requests'] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      void Promise.resolve(handler(req, res, body, requests.length)).catch((e: unknown) => {
        res.statusCode = 599;
        res.end(String(e));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers with JSON. */
export function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/vnd.schemaregistry.v1+json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** A counting proxy in front of `target` (a real registry): counts requests per `METHOD path`. */
export async function countingProxy(target: string): Promise<TinyServer & { count(methodAndPath: string): number }> {
  const t = new URL(target);
  const srv = await tinyServer(
    (req, res, body) =>
      new Promise<void>((resolve) => {
        const headers = { ...req.headers, host: t.host };
        delete headers['content-length'];
        const out = httpRequest(
          { host: t.hostname, port: t.port, method: req.method, path: req.url, headers: body ? { ...headers, 'content-length': Buffer.byteLength(body) } : headers },
          (up) => {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
            up.on('end', resolve);
          },
        );
        out.on('error', (e) => {
          res.statusCode = 502;
          res.end(String(e));
          resolve();
        });
        out.end(body);
      }),
  );
  return Object.assign(srv, {
    count: (methodAndPath: string) => srv.requests.filter((r) => `${r.method} ${r.url}` === methodAndPath).length,
  });
}

/** A URL on 127.0.0.1 where nothing listens (a port that was just free). */
export async function deadUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
