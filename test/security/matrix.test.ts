/**
 * The authorization matrix: six callers × every route the server registers, each call's status asserted,
 * and after every refused call (401/403) the registry's state compared with what it was before. The table
 * must name exactly the registered routes, so a new route fails here until its access is decided. Then the
 * listings: what each caller sees of `/subjects`, `/schemas`, `/contexts` and a shared schema's users.
 * On PGlite, and on Postgres when DATABASE_URL is set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteOptions } from 'fastify';
import { eachBackend } from '../helpers/live-registry.js';
import { basic, call, scratchDir, startSecureRegistry, usersFile, type CallResult, type SecureRegistry } from './helpers.js';

const record = (name: string, fields: string[]) => JSON.stringify({ type: 'record', name, fields: fields.map((f) => ({ name: f, type: ['null', 'string'], default: null })) });
const ORDER_V1 = record('Order', ['id']);
const ORDER_V2 = record('Order', ['id', 'note']);
const ORDER_V3 = record('Order', ['id', 'note', 'extra']);
const PAYMENT = record('Payment', ['amount']);
const SHARED = record('Shared', ['x']);
const ITEM = record('Item', ['sku']);
const TEMP = record('Temp', ['t']);

const CALLERS = ['anonymous', 'nobody', 'reader', 'writer', 'ctxadmin', 'admin'] as const;
type Caller = (typeof CALLERS)[number];
const PASSWORDS: Record<Exclude<Caller, 'anonymous'>, string> = {
  nobody: 'nobody-pw',
  reader: 'reader-pw',
  writer: 'writer-pw',
  ctxadmin: 'ctxadmin-pw',
  admin: 'admin-pw',
};

const BINDINGS = {
  bindings: [
    { principals: ['admin'], operations: ['admin'], resources: ['*'] },
    { groups: ['team-orders'], operations: ['write'], resources: ['subject:orders-*'] },
    { principals: ['reader'], operations: ['read'], resources: ['subject:payments-*', 'metrics'] },
    { principals: ['ctxadmin'], operations: ['admin'], resources: ['context:.team-a', 'subject::.team-a:*'] },
  ],
};

const headersOf = (who: Caller) => (who === 'anonymous' ? {} : basic(who, PASSWORDS[who]));

/** Expected statuses in CALLERS order; `x` = the same as the previous entry (for readability). */
type Row = readonly [number, number, number, number, number, number];
const ALL_AUTHENTICATED: Row = [401, 200, 200, 200, 200, 200];
const PUBLIC: Row = [200, 200, 200, 200, 200, 200];
const ADMIN_ONLY = (ok: number): Row => [401, 403, 403, 403, 403, ok];

interface Case {
  method: string;
  path: string;
  body?: unknown;
  expect: Row;
}

const KEKS = '/dek-registry/v1/keks';

/** Ids fixed by the seeding order below (default context: 1 order v1, 2 order v2, 3 payment, 4 shared, 5 temp). */
const ORDER_V1_ID = 1;
const SHARED_ID = 4;

