/**
 * The registry client over real HTTP: the registry server for the REST calls, failover and coalescing;
 * tiny local HTTP servers (real peers on 127.0.0.1) that fail on purpose for retries, timeouts and auth.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RegistryClient, RegistryError, LruCache } from '@schemata/serdes';
import { countingProxy, deadUrl, json, tinyServer, withRegistry, type TestRegistry, type TinyServer } from './helpers.js';

const RECORD = (name: string, fields: Array<{ name: string; type: unknown; default?: unknown }> = [{ name: 'a', type: 'int' }]) =>
  JSON.stringify({ type: 'record', name, fields });

let registry: TestRegistry;
let client: RegistryClient;
const servers: TinyServer[] = [];

withRegistry((r) => {
  registry = r;
  client = new RegistryClient({ baseUrls: r.url });
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(...args: Parameters<typeof tinyServer>): Promise<TinyServer> {
  const s = await tinyServer(...args);
  servers.push(s);
  return s;
}

describe('REST calls against the registry', () => {
  it('registers, looks up, fetches by id, by version and latest', async () => {
    const schema = RECORD('R1');
    const reg = await client.register('rest-a', { schema });
    expect(reg.id).toBeGreaterThan(0);
    const again = await client.register('rest-a', { schema });
    expect(again.id).toBe(reg.id);
    const found = await client.lookupSchema('rest-a', { schema: ` ${schema} ` });
    expect(found).toMatchObject({ subject: 'rest-a', version: 1, id: reg.id });
    const byId = await client.getSchemaById(reg.id);
    expect(JSON.parse(byId.schema)).toEqual(JSON.parse(schema));
    expect(await client.getVersion('rest-a', 1)).toMatchObject({ subject: 'rest-a', version: 1, id: reg.id });
    expect(await client.getLatestVersion('rest-a')).toMatchObject({ version: 1, id: reg.id });
    expect(await client.listVersions('rest-a')).toEqual([1]);
    expect(await client.listSubjects()).toContain('rest-a');
  });

  it('encodes subjects with encodeURIComponent everywhere', async () => {
    const subject = 'odd/sub ject:with.dots%and?query#frag';
    const { id } = await client.register(subject, { schema: RECORD('Odd') });
    expect((await client.lookupSchema(subject, { schema: RECORD('Odd') })).id).toBe(id);
    expect((await client.getLatestVersion(subject)).subject).toBe(subject);
    expect(await client.listVersions(subject)).toEqual([1]);
    expect(await client.listSubjects()).toContain(subject);
    await client.updateConfig(subject, { compatibilityLevel: 'NONE' });
    expect((await client.getConfig(subject)).compatibilityLevel).toBe('NONE');
    expect((await client.testCompatibility(subject, { schema: RECORD('Odd') })).is_compatible).toBe(true);
    expect(await client.deleteSubject(subject)).toEqual([1]);
  });

  it('tests compatibility, verbosely', async () => {
    await client.register('compat', { schema: RECORD('C', [{ name: 'a', type: 'int' }]) });
    const ok = await client.testCompatibility('compat', { schema: RECORD('C', [{ name: 'a', type: 'int' }, { name: 'b', type: 'int', default: 0 }]) });
    expect(ok.is_compatible).toBe(true);
    const bad = await client.testCompatibility('compat', { schema: RECORD('C', [{ name: 'a', type: 'string' }]) }, { verbose: true });
    expect(bad.is_compatible).toBe(false);
    expect(bad.messages?.length).toBeGreaterThan(0);
    const err = await client.register('compat', { schema: RECORD('C', [{ name: 'a', type: 'string' }]) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as RegistryError).status).toBe(409);
  });

  it('gets and updates config, global and per subject', async () => {
    const global = await client.getConfig();
    expect(global.compatibilityLevel).toBeDefined();
    const err = await client.getConfig('no-config-subject').catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 404, errorCode: 40408 });
    expect((await client.getConfig('no-config-subject', { defaultToGlobal: true })).compatibilityLevel).toBe(global.compatibilityLevel);
    const updated = await client.updateConfig('cfg', { compatibilityLevel: 'FULL' });
    expect(updated.compatibilityLevel).toBe('FULL');
    expect((await client.getConfig('cfg')).compatibilityLevel).toBe('FULL');
  });

  it('deletes versions and subjects, soft then permanent, and forgets cached answers', async () => {
    const schema = RECORD('D');
    await client.register('del', { schema });
    expect((await client.getLatestVersion('del')).version).toBe(1);
    expect(await client.deleteVersion('del', 1)).toBe(1);
    await expect(client.getLatestVersion('del')).rejects.toMatchObject({ status: 404 });
    expect(await client.listVersions('del', { deleted: true })).toEqual([1]);
    expect(await client.deleteSubject('del', { permanent: true })).toEqual([1]);
    expect(await client.listSubjects({ deleted: true })).not.toContain('del');
  });

  it('turns error bodies into RegistryError with status, error_code and message', async () => {
    const notFound = await client.getLatestVersion('no-such-subject').catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(RegistryError);
    expect(notFound).toMatchObject({ status: 404, errorCode: 40401 });
    expect((notFound as Error).message).toMatch(/no-such-subject/i);
    const invalid = await client.register('bad', { schema: '{"type":"record"}' }).catch((e: unknown) => e);
    expect(invalid).toMatchObject({ status: 422, errorCode: 42201 });
    await expect(client.getSchemaById(99999)).rejects.toMatchObject({ status: 404, errorCode: 40403 });
  });

  it('resolves references recursively', async () => {
    await client.register('ref-leaf', { schema: JSON.stringify({ type: 'enum', name: 'Leaf', symbols: ['A'] }) });
    await client.register('ref-mid', {
      schema: JSON.stringify({ type: 'record', name: 'Mid', fields: [{ name: 'leaf', type: 'Leaf' }] }),
      references: [{ name: 'Leaf', subject: 'ref-leaf', version: 1 }],
    });
    const refs = await client.resolveReferences([{ name: 'Mid', subject: 'ref-mid', version: 1 }]);
    expect(refs).toHaveLength(1);
    expect(refs[0]).toMatchObject({ name: 'Mid', subject: 'ref-mid', version: 1, schemaType: 'AVRO' });
    expect(refs[0]!.references[0]).toMatchObject({ name: 'Leaf', subject: 'ref-leaf', version: 1 });
  });
});

describe('failover', () => {
  it('uses the second URL when the first is down, and starts with the one that answered next time', async () => {
    const proxy = await countingProxy(registry.url);
    servers.push(proxy);
    const dead = await deadUrl();
    const c = new RegistryClient({ baseUrls: [dead, proxy.url], maxRetries: 0 });
    const { id } = await c.register('failover', { schema: RECORD('F') });
    expect(id).toBeGreaterThan(0);
    expect(await c.listSubjects()).toContain('failover');
    expect(proxy.requests.map((r) => r.method)).toEqual(['POST', 'GET']);
  });

  it('fails over on 5xx but not on 4xx', async () => {
    const broken = await serve((_req, res) => json(res, 503, { error_code: 50003, message: 'down for maintenance' }));
    const proxy = await countingProxy(registry.url);
    servers.push(proxy);
    const c = new RegistryClient({ baseUrls: [broken.url, proxy.url], maxRetries: 0 });
    expect(await c.listSubjects()).toBeInstanceOf(Array);
    const notFound = await serve((_req, res) => json(res, 404, { error_code: 40401, message: 'Subject not found' }));
    const c2 = new RegistryClient({ baseUrls: [notFound.url, proxy.url], maxRetries: 0 });
    await expect(c2.getLatestVersion('x')).rejects.toMatchObject({ status: 404, errorCode: 40401 });
    expect(notFound.requests).toHaveLength(1);
    expect(proxy.requests).toHaveLength(1);
  });

  it('reports the last error when every URL is down', async () => {
    const c = new RegistryClient({ baseUrls: [await deadUrl(), await deadUrl()], maxRetries: 1, retryBackoffMs: 1 });
    const err = await c.listSubjects().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect(err).toMatchObject({ status: 0, errorCode: -1 });
    expect((err as Error).message).toMatch(/ECONNREFUSED.*gave up after 4 attempts/);
  });
});

describe('retries', () => {
  it('retries 5xx with backoff until the server answers', async () => {
    const flaky = await serve((_req, res, _body, n) => (n <= 2 ? json(res, 500, { error_code: 50001, message: 'store error' }) : json(res, 200, ['s'])));
    const c = new RegistryClient({ baseUrls: flaky.url, maxRetries: 3, retryBackoffMs: 20 });
    expect(await c.listSubjects()).toEqual(['s']);
    expect(flaky.requests).toHaveLength(3);
  });

  it('retries network errors (connection reset)', async () => {
    const flaky = await serve((req, res, _body, n) => {
      if (n <= 2) req.socket.destroy();
      else json(res, 200, [1]);
    });
    const c = new RegistryClient({ baseUrls: flaky.url, maxRetries: 3, retryBackoffMs: 10 });
    expect(await c.listVersions('x')).toEqual([1]);
    expect(flaky.requests).toHaveLength(3);
  });

  it('never retries 4xx', async () => {
    for (const status of [400, 401, 404, 409, 422, 429]) {
      const server = await serve((_req, res) => json(res, status, { error_code: status * 100 + 1, message: `no (${status})` }));
      const c = new RegistryClient({ baseUrls: server.url, maxRetries: 5, retryBackoffMs: 1 });
      const err = await c.listSubjects().catch((e: unknown) => e);
      expect(err).toMatchObject({ status, errorCode: status * 100 + 1, message: `no (${status})` });
      expect(server.requests).toHaveLength(1);
    }
  });

  it('gives up after maxRetries and keeps the status and error_code', async () => {
    const server = await serve((_req, res) => json(res, 502, { error_code: 50201, message: 'bad gateway' }));
    const c = new RegistryClient({ baseUrls: server.url, maxRetries: 2, retryBackoffMs: 1 });
    const err = await c.listSubjects().catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 502, errorCode: 50201 });
    expect((err as Error).message).toMatch(/bad gateway \(gave up after 3 attempts\)/);
    expect(server.requests).toHaveLength(3);
  });

  it('backs off exponentially with jitter, within the caps', async () => {
    const server = await serve((_req, res) => json(res, 500, { error_code: 50001, message: 'x' }));
    const c = new RegistryClient({ baseUrls: server.url, maxRetries: 4, retryBackoffMs: 40, retryMaxBackoffMs: 60 });
    const start = Date.now();
    await expect(c.listSubjects()).rejects.toMatchObject({ status: 500 });
    // Caps: 40, 60, 60, 60 → at most 220 ms of sleeping (plus request time).
    expect(Date.now() - start).toBeLessThan(1500);
    expect(server.requests).toHaveLength(5);
  });

  it('times out a request that gets no answer, as a retryable network error', async () => {
    const silent = await serve(() => undefined);
    const c = new RegistryClient({ baseUrls: silent.url, timeoutMs: 100, maxRetries: 1, retryBackoffMs: 1 });
    const err = await c.listSubjects().catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 0 });
    expect((err as Error).message).toMatch(/timed out after 100 ms/);
    expect(silent.requests).toHaveLength(2);
  });

  it('describes a non-JSON error body', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(418, { 'Content-Type': 'text/plain' });
      res.end('I am a teapot');
    });
    const err = await new RegistryClient({ baseUrls: server.url }).listSubjects().catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 418, errorCode: -1, message: 'HTTP 418: I am a teapot' });
  });
});

describe('coalescing and caching', () => {
  it('sends one request for concurrent fetches of the same id, and none once cached', async () => {
    const proxy = await countingProxy(registry.url);
    servers.push(proxy);
    const { id } = await client.register('coalesce', { schema: RECORD('Co') });
    const c = new RegistryClient({ baseUrls: proxy.url });
    const results = await Promise.all(Array.from({ length: 25 }, () => c.getSchemaById(id)));
    expect(new Set(results.map((r) => r.schema)).size).toBe(1);
    expect(proxy.count(`GET /schemas/ids/${id}`)).toBe(1);
    await c.getSchemaById(id);
    expect(proxy.count(`GET /schemas/ids/${id}`)).toBe(1);
    // Another format is another entry.
    await c.getSchemaById(id, { format: 'resolved' });
    expect(proxy.count(`GET /schemas/ids/${id}?format=resolved`)).toBe(1);
  });

  it('sends one request for concurrent identical lookups and registrations', async () => {
    const proxy = await countingProxy(registry.url);
    servers.push(proxy);
    const c = new RegistryClient({ baseUrls: proxy.url });
    const schema = { schema: RECORD('Lk') };
    const ids = await Promise.all(Array.from({ length: 10 }, () => c.register('coalesce-2', schema)));
    expect(new Set(ids.map((r) => r.id)).size).toBe(1);
    expect(proxy.count('POST /subjects/coalesce-2/versions')).toBe(1);
    await Promise.all(Array.from({ length: 10 }, () => c.lookupSchema('coalesce-2', schema)));
    expect(proxy.count('POST /subjects/coalesce-2')).toBe(1);
  });

  it('does not cache failures', async () => {
    const proxy = await countingProxy(registry.url);
    servers.push(proxy);
    const c = new RegistryClient({ baseUrls: proxy.url });
    await expect(c.getSchemaById(424242)).rejects.toMatchObject({ errorCode: 40403 });
    await expect(c.getSchemaById(424242)).rejects.toMatchObject({ errorCode: 40403 });
    expect(proxy.count('GET /schemas/ids/424242')).toBe(2);
  });

  it('bounds the lookup cache (LRU) and expires latest versions after their TTL', async () => {
    const proxy = await countingProxy(registry.url);
    servers.push(proxy);
    const c = new RegistryClient({ baseUrls: proxy.url, cacheCapacity: 2, latestCacheTtlMs: 150 });
    for (const n of ['L1', 'L2', 'L3']) await c.register(`lru-${n}`, { schema: RECORD(n) });
    await c.register('lru-L1', { schema: RECORD('L1') }); // evicted by L3: asked again
    await c.register('lru-L3', { schema: RECORD('L3') }); // still cached
    expect(proxy.count('POST /subjects/lru-L1/versions')).toBe(2);
    expect(proxy.count('POST /subjects/lru-L3/versions')).toBe(1);

    await c.getLatestVersion('lru-L1');
    await c.getLatestVersion('lru-L1');
    expect(proxy.count('GET /subjects/lru-L1/versions/latest')).toBe(1);
    await new Promise((r) => setTimeout(r, 200));
    await c.getLatestVersion('lru-L1');
    expect(proxy.count('GET /subjects/lru-L1/versions/latest')).toBe(2);
  });

  it('LruCache evicts the least recently used entry', () => {
    const lru = new LruCache<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.get('a')).toBe(1); // a is now the most recent
    lru.set('c', 3);
    expect(lru.get('b')).toBeUndefined();
    expect(lru.get('a')).toBe(1);
    expect(lru.get('c')).toBe(3);
    expect(lru.size).toBe(2);
  });
});

describe('headers and auth', () => {
  const echo = () => serve((_req, res) => json(res, 200, []));

  it('sends the Schema Registry media types', async () => {
    const s = await echo();
    const c = new RegistryClient({ baseUrls: s.url });
    await c.listSubjects();
    await c.register('h', { schema: '"string"' }).catch(() => undefined);
    const [get, post] = s.requests;
    expect(get!.headers.accept).toBe('application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json, application/json');
    expect(get!.headers['content-type']).toBeUndefined();
    expect(post!.headers['content-type']).toBe('application/vnd.schemaregistry.v1+json');
    expect(JSON.parse(post!.body)).toEqual({ schemaType: 'AVRO', schema: '"string"' });
  });

  it('sends basic auth from "user:pass"', async () => {
    const s = await echo();
    await new RegistryClient({ baseUrls: s.url, basicAuth: 'alice:s3cr:et' }).listSubjects();
    expect(s.requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from('alice:s3cr:et').toString('base64')}`);
  });

  it('sends basic auth from URL userinfo (percent-decoded) and keeps it out of the URL', async () => {
    const s = await echo();
    const url = s.url.replace('http://', 'http://bob%40acme:p%3Ass@');
    const c = new RegistryClient({ baseUrls: [url] });
    expect(c.baseUrls[0]).toBe(s.url);
    await c.listSubjects();
    expect(s.requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from('bob@acme:p:ss').toString('base64')}`);
  });

  it('sends a static bearer token, or asks the provider before every request', async () => {
    const s = await echo();
    await new RegistryClient({ baseUrls: s.url, bearerToken: 'tok-1' }).listSubjects();
    let n = 0;
    const c = new RegistryClient({ baseUrls: s.url, bearerToken: async () => `tok-${++n + 1}` });
    await c.listSubjects();
    await c.listSubjects();
    expect(s.requests.map((r) => r.headers.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-2', 'Bearer tok-3']);
  });

  it('refuses basic and bearer together, and bad URLs', () => {
    expect(() => new RegistryClient({ baseUrls: 'http://x', basicAuth: 'a:b', bearerToken: 't' })).toThrow(TypeError);
    expect(() => new RegistryClient({ baseUrls: 'ftp://x' })).toThrow(/http: or https:/);
    expect(() => new RegistryClient({ baseUrls: [] })).toThrow(/at least one base URL/);
    expect(() => new RegistryClient({ baseUrls: 'http://x', basicAuth: 'nocolon' })).toThrow(/user:pass/);
  });
});
