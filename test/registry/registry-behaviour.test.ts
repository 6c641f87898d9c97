/**
 * Registry semantics the conformance suite does not pin down, over real HTTP on each store: 8.x response
 * shapes, guids, cache invalidation on hard deletes, data-contract updates, IMPORT and FORWARD modes,
 * the `:.__GLOBAL:` level, contexts, cross-context fallbacks, listings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../registry/src/app.js';
import { createLogger } from '../../registry/src/log.js';
import { createStore } from '../../registry/src/store/index.js';
import { announceKafkaSkip, KAFKA_BOOTSTRAP_SERVERS } from '../helpers/kafka.js';
import { announcePostgresSkip, DATABASE_URL } from '../helpers/postgres.js';
import { call, startRegistry, type TestRegistry } from './server.js';

const rec = (name: string, fields: { name: string; type: string; default?: unknown }[] = [{ name: 'a', type: 'string' }]) =>
  JSON.stringify({ type: 'record', name, namespace: 'behaviour', fields });
const enc = encodeURIComponent;

function behaviour(backend: 'pglite' | 'postgres' | 'kafka') {
  let r: TestRegistry;
  const req = (method: string, path: string, body?: unknown) => call(r.url, method, path, body === undefined ? {} : { body });
  const register = (subject: string, body: Record<string, unknown>) => req('POST', `/subjects/${enc(subject)}/versions`, body);

  beforeAll(async () => {
    r = await startRegistry(backend);
  });
  afterAll(async () => {
    await r?.close();
  });

  it('answers registration in the Confluent 8.x shape, and by guid', async () => {
    const res = await register('shape', { schema: rec('Shape') });
    expect(res.status).toBe(200);
    expect(Object.keys(res.json).sort()).toEqual(['guid', 'id', 'schema', 'schemaType', 'ts', 'version']);
    expect(res.json).toMatchObject({ version: 1, schemaType: 'AVRO', schema: rec('Shape') });
    expect(res.json.guid).toMatch(/^[0-9a-f-]{36}$/);
    const byGuid = await req('GET', `/schemas/guids/${res.json.guid}`);
    expect(byGuid.json).toMatchObject({ schema: rec('Shape'), schemaType: 'AVRO', guid: res.json.guid });
    expect((await req('GET', `/schemas/guids/${res.json.guid}/ids`)).json).toEqual([{ context: '.', id: res.json.id }]);
    expect((await req('GET', '/schemas/guids/00000000-0000-3000-8000-000000000000')).json.error_code).toBe(40403);
  });

  it('echoes subject/version and maxId by id when asked', async () => {
    const { id } = (await register('echo', { schema: rec('Echo') })).json;
    const plain = (await req('GET', `/schemas/ids/${id}`)).json;
    expect(plain.subject).toBeUndefined();
    const named = (await req('GET', `/schemas/ids/${id}?subject=echo&fetchMaxId=true`)).json;
    expect(named).toMatchObject({ subject: 'echo', version: 1 });
    expect(named.maxId).toBeGreaterThanOrEqual(id);
    // A subject that does not carry the id still finds it (it only selects the context).
    expect((await req('GET', `/schemas/ids/${id}?subject=some-other-subject`)).status).toBe(200);
  });

  it('serves Protobuf as .proto text, and as a base64 descriptor with format=serialized', async () => {
    const proto = 'syntax = "proto3";\npackage behaviour.pb;\n\nmessage Order {\n  string id = 1;\n}\n';
    const { id, schema } = (await register('pb', { schema: proto, schemaType: 'PROTOBUF' })).json;
    expect(schema).toContain('message Order');
    const base64 = /^[A-Za-z0-9+/]+=*$/;
    for (const path of [`/schemas/ids/${id}?format=serialized`, `/schemas/ids/${id}?subject=pb&format=serialized`, '/subjects/pb/versions/1?format=serialized']) {
      expect((await req('GET', path)).json.schema, path).toMatch(base64);
    }
    expect((await req('GET', '/subjects/pb/versions/1/schema?format=serialized')).text).toMatch(base64);
    expect((await req('GET', `/schemas/ids/${id}`)).json.schema).toBe(schema);
    // An unknown format is ignored.
    expect((await req('GET', `/schemas/ids/${id}?format=nonsense`)).json.schema).toBe(schema);
  });

  it('stops serving an id (cached answers included) once every version carrying it is purged', async () => {
    const { id } = (await register('purge-me', { schema: rec('PurgeMe') })).json;
    for (const path of [`/schemas/ids/${id}`, `/schemas/ids/${id}?subject=purge-me`]) expect((await req('GET', path)).status).toBe(200);
    expect((await req('DELETE', '/subjects/purge-me')).json).toEqual([1]);
    expect((await req('GET', `/schemas/ids/${id}`)).status).toBe(200);
    expect((await req('DELETE', '/subjects/purge-me?permanent=true')).json).toEqual([1]);
    for (const path of [`/schemas/ids/${id}`, `/schemas/ids/${id}?subject=purge-me`, `/schemas/ids/${id}/schema`]) {
      expect((await req('GET', path)).json).toMatchObject({ error_code: 40403, message: `Schema ${id} not found` });
    }
  });

  it('re-registers the latest schema with new metadata when the schema is empty (data-contract update)', async () => {
    const v1 = (await register('contract', { schema: rec('Contract'), metadata: { properties: { owner: 'a' } } })).json;
    const v2 = (await register('contract', { metadata: { properties: { owner: 'b' } } })).json;
    expect(v2).toMatchObject({ version: 2, schema: v1.schema, metadata: { properties: { owner: 'b' } } });
    expect(v2.id).not.toBe(v1.id);
    expect((await register('contract-new', {})).json.error_code).toBe(42201);
  });

  it('stamps confluent:version and still recognises the schema when re-registered without it', async () => {
    const v1 = (await register('stamped', { schema: rec('Stamped'), version: 1 })).json;
    expect(v1.metadata).toEqual({ properties: { 'confluent:version': '1' } });
    const again = (await register('stamped', { schema: rec('Stamped') })).json;
    expect(again).toMatchObject({ id: v1.id, version: 1 });
    expect((await register('stamped', { schema: rec('Stamped', [{ name: 'a', type: 'string' }, { name: 'b', type: 'int', default: 0 }]), version: 7 })).json.error_code).toBe(42201);
  });

  it('keeps IMPORT rules: existing schemas answer, new ones need an id', async () => {
    const s = ':.imports:imp';
    expect((await req('PUT', `/mode/${enc(s)}`, { mode: 'IMPORT' })).status).toBe(200);
    expect((await register(s, { schema: rec('Imp'), id: 42, version: 5 })).json).toMatchObject({ id: 42, version: 5 });
    expect((await register(s, { schema: rec('Imp') })).json).toMatchObject({ id: 42, version: 5 });
    const noId = await register(s, { schema: rec('Imp2') });
    expect(noId.json).toMatchObject({ error_code: 42205, message: `Subject ${s} in context :.imports: is not in read-write mode` });
    expect((await register(s, { schema: rec('Imp3'), id: 43 })).json).toMatchObject({ id: 43, version: 6 });
    expect((await req('GET', `/schemas/ids/43?subject=${enc(s)}`)).json.schema).toBe(rec('Imp3'));
    expect((await req('DELETE', `/mode/${enc(s)}`)).json).toEqual({ mode: 'IMPORT' });
  });

  it('allows FORWARD only on the registry-wide level', async () => {
    expect((await req('PUT', '/mode/fw', { mode: 'FORWARD' })).json).toMatchObject({ error_code: 42204, message: 'Forward mode only supported on global level' });
    expect((await req('PUT', '/mode', { mode: 'forward' })).json.error_code).toBe(42204);
    expect((await req('PUT', `/mode/${enc(':.__GLOBAL:')}`, { mode: 'forward' })).json).toEqual({ mode: 'FORWARD' });
    expect((await req('GET', '/mode/fw?defaultToGlobal=true')).json).toEqual({ mode: 'FORWARD' });
    expect((await req('DELETE', `/mode/${enc(':.__GLOBAL:')}`)).json).toEqual({ mode: 'FORWARD' });
    expect((await req('GET', '/mode/fw?defaultToGlobal=true')).json).toEqual({ mode: 'READWRITE' });
  });

  it('blocks config changes and deletes in READONLY, and reads keep working', async () => {
    await register('ro', { schema: rec('Ro') });
    await req('PUT', '/mode/ro', { mode: 'READONLY' });
    expect((await req('PUT', '/config/ro', { compatibility: 'NONE' })).json).toMatchObject({
      error_code: 42205,
      message: 'Subject ro in context  is in read-only mode',
    });
    expect((await req('DELETE', '/subjects/ro/versions/1')).json.error_code).toBe(42205);
    expect((await req('GET', '/subjects/ro/versions/1')).status).toBe(200);
    // A schema already registered is still answered (Confluent's pre-lock lookup ignores the mode).
    expect((await register('ro', { schema: rec('Ro') })).json.version).toBe(1);
    await req('DELETE', '/mode/ro');
  });

  it('falls back to :.__GLOBAL: after subject and context/global levels', async () => {
    const g = enc(':.__GLOBAL:');
    expect((await req('PUT', `/config/${g}`, { compatibility: 'FULL' })).json).toEqual({ compatibility: 'FULL' });
    expect((await req('GET', `/config/${enc(':.gctx:s')}?defaultToGlobal=true`)).json.compatibilityLevel).toBe('FULL');
    expect((await req('PUT', `/config/${enc(':.gctx:')}`, { compatibility: 'NONE', normalize: true })).status).toBe(200);
    expect((await req('GET', `/config/${enc(':.gctx:s')}?defaultToGlobal=true`)).json).toEqual({ compatibilityLevel: 'NONE', normalize: true });
    // A partial subject config is merged over the levels below it.
    await req('PUT', `/config/${enc(':.gctx:s')}`, { compatibilityGroup: 'app' });
    expect((await req('GET', `/config/${enc(':.gctx:s')}?defaultToGlobal=true`)).json).toEqual({ compatibilityLevel: 'NONE', normalize: true, compatibilityGroup: 'app' });
    expect((await req('GET', `/config/${enc(':.gctx:s')}`)).json).toEqual({ compatibilityGroup: 'app' });
    await req('DELETE', `/config/${enc(':.gctx:s')}`);
    await req('DELETE', `/config/${enc(':.gctx:')}`);
    expect((await req('DELETE', `/config/${g}`)).json).toEqual({ compatibilityLevel: 'FULL' });
    expect((await req('GET', `/config/${g}`)).json.error_code).toBe(40408);
  });

  it('checks compatibility only within a compatibilityGroup', async () => {
    await req('PUT', '/config/grouped', { compatibility: 'BACKWARD', compatibilityGroup: 'major' });
    await register('grouped', { schema: rec('G'), metadata: { properties: { major: '1' } } });
    const breaking = rec('G', [{ name: 'a', type: 'int' }]);
    expect((await register('grouped', { schema: breaking, metadata: { properties: { major: '1' } } })).status).toBe(409);
    expect((await register('grouped', { schema: breaking, metadata: { properties: { major: '2' } } })).status).toBe(200);
  });

  it('explains incompatibilities in Confluent style', async () => {
    await register('explain', { schema: rec('E') });
    const bad = rec('E', [{ name: 'a', type: 'string' }, { name: 'b', type: 'int' }]);
    const verbose = (await req('POST', '/compatibility/subjects/explain/versions/latest?verbose=true', { schema: bad })).json;
    expect(verbose.is_compatible).toBe(false);
    expect(verbose.messages).toContain('{oldSchemaVersion: 1}');
    expect(verbose.messages.at(-1)).toBe("{validateFields: 'false', compatibility: 'BACKWARD'}");
    const rejected = (await register('explain', { schema: bad })).json;
    expect(rejected.error_code).toBe(409);
    expect(rejected.message).toMatch(/^Schema being registered is incompatible with an earlier schema for subject "explain", details: \[.*\{oldSchemaVersion: 1\}/);
  });

  it('refuses to delete a non-empty context, deletes an empty one', async () => {
    await register(':.gone:s', { schema: rec('Gone') });
    expect((await req('GET', '/contexts')).json).toContain('.gone');
    expect((await req('DELETE', `/contexts/${enc(':.gone:')}`)).json).toMatchObject({ error_code: 42211 });
    await req('DELETE', `/subjects/${enc(':.gone:s')}`);
    await req('DELETE', `/subjects/${enc(':.gone:s')}?permanent=true`);
    expect((await req('DELETE', `/contexts/${enc(':.gone:')}`)).status).toBe(204);
    expect((await req('GET', '/contexts')).json).not.toContain('.gone');
  });

  it('looks an unqualified subject up in other contexts when the default context lacks it', async () => {
    const { id } = (await register(':.elsewhere:wanderer', { schema: rec('Wanderer') })).json;
    expect((await req('POST', '/subjects/wanderer', { schema: rec('Wanderer') })).json).toMatchObject({ subject: ':.elsewhere:wanderer', id, version: 1 });
    expect((await req('GET', '/subjects/wanderer/versions/1')).json).toMatchObject({ subject: ':.elsewhere:wanderer', id });
    expect((await req('GET', `/schemas/ids/${id}?subject=wanderer`)).json).toMatchObject({ subject: ':.elsewhere:wanderer', schema: rec('Wanderer') });
  });

  it('finds the newest version by metadata, with repeated key/value pairs and empty parameters', async () => {
    await register('md', { schema: rec('Md'), metadata: { properties: { app: 'x', env: 'prod' } } });
    await register('md', { schema: rec('Md', [{ name: 'a', type: 'string' }, { name: 'b', type: 'string', default: '' }]), metadata: { properties: { app: 'x', env: 'dev' } } });
    expect((await req('GET', '/subjects/md/metadata?deleted=false&&key=app&value=x&key=env&value=prod')).json.version).toBe(1);
    expect((await req('GET', '/subjects/md/metadata?key=app&value=x')).json.version).toBe(2);
    expect((await req('GET', '/subjects/md/metadata?key=app&value=y')).json.error_code).toBe(40403);
    expect((await req('GET', '/subjects/no-md/metadata?key=app&value=y')).json.error_code).toBe(40401);
  });

  it('lists versions with deletedAsNegative and referrers with deleted=true', async () => {
    await register('neg', { schema: rec('Neg') });
    await register('neg', { schema: rec('Neg', [{ name: 'a', type: 'string' }, { name: 'b', type: 'string', default: '' }]) });
    await req('DELETE', '/subjects/neg/versions/1');
    expect((await req('GET', '/subjects/neg/versions?deletedAsNegative=true')).json).toEqual([-1, 2]);

    await register('dep', { schema: rec('Dep') });
    const referrer = (await register('referrer', { schema: rec('Referrer', [{ name: 'd', type: 'behaviour.Dep' }]), references: [{ name: 'behaviour.Dep', subject: 'dep', version: 1 }] })).json;
    await req('DELETE', '/subjects/referrer');
    expect((await req('GET', '/subjects/dep/versions/1/referencedby')).json).toEqual([]);
    expect((await req('GET', '/subjects/dep/versions/1/referencedby?deleted=true')).json).toEqual([referrer.id]);
  });

  it('filters /schemas by rule type', async () => {
    const ruleSet = { domainRules: [{ name: 'r', kind: 'CONDITION', mode: 'WRITE', type: 'CEL', expr: 'true' }] };
    await register('ruled', { schema: rec('Ruled'), ruleSet });
    const listed = (await req('GET', '/schemas?subjectPrefix=rule&ruleType=CEL')).json;
    expect(listed.map((s: { subject: string }) => s.subject)).toEqual(['ruled']);
    expect((await req('GET', '/schemas?subjectPrefix=rule&ruleType=JSONATA')).json).toEqual([]);
    expect((await register('bad-rules', { schema: rec('BadRules'), ruleSet: { domainRules: [{ name: 'x', type: 'CEL', mode: 'UPGRADE' }] } })).json.error_code).toBe(42210);
  });

  it('drops subject config and mode with the last version purged', async () => {
    await register('last', { schema: rec('Last') });
    await req('PUT', '/config/last', { compatibility: 'FULL' });
    await req('PUT', '/mode/last', { mode: 'READWRITE' });
    await req('DELETE', '/subjects/last/versions/1');
    expect((await req('GET', '/config/last')).status).toBe(200); // a soft delete keeps them (8.1+)
    await req('DELETE', '/subjects/last/versions/1?permanent=true');
    expect((await req('GET', '/config/last')).json.error_code).toBe(40408);
    expect((await req('GET', '/mode/last')).json.error_code).toBe(40409);
  });
}

describe('registry behaviour on PGlite', () => behaviour('pglite'));

announcePostgresSkip('registry behaviour on Postgres');
describe.skipIf(!DATABASE_URL)('registry behaviour on Postgres', () => behaviour('postgres'));

announceKafkaSkip('registry behaviour on Kafka');
describe.skipIf(!KAFKA_BOOTSTRAP_SERVERS)('registry behaviour on Kafka', () => behaviour('kafka'));

describe('unexpected failures', () => {
  it('are answered 500 in Confluent\'s shape and logged with the request line, never the body', async () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
    const store = await createStore({ dataDir: 'memory://' });
    const app = await buildApp({ store, logger });
    try {
      await store.close(); // every query fails from now on
      const res = await app.inject({
        method: 'POST',
        url: '/subjects/broken/versions',
        headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
        payload: JSON.stringify({ schema: rec('BodySecretMarker') }),
      });
      expect(res.statusCode).toBe(500);
      expect(res.json()).toEqual({ error_code: 500, message: 'Internal Server Error' });
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0]!)).toMatchObject({ level: 50, msg: 'request failed', method: 'POST', url: '/subjects/broken/versions' });
      expect(lines[0]).not.toContain('BodySecretMarker');
    } finally {
      await app.close();
    }
  });
});
