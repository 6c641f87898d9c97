/** The HTTP layer: one module of routes per resource, over the core's use cases. */
import type { FastifyInstance } from 'fastify';
import type { Registry } from '../core/index.js';
import type { Logger } from '../log.js';
import { NotPrimaryError, type Replication } from '../store/store.js';
import { registerBodyParsers } from './content-type.js';
import { installErrorHandlers } from './errors.js';
import { forwardToPrimary, installForwarding } from './forward.js';
import type { Readiness } from '../store/reporting.js';
import { compatibilityRoutes } from './routes/compatibility.js';
import { configRoutes } from './routes/config.js';
import { contextRoutes } from './routes/contexts.js';
import { dekRegistryRoutes } from './routes/dek-registry.js';
import { healthRoutes } from './routes/health.js';
import { modeRoutes } from './routes/mode.js';
import { openapiRoutes } from './routes/openapi.js';
import { rootRoutes, type ServerInfo } from './routes/root.js';
import { schemaRoutes } from './routes/schemas.js';
import { subjectRoutes } from './routes/subjects.js';
import { versionRoutes } from './routes/versions.js';

export { clientErrorHandler, frameworkErrorHandler } from './errors.js';
export { enforceBodyDeadline } from './unread-bodies.js';

/**
 * Installs parsers, error handlers and routes; `log` receives unexpected (5xx) errors. With `replication`
 * (a store with one elected writer), writes reaching a process that is not the primary are forwarded.
 */
export function installHttp(
  app: FastifyInstance,
  registry: Registry,
  info: ServerInfo & { readiness: () => Readiness },
  log: Logger,
  replication?: Replication,
): void {
  registerBodyParsers(app);
  installErrorHandlers(
    app,
    log,
    replication && ((err, req, reply) => (err instanceof NotPrimaryError ? forwardToPrimary(err, req, reply, replication, log) : undefined)),
  );
  if (replication) installForwarding(app, replication);
  // One plugin (encapsulation context) per resource; they inherit the parsers and handlers set above.
  const plugins: ((child: FastifyInstance) => void)[] = [
    (child) => rootRoutes(child, info),
    (child) => schemaRoutes(child, registry),
    (child) => subjectRoutes(child, registry),
    (child) => versionRoutes(child, registry),
    (child) => compatibilityRoutes(child, registry),
    (child) => configRoutes(child, registry),
    (child) => modeRoutes(child, registry),
    (child) => contextRoutes(child, registry),
    (child) => dekRegistryRoutes(child, registry),
    (child) => openapiRoutes(child),
    (child) => healthRoutes(child, info.readiness),
  ];
  for (const routes of plugins) void app.register(async (child) => routes(child));
}
