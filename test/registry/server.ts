/**
 * A real registry for tests: buildApp over a real store (in-memory PGlite, or a fresh Postgres database
 * when a Postgres URL is given), listening on a free loopback port.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from '../../registry/src/app.js';
import { createStore, type Store } from '../../registry/src/store/index.js';
import { freshTopic, KAFKA_BOOTSTRAP_SERVERS } from '../helpers/kafka.js';
import { freshDatabase } from '../helpers/postgres.js';

export interface TestRegistry {
  url: string;
  app: FastifyInstance;
  store: Store;
  close(): Promise<void>;
}

export async function startRegistry(
  backend: 'pglite' | 'postgres' | 'kafka' = 'pglite',
  options: Omit<AppOptions, 'store' | 'ownsStore'> = {},
): Promise<TestRegistry> {
  const db = backend === 'postgres' ? await freshDatabase('registry') : undefined;
  const store = await createStore(
    db
      ? { databaseUrl: db.url }
      : backend === 'kafka'
        ? { kafkaBootstrapServers: KAFKA_BOOTSTRAP_SERVERS!, schemasTopic: freshTopic('registry'), dekRegistryTopic: freshTopic('registry-keys') }
        : { dataDir: 'memory://' },
  );
  const app = await buildApp({ store, ownsStore: true, ...options });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  // Kafka: a one-member election makes this process the primary.
  await store.replication?.join(`http://127.0.0.1:${port}`);
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    store,
    async close() {
      await app.close();
      await db?.drop();
    },
  };
}

export const V1 = 'application/vnd.schemaregistry.v1+json';

export interface Response {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

/** One HTTP call; `body` is JSON-encoded unless `raw` is given. */
export async function call(
  base: string,
  method: string,
  path: string,
  options: { body?: unknown; raw?: string; contentType?: string | null; accept?: string } = {},
): Promise<Response> {
  const headers: Record<string, string> = {};
  let payload: string | undefined;
  if (options.raw !== undefined) payload = options.raw;
  else if (options.body !== undefined) payload = JSON.stringify(options.body);
  const contentType = options.contentType === undefined ? (payload !== undefined ? V1 : undefined) : options.contentType;
  if (contentType !== null && contentType !== undefined) headers['Content-Type'] = contentType;
  if (options.accept) headers.Accept = options.accept;
  // fetch labels a string body text/plain unless told otherwise, and refuses any body (even '') on GET:
  // bytes carry no implicit Content-Type, and an empty GET body is simply not sent.
  const body = payload === undefined || (payload === '' && (method === 'GET' || method === 'HEAD')) ? undefined : new TextEncoder().encode(payload);
  const res = await fetch(base + path, { method, headers, body });
  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}
