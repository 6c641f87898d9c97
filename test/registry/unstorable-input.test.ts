/**
 * Strings no store can hold (NUL; unpaired UTF-16 surrogates, which UTF-8 cannot carry) in every path
 * parameter, query parameter and body string of every route, over real HTTP on PGlite and Postgres.
 *
 * Each answer is a 4xx or 2xx in Confluent's shape, never a 5xx, and changes nothing. Writes refuse with
 * Confluent's codes (42208 subject, 42201 schema and metadata, 42210 rule set, 42203/42204 config and mode
 * values, 422 other config strings); everything else answers exactly as the same request with an ordinary
 * unknown value there (`zz-missing`), which is what a missing item gets. The routes walked are the ones the
 * server registers (checked against the table) and their query parameters the ones openapi.yaml documents.
 */
import { readFileSync } from 'node:fs';
import type { RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { eachBackend, type Backend } from '../helpers/live-registry.js';
import { call, startRegistry, type Response, type TestRegistry } from './server.js';
import { prng } from '../helpers/prng.js';

// ---- what is sent ------------------------------------------------------------------------------------

/** Path segments, already percent-encoded. `%ED%A0%80` is U+D800 in WTF-8: not UTF-8, so the URL is bad. */
const BAD_PATH = ['%00', 'a%00b', '%3A.ctx%3A%00', '%3A.%00%3Ax', '%ED%A0%80'];
const NOT_UTF8 = '%ED%A0%80';
/** Query values, already percent-encoded (an undecodable `%ED%A0%80` arrives as those nine characters). */
const BAD_QUERY = ['%00', 'a%00b', NOT_UTF8];
/** Body strings (JSON.stringify writes unpaired surrogates as `\udXXX` escapes). */
const BAD_BODY = ['\u0000', 'a\u0000b', '\ud800', 'x\udc00y', '\udc00\ud800'];
const MISSING = 'zz-missing';

const EXISTING = JSON.stringify({ type: 'record', name: 'Existing', namespace: 'ex', fields: [{ name: 'a', type: 'string' }] });
const FULL_BODY = {
  schema: JSON.stringify({ type: 'record', name: 'Full', namespace: 'ex', fields: [{ name: 'e', type: 'ex.Existing' }] }),
  schemaType: 'AVRO',
  references: [{ name: 'ex.Existing', subject: 'existing', version: 1 }],
  metadata: { tags: { 'ex.Full.e': ['PII'] }, properties: { owner: 'team' }, sensitive: ['e'] },
  ruleSet: {
    domainRules: [
      { name: 'check', kind: 'CONDITION', mode: 'WRITE', type: 'CEL', doc: 'd', expr: 'true', tags: ['PII'], params: { k: 'v' }, onSuccess: 'NONE', onFailure: 'ERROR' },
    ],
  },
};
const rules = (name: string) => ({ domainRules: [{ name, kind: 'CONDITION', mode: 'READ', type: 'CEL', expr: 'true', params: { p: 'q' } }] });
const CONFIG_BODY = {
  compatibility: 'FULL',
  compatibilityGroup: 'owner',
  compatibilityPolicy: 'STRICT',
  alias: 'existing',
  defaultMetadata: { properties: { d: '1' }, tags: { t: ['T'] }, sensitive: ['s'] },
  overrideMetadata: { properties: { o: '1' } },
  defaultRuleSet: rules('dflt'),
  overrideRuleSet: rules('ovr'),
};

/** Query values for the baseline requests, by parameter name; anything else gets `x`. */
const QUERY_DEFAULTS: Record<string, string> = {
  subject: 'existing',
  key: 'owner',
  value: 'team',
  offset: '0',
  limit: '100',
};

// ---- what is expected --------------------------------------------------------------------------------

type Expected = 'as-missing' | readonly [status: number, errorCode: number | undefined];
type Slot = { kind: 'path' | 'query'; name: string } | { kind: 'body'; path: readonly (string | number)[]; key: boolean };

interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  params?: Record<string, string>;
  body?: unknown;
  /** Query parameters not to vary (writes that would apply; see the comment at the table). */
  fixedQuery?: readonly string[];
  /** Defaults to 'as-missing'. */
  expect?: (slot: Slot) => Expected;
}

