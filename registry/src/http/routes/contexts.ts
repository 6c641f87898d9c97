/** `/contexts`: list and delete (empty) contexts. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Registry } from '../../core/index.js';
import { page, str, type Query } from '../query.js';
import { sendJson } from '../reply.js';
import { AUTHENTICATED, onContext } from '../access.js';

export function contextRoutes(app: FastifyInstance, registry: Registry): void {
  app.get('/contexts', { config: AUTHENTICATED }, async (req: FastifyRequest<{ Querystring: Query }>, reply) =>
    sendJson(req, reply, await registry.contexts.list({ contextPrefix: str(req.query, 'contextPrefix'), page: page(req.query), canRead: req.visibility?.context })),
  );
  app.delete('/contexts/:context', { config: onContext('admin', true) }, async (req: FastifyRequest<{ Params: { context: string } }>, reply) => {
    await registry.contexts.delete(req.params.context);
    return reply.code(204).send();
  });
}
