/** `/config` and `/config/{subject}` (subject may also be `:.ctx:` or `:.__GLOBAL:`). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Registry } from '../../core/index.js';
import { decodeConfigUpdate } from '../bodies.js';
import { bool, type Query } from '../query.js';
import { sendJson } from '../reply.js';
import { onScope } from '../access.js';

type ConfigRequest = FastifyRequest<{ Params: { subject?: string }; Querystring: Query }>;

export function configRoutes(app: FastifyInstance, registry: Registry): void {
  const configs = registry.configs;
  const get = async (req: ConfigRequest) => configs.get(req.params.subject, bool(req.query, 'defaultToGlobal'));
  const put = async (req: ConfigRequest) => configs.update(req.params.subject, decodeConfigUpdate(req.body));
  const del = async (req: ConfigRequest) => configs.delete(req.params.subject);
  for (const path of ['/config', '/config/:subject']) {
    app.get(path, { config: onScope('read') }, async (req: ConfigRequest, reply) => sendJson(req, reply, await get(req)));
    app.put(path, { config: onScope('admin', true) }, async (req: ConfigRequest, reply) => sendJson(req, reply, await put(req)));
    app.delete(path, { config: onScope('admin', true) }, async (req: ConfigRequest, reply) => sendJson(req, reply, await del(req)));
  }
}
