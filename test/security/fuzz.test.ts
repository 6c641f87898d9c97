/**
 * Thousands of malformed requests (seeded, so a failure replays) at a registry with authentication and
 * role bindings: random JSON and wrong types in bodies, huge and deeply nested schemas, odd Unicode and
 * path traversal in subject names, junk versions, ids, queries, methods and credentials, sent by callers
 * with and without rights. Every answer must be a client error or success in Confluent's shape (never a
 * 5xx), the server must keep answering, and the registry must be exactly as before.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eachBackend } from '../helpers/live-registry.js';
import { prng } from '../helpers/prng.js';
import { basic, bearer, call, scratchDir, startSecureRegistry, usersFile, type CallOptions, type SecureRegistry } from './helpers.js';

const REQUESTS = 4000;
const CONCURRENCY = 8;
const SEED = 0x5eed10;


const ODD_STRINGS = [
  '',
  ' ',
  '..',
  '../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '/etc/shadow',
  '\u202eevil\u202c',
  '\u0000',
  '\ud800',
  '\udfff\ud800',
  '😀'.repeat(50),
  'Ａ'.repeat(300),
  'a'.repeat(70_000),
  ':.',
  ':.:',
  ':*:',
  ':.__GLOBAL:',
  ':.ctx:../x',
  '__GLOBAL',
  '%',
  '\r\nX-Injected: 1',
  '<script>alert(1)</script>',
  "'; DROP TABLE versions; --",
  '${jndi:ldap://x}',
  'null',
  '-1',
  '2147483648',
];

/** Path segments that cannot be written with encodeURIComponent (lone surrogates, raw traversal, bad escapes). */
const RAW_SEGMENTS = ['%2e%2e%2f%2e%2e%2fetc%2fpasswd', '..%2F..%2F', '%ED%A0%80', '%C0%AE%C0%AE', '%', '%zz', '%00', '%E2%80%AE', '.%2e/.%2e/', '%252e%252e'];

