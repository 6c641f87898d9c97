/**
 * The fastify application: `buildApp` wires the core over a store into HTTP (tests and benchmarks use it
 * directly); `startServer` adds configuration, the store, listening and the ready line.
 */
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import type { CompatibilityLevel } from '@schemata/serdes';
import { describeStore, DEFAULTS, storeOptionsOf, type LogLevel, type RegistryConfig } from './config.js';
import { Registry } from './core/index.js';
import { KmsDrivers, localKmsDriver, type Secret } from './core/dek-registry/index.js';
import type { LoaderLimits } from './core/schemas.js';
import { PooledSchemaWork, type SchemaWorkOptions } from './schema-work/pool.js';
import { requireAccessDeclarations } from './http/access.js';
import { clientErrorHandler, enforceBodyDeadline, frameworkErrorHandler, installHttp } from './http/index.js';
import { installUi } from './http/ui.js';
import { createLogger, type Logger } from './log.js';
import { Metrics } from './metrics/metrics.js';
import { Security } from './security/security.js';
import type { SecurityConfig } from './security/options.js';
import { createStore } from './store/index.js';
import { reportsReadiness, type Readiness } from './store/reporting.js';
import type { Store } from './store/store.js';

export interface AppOptions {
  store: Store;
  /** Close the store when the app closes (startServer's own store: yes; a caller's: no, by default). */
  ownsStore?: boolean;
  bodyLimit?: number;
  /** Milliseconds a request body may take to arrive whole (408, or the connection closed, after). */
  bodyTimeout?: number;
  defaultCompatibility?: CompatibilityLevel;
  /** The application's log (start-up, shutdown, 5xx errors); wins over `logLevel`. */
  logger?: Logger;
  /** Without `logger`: a logger at this level. Both omitted: no logging. */
  logLevel?: LogLevel;
  /** Sees every route as it is registered (the OpenAPI test compares them with openapi.yaml). */
  onRoute?: (route: RouteOptions) => void;
  /** Where schema work runs (default: worker threads as `SCHEMA_WORK_DEFAULTS`, started on first use). */
  schemaWork?: SchemaWorkOptions;
  /** Bounds on submitted schemas beyond `schemaWork.limits` (default: DEFAULT_LOADER_LIMITS). */
  loaderLimits?: LoaderLimits;
  /** TLS, authentication, authorization, audit log, rate limits (default: none of them). */
  security?: SecurityConfig;
  /** Serve Prometheus metrics at `/metrics` (default: no). */
  metrics?: boolean;
  /** The local KMS secret, for shared KEKs of kmsType local-kms (default: none). */
  localKmsSecret?: Secret | undefined;
  /** Serve the web UI at `/ui/` (default: no; the server's configuration turns it on unless UI_ENABLED=false). */
  ui?: boolean;
}

// Subjects are path segments and may be long; the router's default limit (100) would turn them into 404s.
const MAX_PARAM_LENGTH = 64 * 1024;

/** Opens the store (idempotent), builds the registry and its routes; the caller listens (or injects). */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  await options.store.open();
  const log = options.logger ?? createLogger(options.logLevel ?? 'silent');
  const security = options.security ? await Security.create(options.security, log) : undefined;
  const metrics = options.metrics ? new Metrics() : undefined;
  const store = metrics ? metrics.timeStore(options.store) : options.store;
  const work = new PooledSchemaWork({ limits: DEFAULTS.schemaLimits, ...options.schemaWork });
  const registry = new Registry(store, {
    defaultCompatibility: options.defaultCompatibility ?? DEFAULTS.defaultCompatibility,
    work,
    kms: new KmsDrivers([localKmsDriver(options.localKmsSecret)]),
    ...(options.loaderLimits ? { limits: options.loaderLimits } : {}),
  });
  const app = Fastify({
    // Off: fastify's logger costs every request listeners and a child logger even with request logging
    // disabled. The application logs through its own logger (src/log.ts); 5xx errors in the error handler.
    logger: false,
    bodyLimit: options.bodyLimit ?? DEFAULTS.bodyLimit,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH, ignoreTrailingSlash: true },
    frameworkErrors: frameworkErrorHandler(log),
    clientErrorHandler,
    // An https.Server handles requests exactly as an http.Server does; fastify only types them apart.
    ...(security?.https ? { https: security.https } : {}),
  }) as FastifyInstance;
  enforceBodyDeadline(app.server, options.bodyTimeout ?? DEFAULTS.bodyTimeout);
  if (options.onRoute) app.addHook('onRoute', options.onRoute);
  requireAccessDeclarations(app);
  security?.install(app, registry);
  metrics?.install(app, registry, store);
  const readiness = (): Readiness => (reportsReadiness(options.store) ? options.store.readiness() : { ready: true });
  installHttp(app, registry, { clusterId: 'schemata', readiness }, log, options.store.replication);
  if (options.ui) installUi(app);
  app.addHook('onClose', () => work.close());
  if (options.ownsStore) app.addHook('onClose', () => options.store.close());
  return app;
}

export interface RunningServer {
  app: FastifyInstance;
  /** `http://host:port` as actually bound (port 0 resolved). */
  url: string;
  /** The application's log, at the configured level. */
  log: Logger;
  close(): Promise<void>;
}

/** Creates the configured store, builds the app, listens, and prints the ready line. */
export async function startServer(config: RegistryConfig): Promise<RunningServer> {
  const log = createLogger(config.logLevel);
  const store = await createStore({
    ...storeOptionsOf(config),
    onError: (message, err) => log.error({ err }, message),
    onInfo: (message) => log.info(message),
  });
  let app: FastifyInstance;
  try {
    app = await buildApp({
      store,
      ownsStore: true,
      bodyLimit: config.bodyLimit,
      bodyTimeout: config.bodyTimeout,
      defaultCompatibility: config.defaultCompatibility,
      logger: log,
      schemaWork: {
        threads: config.schemaWorkers,
        budgetMs: config.schemaWorkTimeoutMs,
        isolation: config.schemaWorkIsolation,
        limits: config.schemaLimits,
        warm: true,
      },
      loaderLimits: { maxSchemaBytes: config.maxSchemaSize, maxReferences: config.maxSchemaReferences },
      security: config.security,
      metrics: config.metrics,
      localKmsSecret: config.localKmsSecret,
      ui: config.ui,
    });
  } catch (e) {
    await store.close().catch(() => {});
    throw e;
  }
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `${config.security.tls ? 'https' : 'http'}://${host}:${port}`;
  // Kafka: join the election once the URL other processes forward writes to is known.
  if (store.replication) await store.replication.join(config.advertisedUrl ?? url);
  // SIGHUP reloads the users, bindings and JWKS files (they are also polled for changes).
  const onHangup = () => void app.reloadSecurity?.();
  process.on('SIGHUP', onHangup);
  // Printed whatever the log level: scripts and tests wait for this line.
  const described = describeStore(config);
  process.stdout.write(`schema registry listening on ${url} (store: ${described})\n`);
  log.info({ url, store: described }, 'schema registry started');
  if (config.ui) log.info({ url: `${url}/ui/` }, 'web UI served');
  return {
    app,
    url,
    log,
    close: async () => {
      process.off('SIGHUP', onHangup);
      await app.close();
    },
  };
}
