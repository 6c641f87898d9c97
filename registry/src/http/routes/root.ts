/** Liveness (`GET /`, `POST /`) and server metadata (`/v1/metadata/id`, `/v1/metadata/version`). */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { sendJson } from '../reply.js';
import { AUTHENTICATED } from '../access.js';

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export interface ServerInfo {
  /** Reported as the `schema-registry-cluster` (Confluent: the group id). */
  clusterId: string;
}

export function rootRoutes(app: FastifyInstance, info: ServerInfo): void {
  const version = { version: packageVersion(), commitId: process.env.GIT_COMMIT ?? 'unknown' };
  const clusterId = {
    id: '',
    scope: { path: [], clusters: { 'kafka-cluster': '', 'schema-registry-cluster': info.clusterId } },
  };
  app.get('/', { config: AUTHENTICATED }, (req, reply) => sendJson(req, reply, {}));
  app.post('/', { config: AUTHENTICATED }, (req, reply) => sendJson(req, reply, {}));
  app.get('/v1/metadata/id', { config: AUTHENTICATED }, (req, reply) => sendJson(req, reply, clusterId));
  app.get('/v1/metadata/version', { config: AUTHENTICATED }, (req, reply) => sendJson(req, reply, version));
}