/** Register: a subject is 42208, a rule set 42210, anything else in the body 42201. */
const registerExpect = (slot: Slot): Expected => {
  if (slot.kind === 'path') return [422, 42208];
  if (slot.kind === 'body') return slot.path[0] === 'ruleSet' ? [422, 42210] : [422, 42201];
  return 'as-missing';
};
const CONFIG_FIELD_CODES: Record<string, number> = {
  compatibility: 42203,
  compatibilityPolicy: 42203,
  alias: 42208,
  compatibilityGroup: 422,
  defaultMetadata: 422,
  overrideMetadata: 422,
  defaultRuleSet: 42210,
  overrideRuleSet: 42210,
};
const configExpect = (slot: Slot): Expected => {
  if (slot.kind === 'path') return [422, 42208];
  if (slot.kind === 'body') return [422, CONFIG_FIELD_CODES[String(slot.path[0])]];
  return 'as-missing';
};
/** DEK registry: a KEK name or subject in the path, or any body string, is an invalid key (42271). */
const keyExpect = (slot: Slot): Expected =>
  (slot.kind === 'path' && (slot.name === 'name' || slot.name === 'subject')) || slot.kind === 'body' ? [422, 42271] : 'as-missing';
const KEKS = '/dek-registry/v1/keks';
const KEK_BODY = { name: 'ukek', kmsType: 'aws-kms', kmsKeyId: 'k', kmsProps: { a: '1' }, doc: 'd' };
const DEK_MATERIAL = 'QUJD';
const modeExpect = (slot: Slot): Expected => (slot.kind === 'path' ? [422, 42208] : slot.kind === 'body' ? [422, 42204] : 'as-missing');

/**
 * Every route. Writes start from a request that changes nothing when it succeeds (the same schema, config
 * or mode again), so a bad value in a parameter that is only a flag (`normalize=%00` is false) may go
 * through and still change nothing. Deletes name things that do not exist.
 */