/** Every registered route (method and pattern) with the calls that exercise it, in the order they run. */
function table(guid: string): Record<string, Case[]> {
  const c = (method: string, path: string, expectRow: Row, body?: unknown): Case => ({ method, path, expect: expectRow, ...(body === undefined ? {} : { body }) });
  return {
    'GET /': [c('GET', '/', ALL_AUTHENTICATED)],
    'POST /': [c('POST', '/', ALL_AUTHENTICATED)],
    'GET /v1/metadata/id': [c('GET', '/v1/metadata/id', ALL_AUTHENTICATED)],
    'GET /v1/metadata/version': [c('GET', '/v1/metadata/version', ALL_AUTHENTICATED)],
    'GET /openapi.yaml': [c('GET', '/openapi.yaml', ALL_AUTHENTICATED)],
    'GET /health/live': [c('GET', '/health/live', PUBLIC)],
    'GET /health/ready': [c('GET', '/health/ready', PUBLIC)],
    'GET /metrics': [c('GET', '/metrics', [401, 403, 200, 403, 403, 200])],
    'GET /schemas/types': [c('GET', '/schemas/types', ALL_AUTHENTICATED)],
    'GET /schemas': [c('GET', '/schemas', ALL_AUTHENTICATED)],
    'GET /schemas/ids/:id': [
      c('GET', `/schemas/ids/${ORDER_V1_ID}`, [401, 403, 403, 200, 403, 200]),
      // Readable through either subject holding it (orders-key, payments-key).
      c('GET', `/schemas/ids/${SHARED_ID}`, [401, 403, 200, 200, 403, 200]),
      c('GET', '/schemas/ids/1?subject=:.team-a:inventory', [401, 403, 403, 403, 200, 200]),
      // No such schema: the route's own 404 once authenticated.
      c('GET', '/schemas/ids/999', [401, 404, 404, 404, 404, 404]),
    ],
    'GET /schemas/ids/:id/schema': [c('GET', `/schemas/ids/${SHARED_ID}/schema`, [401, 403, 200, 200, 403, 200])],
    'GET /schemas/ids/:id/subjects': [c('GET', `/schemas/ids/${SHARED_ID}/subjects`, [401, 403, 200, 200, 403, 200])],
    'GET /schemas/ids/:id/versions': [c('GET', `/schemas/ids/${SHARED_ID}/versions`, [401, 403, 200, 200, 403, 200])],
    'GET /schemas/guids/:guid': [c('GET', `/schemas/guids/${guid}`, [401, 403, 403, 200, 403, 200])],
    'GET /schemas/guids/:guid/ids': [c('GET', `/schemas/guids/${guid}/ids`, [401, 403, 403, 200, 403, 200])],
    'GET /subjects': [c('GET', '/subjects', ALL_AUTHENTICATED)],
    'POST /subjects/:subject': [
      c('POST', '/subjects/orders-value', [401, 403, 403, 200, 403, 200], { schema: ORDER_V1 }),
      c('POST', '/subjects/payments-value', [401, 403, 200, 403, 403, 200], { schema: PAYMENT }),
    ],
    'GET /subjects/:subject/metadata': [c('GET', '/subjects/payments-value/metadata?key=a&value=b', [401, 403, 404, 403, 403, 404])],
    'GET /subjects/:subject/versions': [
      c('GET', '/subjects/payments-value/versions', [401, 403, 200, 403, 403, 200]),
      c('GET', '/subjects/:.team-a:inventory/versions', [401, 403, 403, 403, 200, 200]),
      // `:.:` names the default context: the same subject, the same decision.
      c('GET', '/subjects/:.:payments-value/versions', [401, 403, 200, 403, 403, 200]),
    ],
    'GET /subjects/:subject/versions/:version': [c('GET', '/subjects/payments-value/versions/1', [401, 403, 200, 403, 403, 200])],
    'GET /subjects/:subject/versions/:version/schema': [c('GET', '/subjects/orders-value/versions/latest/schema', [401, 403, 403, 200, 403, 200])],
    'GET /subjects/:subject/versions/:version/referencedby': [c('GET', '/subjects/payments-value/versions/1/referencedby', [401, 403, 200, 403, 403, 200])],
    'POST /compatibility/subjects/:subject/versions/:version': [
      c('POST', '/compatibility/subjects/orders-value/versions/latest', [401, 403, 403, 200, 403, 200], { schema: ORDER_V3 }),
    ],
    'POST /compatibility/subjects/:subject/versions': [c('POST', '/compatibility/subjects/orders-value/versions', [401, 403, 403, 200, 403, 200], { schema: ORDER_V3 })],
    'POST /subjects/:subject/versions': [
      // The writer registers version 3; the admin's identical call finds it (200 again).
      c('POST', '/subjects/orders-value/versions', [401, 403, 403, 200, 403, 200], { schema: ORDER_V3 }),
      c('POST', '/subjects/payments-value/versions', [401, 403, 403, 403, 403, 200], { schema: PAYMENT }),
      c('POST', '/subjects/:.team-a:inventory/versions', [401, 403, 403, 403, 200, 200], { schema: ITEM }),
    ],
    'DELETE /subjects/:subject/versions/:version': [
      // Soft delete is a write; deleting it again is the core's 404 (40406).
      c('DELETE', '/subjects/orders-value/versions/3', [401, 403, 403, 200, 403, 404]),
      // Permanent delete is admin.
      c('DELETE', '/subjects/orders-value/versions/3?permanent=true', ADMIN_ONLY(200)),
    ],
    'DELETE /subjects/:subject': [
      c('DELETE', '/subjects/orders-temp', [401, 403, 403, 200, 403, 404]),
      c('DELETE', '/subjects/orders-temp?permanent=true', ADMIN_ONLY(200)),
    ],
    'GET /config': [c('GET', '/config', ADMIN_ONLY(200))],
    'PUT /config': [c('PUT', '/config', ADMIN_ONLY(200), { compatibility: 'BACKWARD' })],
    'DELETE /config': [c('DELETE', '/config', ADMIN_ONLY(200))],
    'GET /config/:subject': [
      // Read on the subject; nothing configured there is the core's 404 (40408).
      c('GET', '/config/orders-value', [401, 403, 403, 404, 403, 404]),
      c('GET', '/config/:.team-a:', [401, 403, 403, 403, 404, 404]),
      c('GET', '/config/:.__GLOBAL:', ADMIN_ONLY(404)),
    ],
    'PUT /config/:subject': [
      c('PUT', '/config/orders-value', ADMIN_ONLY(200), { compatibility: 'FULL' }),
      c('PUT', '/config/:.team-a:', [401, 403, 403, 403, 200, 200], { compatibility: 'NONE' }),
      c('PUT', '/config/:.__GLOBAL:', ADMIN_ONLY(200), { compatibility: 'BACKWARD' }),
    ],
    'DELETE /config/:subject': [
      c('DELETE', '/config/orders-value', ADMIN_ONLY(200)),
      c('DELETE', '/config/:.team-a:', [401, 403, 403, 403, 200, 404]),
    ],
    'GET /mode': [c('GET', '/mode', ADMIN_ONLY(200))],
    'PUT /mode': [c('PUT', '/mode', ADMIN_ONLY(200), { mode: 'READWRITE' })],
    'DELETE /mode': [c('DELETE', '/mode', ADMIN_ONLY(200))],
    'GET /mode/:subject': [
      c('GET', '/mode/payments-value', [401, 403, 404, 403, 403, 404]),
      c('GET', '/mode/:.team-a:', [401, 403, 403, 403, 404, 404]),
    ],
    'PUT /mode/:subject': [
      c('PUT', '/mode/orders-value', ADMIN_ONLY(200), { mode: 'READWRITE' }),
      c('PUT', '/mode/:.team-a:', [401, 403, 403, 403, 200, 200], { mode: 'READWRITE' }),
    ],
    'DELETE /mode/:subject': [
      c('DELETE', '/mode/orders-value', ADMIN_ONLY(200)),
      c('DELETE', '/mode/:.team-a:', [401, 403, 403, 403, 200, 404]),
    ],
    'GET /contexts': [c('GET', '/contexts', ALL_AUTHENTICATED)],
    'DELETE /contexts/:context': [
      // Allowed to the context's admin, refused by the core: the context still holds a subject (42211).
      c('DELETE', '/contexts/.team-a', [401, 403, 403, 403, 422, 422]),
      c('DELETE', '/contexts/.elsewhere', ADMIN_ONLY(204)),
    ],
    // DEK registry: KEK writes are admin on the registry, KEK reads any authenticated caller; DEK calls act
    // on the DEK's subject. Wrapped key material is opaque to the registry (the KEK is not shared).
    [`POST ${KEKS}`]: [c('POST', KEKS, ADMIN_ONLY(200), { name: 'mk', kmsType: 'aws-kms', kmsKeyId: 'k' }), c('POST', KEKS, ADMIN_ONLY(200), { name: 'mk2', kmsType: 'aws-kms', kmsKeyId: 'k2' })],
    [`GET ${KEKS}`]: [c('GET', KEKS, ALL_AUTHENTICATED)],
    [`GET ${KEKS}/:name`]: [c('GET', `${KEKS}/mk`, ALL_AUTHENTICATED)],
    [`PUT ${KEKS}/:name`]: [c('PUT', `${KEKS}/mk`, ADMIN_ONLY(200), { doc: 'd' })],
    [`POST ${KEKS}/:name/deks/:subject`]: [
      // The writer creates it; the admin's identical call finds it there (40971).
      c('POST', `${KEKS}/mk/deks/orders-value`, [401, 403, 403, 200, 403, 409], { encryptedKeyMaterial: 'AAAA' }),
      c('POST', `${KEKS}/mk/deks/payments-value`, [401, 403, 403, 403, 403, 200], { encryptedKeyMaterial: 'AAAA' }),
    ],
    // The subject is in the body, read after authorization: admin on the registry.
    [`POST ${KEKS}/:name/deks`]: [c('POST', `${KEKS}/mk/deks`, ADMIN_ONLY(200), { subject: 'orders-value', version: 2, encryptedKeyMaterial: 'AAAA' })],
    [`GET ${KEKS}/:name/deks`]: [c('GET', `${KEKS}/mk/deks`, ALL_AUTHENTICATED)],
    [`GET ${KEKS}/:name/deks/:subject`]: [c('GET', `${KEKS}/mk/deks/payments-value`, [401, 403, 200, 403, 403, 200])],
    [`GET ${KEKS}/:name/deks/:subject/versions`]: [c('GET', `${KEKS}/mk/deks/orders-value/versions`, [401, 403, 403, 200, 403, 200])],
    [`GET ${KEKS}/:name/deks/:subject/versions/:version`]: [c('GET', `${KEKS}/mk/deks/payments-value/versions/1`, [401, 403, 200, 403, 403, 200])],
    [`DELETE ${KEKS}/:name/deks/:subject/versions/:version`]: [
      c('DELETE', `${KEKS}/mk/deks/orders-value/versions/2`, [401, 403, 403, 204, 403, 204]),
      c('DELETE', `${KEKS}/mk/deks/orders-value/versions/2?permanent=true`, ADMIN_ONLY(204)),
    ],
    [`POST ${KEKS}/:name/deks/:subject/versions/:version/undelete`]: [c('POST', `${KEKS}/mk/deks/orders-value/versions/1/undelete`, [401, 403, 403, 204, 403, 204])],
    [`POST ${KEKS}/:name/deks/:subject/undelete`]: [c('POST', `${KEKS}/mk/deks/orders-value/undelete`, [401, 403, 403, 204, 403, 204])],
    [`DELETE ${KEKS}/:name/deks/:subject`]: [
      c('DELETE', `${KEKS}/mk/deks/orders-value`, [401, 403, 403, 204, 403, 204]),
      c('DELETE', `${KEKS}/mk/deks/orders-value?permanent=true`, ADMIN_ONLY(204)),
    ],
    [`POST ${KEKS}/:name/undelete`]: [c('POST', `${KEKS}/mk2/undelete`, ADMIN_ONLY(204))],
    [`DELETE ${KEKS}/:name`]: [
      // mk still has a DEK (payments-value): the core's 42272.
      c('DELETE', `${KEKS}/mk`, ADMIN_ONLY(422)),
      c('DELETE', `${KEKS}/mk2`, ADMIN_ONLY(204)),
      c('DELETE', `${KEKS}/mk2?permanent=true`, ADMIN_ONLY(204)),
    ],
  };
}

