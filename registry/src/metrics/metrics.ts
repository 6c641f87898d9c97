/**
 * Prometheus metrics at `/metrics` (prom-client, one registry per app): Node's default process metrics;
 * requests by route, method and status with a latency histogram; compatibility checks and failures; hits
 * and misses of the schema-by-id caches; store call latency by operation; schema, subject and version
 * counts. The core keeps plain counters (core/stats.ts, LoadingCache hits); they are read at scrape time.
 */
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry as PromRegistry } from 'prom-client';
import type { Registry } from '../core/index.js';
import { onMetrics } from '../http/access.js';
import { reportsStatistics } from '../store/reporting.js';
import type { Store } from '../store/store.js';
import { timedStore } from './timed-store.js';

const PREFIX = 'schema_registry_';

/** A counter mirroring a monotonic number the core keeps. */
function mirroredCounter(register: PromRegistry, name: string, help: string, read: () => number): void {
  let seen = 0;
  new Counter({
    name,
    help,
    registers: [register],
    collect() {
      const now = read();
      if (now > seen) this.inc(now - seen);
      seen = now;
    },
  });
}

export class Metrics {
  readonly register = new PromRegistry();
  private readonly storeLatency: Histogram<'operation'>;

  constructor() {
    collectDefaultMetrics({ register: this.register });
    this.storeLatency = new Histogram({
      name: `${PREFIX}store_operation_duration_seconds`,
      help: 'Latency of store calls (a write transaction counts as one "write")',
      labelNames: ['operation'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [this.register],
    });
  }

  /** The store with its calls timed: wrap before the core is built over it. */
  timeStore(store: Store): Store {
    return timedStore(store, (operation, seconds) => this.storeLatency.observe({ operation }, seconds));
  }

  /** Request metrics, the core's counters, the store's counts, and the `/metrics` route. */
  install(app: FastifyInstance, registry: Registry, store: Store): void {
    const register = this.register;
    const requests = new Counter({
      name: `${PREFIX}http_requests_total`,
      help: 'HTTP requests answered, by route, method and status',
      labelNames: ['method', 'route', 'status'],
      registers: [register],
    });
    const latency = new Histogram({
      name: `${PREFIX}http_request_duration_seconds`,
      help: 'HTTP request latency, by route and method',
      labelNames: ['method', 'route'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers: [register],
    });
    app.addHook('onResponse', async (req, reply) => {
      // The route pattern, never the raw URL: label values must stay few (subject names are unbounded).
      const route = req.routeOptions.url ?? 'unmatched';
      requests.inc({ method: req.method, route, status: String(reply.statusCode) });
      latency.observe({ method: req.method, route }, reply.elapsedTime / 1000);
    });

    const stats = registry.state.stats;
    mirroredCounter(register, `${PREFIX}compatibility_checks_total`, 'Compatibility checks against at least one earlier version', () => stats.compatibilityChecks);
    mirroredCounter(register, `${PREFIX}compatibility_failures_total`, 'Compatibility checks that found the schema incompatible', () => stats.compatibilityFailures);
    mirroredCounter(register, `${PREFIX}schema_cache_hits_total`, 'Schema-by-id answers served from memory', () => registry.reads.cacheStats().hits);
    mirroredCounter(register, `${PREFIX}schema_cache_misses_total`, 'Schema-by-id answers loaded from the store', () => registry.reads.cacheStats().misses);

    new Gauge({
      name: `${PREFIX}registered`,
      help: 'What the store holds: schemas (distinct ids), subjects and versions (live ones)',
      labelNames: ['kind'],
      registers: [register],
      async collect() {
        if (reportsStatistics(store)) {
          const s = await store.statistics();
          this.set({ kind: 'schemas' }, s.schemas);
          this.set({ kind: 'subjects' }, s.subjects);
          this.set({ kind: 'versions' }, s.versions);
        } else {
          this.set({ kind: 'subjects' }, (await registry.reads.listSubjects({ deleted: false, deletedOnly: false, page: { offset: 0, limit: -1 } })).length);
        }
      },
    });

    app.get('/metrics', { config: onMetrics }, async (_req, reply) => {
      const body = await register.metrics();
      return reply.header('content-type', register.contentType).send(body);
    });
  }
}
