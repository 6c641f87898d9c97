/** `/contexts`: list and delete (empty) contexts. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Registry } from '../../core/index.js';
import { page, str, type Query } from '../query.js';
import { sendJson } from '../reply.js';

export function contextRoutes(app: FastifyInstance, registry: Registry): void {
  app.get('/contexts', async (req: FastifyRequest<{ Querystring: Query }>, reply) =>
    sendJson(req, reply, await registry.contexts.list({ contextPrefix: str(req.query, 'contextPrefix'), page: page(req.query) })),
  );
  app.delete('/contexts/:context', async (req: FastifyRequest<{ Params: { context: string } }>, reply) => {
    await registry.contexts.delete(req.params.context);
    return reply.code(204).send();
  });
}