/** Everything a refused call could have changed, read as the admin. */
async function snapshot(url: string): Promise<string> {
  const admin = basic('admin', PASSWORDS.admin);
  const get = async (path: string) => {
    const res = await call(url, 'GET', path, { headers: admin });
    return `${path} ${res.status} ${res.text}`;
  };
  const subjects = (await call(url, 'GET', '/subjects?deleted=true', { headers: admin })).json as string[];
  const parts = [await get('/subjects?deleted=true'), await get('/schemas?deleted=true'), await get('/contexts'), await get('/config'), await get('/mode')];
  parts.push(await get(`${KEKS}?deleted=true`));
  for (const kek of (await call(url, 'GET', `${KEKS}?deleted=true`, { headers: admin })).json as string[]) {
    parts.push(await get(`${KEKS}/${kek}?deleted=true`), await get(`${KEKS}/${kek}/deks?deleted=true`));
    for (const subject of (await call(url, 'GET', `${KEKS}/${kek}/deks?deleted=true`, { headers: admin })).json as string[]) {
      parts.push(await get(`${KEKS}/${kek}/deks/${encodeURIComponent(subject)}/versions?deleted=true`));
    }
  }
  for (const scope of [...subjects, ':.team-a:', ':.__GLOBAL:']) {
    const s = encodeURIComponent(scope);
    parts.push(await get(`/subjects/${s}/versions?deleted=true`), await get(`/config/${s}`), await get(`/mode/${s}`));
  }
  return parts.join('\n');
}

