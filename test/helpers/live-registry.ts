/**
 * A real registry listening on a loopback port for the black-box suites (test/corpus, test/interop):
 * `buildApp` over in-memory PGlite, or over a fresh database on the DATABASE_URL Postgres server, plus a
 * tiny JSON-over-HTTP helper that sends exactly what a Confluent client sends.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe } from 'vitest';
import { buildApp } from '../../registry/src/app.js';
import { createStore, type StoreOptions } from '../../registry/src/store/index.js';
import { announceKafkaSkip, freshTopic, KAFKA_BOOTSTRAP_SERVERS } from './kafka.js';
import { announcePostgresSkip, DATABASE_URL, freshDatabase } from './postgres.js';

export type Backend = 'pglite' | 'postgres' | 'kafka';

export interface LiveRegistry {
  backend: Backend;
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string;
  app: FastifyInstance;
  close(): Promise<void>;
}

/** The store of a backend for a test: a fresh Postgres database's URL, fresh Kafka topics, or in-memory PGlite. */
export function storeOptions(backend: Backend, label: string, databaseUrl?: string): StoreOptions {
  if (backend === 'postgres') {
    if (!databaseUrl) throw new Error('the postgres backend needs a database URL');
    return { databaseUrl };
  }
  if (backend === 'kafka') {
    if (!KAFKA_BOOTSTRAP_SERVERS) throw new Error('the kafka backend needs KAFKA_BOOTSTRAP_SERVERS');
    return { kafkaBootstrapServers: KAFKA_BOOTSTRAP_SERVERS, schemasTopic: freshTopic(label), dekRegistryTopic: freshTopic(`${label}-keys`) };
  }
  return { dataDir: 'memory://' };
}

export async function startLiveRegistry(backend: Backend, label: string): Promise<LiveRegistry> {
  const db = backend === 'postgres' ? await freshDatabase(label) : undefined;
  const store = await createStore(storeOptions(backend, label, db?.url));
  let app: FastifyInstance;
  try {
    app = await buildApp({ store, ownsStore: true });
  } catch (e) {
    await store.close().catch(() => {});
    await db?.drop().catch(() => {});
    throw e;
  }
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  // Kafka: a one-member election makes this process the primary.
  await store.replication?.join(`http://127.0.0.1:${port}`);
  return {
    backend,
    url: `http://127.0.0.1:${port}`,
    app,
    async close() {
      await app.close();
      await db?.drop();
    },
  };
}

/** Starts one registry for the enclosing describe block and returns a getter for it. */
export function useRegistry(backend: Backend, label: string): () => LiveRegistry {
  let registry: LiveRegistry | undefined;
  beforeAll(async () => {
    registry = await startLiveRegistry(backend, label);
  });
  afterAll(async () => {
    await registry?.close();
  });
  return () => {
    if (!registry) throw new Error('registry not started');
    return registry;
  };
}

/**
 * Declares `body` once per backend: always on in-memory PGlite, on Postgres when DATABASE_URL is set and on
 * a Kafka topic when KAFKA_BOOTSTRAP_SERVERS is set (otherwise those blocks are visibly skipped describes,
 * and a SKIPPED line is printed).
 */
export function eachBackend(suite: string, body: (backend: Backend) => void): void {
  describe(`${suite} on PGlite (in memory)`, () => body('pglite'));
  announcePostgresSkip(`${suite} on Postgres`);
  describe.skipIf(!DATABASE_URL)(`${suite} on Postgres`, () => body('postgres'));
  announceKafkaSkip(`${suite} on Kafka`);
  describe.skipIf(!KAFKA_BOOTSTRAP_SERVERS)(`${suite} on Kafka`, () => body('kafka'));
}

export const SR_JSON = 'application/vnd.schemaregistry.v1+json';

export interface HttpResult {
  status: number;
  /** Parsed JSON body, or undefined when the body is empty or not JSON. */
  body: any;
  text: string;
}

/** One request with Confluent's content type; `body` (if any) is sent as JSON. */
export async function request(base: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<HttpResult> {
  const res = await fetch(base + path, {
    method,
    headers: { 'Content-Type': SR_JSON, Accept: SR_JSON },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed, text };
}

/** `request`, throwing a readable error unless the status is the expected one. */
export async function expectStatus(
  base: string,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  status: number,
  body?: unknown,
): Promise<HttpResult> {
  const res = await request(base, method, path, body);
  if (res.status !== status) {
    throw new Error(`${method} ${path} ${body === undefined ? '' : JSON.stringify(body)}\n  expected HTTP ${status}, got ${res.status}: ${res.text}`);
  }
  return res;
}

export const enc = encodeURIComponent;
