/**
 * A registry's worth of data made through the HTTP API (so the stores hold what real use produces), a
 * snapshot of everything the API shows, and export/import over in-memory text.
 */
import { Readable, Writable } from 'node:stream';
import { buildApp } from '../../registry/src/app.js';
import { ImportConflict, InvalidExportFile } from '../../registry/src/migration/errors.js';
import { exportRegistry } from '../../registry/src/migration/export.js';
import { importRegistry, type ImportSummary } from '../../registry/src/migration/import.js';
import { LineWriter } from '../../registry/src/migration/ndjson.js';
import { silentProgress } from '../../registry/src/migration/progress.js';
import type { Store } from '../../registry/src/store/index.js';
import { enc, expectStatus, request } from '../helpers/live-registry.js';

export { ImportConflict, InvalidExportFile };

/** Runs `fn` against the store served over real HTTP on a loopback port; the store stays open. */
export async function withRegistry<T>(store: Store, fn: (url: string) => Promise<T>): Promise<T> {
  const app = await buildApp({ store });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  try {
    return await fn(`http://127.0.0.1:${port}`);
  } finally {
    await app.close();
  }
}

const record = (name: string, fields: { name: string; type: unknown; default?: unknown }[]) => JSON.stringify({ type: 'record', name, fields });

/** What the scenario leaves behind that the tests check beyond equality. */
export interface ScenarioFacts {
  /** Per context: the id a permanently deleted schema had, larger than any id still stored there. */
  hardDeletedIds: Record<string, number>;
  /** Schema ids registered with IMPORT mode's explicit ids. */
  importedId: number;
}

/**
 * References within and across subjects and contexts (pinned and `-1`), one id shared by two subjects,
 * soft-deleted versions and subjects, permanently deleted ones (the largest ids of their contexts, and a
 * whole context emptied), metadata and rule sets, Avro/JSON/Protobuf, global/context/subject configs and
 * modes, and an IMPORT-mode id.
 */
export async function populate(url: string): Promise<ScenarioFacts> {
  const ok = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown) => expectStatus(url, method, path, 200, body);
  const register = async (subject: string, body: Record<string, unknown>): Promise<number> =>
    (await ok('POST', `/subjects/${enc(subject)}/versions`, body)).body.id as number;
  const hardDelete = async (subject: string) => {
    await ok('DELETE', `/subjects/${enc(subject)}`);
    await ok('DELETE', `/subjects/${enc(subject)}?permanent=true`);
  };

  await ok('PUT', '/config', { compatibility: 'NONE' });
  const common1 = record('Common', [{ name: 'a', type: 'int' }]);
  await register('common', { schema: common1 });
  await register('common', { schema: record('Common', [{ name: 'a', type: 'int' }, { name: 'b', type: 'string', default: '' }]) });
  await register('common-copy', { schema: common1 }); // the same id under a second subject
  await register('orders-value', {
    schema: record('Order', [{ name: 'c', type: 'Common' }]),
    references: [{ name: 'Common', subject: 'common', version: 1 }],
  });
  await register('orders-latest', {
    schema: record('OrderL', [{ name: 'c', type: 'Common' }]),
    references: [{ name: 'Common', subject: 'common', version: -1 }],
  });
  await register('with-contract', {
    schema: record('Contract', [{ name: 'a', type: 'int' }]),
    metadata: { properties: { owner: 'team-a', 'confluent:version': '1' }, tags: { a: ['PII'] }, sensitive: ['a'] },
    ruleSet: { domainRules: [{ name: 'positive', kind: 'CONDITION', mode: 'WRITE', type: 'CEL', expr: 'message.a > 0', params: { p: 'v' } }] },
  });
  await register('json-value', { schemaType: 'JSON', schema: JSON.stringify({ type: 'object', properties: { x: { type: 'string' } } }) });
  await register('proto-value', { schemaType: 'PROTOBUF', schema: 'syntax = "proto3";\npackage p;\nmessage P { string s = 1; int64 n = 2; }\n' });

  await register('temp', { schema: record('T', [{ name: 'v', type: 'int' }]) });
  await register('temp', { schema: record('T', [{ name: 'v', type: 'long' }]) });
  await ok('DELETE', '/subjects/temp/versions/1');
  await register('gone-soft', { schema: record('GoneSoft', [{ name: 'g', type: 'int' }]) });
  await ok('DELETE', '/subjects/gone-soft');
  await ok('PUT', '/config/orders-value', { compatibility: 'FULL', normalize: true });
  await ok('PUT', '/mode/temp', { mode: 'READONLY' });

  await ok('PUT', '/mode/imported', { mode: 'IMPORT' });
  const importedId = await register('imported', { schema: record('Imported', [{ name: 'i', type: 'int' }]), id: 100, version: 3 });

  // Contexts: references resolved within the context, and into it from the default context.
  await ok('PUT', `/config/${enc(':.ctx:')}`, { compatibility: 'FORWARD' });
  await ok('PUT', `/mode/${enc(':.ctx:pay')}`, { mode: 'READWRITE' });
  await register(':.ctx:pay', { schema: record('Pay', [{ name: 'amount', type: 'long' }]) });
  await register(':.ctx:pay-ref', { schema: record('PayRef', [{ name: 'p', type: 'Pay' }]), references: [{ name: 'Pay', subject: 'pay', version: 1 }] });
  await register('cross', { schema: record('Cross', [{ name: 'p', type: 'Pay' }]), references: [{ name: 'Pay', subject: ':.ctx:pay', version: -1 }] });

  // Permanent deletes of each context's newest id, and of a whole context's only subject.
  const hardDeletedIds: Record<string, number> = {};
  hardDeletedIds['.'] = await register('gone-hard', { schema: record('GoneHard', [{ name: 'h', type: 'int' }]) });
  await hardDelete('gone-hard');
  hardDeletedIds['.ctx'] = await register(':.ctx:gone', { schema: record('GoneCtx', [{ name: 'h', type: 'int' }]) });
  await hardDelete(':.ctx:gone');
  hardDeletedIds['.emptied'] = await register(':.emptied:only', { schema: record('Only', [{ name: 'o', type: 'int' }]) });
  await hardDelete(':.emptied:only');

  // The DEK registry: client-wrapped DEKs (one soft-deleted), a shared KEK carrying its own local KMS
  // secret (the registry generated its DEK and unwraps it), a soft-deleted KEK.
  const keks = '/dek-registry/v1/keks';
  await ok('POST', keks, { name: 'mig_kek', kmsType: 'aws-kms', kmsKeyId: 'arn:aws:kms:k', kmsProps: { region: 'eu' }, doc: 'migrated' });
  await ok('POST', `${keks}/mig_kek/deks/orders-value`, { encryptedKeyMaterial: Buffer.from('wrapped-1').toString('base64') });
  await ok('POST', `${keks}/mig_kek/deks/orders-value`, { version: 2, algorithm: 'AES256_SIV', encryptedKeyMaterial: Buffer.from('wrapped-2').toString('base64') });
  await expectStatus(url, 'DELETE', `${keks}/mig_kek/deks/orders-value/versions/2?algorithm=AES256_SIV`, 204);
  await ok('POST', keks, { name: 'mig_shared', kmsType: 'local-kms', kmsKeyId: 'mig', shared: true, kmsProps: { secret: 'migration-secret' } });
  await ok('POST', `${keks}/mig_shared/deks/${enc(':.ctx:pay')}`, {});
  await ok('POST', keks, { name: 'mig_gone', kmsType: 'gcp-kms', kmsKeyId: 'projects/p' });
  await expectStatus(url, 'DELETE', `${keks}/mig_gone`, 204);
  return { hardDeletedIds, importedId };
}

