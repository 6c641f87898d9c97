/** `GET /openapi.yaml`: the API description, read on first request and kept. */
import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { httpNotFound } from '../../core/errors.js';
import { AUTHENTICATED } from '../access.js';

// The published package carries it beside dist/; in the repository it lives at the root.
const CANDIDATES = [new URL('../../../openapi.yaml', import.meta.url), new URL('../../../../openapi.yaml', import.meta.url)];

async function load(): Promise<string> {
  for (const url of CANDIDATES) {
    try {
      return await readFile(url, 'utf8');
    } catch {
      // try the next location
    }
  }
  throw httpNotFound();
}

export function openapiRoutes(app: FastifyInstance): void {
  let document: Promise<string> | undefined;
  app.get('/openapi.yaml', { config: AUTHENTICATED }, async (_req, reply) => {
    document ??= load();
    try {
      return reply.header('content-type', 'application/yaml').send(await document);
    } catch (e) {
      document = undefined;
      throw e;
    }
  });
}