function routes(guid: string): Route[] {
  return [
    { method: 'GET', url: '/' },
    { method: 'POST', url: '/', body: { probe: 'x' } },
    { method: 'GET', url: '/v1/metadata/id' },
    { method: 'GET', url: '/v1/metadata/version' },
    { method: 'GET', url: '/openapi.yaml' },
    { method: 'GET', url: '/health/live' },
    { method: 'GET', url: '/health/ready' },
    { method: 'GET', url: '/schemas/types' },
    { method: 'GET', url: '/schemas' },
    { method: 'GET', url: '/schemas/ids/:id', params: { id: '1' } },
    { method: 'GET', url: '/schemas/ids/:id/schema', params: { id: '1' } },
    { method: 'GET', url: '/schemas/ids/:id/subjects', params: { id: '1' } },
    { method: 'GET', url: '/schemas/ids/:id/versions', params: { id: '1' } },
    { method: 'GET', url: '/schemas/guids/:guid', params: { guid } },
    { method: 'GET', url: '/schemas/guids/:guid/ids', params: { guid } },
    { method: 'GET', url: '/subjects' },
    { method: 'POST', url: '/subjects/:subject', params: { subject: 'full' }, body: FULL_BODY },
    { method: 'DELETE', url: '/subjects/:subject', params: { subject: 'zz-none' } },
    { method: 'GET', url: '/subjects/:subject/metadata', params: { subject: 'full' } },
    { method: 'GET', url: '/subjects/:subject/versions', params: { subject: 'full' } },
    { method: 'POST', url: '/subjects/:subject/versions', params: { subject: 'full' }, body: FULL_BODY, expect: registerExpect },
    { method: 'GET', url: '/subjects/:subject/versions/:version', params: { subject: 'full', version: '1' } },
    { method: 'DELETE', url: '/subjects/:subject/versions/:version', params: { subject: 'zz-none', version: '1' } },
    { method: 'GET', url: '/subjects/:subject/versions/:version/schema', params: { subject: 'full', version: '1' } },
    { method: 'GET', url: '/subjects/:subject/versions/:version/referencedby', params: { subject: 'existing', version: '1' } },
    { method: 'POST', url: '/compatibility/subjects/:subject/versions/:version', params: { subject: 'full', version: 'latest' }, body: FULL_BODY },
    { method: 'POST', url: '/compatibility/subjects/:subject/versions', params: { subject: 'full' }, body: FULL_BODY },
    { method: 'GET', url: '/config' },
    { method: 'PUT', url: '/config', body: CONFIG_BODY, expect: configExpect },
    { method: 'DELETE', url: '/config' },
    { method: 'GET', url: '/config/:subject', params: { subject: 'cfg' } },
    { method: 'PUT', url: '/config/:subject', params: { subject: 'cfg' }, body: CONFIG_BODY, expect: configExpect },
    { method: 'DELETE', url: '/config/:subject', params: { subject: 'zz-none' } },
    { method: 'GET', url: '/mode' },
    // `force` would go through and create a global mode row; it is walked on PUT /mode/{subject}.
    { method: 'PUT', url: '/mode', body: { mode: 'READWRITE' }, fixedQuery: ['force'], expect: modeExpect },
    { method: 'DELETE', url: '/mode' },
    { method: 'GET', url: '/mode/:subject', params: { subject: 'existing' } },
    { method: 'PUT', url: '/mode/:subject', params: { subject: 'existing' }, body: { mode: 'READWRITE' }, expect: modeExpect },
    { method: 'DELETE', url: '/mode/:subject', params: { subject: 'zz-none' } },
    { method: 'GET', url: '/contexts' },
    { method: 'DELETE', url: '/contexts/:context', params: { context: 'zz-none' } },
    // DEK registry: creates of what exists (409), updates and undeletes to what is there, deletes of nothing.
    { method: 'GET', url: KEKS },
    { method: 'POST', url: KEKS, body: KEK_BODY, expect: keyExpect },
    { method: 'GET', url: `${KEKS}/:name`, params: { name: 'ukek' }, expect: keyExpect },
    { method: 'PUT', url: `${KEKS}/:name`, params: { name: 'ukek' }, body: { kmsProps: { a: '1' }, doc: 'd' }, expect: keyExpect },
    { method: 'DELETE', url: `${KEKS}/:name`, params: { name: 'zz-none' }, expect: keyExpect },
    { method: 'POST', url: `${KEKS}/:name/undelete`, params: { name: 'ukek' }, expect: keyExpect },
    { method: 'GET', url: `${KEKS}/:name/deks`, params: { name: 'ukek' }, expect: keyExpect },
    { method: 'POST', url: `${KEKS}/:name/deks`, params: { name: 'ukek' }, body: { subject: 'full', encryptedKeyMaterial: DEK_MATERIAL }, expect: keyExpect },
    { method: 'POST', url: `${KEKS}/:name/deks/:subject`, params: { name: 'ukek', subject: 'full' }, body: { encryptedKeyMaterial: DEK_MATERIAL }, expect: keyExpect },
    { method: 'GET', url: `${KEKS}/:name/deks/:subject`, params: { name: 'ukek', subject: 'full' }, expect: keyExpect },
    { method: 'DELETE', url: `${KEKS}/:name/deks/:subject`, params: { name: 'ukek', subject: 'zz-none' }, expect: keyExpect },
    { method: 'POST', url: `${KEKS}/:name/deks/:subject/undelete`, params: { name: 'ukek', subject: 'full' }, expect: keyExpect },
    { method: 'GET', url: `${KEKS}/:name/deks/:subject/versions`, params: { name: 'ukek', subject: 'full' }, expect: keyExpect },
    { method: 'GET', url: `${KEKS}/:name/deks/:subject/versions/:version`, params: { name: 'ukek', subject: 'full', version: '1' }, expect: keyExpect },
    { method: 'DELETE', url: `${KEKS}/:name/deks/:subject/versions/:version`, params: { name: 'ukek', subject: 'zz-none', version: '1' }, expect: keyExpect },
    { method: 'POST', url: `${KEKS}/:name/deks/:subject/versions/:version/undelete`, params: { name: 'ukek', subject: 'full', version: '1' }, expect: keyExpect },
  ];
}

