/** `/mode` and `/mode/{subject}` (subject may also be `:.ctx:` or `:.__GLOBAL:`). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Registry } from '../../core/index.js';
import { decodeModeUpdate } from '../bodies.js';
import { bool, type Query } from '../query.js';
import { sendJson } from '../reply.js';
import { onScope } from '../access.js';

type ModeRequest = FastifyRequest<{ Params: { subject?: string }; Querystring: Query }>;

export function modeRoutes(app: FastifyInstance, registry: Registry): void {
  const modes = registry.modes;
  const get = async (req: ModeRequest) => modes.get(req.params.subject, bool(req.query, 'defaultToGlobal'));
  const put = async (req: ModeRequest) => modes.update(req.params.subject, decodeModeUpdate(req.body), bool(req.query, 'force'));
  const del = async (req: ModeRequest) => modes.delete(req.params.subject);
  for (const path of ['/mode', '/mode/:subject']) {
    app.get(path, { config: onScope('read') }, async (req: ModeRequest, reply) => sendJson(req, reply, await get(req)));
    app.put(path, { config: onScope('admin', true) }, async (req: ModeRequest, reply) => sendJson(req, reply, await put(req)));
    app.delete(path, { config: onScope('admin', true) }, async (req: ModeRequest, reply) => sendJson(req, reply, await del(req)));
  }
}
