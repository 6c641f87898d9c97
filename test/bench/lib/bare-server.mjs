#!/usr/bin/env node
/**
 * The baseline for bench:http: a bare fastify 5 server (no hooks, no logger, default options) answering
 * the routes under test with fixed bytes, so the ratio registry / bare is the cost of the registry itself.
 *
 *   node bare-server.mjs responses.json
 *
 * responses.json: { "get": { "contentType", "body" }, "post": { "contentType", "body" } } where body is the
 * exact response text the registry produced. POST bodies are parsed as JSON (JSON.parse, as the registry
 * does) for the JSON content types a schema registry client sends, then the fixed bytes are returned.
 */
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const responses = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const getBody = Buffer.from(responses.get.body);
const postBody = Buffer.from(responses.post.body);

const app = Fastify({ logger: false });
const parseJson = (_req, body, done) => {
  try {
    done(null, JSON.parse(body));
  } catch (e) {
    e.statusCode = 400;
    done(e);
  }
};
for (const type of ['application/vnd.schemaregistry.v1+json', 'application/vnd.schemaregistry+json', 'application/octet-stream']) {
  app.addContentTypeParser(type, { parseAs: 'string' }, parseJson);
}
// application/json uses fastify's own parser.

app.get('/schemas/ids/:id', (_req, reply) => reply.header('content-type', responses.get.contentType).send(getBody));
app.post('/subjects/:subject/versions', (req, reply) => {
  if (typeof req.body !== 'object' || req.body === null || typeof req.body.schema !== 'string') {
    return reply.code(422).send({ error_code: 422, message: 'no schema' });
  }
  return reply.header('content-type', responses.post.contentType).send(postBody);
});

const address = await app.listen({ port: Number(process.env.PORT_BARE ?? 0), host: '127.0.0.1' });
process.stdout.write(`bare fastify listening on ${address}\n`);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    app.close().then(() => process.exit(0));
  });
}