/** Query parameter names per `METHOD /path/{param}`, as openapi.yaml documents them. */
function documentedQueries(): Map<string, string[]> {
  type Param = { $ref?: string; in?: string; name?: string };
  const doc = parse(readFileSync(new URL('../../openapi.yaml', import.meta.url), 'utf8')) as {
    paths: Record<string, Record<string, { parameters?: Param[] }>>;
    components: { parameters: Record<string, Param> };
  };
  const resolve = (p: Param): Param => (p.$ref ? doc.components.parameters[p.$ref.split('/').at(-1)!]! : p);
  const out = new Map<string, string[]>();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const names = (op.parameters ?? []).map(resolve).filter((p) => p.in === 'query').map((p) => p.name!);
      out.set(`${method.toUpperCase()} ${path}`, names);
    }
  }
  return out;
}

const openApiKey = (r: Pick<Route, 'method' | 'url'>) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`;

/** The string leaves of a body, and the keys of its free-form maps (metadata tags/properties, rule params). */
function bodySlots(value: unknown, path: (string | number)[] = []): Slot[] {
  if (typeof value === 'string') return [{ kind: 'body', path, key: false }];
  if (Array.isArray(value)) return value.flatMap((v, i) => bodySlots(v, [...path, i]));
  if (typeof value !== 'object' || value === null) return [];
  const freeMap = ['tags', 'properties', 'params'].includes(String(path.at(-1)));
  return Object.entries(value).flatMap(([k, v]) => [
    ...(freeMap ? [{ kind: 'body', path: [...path, k], key: true } as const] : []),
    ...bodySlots(v, [...path, k]),
  ]);
}

/** A copy of `body` with the slot's string (or map key) replaced by `text`. */
function withBody(body: unknown, slot: Extract<Slot, { kind: 'body' }>, text: string): unknown {
  const copy = structuredClone(body) as Record<string | number, unknown>;
  let parent = copy;
  for (const k of slot.path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
  const last = slot.path.at(-1)!;
  if (slot.key) {
    const entries = Object.entries(parent).map(([k, v]) => [k === last ? text : k, v]);
    for (const k of Object.keys(parent)) delete parent[k];
    Object.assign(parent, Object.fromEntries(entries));
  } else parent[last] = text;
  return copy;
}

const describeSlot = (s: Slot) => (s.kind === 'body' ? `body ${s.key ? 'key' : 'value'} ${s.path.join('.')}` : `${s.kind} ${s.name}`);

// ---- the suite ---------------------------------------------------------------------------------------

eachBackend('unstorable strings', (backend: Backend) => {
  let r: TestRegistry;
  let guid = '';
  const registered = new Set<string>();
  const send = (method: string, path: string, body?: unknown) => call(r.url, method, path, body === undefined ? {} : { body });
  const ok = async (method: string, path: string, body?: unknown) => {
    const res = await send(method, path, body);
    expect(res.status, `${method} ${path}: ${res.text}`).toBe(200);
    return res;
  };

  /** Everything a request could have changed, read over the API. */
  async function snapshot(): Promise<unknown> {
    const paths = [
      '/subjects?deleted=true',
      '/schemas?subjectPrefix=:*:&deleted=true',
      '/schemas/ids/1?fetchMaxId=true',
      '/schemas/ids/1?subject=:.ctx:inctx&fetchMaxId=true',
      '/contexts',
      '/config',
      '/mode',
      '/config/cfg',
      '/mode/existing',
      `${KEKS}?deleted=true`,
      `${KEKS}/ukek?deleted=true`,
      `${KEKS}/ukek/deks?deleted=true`,
      `${KEKS}/ukek/deks/full/versions/1?deleted=true`,
    ];
    const answers = await Promise.all(paths.map((p) => send('GET', p)));
    return Object.fromEntries(paths.map((p, i) => [p, [answers[i]!.status, answers[i]!.json]]));
  }

  beforeAll(async () => {
    r = await startRegistry(backend, {
      onRoute: (route: RouteOptions) => {
        for (const m of [route.method].flat()) if (m !== 'HEAD') registered.add(openApiKey({ method: m as Route['method'], url: route.url }));
      },
    });
    guid = (await ok('POST', '/subjects/existing/versions', { schema: EXISTING })).json.guid;
    await ok('POST', '/subjects/full/versions', FULL_BODY);
    await ok('POST', `/subjects/${encodeURIComponent(':.ctx:inctx')}/versions`, { schema: '"string"' });
    await ok('PUT', '/config/cfg', CONFIG_BODY);
    await ok('PUT', '/mode/existing', { mode: 'READWRITE' });
    await ok('POST', KEKS, KEK_BODY);
    await ok('POST', `${KEKS}/ukek/deks/full`, { encryptedKeyMaterial: DEK_MATERIAL });
  });
  afterAll(async () => {
    await r?.close();
  });

  it('the table covers every route the server registers', () => {
    expect(routes(guid).map(openApiKey).sort()).toEqual([...registered].sort());
  });

  const expectNoServerError = (res: Response, what: string) => {
    expect(res.status, `${what}: ${res.text}`).toBeLessThan(500);
    if (res.status >= 400) expect(res.json, `${what}: ${res.text}`).toMatchObject({ error_code: expect.any(Number), message: expect.any(String) });
  };

  // About 2,000 requests: 10-16 s on an idle machine, over a minute on a loaded one.
  it('every path parameter, query parameter and body string of every route', { timeout: 240_000 }, async () => {
    const queries = documentedQueries();
    const before = await snapshot();
    let sent = 0;
    for (const route of routes(guid)) {
      const params = route.params ?? {};
      const queryNames = queries.get(openApiKey(route)) ?? [];
      const slots: Slot[] = [
        ...Object.keys(params).map((name) => ({ kind: 'path', name }) as const),
        ...queryNames.filter((n) => !route.fixedQuery?.includes(n)).map((name) => ({ kind: 'query', name }) as const),
        ...bodySlots(route.body),
      ];
      // Routes without parameters still get an unknown query parameter holding a NUL.
      if (slots.length === 0) slots.push({ kind: 'query', name: 'unknown' });

      const request = (slot: Slot, value: string) => {
        const path = route.url.replace(/:(\w+)/g, (_, name: string) =>
          slot.kind === 'path' && slot.name === name ? value : encodeURIComponent(params[name]!),
        );
        const query = queryNames.map((n) => `${n}=${encodeURIComponent(QUERY_DEFAULTS[n] ?? '')}`);
        if (slot.kind === 'query') {
          const i = queryNames.indexOf(slot.name);
          if (i >= 0) query[i] = `${slot.name}=${value}`;
          else query.push(`${slot.name}=${value}`);
        }
        const body = slot.kind === 'body' ? withBody(route.body, slot, value) : route.body;
        return send(route.method, query.length > 0 ? `${path}?${query.join('&')}` : path, body);
      };

      for (const slot of slots) {
        const what = `${route.method} ${route.url} ${describeSlot(slot)}`;
        const expected = route.expect?.(slot) ?? 'as-missing';
        const missingAnswers = new Map<string, Response>();
        const values = slot.kind === 'path' ? BAD_PATH : slot.kind === 'query' ? BAD_QUERY : BAD_BODY;
        for (const value of values) {
          const res = await request(slot, value);
          sent++;
          const label = `${what} = ${JSON.stringify(value)}`;
          expectNoServerError(res, label);
          if (value === NOT_UTF8 && slot.kind === 'path') {
            // Not UTF-8: the URL itself is malformed, before any route runs.
            expect([res.status, res.json?.error_code], label).toEqual([400, 400]);
          } else if (expected === 'as-missing') {
            // The same value with an ordinary name where the bad characters were (`:.ctx:%00` → `:.ctx:zz-missing`).
            const twin = slot.kind === 'body' ? value.replace(/[\u0000\p{Cs}]+/gu, MISSING) : value.replace(/(%00|%ED%A0%80)+/g, MISSING);
            let missing = missingAnswers.get(twin);
            if (!missing) {
              missing = await request(slot, twin);
              missingAnswers.set(twin, missing);
            }
            expectNoServerError(missing, `${what} = ${twin}`);
            expect([res.status, res.json?.error_code], label).toEqual([missing.status, missing.json?.error_code]);
            if (res.status < 300) expect(res.text, label).toBe(missing.text);
          } else {
            expect([res.status, res.json?.error_code], `${label}: ${res.text}`).toEqual([...expected]);
          }
        }
      }
      expect(await snapshot(), `${route.method} ${route.url} changed the registry`).toEqual(before);
    }
    expect(sent).toBeGreaterThan(500);
  });

  it('the cases of issue #8 answer as Confluent does for a missing item, or refuse the write', async () => {
    const before = await snapshot();
    const code = async (method: string, path: string, body?: unknown) => {
      const res = await send(method, path, body);
      return [res.status, res.json?.error_code];
    };
    expect(await code('GET', '/subjects/%00/versions')).toEqual([404, 40401]);
    expect(await code('POST', '/subjects/%00', { schema: EXISTING })).toEqual([404, 40401]);
    expect(await code('POST', '/subjects/%00/versions', { schema: EXISTING })).toEqual([422, 42208]);
    expect(await code('GET', '/schemas/ids/1?subject=%00')).toEqual([200, undefined]);
    expect(await code('GET', '/schemas/guids/%00')).toEqual([404, 40403]);
    expect((await send('GET', '/subjects?subjectPrefix=%00')).json).toEqual([]);
    expect((await send('DELETE', '/contexts/%00')).status).toBe(204);
    expect(await code('GET', '/config/%00')).toEqual([404, 40408]);
    expect(await code('GET', '/mode/%00')).toEqual([404, 40409]);
    const withRef = { schema: FULL_BODY.schema, references: [{ name: 'ex.Existing', subject: 'exist\u0000ing', version: 1 }] };
    expect(await code('POST', '/subjects/refs/versions', withRef)).toEqual([422, 42201]);
    for (const value of ['a\u0000', '\ud800']) {
      expect(await code('POST', '/subjects/meta/versions', { schema: EXISTING, metadata: { properties: { k: value } } })).toEqual([422, 42201]);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('a schema whose stored text would hold a NUL or an unpaired surrogate is 42201; escaped ones are kept', async () => {
    const before = await snapshot();
    const avro = (doc: string) => JSON.stringify({ type: 'record', name: 'Doc', namespace: 'canon', doc, fields: [] });
    const proto = (jsonName: string) => `syntax = "proto3";\nmessage M {\n  string a = 1 [json_name = "${jsonName}"];\n}\n`;
    const refused = [
      // Avro's canonical JSON writes the parsed doc back raw; .proto string literals likewise.
      { schema: avro('a\ud800b') },
      { schemaType: 'PROTOBUF', schema: proto('x\ud800y') },
    ];
    for (const body of refused) {
      const res = await send('POST', '/subjects/canon/versions', body);
      expect([res.status, res.json?.error_code], res.text).toEqual([422, 42201]);
    }
    expect(await snapshot()).toEqual(before);

    // The same characters written as escapes (NUL, and unpaired surrogates in JSON texts) are stored and read back.
    const kept = [
      { subject: 'canon-avro', body: { schema: avro('a\u0000b') } },
      { subject: 'canon-proto', body: { schemaType: 'PROTOBUF', schema: proto('x\\0y') } },
      { subject: 'canon-json', body: { schemaType: 'JSON', schema: '{"description":"a\\u0000b\\ud800c"}' } },
      { subject: 'canon-proto-comment', body: { schemaType: 'PROTOBUF', schema: `// a NUL \u0000 in a comment\n${proto('plain')}` } },
    ];
    for (const { subject, body } of kept) {
      const registered = await ok('POST', `/subjects/${subject}/versions`, body);
      const stored: string = registered.json.schema;
      expect(stored).not.toMatch(/[\u0000\p{Cs}]/u);
      const read = await ok('GET', `/subjects/${subject}/versions/1`);
      expect(read.json.schema).toBe(stored);
      expect((await ok('GET', `/schemas/ids/${registered.json.id}`)).json.schema).toBe(stored);
    }
    expect((await ok('GET', '/subjects/canon-avro/versions/1')).json.schema).toContain('a\\u0000b');
    expect((await ok('GET', '/subjects/canon-proto/versions/1')).json.schema).toContain('x\\000y');
  });

  it('a NUL subject read alongside valid ones does not disturb them (one batched query on Postgres)', async () => {
    const good = Array.from({ length: 15 }, () => send('POST', '/subjects/full', FULL_BODY));
    const bad = Array.from({ length: 15 }, (_, i) => send('POST', `/subjects/n${i}%00`, FULL_BODY));
    const [goods, bads] = await Promise.all([Promise.all(good), Promise.all(bad)]);
    for (const res of goods) expect(res.status, res.text).toBe(200);
    for (const res of bads) expect([res.status, res.json?.error_code], res.text).toEqual([404, 40401]);
  });

  describe('seeded fuzz over subjects', () => {
    const PIECES = [
      'a', 'Z', '0', '-', '_', '.', ':', '/', ' ', 'é', '😀', '%', '?', '#',
      '\u0000', '\u0001', '\t', '\u001f', '\u007f', '\u0080', '\u009f',
      '\ud800', '\udfff', '\ufffe', '\uffff', '\u2028',
    ];
    const LONG = 'l'.repeat(1500);
    // eslint-disable-next-line no-control-regex
    const ISO_CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
    const LONE_SURROGATE = /\p{Cs}/u;

    /** Percent-encodes like encodeURIComponent, but an unpaired surrogate as its WTF-8 bytes (which is not UTF-8). */
    function encodeSegment(s: string): string {
      let out = '';
      for (const ch of s) {
        const cp = ch.codePointAt(0)!;
        if (cp >= 0xd800 && cp <= 0xdfff) out += `%${(0xe0 | (cp >> 12)).toString(16)}%${(0x80 | ((cp >> 6) & 0x3f)).toString(16)}%${(0x80 | (cp & 0x3f)).toString(16)}`.toUpperCase();
        else out += encodeURIComponent(ch);
      }
      return out;
    }

    function subjects(seed: number, count: number): string[] {
      const next = prng(seed);
      return Array.from({ length: count }, () => {
        let s = 'fz';
        const n = 1 + Math.floor(next() * 8);
        for (let i = 0; i < n; i++) s += PIECES[Math.floor(next() * PIECES.length)];
        if (next() < 0.1) s += LONG;
        return s;
      });
    }

    it('registers legal names exactly, refuses control characters (42208) and undecodable URLs (400), and nothing else changes', async () => {
      const legal = new Set<string>(((await send('GET', '/subjects?deleted=true')).json as string[]) ?? []);
      for (const subject of subjects(0x5eed, 80)) {
        const path = `/subjects/${encodeSegment(subject)}/versions`;
        const label = JSON.stringify(subject);
        const write = await send('POST', path, { schema: EXISTING });
        const read = await send('GET', path);
        expectNoServerError(write, label);
        expectNoServerError(read, label);
        if (LONE_SURROGATE.test(subject)) {
          expect([write.status, write.json?.error_code, read.status, read.json?.error_code], label).toEqual([400, 400, 400, 400]);
        } else if (ISO_CONTROL.test(subject)) {
          expect([write.status, write.json?.error_code, read.status, read.json?.error_code], label).toEqual([422, 42208, 404, 40401]);
        } else {
          expect(write.status, `${label}: ${write.text}`).toBe(200);
          expect(read.json, label).toEqual([1]);
          expect((await ok('GET', `/subjects/${encodeSegment(subject)}/versions/1`)).json.subject, label).toBe(subject);
          legal.add(subject);
        }
      }
      const listed = (await send('GET', '/subjects?deleted=true')).json as string[];
      expect([...listed].sort()).toEqual([...legal].sort());
    });

    it('metadata values round-trip exactly unless unstorable (42201)', async () => {
      const before = (await send('GET', '/subjects?deleted=true')).json as string[];
      let version = 0;
      for (const value of subjects(0xfa11, 40)) {
        const res = await send('POST', '/subjects/fz-meta/versions', { schema: EXISTING, metadata: { properties: { k: value } } });
        expectNoServerError(res, JSON.stringify(value));
        if (/[\u0000\p{Cs}]/u.test(value)) {
          expect([res.status, res.json?.error_code], JSON.stringify(value)).toEqual([422, 42201]);
        } else {
          expect(res.status, `${JSON.stringify(value)}: ${res.text}`).toBe(200);
          version = res.json.version;
          expect((await ok('GET', `/subjects/fz-meta/versions/${version}`)).json.metadata.properties.k).toBe(value);
        }
      }
      expect(version).toBeGreaterThan(0);
      const after = (await send('GET', '/subjects?deleted=true')).json as string[];
      expect(after.filter((s) => !before.includes(s))).toEqual(['fz-meta']);
    });
  });
});
