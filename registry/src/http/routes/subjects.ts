/** `/subjects`: listing, lookup under a subject, subject delete, latest-with-metadata. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Registry } from '../../core/index.js';
import { decodeSchemaRequest } from '../bodies.js';
import { all, bool, page, str, type Query } from '../query.js';
import { sendJson } from '../reply.js';
import { AUTHENTICATED, deleteOnSubject, onSubject } from '../access.js';

type SubjectRequest = FastifyRequest<{ Params: { subject: string }; Querystring: Query }>;

export function subjectRoutes(app: FastifyInstance, registry: Registry): void {
  app.get('/subjects', { config: AUTHENTICATED }, async (req: FastifyRequest<{ Querystring: Query }>, reply) => {
    const q = req.query;
    const subjects = await registry.reads.listSubjects({
      subjectPrefix: str(q, 'subjectPrefix'),
      deleted: bool(q, 'deleted'),
      deletedOnly: bool(q, 'deletedOnly'),
      page: page(q),
      canRead: req.visibility?.subject,
    });
    return sendJson(req, reply, subjects);
  });

  app.post('/subjects/:subject', { config: onSubject('read') }, async (req: SubjectRequest, reply) => {
    const q = req.query;
    const found = await registry.lookups.lookup(req.params.subject, decodeSchemaRequest(req.body), {
      normalize: bool(q, 'normalize'),
      deleted: bool(q, 'deleted'),
      format: str(q, 'format'),
      canRead: req.visibility?.subject,
    });
    return sendJson(req, reply, found);
  });

  app.delete('/subjects/:subject', { config: deleteOnSubject }, async (req: SubjectRequest, reply) =>
    sendJson(req, reply, await registry.deletes.deleteSubject(req.params.subject, bool(req.query, 'permanent'))),
  );

  app.get('/subjects/:subject/metadata', { config: onSubject('read') }, async (req: SubjectRequest, reply) => {
    const q = req.query;
    const keys = all(q, 'key');
    const values = all(q, 'value');
    const pairs = keys.slice(0, values.length).map((k, i) => [k, values[i]!] as const);
    const found = await registry.reads.latestWithMetadata(req.params.subject, pairs, { deleted: bool(q, 'deleted'), format: str(q, 'format') });
    return sendJson(req, reply, found);
  });
}
