/** `/subjects/{subject}/versions`: list, register, read, raw schema, referencedby, delete. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Registry } from '../../core/index.js';
import { decodeSchemaRequest } from '../bodies.js';
import { bool, page, str, type Query } from '../query.js';
import { sendJson, sendRaw } from '../reply.js';
import { deleteOnSubject, onSubject } from '../access.js';

type SubjectRequest = FastifyRequest<{ Params: { subject: string }; Querystring: Query }>;
type VersionRequest = FastifyRequest<{ Params: { subject: string; version: string }; Querystring: Query }>;

export function versionRoutes(app: FastifyInstance, registry: Registry): void {
  app.get('/subjects/:subject/versions', { config: onSubject('read') }, async (req: SubjectRequest, reply) => {
    const q = req.query;
    const versions = await registry.reads.listVersions(req.params.subject, {
      deleted: bool(q, 'deleted'),
      deletedOnly: bool(q, 'deletedOnly'),
      deletedAsNegative: bool(q, 'deletedAsNegative'),
      page: page(q),
    });
    return sendJson(req, reply, versions);
  });

  app.post('/subjects/:subject/versions', { config: onSubject('write', true) }, async (req: SubjectRequest, reply) => {
    const q = req.query;
    const registered = await registry.registrations.register(req.params.subject, decodeSchemaRequest(req.body), {
      normalize: bool(q, 'normalize'),
      force: bool(q, 'force'),
    });
    return sendJson(req, reply, registered);
  });

  app.get('/subjects/:subject/versions/:version', { config: onSubject('read') }, async (req: VersionRequest, reply) => {
    const q = req.query;
    const v = await registry.reads.getVersion(req.params.subject, req.params.version, { deleted: bool(q, 'deleted'), format: str(q, 'format'), canRead: req.visibility?.subject });
    return sendJson(req, reply, v);
  });

  app.get('/subjects/:subject/versions/:version/schema', { config: onSubject('read') }, async (req: VersionRequest, reply) => {
    const q = req.query;
    const text = await registry.reads.rawSchemaByVersion(req.params.subject, req.params.version, { deleted: bool(q, 'deleted'), format: str(q, 'format'), canRead: req.visibility?.subject });
    return sendRaw(req, reply, text);
  });

  app.get('/subjects/:subject/versions/:version/referencedby', { config: onSubject('read') }, async (req: VersionRequest, reply) => {
    const q = req.query;
    const ids = await registry.reads.referencedBy(req.params.subject, req.params.version, { deleted: bool(q, 'deleted'), page: page(q), canRead: req.visibility?.subject });
    return sendJson(req, reply, ids);
  });

  app.delete('/subjects/:subject/versions/:version', { config: deleteOnSubject }, async (req: VersionRequest, reply) => {
    const deleted = await registry.deletes.deleteVersion(req.params.subject, req.params.version, bool(req.query, 'permanent'));
    return sendJson(req, reply, deleted);
  });
}
