/**
 * Confluent's DEK registry, `/dek-registry/v1/keks/...`: KEKs and their DEKs per subject.
 *
 * Access: KEK reads need only authentication (a producer or consumer of any subject reads the KEK its rule
 * names); KEK writes need admin on the registry. DEK calls act on the DEK's subject (the `:subject` path
 * segment): read for reads, write to create, delete (admin when permanent) or undelete. The older create
 * route with the subject in the body (`POST .../keks/{name}/deks`) is authorized before its body is read,
 * so it needs admin on the registry; the Confluent clients use the subject-in-path route first.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Registry } from '../../core/index.js';
import { decodeCreateDek, decodeCreateKek, decodeUpdateKek } from '../dek-bodies.js';
import { bool, str, type Query } from '../query.js';
import { sendJson } from '../reply.js';
import { AUTHENTICATED, deleteOnSubject, onRegistry, onSubject } from '../access.js';

const BASE = '/dek-registry/v1/keks';

type KekRequest = FastifyRequest<{ Params: { name: string }; Querystring: Query }>;
type DekRequest = FastifyRequest<{ Params: { name: string; subject: string; version?: string }; Querystring: Query }>;

export function dekRegistryRoutes(app: FastifyInstance, registry: Registry): void {
  const keys = registry.keys;
  const noContent = (reply: { code(n: number): { send(): unknown } }) => reply.code(204).send();
  const selector = (req: DekRequest) => ({
    kekName: req.params.name,
    subject: req.params.subject,
    algorithm: str(req.query, 'algorithm'),
    version: req.params.version,
  });

  // ---- KEKs ----
  app.get(BASE, { config: AUTHENTICATED }, async (req: KekRequest, reply) => sendJson(req, reply, await keys.listKeks(bool(req.query, 'deleted'))));
  app.post(BASE, { config: onRegistry('admin', true) }, async (req: KekRequest, reply) =>
    sendJson(req, reply, await keys.createKek(decodeCreateKek(req.body))),
  );
  app.get(`${BASE}/:name`, { config: AUTHENTICATED }, async (req: KekRequest, reply) =>
    sendJson(req, reply, await keys.getKek(req.params.name, bool(req.query, 'deleted'))),
  );
  app.put(`${BASE}/:name`, { config: onRegistry('admin', true) }, async (req: KekRequest, reply) =>
    sendJson(req, reply, await keys.updateKek(req.params.name, decodeUpdateKek(req.body))),
  );
  app.delete(`${BASE}/:name`, { config: onRegistry('admin', true) }, async (req: KekRequest, reply) => {
    await keys.deleteKek(req.params.name, bool(req.query, 'permanent'));
    return noContent(reply);
  });
  app.post(`${BASE}/:name/undelete`, { config: onRegistry('admin', true) }, async (req: KekRequest, reply) => {
    await keys.undeleteKek(req.params.name);
    return noContent(reply);
  });

  // ---- DEKs ----
  app.get(`${BASE}/:name/deks`, { config: AUTHENTICATED }, async (req: KekRequest, reply) =>
    sendJson(req, reply, await keys.listDekSubjects(req.params.name, bool(req.query, 'deleted'), req.visibility?.subject)),
  );
  app.post(`${BASE}/:name/deks`, { config: onRegistry('admin', true) }, async (req: KekRequest, reply) =>
    sendJson(req, reply, await keys.createDek(req.params.name, undefined, decodeCreateDek(req.body))),
  );
  app.post(`${BASE}/:name/deks/:subject`, { config: onSubject('write', true) }, async (req: DekRequest, reply) =>
    sendJson(req, reply, await keys.createDek(req.params.name, req.params.subject, decodeCreateDek(req.body))),
  );
  app.get(`${BASE}/:name/deks/:subject`, { config: onSubject('read') }, async (req: DekRequest, reply) =>
    sendJson(req, reply, await keys.getDek(req.params.name, req.params.subject, undefined, str(req.query, 'algorithm'), bool(req.query, 'deleted'))),
  );
  app.get(`${BASE}/:name/deks/:subject/versions`, { config: onSubject('read') }, async (req: DekRequest, reply) =>
    sendJson(req, reply, await keys.listDekVersions(req.params.name, req.params.subject, str(req.query, 'algorithm'), bool(req.query, 'deleted'))),
  );
  app.get(`${BASE}/:name/deks/:subject/versions/:version`, { config: onSubject('read') }, async (req: DekRequest, reply) =>
    sendJson(req, reply, await keys.getDek(req.params.name, req.params.subject, req.params.version, str(req.query, 'algorithm'), bool(req.query, 'deleted'))),
  );
  for (const path of [`${BASE}/:name/deks/:subject`, `${BASE}/:name/deks/:subject/versions/:version`]) {
    app.delete(path, { config: deleteOnSubject }, async (req: DekRequest, reply) => {
      await keys.deleteDek(selector(req), bool(req.query, 'permanent'));
      return noContent(reply);
    });
    app.post(`${path}/undelete`, { config: onSubject('write', true) }, async (req: DekRequest, reply) => {
      await keys.undeleteDek(selector(req));
      return noContent(reply);
    });
  }
}
