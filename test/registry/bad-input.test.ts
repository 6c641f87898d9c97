/**
 * Client mistakes over real HTTP: each gets Confluent's status and error_code, changes nothing, and is
 * never answered with a 5xx (clients retry those).
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startRegistry, V1, type Response, type TestRegistry } from './server.js';

const BODY_LIMIT = 64 * 1024;
const record = (name: string, fields = [{ name: 'a', type: 'string' }]) => JSON.stringify({ type: 'record', name, namespace: 'bad', fields });

function expectError(res: Response, status: number, errorCode: number): void {
  expect({ status: res.status, error_code: res.json?.error_code }, res.text).toEqual({ status, error_code: errorCode });
  expect(typeof res.json?.message).toBe('string');
  expect(res.headers.get('content-type')).toMatch(/^application\/vnd\.schemaregistry\.v1\+json/);
}

describe('bad input', () => {
  let r: TestRegistry;
  const get = (path: string, options?: Parameters<typeof call>[3]) => call(r.url, 'GET', path, options);
  const post = (path: string, options?: Parameters<typeof call>[3]) => call(r.url, 'POST', path, options);

  /** Everything a mistake could have changed: subjects with all their versions, global config and mode. */
  async function snapshot(): Promise<unknown> {
    const subjects = (await get('/subjects?deleted=true')).json as string[];
    const versions: Record<string, unknown> = {};
    for (const s of subjects) versions[s] = (await get(`/subjects/${encodeURIComponent(s)}/versions?deleted=true`)).json;
    return { subjects, versions, config: (await get('/config')).json, mode: (await get('/mode')).json };
  }

  /** Runs a bad call, checks its error, and that the registry state did not move. */
  async function rejected(send: () => Promise<Response>, status: number, errorCode: number): Promise<void> {
    const before = await snapshot();
    const res = await send();
    expectError(res, status, errorCode);
    expect(await snapshot()).toEqual(before);
  }

  beforeAll(async () => {
    r = await startRegistry('pglite', { bodyLimit: BODY_LIMIT });
    expect((await post('/subjects/existing/versions', { body: { schema: record('Existing') } })).status).toBe(200);
  });
  afterAll(async () => {
    await r?.close();
  });

  describe('bodies', () => {
    it('malformed JSON is 400/400', () => rejected(() => post('/subjects/x1/versions', { raw: '{"schema": ' }), 400, 400));

    it('an unsupported Content-Type is 415/415', () =>
      rejected(() => post('/subjects/x2/versions', { raw: JSON.stringify({ schema: '"string"' }), contentType: 'text/plain' }), 415, 415));

    it('a malformed Content-Type header is 415/415', () =>
      rejected(() => post('/subjects/x2b/versions', { raw: JSON.stringify({ schema: '"string"' }), contentType: 'not a media type' }), 415, 415));

    it('a missing body is 422/422', () => rejected(() => post('/subjects/x3/versions', { raw: '', contentType: V1 }), 422, 422));

    it('a body that is not an object is 400/400', async () => {
      await rejected(() => post('/subjects/x4/versions', { body: ['not', 'an', 'object'] }), 400, 400);
      await rejected(() => post('/subjects/x4/versions', { body: 'a string' }), 400, 400);
    });

    it('a member of the wrong shape is 400/400', async () => {
      await rejected(() => post('/subjects/x5/versions', { body: { schema: { type: 'string' } } }), 400, 400);
      await rejected(() => post('/subjects/x5/versions', { body: { schema: '"string"', references: 'nope' } }), 400, 400);
      await rejected(() => post('/subjects/x5/versions', { body: { schema: '"string"', metadata: { properties: { k: { nested: 1 } } } } }), 400, 400);
      await rejected(() => call(r.url, 'PUT', '/config/x5', { body: { compatibility: { level: 'FULL' } } }), 400, 400);
    });

    it('a reference without a version is 422/42201', () =>
      rejected(() => post('/subjects/x6/versions', { body: { schema: '"string"', references: [{ name: 'a', subject: 'existing' }] } }), 422, 42201));

    it('a body over the limit is 413/413', () =>
      rejected(() => post('/subjects/x7/versions', { body: { schema: record('Big'), padding: 'x'.repeat(BODY_LIMIT) } }), 413, 413));

    it('unknown members are ignored', async () => {
      const res = await post('/subjects/unknown-members/versions', {
        body: { schema: record('Unknown'), guid: 'whatever', somethingElse: { deep: [1, 2, 3] }, schemaTagsToAdd: [] },
      });
      expect(res.status, res.text).toBe(200);
      expect((await get('/subjects/unknown-members/versions')).json).toEqual([1]);
    });

    it('a body without Content-Type is read as JSON, and a charset parameter is fine', async () => {
      expect((await post('/subjects/no-ctype/versions', { raw: JSON.stringify({ schema: record('NoCtype') }), contentType: null })).status).toBe(200);
      expect((await post('/subjects/charset/versions', { raw: JSON.stringify({ schema: record('Charset') }), contentType: 'application/json; charset=utf-8' })).status).toBe(200);
    });

    it('an absurdly deep schema is 422/42201, not a crash', async () => {
      const depth = 20_000;
      const deep = '{"type":"array","items":'.repeat(depth) + '"string"' + '}'.repeat(depth);
      const big = await startRegistry('pglite', { bodyLimit: 4 * 1024 * 1024 });
      try {
        const res = await call(big.url, 'POST', '/subjects/deep/versions', { body: { schema: deep } });
        expectError(res, 422, 42201);
        expectError(await call(big.url, 'GET', '/subjects/deep/versions'), 404, 40401);
        // Deep nesting in the request JSON itself (an unknown member) is no crash either.
        const nested = await call(big.url, 'POST', '/subjects/deep2/versions', { raw: `{"schema":"\\"string\\"","x":${'['.repeat(depth)}${']'.repeat(depth)}}` });
        expect(nested.status).toBeLessThan(500);
      } finally {
        await big.close();
      }
    });

    it('empty JSON-typed bodies on GET and DELETE are no body', async () => {
      const res = await get('/subjects/existing/versions', { raw: '', contentType: V1 });
      expect(res.status).toBe(200);
      await rejected(() => call(r.url, 'DELETE', '/subjects/never-existed', { raw: '', contentType: V1 }), 404, 40401);
      await rejected(() => call(r.url, 'DELETE', '/subjects/existing/versions/99', { raw: '', contentType: 'application/json' }), 404, 40402);
    });

    it('config and mode bodies are checked', async () => {
      await rejected(() => call(r.url, 'PUT', '/config/cfg', { raw: '' }), 422, 422);
      await rejected(() => call(r.url, 'PUT', '/config/cfg', { body: { compatibility: 'SIDEWAYS' } }), 422, 42203);
      await rejected(() => call(r.url, 'PUT', '/mode/cfg', { body: {} }), 422, 42204);
      await rejected(() => call(r.url, 'PUT', '/mode/cfg', { body: { mode: 'FORWARD' } }), 422, 42204);
    });
  });

  describe('schemas', () => {
    it('an unknown schemaType, an empty schema and an unparsable schema are 422/42201', async () => {
      await rejected(() => post('/subjects/s1/versions', { body: { schema: record('T'), schemaType: 'XML' } }), 422, 42201);
      await rejected(() => post('/subjects/s1/versions', { body: { schema: '' } }), 422, 42201);
      await rejected(() => post('/subjects/s1/versions', { body: { schema: '{"type":"record","name":"X","fields":[{"name":"f","type":"nope"}]}' } }), 422, 42201);
    });

    it('an incompatible schema is 409 and adds no version', () =>
      rejected(() => post('/subjects/existing/versions', { body: { schema: record('Existing', [{ name: 'a', type: 'int' }]) } }), 409, 409));

    it('an id outside IMPORT mode is 422/42205', () =>
      rejected(() => post('/subjects/s2/versions', { body: { schema: record('WithId'), id: 12345 } }), 422, 42205));
  });

  describe('paths and parameters', () => {
    it('unknown subjects, versions and ids are 404 with their codes', async () => {
      expectError(await get('/subjects/nope/versions'), 404, 40401);
      expectError(await get('/subjects/nope/versions/1'), 404, 40401);
      expectError(await get('/subjects/existing/versions/7'), 404, 40402);
      expectError(await get('/schemas/ids/987654'), 404, 40403);
      expectError(await get('/schemas/ids/987654?subject=existing&fetchMaxId=true'), 404, 40403);
      expectError(await get('/config/nope'), 404, 40408);
      expectError(await get('/mode/nope'), 404, 40409);
    });

    it('a non-integer id is 404/404', async () => {
      expectError(await get('/schemas/ids/abc'), 404, 404);
      expectError(await get('/schemas/ids/1.5'), 404, 404);
      expectError(await get('/schemas/ids/99999999999'), 404, 404);
    });

    it('invalid versions are 422/42202', async () => {
      for (const v of ['0', '-2', 'abc', '1.0', '2147483648']) expectError(await get(`/subjects/existing/versions/${v}`), 422, 42202);
      await rejected(() => call(r.url, 'DELETE', '/subjects/existing/versions/abc'), 422, 42202);
    });

    it('unknown routes and methods are 404/404, never 405', async () => {
      expectError(await get('/no/such/route'), 404, 404);
      expectError(await call(r.url, 'PATCH', '/subjects/existing'), 404, 404);
      expectError(await call(r.url, 'PUT', '/subjects/existing/versions'), 404, 404);
      // Confluent's JS client (1.10) falls back to TopicNameStrategy only on a 404 here.
      expectError(await get('/associations/resources/-/orders?resourceType=topic&associationType=value'), 404, 404);
    });

    it('malformed percent-encoding is a 400 in Confluent shape', () => rejected(() => get('/subjects/a%ZZ/versions'), 400, 400));

    it('a control character in a subject is 422/42208', () =>
      rejected(() => post(`/subjects/${encodeURIComponent('bad\tname')}/versions`, { body: { schema: record('Ctl') } }), 422, 42208));

    it('an encoded slash is part of the subject name', async () => {
      const subject = 'acme/money.proto';
      const path = `/subjects/${encodeURIComponent(subject)}/versions`;
      expect((await post(path, { body: { schema: record('Slash') } })).status).toBe(200);
      expect((await get(path)).json).toEqual([1]);
      expect((await get(`/subjects/${encodeURIComponent(subject)}/versions/1`)).json.subject).toBe(subject);
      expect((await get('/subjects')).json).toContain(subject);
    });

    it('long subjects work', async () => {
      const subject = `long-${'s'.repeat(5000)}`;
      expect((await post(`/subjects/${subject}/versions`, { body: { schema: record('Long') } })).status).toBe(200);
      expect((await get(`/subjects/${subject}/versions/latest`)).json.subject).toBe(subject);
    });

    it('a request line over the header limit is answered in Confluent shape', async () => {
      const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest(`${r.url}/subjects/${'x'.repeat(40_000)}/versions`, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end();
      });
      expect(res.status).toBe(431);
      expect(JSON.parse(res.body)).toMatchObject({ error_code: 431 });
    });

    it('empty and unknown query parameters are ignored', async () => {
      expect((await get('/subjects/existing/versions?&&deleted=true&&unknown=1&')).json).toEqual([1]);
      expect((await get('/subjects?subjectPrefix=existing&&&name=')).json).toEqual(['existing']);
      expect((await get('/subjects/existing/versions?offset=abc&limit=')).json).toEqual([1]);
    });

    it('any Accept header still gets JSON; application/json is honoured', async () => {
      expect((await get('/subjects', { accept: 'text/html' })).headers.get('content-type')).toMatch(/^application\/vnd\.schemaregistry\.v1\+json/);
      expect((await get('/subjects', { accept: 'application/json' })).headers.get('content-type')).toMatch(/^application\/json/);
      expect((await get('/subjects', { accept: 'application/json, text/plain, */*' })).headers.get('content-type')).toMatch(/^application\/vnd\.schemaregistry\.v1\+json/);
    });
  });
});