interface Fuzzer {
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

function fuzzer(seed: number): Fuzzer {
  const next = prng(seed);
  return {
    int: (n) => Math.floor(next() * n),
    pick: (items) => items[Math.floor(next() * items.length)]!,
    chance: (p) => next() < p,
  };
}

function randomString(f: Fuzzer): string {
  if (f.chance(0.4)) return f.pick(ODD_STRINGS);
  let s = '';
  const n = f.int(40);
  for (let i = 0; i < n; i++) s += String.fromCharCode(f.chance(0.8) ? 32 + f.int(95) : f.int(0xffff));
  return s;
}

function randomJson(f: Fuzzer, depth = 0): unknown {
  switch (depth > 4 ? f.int(4) : f.int(7)) {
    case 0:
      return f.chance(0.5) ? f.int(1e9) - 5e8 : f.pick([0.5, -0, 1e308, -1e-308, Number.MAX_SAFE_INTEGER + 2]);
    case 1:
      return randomString(f);
    case 2:
      return f.pick([null, true, false]);
    case 3:
      return f.pick([[], {}]);
    case 4:
      return Array.from({ length: f.int(5) }, () => randomJson(f, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      const keys = ['schema', 'schemaType', 'references', 'metadata', 'ruleSet', 'version', 'id', 'compatibility', 'mode', 'normalize', randomString(f)];
      for (let i = f.int(5); i > 0; i--) o[f.pick(keys)] = randomJson(f, depth + 1);
      return o;
    }
  }
}

/** A schema text no format accepts: unbalanced from its first character. */
const brokenSchema = (f: Fuzzer) => `{${randomString(f)}`;

function deepAvro(depth: number, innermost = '"string"'): string {
  let s = innermost;
  for (let i = depth; i > 0; i--) s = `{"type":"record","name":"R${i}","fields":[{"name":"f","type":${s}}]}`;
  return s;
}

/** A request body for a schema-taking route that must be refused (never registered). */
function schemaBody(f: Fuzzer): CallOptions {
  switch (f.int(9)) {
    case 0:
      return { body: randomJson(f) };
    case 1:
      return { body: { schema: randomJson(f), schemaType: randomJson(f) } };
    case 2:
      return { body: { schema: brokenSchema(f), schemaType: f.pick(['AVRO', 'JSON', 'PROTOBUF', 'XML', 'avro', '']) } };
    case 3:
      return { body: { schema: brokenSchema(f), references: randomJson(f) } };
    case 4:
      // Valid Avro nested past MAX_SCHEMA_DEPTH (256) or past the Avro reader's JSON depth limit (1000
      // levels: three per record), or deeply nested around a type that does not exist.
      return { body: { schema: f.chance(0.5) ? deepAvro(260 + f.int(300)) : deepAvro(100 + f.int(400), '"no.such.Type"') } };
    case 5:
      return { raw: '['.repeat(20_000 + f.int(100_000)) };
    case 6:
      return { raw: `{"schema": ${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}}` };
    case 7:
      return { raw: randomString(f), headers: { 'content-type': f.pick(['application/json', 'text/plain', 'application/xml', 'multipart/form-data; boundary=x', '']) } };
    default:
      return { body: { schema: brokenSchema(f), metadata: randomJson(f), ruleSet: randomJson(f) } };
  }
}

/** A config or mode body that must be refused. */
function settingBody(f: Fuzzer, key: 'compatibility' | 'mode'): CallOptions {
  if (f.chance(0.3)) return { body: f.pick([[], 1, 'FULL', null, true, [{ [key]: 'FULL' }]]) };
  if (f.chance(0.2)) return { raw: randomString(f) || '{', headers: { 'content-type': 'application/json' } };
  const bad = f.pick([randomString(f).toUpperCase() + 'X', 7, null, [], {}, 'FULLY', 'READ_WRITE', 'backward ', '\u0000FULL']);
  return { body: { [key]: bad, ...(f.chance(0.3) ? { [randomString(f)]: randomJson(f) } : {}) } };
}

/** encodeURIComponent, except that a lone surrogate (which it refuses) goes as its raw UTF-8 bytes. */
function encode(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return '%ED%A0%80';
  }
}

function segment(f: Fuzzer): string {
  return f.chance(0.3) ? f.pick(RAW_SEGMENTS) : encode(`fuzz-${randomString(f)}`);
}

const junkVersion = (f: Fuzzer) => f.pick(['0', '-2', '2147483648', '99999', 'latest%00', '1e3', '1.0', '%20', 'LATEST', '-1', '1', encode(randomString(f) || 'x')]);
const junkQuery = (f: Fuzzer) =>
  f.pick(['', '?permanent=true', '?deleted=maybe', '?offset=-5&limit=abc', '?subject=%00', `?subjectPrefix=${segment(f)}`, '?format=%ZZ', `?${segment(f)}=${segment(f)}`, '?normalize=true&force=true']);

type Who = 'admin' | 'writer' | 'reader' | 'anonymous' | 'junk';

function credentials(f: Fuzzer, who: Who): Record<string, string> {
  switch (who) {
    case 'admin':
      return basic('admin', 'admin-pw');
    case 'writer':
      return basic('writer', 'writer-pw');
    case 'reader':
      return basic('reader', 'reader-pw');
    case 'anonymous':
      return {};
    default:
      return f.pick([
        { authorization: 'Basic' },
        { authorization: 'Basic !!!not-base64!!!' },
        { authorization: `Basic ${Buffer.from('writer').toString('base64')}` },
        basic('writer', `wrong-${f.int(1000)}`),
        bearer('a.b.c'),
        bearer(`${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"admin"}').toString('base64url')}.`),
        bearer(randomString(f).replace(/[^\x21-\x7e]/g, 'x') || 'x'),
        { authorization: `Digest ${'x'.repeat(f.int(3000))}` },
        { authorization: 'x'.repeat(20_000) },
      ]);
  }
}

/** One malformed request: method, path and options. */
function request(f: Fuzzer): { method: string; path: string; options: CallOptions } {
  const s = segment(f);
  const routes: (() => { method: string; path: string; options?: CallOptions })[] = [
    () => ({ method: 'POST', path: `/subjects/${f.chance(0.5) ? 'orders-value' : s}/versions${junkQuery(f)}`, options: schemaBody(f) }),
    () => ({ method: 'POST', path: `/subjects/${s}${junkQuery(f)}`, options: schemaBody(f) }),
    () => ({ method: 'POST', path: `/compatibility/subjects/${s}/versions/${junkVersion(f)}`, options: schemaBody(f) }),
    () => ({ method: 'GET', path: `/subjects/${s}/versions/${junkVersion(f)}${junkQuery(f)}` }),
    () => ({ method: 'GET', path: `/subjects/${s}/versions/${junkVersion(f)}/schema` }),
    () => ({ method: 'DELETE', path: `/subjects/${s}${junkQuery(f)}` }),
    () => ({ method: 'DELETE', path: `/subjects/${f.chance(0.5) ? 'orders-value' : s}/versions/${f.pick(['0', '-2', '99', 'x', '2147483648'])}${junkQuery(f)}` }),
    () => ({ method: 'GET', path: `/schemas/ids/${f.pick(['-1', '0', '2147483648', '1.5', '0x10', '1e2', s, '99999'])}${junkQuery(f)}` }),
    () => ({ method: 'GET', path: `/schemas/guids/${s}` }),
    () => ({ method: 'PUT', path: f.chance(0.5) ? '/config' : `/config/${s}`, options: settingBody(f, 'compatibility') }),
    () => ({ method: 'PUT', path: f.chance(0.5) ? '/mode' : `/mode/${s}`, options: settingBody(f, 'mode') }),
    () => ({ method: 'DELETE', path: `/config/${s}` }),
    () => ({ method: 'DELETE', path: `/contexts/${s}` }),
    () => ({ method: 'GET', path: `/subjects${junkQuery(f)}` }),
    () => ({ method: 'GET', path: `/schemas${junkQuery(f)}` }),
    () => ({ method: f.pick(['PATCH', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']), path: f.pick(['/subjects', '/schemas/ids/1', '/', '/metrics', `/${s}`]) }),
    () => ({ method: 'GET', path: f.pick(['/..%2f..%2fetc%2fpasswd', '/subjects/../config', '//subjects', '/subjects/%2e%2e/versions', `/${'a/'.repeat(2000)}`]) }),
  ];
  const chosen = f.pick(routes)();
  const who: Who = f.pick(['admin', 'admin', 'writer', 'reader', 'anonymous', 'junk']);
  const options = chosen.options ?? {};
  return { method: chosen.method, path: chosen.path, options: { ...options, headers: { ...options.headers, ...credentials(f, who) } } };
}

async function snapshot(url: string): Promise<string> {
  const admin = basic('admin', 'admin-pw');
  const get = async (path: string) => {
    const res = await call(url, 'GET', path, { headers: admin });
    return `${path} ${res.status} ${res.text}`;
  };
  const subjects = (await call(url, 'GET', '/subjects?deleted=true', { headers: admin })).json as string[];
  const parts = [await get('/subjects?deleted=true'), await get('/schemas?deleted=true'), await get('/contexts'), await get('/config'), await get('/mode')];
  for (const subject of subjects) parts.push(await get(`/subjects/${encodeURIComponent(subject)}/versions?deleted=true`), await get(`/config/${encodeURIComponent(subject)}`));
  return parts.join('\n');
}

eachBackend('fuzzing an authenticated registry', (backend) => {
  const scratch = scratchDir('fuzz');
  let reg: SecureRegistry;
  let before: string;

  beforeAll(async () => {
    const users = await usersFile(`${scratch.dir}/users.json`, {
      admin: { password: 'admin-pw' },
      writer: { password: 'writer-pw', groups: ['orders'] },
      reader: { password: 'reader-pw' },
    });
    const bindings = scratch.file(
      'bindings.json',
      JSON.stringify({
        bindings: [
          { principals: ['admin'], operations: ['admin'], resources: ['*'] },
          { groups: ['orders'], operations: ['write'], resources: ['subject:orders-*'] },
          { principals: ['reader'], operations: ['read'], resources: ['subject:*'] },
        ],
      }),
    );
    // Failed attempts are the point here: the per-address limit would soon answer everything with 429.
    reg = await startSecureRegistry(backend, { authMethods: ['basic', 'bearer'], usersFile: users, bindingsFile: bindings, authFailureLimit: 1_000_000, jwt: { principalClaim: 'sub', groupsClaim: 'groups', clockToleranceSeconds: 0, secretFile: scratch.file('secret', 'fuzz-secret-0123456789-0123456789-0123') } });
    const admin = basic('admin', 'admin-pw');
    for (const [subject, fields] of [
      ['orders-value', ['id']],
      ['orders-value', ['id', 'note']],
      ['payments-value', ['amount']],
      [':.ctx:inventory', ['sku']],
    ] as const) {
      const schema = JSON.stringify({ type: 'record', name: 'R', fields: fields.map((n) => ({ name: n, type: ['null', 'string'], default: null })) });
      expect((await call(reg.url, 'POST', `/subjects/${encodeURIComponent(subject)}/versions`, { body: { schema }, headers: admin })).status).toBe(200);
    }
    expect((await call(reg.url, 'PUT', '/config/payments-value', { body: { compatibility: 'FULL' }, headers: admin })).status).toBe(200);
    before = await snapshot(reg.url);
  });
  afterAll(async () => {
    await reg?.close();
    scratch.cleanup();
  });

  it(`answers ${REQUESTS} malformed requests without a 5xx and changes nothing`, async () => {
    const f = fuzzer(SEED);
    const requests = Array.from({ length: REQUESTS }, () => request(f));
    // A few schemas over MAX_SCHEMA_SIZE (8 MiB): refused as too large, under the 16 MiB body limit.
    for (let i = 0; i < 3; i++) requests.push({ method: 'POST', path: '/subjects/orders-value/versions', options: { body: { schema: `"${'x'.repeat(9 * 1024 * 1024)}"` }, headers: basic('admin', 'admin-pw') } });
    const statuses = new Map<number, number>();
    const serverErrors: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const r = requests[next++]!;
        let status: number;
        let text = '';
        try {
          const res = await call(reg.url, r.method, r.path, r.options);
          status = res.status;
          text = res.text;
          // Errors keep Confluent's shape (the 431 for oversized headers is written on the raw socket, also in it).
          if (status >= 400 && r.method !== 'HEAD') {
            const body = res.json as { error_code?: unknown; message?: unknown } | undefined;
            if (typeof body?.error_code !== 'number' || typeof body.message !== 'string') serverErrors.push(`${r.method} ${r.path.slice(0, 120)}: ${status} not in Confluent's shape: ${text.slice(0, 120)}`);
          }
        } catch (e) {
          status = -1;
          serverErrors.push(`${r.method} ${r.path.slice(0, 120)}: ${(e as Error).message}`);
        }
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status >= 500) serverErrors.push(`${r.method} ${r.path.slice(0, 120)}: ${status} ${text.slice(0, 200)}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    expect(serverErrors).toEqual([]);
    // The mix reached every layer: authentication, authorization, validation, limits, routing.
    for (const status of [401, 403, 404, 415, 422]) expect(statuses.get(status) ?? 0, `status ${status} in ${JSON.stringify([...statuses])}`).toBeGreaterThan(10);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(0);
    expect((await call(reg.url, 'GET', '/health/ready')).status).toBe(200);
    expect(await snapshot(reg.url)).toBe(before);
  }, 600_000);
});
