/** `/compatibility/subjects/{subject}/versions[/{version}]`: test a schema without registering it. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Registry } from '../../core/index.js';
import { decodeSchemaRequest } from '../bodies.js';
import { bool, type Query } from '../query.js';
import { sendJson } from '../reply.js';
import { onSubject } from '../access.js';

// Confluent's authorizers ask SUBJECT_WRITE for a compatibility test (it changes nothing, so it is not audited).
const CHECK = onSubject('write');

type CompatRequest = FastifyRequest<{ Params: { subject: string; version?: string }; Querystring: Query }>;

export function compatibilityRoutes(app: FastifyInstance, registry: Registry): void {
  const check = async (req: CompatRequest) =>
    registry.compatibility.check(req.params.subject, req.params.version, decodeSchemaRequest(req.body), {
      normalize: bool(req.query, 'normalize'),
      verbose: bool(req.query, 'verbose'),
    });
  app.post('/compatibility/subjects/:subject/versions/:version', { config: CHECK }, async (req: CompatRequest, reply) => sendJson(req, reply, await check(req)));
  app.post('/compatibility/subjects/:subject/versions', { config: CHECK }, async (req: CompatRequest, reply) => sendJson(req, reply, await check(req)));
}