eachBackend('authorization matrix', (backend) => {
  const scratch = scratchDir('matrix');
  const registered = new Set<string>();
  let reg: SecureRegistry;
  let orderGuid: string;

  beforeAll(async () => {
    const users = await usersFile(`${scratch.dir}/users.json`, {
      nobody: { password: PASSWORDS.nobody },
      reader: { password: PASSWORDS.reader },
      writer: { password: PASSWORDS.writer, groups: ['team-orders'] },
      ctxadmin: { password: PASSWORDS.ctxadmin },
      admin: { password: PASSWORDS.admin },
    });
    const bindings = scratch.file('bindings.json', JSON.stringify(BINDINGS));
    reg = await startSecureRegistry(
      backend,
      { authMethods: ['basic'], usersFile: users, bindingsFile: bindings },
      {
        metrics: true,
        onRoute: (route: RouteOptions) => {
          for (const m of Array.isArray(route.method) ? route.method : [route.method]) if (m !== 'HEAD') registered.add(`${m} ${route.url}`);
        },
      },
    );
    const admin = basic('admin', PASSWORDS.admin);
    const seed = async (subject: string, schema: string) => {
      const res = await call(reg.url, 'POST', `/subjects/${encodeURIComponent(subject)}/versions`, { body: { schema }, headers: admin });
      if (res.status !== 200) throw new Error(`seeding ${subject}: ${res.status} ${res.text}`);
      return res.json as { id: number; guid: string };
    };
    orderGuid = (await seed('orders-value', ORDER_V1)).guid;
    await seed('orders-value', ORDER_V2);
    await seed('payments-value', PAYMENT);
    await seed('orders-key', SHARED);
    await seed('payments-key', SHARED);
    await seed('orders-temp', TEMP);
    await seed(':.team-a:inventory', ITEM);
  });
  afterAll(async () => {
    await reg?.close();
    scratch.cleanup();
  });

  it('names exactly the routes the server registers', () => {
    expect([...registered].sort()).toEqual(Object.keys(table('g')).sort());
  });

  it('answers every caller on every route as the bindings say, changing nothing when it refuses', async () => {
    const failures: string[] = [];
    let refusals = 0;
    for (const cases of Object.values(table(orderGuid))) {
      for (const kase of cases) {
        for (const [i, who] of CALLERS.entries()) {
          const expected = kase.expect[i]!;
          const refused = expected === 401 || expected === 403;
          const before = refused ? await snapshot(reg.url) : '';
          const res: CallResult = await call(reg.url, kase.method, kase.path, { headers: headersOf(who), ...(kase.body === undefined ? {} : { body: kase.body }) });
          if (res.status !== expected) failures.push(`${who} ${kase.method} ${kase.path}: expected ${expected}, got ${res.status} ${res.text.slice(0, 200)}`);
          if (refused) {
            refusals++;
            if (expected === 403) expect(res.json?.error_code, `${who} ${kase.method} ${kase.path}`).toBe(40301);
            if (expected === 401) expect(res.json?.error_code, `${who} ${kase.method} ${kase.path}`).toBe(401);
            const after = await snapshot(reg.url);
            if (after !== before) failures.push(`${who} ${kase.method} ${kase.path}: refused, but the registry changed`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(refusals).toBeGreaterThan(150);
  }, 600_000);

  it('asks of the HEAD twin of a GET route what the GET needs', async () => {
    const head = async (who: Caller) => (await call(reg.url, 'HEAD', '/subjects/payments-value/versions', { headers: headersOf(who) })).status;
    expect([await head('anonymous'), await head('nobody'), await head('writer'), await head('reader')]).toEqual([401, 403, 403, 200]);
  });

  describe('listings show only what the caller may read', () => {
    const list = async (who: Caller, path: string) => {
      const res = await call(reg.url, 'GET', path, { headers: headersOf(who) });
      expect(res.status, `${who} GET ${path}: ${res.text}`).toBe(200);
      return res.json as unknown;
    };

    it('/subjects', async () => {
      expect(await list('nobody', '/subjects')).toEqual([]);
      expect(await list('reader', '/subjects')).toEqual(['payments-key', 'payments-value']);
      expect(await list('writer', '/subjects')).toEqual(['orders-key', 'orders-value']);
      expect(await list('writer', '/subjects?deleted=true')).toEqual(['orders-key', 'orders-value']);
      expect(await list('ctxadmin', '/subjects')).toEqual([':.team-a:inventory']);
      expect(await list('admin', '/subjects')).toEqual([':.team-a:inventory', 'orders-key', 'orders-value', 'payments-key', 'payments-value']);
      // Paging counts only what the caller sees.
      expect(await list('reader', '/subjects?offset=1&limit=1')).toEqual(['payments-value']);
    });

    it('/schemas', async () => {
      const subjectsOf = async (who: Caller, q = '') => ((await list(who, `/schemas${q}`)) as { subject: string }[]).map((s) => s.subject);
      expect(await subjectsOf('nobody')).toEqual([]);
      expect(await subjectsOf('reader')).toEqual(['payments-key', 'payments-value']);
      expect(await subjectsOf('writer')).toEqual(['orders-key', 'orders-value', 'orders-value']);
      expect(await subjectsOf('ctxadmin', '?subjectPrefix=:.team-a:')).toEqual([':.team-a:inventory']);
      expect(await subjectsOf('reader', '?subjectPrefix=orders')).toEqual([]);
    });

    it('/contexts', async () => {
      expect(await list('nobody', '/contexts')).toEqual([]);
      expect(await list('reader', '/contexts')).toEqual(['.']);
      expect(await list('ctxadmin', '/contexts')).toEqual(['.team-a']);
      expect(await list('admin', '/contexts')).toEqual(['.', '.team-a']);
    });

    it("a shared schema's subjects and versions", async () => {
      expect(await list('reader', `/schemas/ids/${SHARED_ID}/subjects`)).toEqual(['payments-key']);
      expect(await list('writer', `/schemas/ids/${SHARED_ID}/subjects`)).toEqual(['orders-key']);
      expect(await list('admin', `/schemas/ids/${SHARED_ID}/subjects`)).toEqual(['orders-key', 'payments-key']);
      expect(await list('reader', `/schemas/ids/${SHARED_ID}/versions`)).toEqual([{ subject: 'payments-key', version: 1 }]);
    });

    it('the fallback of an unqualified subject to other contexts skips what the caller may not read', async () => {
      const admin = basic('admin', PASSWORDS.admin);
      // `payments-secret` exists only in context .team-a; the reader may read `payments-*` of the default context.
      expect((await call(reg.url, 'POST', '/subjects/:.team-a:payments-secret/versions', { body: { schema: PAYMENT }, headers: admin })).status).toBe(200);
      expect((await call(reg.url, 'GET', '/subjects/payments-secret/versions/1', { headers: admin })).json.subject).toBe(':.team-a:payments-secret');
      const reader = await call(reg.url, 'GET', '/subjects/payments-secret/versions/1', { headers: headersOf('reader') });
      expect(reader.status).toBe(404);
      const lookup = await call(reg.url, 'POST', '/subjects/payments-secret', { body: { schema: PAYMENT }, headers: headersOf('reader') });
      expect(lookup.status).toBe(404);
    });
  });
});
