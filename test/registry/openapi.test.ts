/**
 * openapi.yaml is a valid OpenAPI 3.1 document, documents exactly the (method, path) pairs the server
 * registers, and is what `GET /openapi.yaml` serves.
 */
import { readFileSync } from 'node:fs';
import { compileErrors, validate } from '@readme/openapi-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { call, startRegistry, type TestRegistry } from './server.js';

const FILE = new URL('../../openapi.yaml', import.meta.url);
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];

/** `/subjects/:subject/versions` → `/subjects/{subject}/versions`. */
const toOpenApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

describe('openapi.yaml', () => {
  const text = readFileSync(FILE, 'utf8');
  const document = parse(text) as { openapi: string; paths: Record<string, Record<string, unknown>> };
  const registered = new Set<string>();
  let registry: TestRegistry;

  beforeAll(async () => {
    registry = await startRegistry('pglite', {
      metrics: true,
      onRoute: (route) => {
        const methods = Array.isArray(route.method) ? route.method : [route.method];
        // fastify adds a HEAD twin for every GET route by itself; it is not part of the documented API.
        for (const m of methods) if (m !== 'HEAD') registered.add(`${m} ${toOpenApiPath(route.url)}`);
      },
    });
  });
  afterAll(async () => {
    await registry?.close();
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(document.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(document) as never);
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
  });

  it('documents exactly the routes the server registers', () => {
    const documented = new Set<string>();
    for (const [path, item] of Object.entries(document.paths)) {
      for (const method of Object.keys(item)) if (METHODS.includes(method)) documented.add(`${method.toUpperCase()} ${path}`);
    }
    expect(registered.size).toBeGreaterThan(30);
    expect([...registered].sort()).toEqual([...documented].sort());
  });

  it('is served at GET /openapi.yaml as application/yaml', async () => {
    const res = await call(registry.url, 'GET', '/openapi.yaml');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/yaml/);
    expect(res.text).toBe(text);
  });
});
