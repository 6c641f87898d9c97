/** `/schemas`: listing, by id (the hot path), by guid, and the supported types. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { httpNotFound } from '../../core/errors.js';
import type { Registry } from '../../core/index.js';
import { bool, isEmpty, onlyKey, page, str, type Query } from '../query.js';
import { sendJson, sendRaw } from '../reply.js';
import { AUTHENTICATED, onSchema } from '../access.js';

type IdRequest = FastifyRequest<{ Params: { id: string }; Querystring: Query }>;

/** Confluent reads `{id}` as a Java int: anything else is an unmatched path (404/404). */
function parseId(raw: string): number {
  if (/^-?\d{1,10}$/.test(raw)) {
    const n = Number(raw);
    if (n >= -(2 ** 31) && n < 2 ** 31) return n;
  }
  throw httpNotFound();
}

/** The schema an id route reads; none when the id is malformed (the route answers 404). */
const BY_ID = onSchema((req) => {
  const { id } = req.params as { id: string };
  const subject = str(req.query as Query, 'subject');
  try {
    return { id: parseId(id), subject };
  } catch {
    return undefined;
  }
});
const BY_GUID = onSchema((req) => ({ guid: (req.params as { guid: string }).guid }));

export function schemaRoutes(app: FastifyInstance, registry: Registry): void {
  const reads = registry.reads;

  app.get('/schemas/types', { config: AUTHENTICATED }, (req, reply) => sendJson(req, reply, reads.schemaTypes()));

  app.get('/schemas', { config: AUTHENTICATED }, async (req: FastifyRequest<{ Querystring: Query }>, reply) => {
    const q = req.query;
    const schemas = await reads.listSchemas({
      subjectPrefix: str(q, 'subjectPrefix'),
      deleted: bool(q, 'deleted'),
      latestOnly: bool(q, 'latestOnly'),
      ruleType: str(q, 'ruleType'),
      page: page(q),
      canRead: req.visibility?.subject,
    });
    return sendJson(req, reply, schemas);
  });

  const byId = async (req: IdRequest, reply: FastifyReply, id: number) => {
    const q = req.query;
    const body = await reads.schemaByIdBytes(id, { subject: str(q, 'subject'), format: str(q, 'format'), fetchMaxId: bool(q, 'fetchMaxId') });
    return sendRaw(req, reply, body);
  };
  // The hottest route: a cached answer (plain, or naming only a subject as Confluent's deserializers do) is
  // sent straight from memory, with no hook and no await.
  app.get('/schemas/ids/:id', { config: BY_ID }, (req: IdRequest, reply) => {
    const id = parseId(req.params.id);
    const q = req.query;
    const subject = q.subject;
    const cached = isEmpty(q) ? reads.peekSchemaById(id) : typeof subject === 'string' && onlyKey(q) ? reads.peekSchemaById(id, subject) : undefined;
    if (cached) return sendRaw(req, reply, cached);
    return byId(req, reply, id);
  });

  app.get('/schemas/ids/:id/schema', { config: BY_ID }, async (req: IdRequest, reply) => {
    const q = req.query;
    return sendRaw(req, reply, await reads.rawSchemaById(parseId(req.params.id), { subject: str(q, 'subject'), format: str(q, 'format') }));
  });

  app.get('/schemas/ids/:id/subjects', { config: BY_ID }, async (req: IdRequest, reply) => {
    const q = req.query;
    const subjects = await reads.subjectsOfId(parseId(req.params.id), { subject: str(q, 'subject'), deleted: bool(q, 'deleted'), page: page(q), canRead: req.visibility?.subject });
    return sendJson(req, reply, subjects);
  });

  app.get('/schemas/ids/:id/versions', { config: BY_ID }, async (req: IdRequest, reply) => {
    const q = req.query;
    const versions = await reads.versionsOfId(parseId(req.params.id), { subject: str(q, 'subject'), deleted: bool(q, 'deleted'), page: page(q), canRead: req.visibility?.subject });
    return sendJson(req, reply, versions);
  });

  type GuidRequest = FastifyRequest<{ Params: { guid: string }; Querystring: Query }>;
  app.get('/schemas/guids/:guid', { config: BY_GUID }, async (req: GuidRequest, reply) =>
    sendJson(req, reply, await reads.schemaByGuid(req.params.guid, str(req.query, 'format'))),
  );
  app.get('/schemas/guids/:guid/ids', { config: BY_GUID }, async (req: GuidRequest, reply) => sendJson(req, reply, await reads.idsOfGuid(req.params.guid)));
}