/** Everything the API shows about the registry, in a form two registries can be compared by. */
export async function snapshot(url: string): Promise<Record<string, unknown>> {
  const get = async (path: string) => {
    const res = await request(url, 'GET', path);
    return res.status === 200 ? res.body : { status: res.status, error_code: res.body?.error_code };
  };
  const subjects = (await get(`/subjects?subjectPrefix=${enc(':*:')}&deleted=true`)) as string[];
  const out: Record<string, unknown> = { contexts: await get('/contexts'), subjects, config: await get('/config'), mode: await get('/mode') };
  for (const subject of subjects) {
    const s = enc(subject);
    const versions = (await get(`/subjects/${s}/versions?deleted=true`)) as number[];
    out[`config ${subject}`] = await get(`/config/${s}`);
    out[`mode ${subject}`] = await get(`/mode/${s}`);
    for (const v of versions) {
      const version = (await get(`/subjects/${s}/versions/${v}?deleted=true`)) as { id: number };
      out[`${subject} v${v}`] = version;
      out[`${subject} v${v} referencedby`] = await get(`/subjects/${s}/versions/${v}/referencedby`);
      out[`${subject} v${v} schema by id`] = await get(`/schemas/ids/${version.id}?subject=${s}`);
      out[`${subject} v${v} versions of id`] = await get(`/schemas/ids/${version.id}/versions?subject=${s}&deleted=true`);
    }
  }
  const keks = '/dek-registry/v1/keks';
  out.keks = await get(`${keks}?deleted=true`);
  for (const kek of out.keks as string[]) {
    out[`kek ${kek}`] = await get(`${keks}/${kek}?deleted=true`);
    const deks = (await get(`${keks}/${kek}/deks?deleted=true`)) as string[];
    out[`kek ${kek} deks`] = deks;
    for (const subject of deks) {
      for (const algorithm of ['AES128_GCM', 'AES256_GCM', 'AES256_SIV']) {
        const path = `${keks}/${kek}/deks/${enc(subject)}/versions`;
        const versions = (await get(`${path}?algorithm=${algorithm}&deleted=true`)) as number[];
        for (const v of versions) out[`dek ${kek} ${subject} ${algorithm} v${v}`] = await get(`${path}/${v}?algorithm=${algorithm}&deleted=true`);
      }
    }
  }
  return out;
}

export async function exportText(store: Store): Promise<string> {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const writer = new LineWriter(sink);
  await exportRegistry(store, writer, silentProgress);
  await writer.close();
  return chunks.join('');
}

/** The export without its header line (which holds the export time). */
export const body = (text: string) => text.slice(text.indexOf('\n') + 1);

export const importText = (store: Store, text: string): Promise<ImportSummary> => importRegistry(store, { input: Readable.from([text]) }, silentProgress);
