/**
 * `/metrics` scraped and parsed after known traffic (requests by route and status, latency histograms,
 * compatibility checks and failures, schema cache hits, store latency, counts, Node's process metrics);
 * the health probes, including a store that reports it is not ready yet. On PGlite and Postgres.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../registry/src/app.js';
import type { Readiness } from '../../registry/src/store/reporting.js';
import { createStore, type Store } from '../../registry/src/store/index.js';
import { eachBackend } from '../helpers/live-registry.js';
import { call, parsePrometheus, sampleValue, startSecureRegistry, type SecureRegistry, type Sample } from './helpers.js';

const record = (fields: string[]) => JSON.stringify({ type: 'record', name: 'Order', fields: fields.map((f) => ({ name: f, type: 'string' })) });
const V1 = record(['id']);
const V2_COMPATIBLE = JSON.stringify({ type: 'record', name: 'Order', fields: [{ name: 'id', type: 'string' }, { name: 'note', type: 'string', default: '' }] });
const INCOMPATIBLE = record(['id', 'required_without_default']);

eachBackend('metrics', (backend) => {
  let reg: SecureRegistry;
  const scrape = async (): Promise<Sample[]> => {
    const res = await call(reg.url, 'GET', '/metrics', { headers: { accept: 'text/plain' } });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return parsePrometheus(res.text);
  };

  beforeAll(async () => {
    reg = await startSecureRegistry(backend, {}, { metrics: true });
    const steps: [string, string, unknown, number][] = [
      ['POST', '/subjects/orders-value/versions', { schema: V1 }, 200],
      ['POST', '/compatibility/subjects/orders-value/versions/latest', { schema: V2_COMPATIBLE }, 200],
      ['POST', '/compatibility/subjects/orders-value/versions/latest', { schema: INCOMPATIBLE }, 200],
      ['POST', '/subjects/orders-value/versions', { schema: INCOMPATIBLE }, 409],
      ['POST', '/subjects/orders-value/versions', { schema: V2_COMPATIBLE }, 200],
      ['GET', '/subjects/no-such-subject/versions', undefined, 404],
    ];
    for (const [method, path, body, status] of steps) expect((await call(reg.url, method, path, body === undefined ? {} : { body })).status).toBe(status);
  });
  afterAll(() => reg?.close());

  it("includes Node's default process metrics", async () => {
    const samples = await scrape();
    for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_seconds']) {
      expect(sampleValue(samples, name), name).toBeGreaterThanOrEqual(0);
    }
  });

  it('counts requests by route, method and status, with latency histograms', async () => {
    const samples = await scrape();
    const requests = (labels: Record<string, string>) => sampleValue(samples, 'schema_registry_http_requests_total', labels);
    expect(requests({ method: 'POST', route: '/subjects/:subject/versions', status: '200' })).toBe(2);
    expect(requests({ method: 'POST', route: '/subjects/:subject/versions', status: '409' })).toBe(1);
    expect(requests({ method: 'GET', route: '/subjects/:subject/versions', status: '404' })).toBe(1);
    // Never the raw URL as a label: subject names would make the series unbounded.
    expect(samples.some((s) => Object.values(s.labels).some((v) => v.includes('orders-value')))).toBe(false);
    const count = sampleValue(samples, 'schema_registry_http_request_duration_seconds_count', { method: 'POST', route: '/compatibility/subjects/:subject/versions/:version' });
    expect(count).toBe(2);
    const inf = sampleValue(samples, 'schema_registry_http_request_duration_seconds_bucket', { method: 'POST', route: '/compatibility/subjects/:subject/versions/:version', le: '+Inf' });
    expect(inf).toBe(2);
  });

  it('counts compatibility checks and failures', async () => {
    const samples = await scrape();
    // Two tests and two registrations against version 1; the first registration had nothing to check.
    expect(sampleValue(samples, 'schema_registry_compatibility_checks_total')).toBe(4);
    expect(sampleValue(samples, 'schema_registry_compatibility_failures_total')).toBe(2);
  });

  it('counts schema cache hits and misses', async () => {
    await call(reg.url, 'GET', '/schemas/ids/1');
    const before = await scrape();
    const hits = sampleValue(before, 'schema_registry_schema_cache_hits_total')!;
    const misses = sampleValue(before, 'schema_registry_schema_cache_misses_total')!;
    expect(misses).toBeGreaterThanOrEqual(1);
    for (let i = 0; i < 5; i++) expect((await call(reg.url, 'GET', '/schemas/ids/1')).status).toBe(200);
    const after = await scrape();
    expect(sampleValue(after, 'schema_registry_schema_cache_hits_total')).toBe(hits + 5);
    expect(sampleValue(after, 'schema_registry_schema_cache_misses_total')).toBe(misses);
  });

  it('times store calls and counts what the store holds', async () => {
    const samples = await scrape();
    expect(sampleValue(samples, 'schema_registry_store_operation_duration_seconds_count', { operation: 'write' })).toBeGreaterThanOrEqual(3);
    expect(sampleValue(samples, 'schema_registry_registered', { kind: 'schemas' })).toBe(2);
    expect(sampleValue(samples, 'schema_registry_registered', { kind: 'subjects' })).toBe(1);
    expect(sampleValue(samples, 'schema_registry_registered', { kind: 'versions' })).toBe(2);
  });
});

describe('health probes', () => {
  it('live and ready; /metrics absent unless enabled', { timeout: 180_000 }, async () => {
    const reg = await startSecureRegistry('pglite', {});
    try {
      expect((await call(reg.url, 'GET', '/health/live')).json).toEqual({ status: 'UP' });
      expect((await call(reg.url, 'GET', '/health/ready')).json).toEqual({ status: 'UP' });
      const metrics = await call(reg.url, 'GET', '/metrics');
      expect({ status: metrics.status, body: metrics.json }).toEqual({ status: 404, body: { error_code: 404, message: 'HTTP 404 Not Found' } });
    } finally {
      await reg.close();
    }
  });

  it('reports not ready while the store says so', { timeout: 180_000 }, async () => {
    let state: Readiness = { ready: false, reason: 'catching up with the log' };
    const inner = await createStore({ dataDir: 'memory://' });
    // A real store, plus the readiness report a store that catches up (Kafka) gives.
    const store = new Proxy(inner, {
      get: (target, prop) => (prop === 'readiness' ? () => state : Reflect.get(target, prop, target)),
    }) as Store;
    const app = await buildApp({ store, ownsStore: true, schemaWork: { threads: 0 } });
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.server.address();
      const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const notReady = await call(url, 'GET', '/health/ready');
      expect({ status: notReady.status, body: notReady.json }).toEqual({ status: 503, body: { status: 'DOWN', reason: 'catching up with the log' } });
      expect((await call(url, 'GET', '/health/live')).status).toBe(200);
      state = { ready: true };
      expect((await call(url, 'GET', '/health/ready')).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});
