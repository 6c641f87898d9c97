/**
 * The DEK registry API (`/dek-registry/v1`) on each store, over real HTTP: KEK and DEK lifecycles, shared
 * KEKs (the registry generates and unwraps DEKs with the local KMS), Confluent's status and error codes,
 * and bad input (a Confluent-shaped error, nothing changed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalKmsDriver } from '@confluentinc/schemaregistry';
import { Secret } from '../../registry/src/core/dek-registry/index.js';
import { announceKafkaSkip, KAFKA_BOOTSTRAP_SERVERS } from '../helpers/kafka.js';
import { announcePostgresSkip, DATABASE_URL } from '../helpers/postgres.js';
import { call, startRegistry, type Response, type TestRegistry } from './server.js';

const SECRET = 'dek-registry-test-secret-7f3a';
const KEKS = '/dek-registry/v1/keks';

function expectError(res: Response, status: number, code: number): void {
  expect({ status: res.status, body: res.json }).toMatchObject({ status, body: { error_code: code } });
  expect(typeof res.json.message).toBe('string');
}

/** A wrapped key as a client would make it: any base64 bytes (the registry never unwraps non-shared DEKs). */
const wrapped = (n: number) => Buffer.from(`wrapped-key-${n}`).toString('base64');

/** Confluent's own local KMS client with the same secret. */
const confluentLocalKms = (secret: string) => new LocalKmsDriver().newKmsClient(new Map([['secret', secret]]), 'local-kms://k');

function dekApi(backend: 'pglite' | 'postgres' | 'kafka') {
  let r: TestRegistry;
  const api = (method: string, path: string, body?: unknown) => call(r.url, method, path, body === undefined ? {} : { body });

  beforeAll(async () => {
    r = await startRegistry(backend, { localKmsSecret: new Secret(SECRET) });
  }, 120_000);
  afterAll(async () => {
    await r?.close();
  });

  it('creates, reads, lists, updates, soft-deletes, undeletes and permanently deletes a KEK', async () => {
    const created = await api('POST', KEKS, { name: 'kek1', kmsType: 'aws-kms', kmsKeyId: 'arn:aws:kms:1', kmsProps: { b: '2', a: '1' }, doc: 'first' });
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({ name: 'kek1', kmsType: 'aws-kms', kmsKeyId: 'arn:aws:kms:1', kmsProps: { a: '1', b: '2' }, doc: 'first', shared: false });
    expect(Object.keys(created.json.kmsProps)).toEqual(['a', 'b']);
    expect(typeof created.json.ts).toBe('number');
    expect(created.json.deleted).toBeUndefined();

    expect((await api('GET', `${KEKS}/kek1`)).json).toEqual(created.json);
    expect((await api('GET', KEKS)).json).toContain('kek1');

    // The same KEK again: 409/40971, even identical (Confluent answers create-as-undelete only for deleted ones).
    expectError(await api('POST', KEKS, { name: 'kek1', kmsType: 'aws-kms', kmsKeyId: 'arn:aws:kms:1', kmsProps: { a: '1', b: '2' }, doc: 'first' }), 409, 40971);

    const updated = await api('PUT', `${KEKS}/kek1`, { doc: 'second', shared: true });
    expect(updated.status).toBe(200);
    expect(updated.json).toMatchObject({ name: 'kek1', kmsType: 'aws-kms', kmsKeyId: 'arn:aws:kms:1', kmsProps: { a: '1', b: '2' }, doc: 'second', shared: true });

    expectError(await api('DELETE', `${KEKS}/kek1?permanent=true`), 404, 40471);
    expect((await api('DELETE', `${KEKS}/kek1`)).status).toBe(204);
    expectError(await api('GET', `${KEKS}/kek1`), 404, 40470);
    expect((await api('GET', `${KEKS}/kek1?deleted=true`)).json).toMatchObject({ name: 'kek1', deleted: true });
    expect((await api('GET', KEKS)).json).not.toContain('kek1');
    expect((await api('GET', `${KEKS}?deleted=true`)).json).toContain('kek1');
    expectError(await api('PUT', `${KEKS}/kek1`, { doc: 'x' }), 404, 40470);

    expect((await api('POST', `${KEKS}/kek1/undelete`)).status).toBe(204);
    expect((await api('GET', `${KEKS}/kek1`)).json).toMatchObject({ name: 'kek1', doc: 'second' });

    expect((await api('DELETE', `${KEKS}/kek1`)).status).toBe(204);
    expect((await api('DELETE', `${KEKS}/kek1?permanent=true`)).status).toBe(204);
    expectError(await api('GET', `${KEKS}/kek1?deleted=true`), 404, 40470);
    expectError(await api('DELETE', `${KEKS}/kek1`), 404, 40470);
    expectError(await api('POST', `${KEKS}/kek1/undelete`), 404, 40470);
  });

  it('creating a soft-deleted KEK again, identical, undeletes it; a different one is 40971', async () => {
    const kek = { name: 'kek_re', kmsType: 'gcp-kms', kmsKeyId: 'projects/p/keys/k' };
    expect((await api('POST', KEKS, kek)).status).toBe(200);
    expect((await api('DELETE', `${KEKS}/kek_re`)).status).toBe(204);
    expectError(await api('POST', KEKS, { ...kek, kmsKeyId: 'other' }), 409, 40971);
    expect((await api('POST', KEKS, kek)).status).toBe(200);
    expect((await api('GET', `${KEKS}/kek_re`)).json.deleted).toBeUndefined();
  });

  it('normalises cloud KMS types and never answers KMS credentials from kmsProps', async () => {
    const res = await api('POST', KEKS, { name: 'kek_norm', kmsType: 'AWS', kmsKeyId: 'k', kmsProps: { 'secret.access.key': 'hunter2', region: 'eu' } });
    expect(res.json).toMatchObject({ kmsType: 'aws-kms', kmsProps: { region: 'eu' } });
    expect(res.text).not.toContain('hunter2');
    expect((await api('GET', `${KEKS}/kek_norm`)).text).not.toContain('hunter2');
    // An update that leaves the credential out keeps it (checked through a shared local KEK below).
    const put = await api('PUT', `${KEKS}/kek_norm`, { kmsProps: { region: 'us' } });
    expect(put.json.kmsProps).toEqual({ region: 'us' });
  });

  it('creates DEKs with client-wrapped key material and reads them by version, latest and algorithm', async () => {
    expect((await api('POST', KEKS, { name: 'kek2', kmsType: 'aws-kms', kmsKeyId: 'k2' })).status).toBe(200);
    const v1 = await api('POST', `${KEKS}/kek2/deks/orders-value`, { subject: 'orders-value', version: 1, algorithm: 'AES256_GCM', encryptedKeyMaterial: wrapped(1) });
    expect(v1.status).toBe(200);
    expect(v1.json).toMatchObject({ kekName: 'kek2', subject: 'orders-value', version: 1, algorithm: 'AES256_GCM', encryptedKeyMaterial: wrapped(1) });
    expect(v1.json.keyMaterial).toBeUndefined();
    expect(typeof v1.json.ts).toBe('number');

    // Old route: subject in the body only; defaults version 1 and AES256_GCM.
    const siv = await api('POST', `${KEKS}/kek2/deks`, { subject: 'orders-value', algorithm: 'AES256_SIV', encryptedKeyMaterial: wrapped(9) });
    expect(siv.json).toMatchObject({ subject: 'orders-value', version: 1, algorithm: 'AES256_SIV' });
    const v2 = await api('POST', `${KEKS}/kek2/deks/orders-value`, { version: 2, encryptedKeyMaterial: wrapped(2) });
    expect(v2.json).toMatchObject({ version: 2, algorithm: 'AES256_GCM' });

    expect((await api('GET', `${KEKS}/kek2/deks/orders-value`)).json.encryptedKeyMaterial).toBe(wrapped(1));
    expect((await api('GET', `${KEKS}/kek2/deks/orders-value/versions/1?algorithm=AES256_GCM`)).json.encryptedKeyMaterial).toBe(wrapped(1));
    expect((await api('GET', `${KEKS}/kek2/deks/orders-value/versions/latest`)).json).toMatchObject({ version: 2, encryptedKeyMaterial: wrapped(2) });
    expect((await api('GET', `${KEKS}/kek2/deks/orders-value/versions/-1`)).json.version).toBe(2);
    expect((await api('GET', `${KEKS}/kek2/deks/orders-value/versions/1?algorithm=AES256_SIV`)).json.encryptedKeyMaterial).toBe(wrapped(9));
    expect((await api('GET', `${KEKS}/kek2/deks/orders-value/versions`)).json).toEqual([1, 2]);
    expect((await api('GET', `${KEKS}/kek2/deks/orders-value/versions?algorithm=AES256_SIV`)).json).toEqual([1]);
    expect((await api('GET', `${KEKS}/kek2/deks/orders-value/versions?algorithm=AES128_GCM`)).json).toEqual([]);
    expectError(await api('GET', `${KEKS}/kek2/deks/orders-value/versions/3`), 404, 40470);
    expectError(await api('GET', `${KEKS}/kek2/deks/other-value`), 404, 40470);
    expectError(await api('GET', `${KEKS}/nokek/deks/orders-value`), 404, 40470);

    const again = await api('POST', `${KEKS}/kek2/deks/orders-value`, { version: 2, encryptedKeyMaterial: wrapped(2) });
    expectError(again, 409, 40971);
    expect(again.json.message).toBe("Key 'orders-value' already exists; use a different value");
    // Subjects of a context, percent-encoded as the clients send them.
    const ctx = encodeURIComponent(':.tenant:payments-value');
    expect((await api('POST', `${KEKS}/kek2/deks/${ctx}`, { encryptedKeyMaterial: wrapped(3) })).json.subject).toBe(':.tenant:payments-value');
    expect((await api('GET', `${KEKS}/kek2/deks`)).json).toEqual([':.tenant:payments-value', 'orders-value']);
  });

  it('deletes, undeletes and permanently deletes DEKs with Confluent\'s rules', async () => {
    expect((await api('POST', KEKS, { name: 'kek3', kmsType: 'aws-kms', kmsKeyId: 'k3' })).status).toBe(200);
    for (const version of [1, 2, 3]) {
      expect((await api('POST', `${KEKS}/kek3/deks/s1`, { version, encryptedKeyMaterial: wrapped(version) })).status).toBe(200);
    }
    // A KEK with live DEKs cannot be deleted.
    expectError(await api('DELETE', `${KEKS}/kek3`), 422, 42272);

    expectError(await api('DELETE', `${KEKS}/kek3/deks/s1/versions/2?permanent=true`), 404, 40471);
    expect((await api('DELETE', `${KEKS}/kek3/deks/s1/versions/2`)).status).toBe(204);
    expect((await api('GET', `${KEKS}/kek3/deks/s1/versions`)).json).toEqual([1, 3]);
    expect((await api('GET', `${KEKS}/kek3/deks/s1/versions?deleted=true`)).json).toEqual([1, 2, 3]);
    expectError(await api('GET', `${KEKS}/kek3/deks/s1/versions/2`), 404, 40470);
    expect((await api('GET', `${KEKS}/kek3/deks/s1/versions/2?deleted=true`)).json).toMatchObject({ version: 2, deleted: true });
    expect((await api('POST', `${KEKS}/kek3/deks/s1/versions/2/undelete`)).status).toBe(204);
    expect((await api('GET', `${KEKS}/kek3/deks/s1/versions/2`)).json.deleted).toBeUndefined();

    // All versions of the subject (AES256_GCM): soft, then permanent.
    expectError(await api('DELETE', `${KEKS}/kek3/deks/s1?permanent=true`), 404, 40471);
    expect((await api('DELETE', `${KEKS}/kek3/deks/s1`)).status).toBe(204);
    expect((await api('GET', `${KEKS}/kek3/deks`)).json).toEqual([]);
    expect((await api('GET', `${KEKS}/kek3/deks?deleted=true`)).json).toEqual(['s1']);
    // Soft-deleted DEKs still hold the KEK against a permanent delete; the KEK may now be soft-deleted.
    expect((await api('DELETE', `${KEKS}/kek3`)).status).toBe(204);
    expectError(await api('DELETE', `${KEKS}/kek3?permanent=true`), 422, 42272);
    // DEKs of a deleted KEK cannot be undeleted.
    expectError(await api('POST', `${KEKS}/kek3/deks/s1/undelete`), 404, 40472);
    expect((await api('POST', `${KEKS}/kek3/undelete`)).status).toBe(204);
    expect((await api('POST', `${KEKS}/kek3/deks/s1/undelete`)).status).toBe(204);
    expect((await api('GET', `${KEKS}/kek3/deks/s1/versions`)).json).toEqual([1, 2, 3]);

    expect((await api('DELETE', `${KEKS}/kek3/deks/s1`)).status).toBe(204);
    expect((await api('DELETE', `${KEKS}/kek3/deks/s1?permanent=true`)).status).toBe(204);
    expectError(await api('GET', `${KEKS}/kek3/deks/s1?deleted=true`), 404, 40470);
    expectError(await api('DELETE', `${KEKS}/kek3/deks/s1`), 404, 40470);
    expect((await api('DELETE', `${KEKS}/kek3`)).status).toBe(204);
    expect((await api('DELETE', `${KEKS}/kek3?permanent=true`)).status).toBe(204);
    expectError(await api('GET', `${KEKS}/kek3?deleted=true`), 404, 40470);
  });

  it('shared KEK: the registry generates DEKs with the local KMS and answers them unwrapped, as Confluent\'s local KMS reads them', async () => {
    expect((await api('POST', KEKS, { name: 'shared1', kmsType: 'local-kms', kmsKeyId: 'shared1', shared: true })).json.shared).toBe(true);
    const gcm = await api('POST', `${KEKS}/shared1/deks/users-value`, { algorithm: 'AES256_GCM' });
    expect(gcm.status).toBe(200);
    const key = Buffer.from(gcm.json.keyMaterial, 'base64');
    // A Tink AesGcmKey: field 3, 32 bytes.
    expect(key.subarray(0, 2)).toEqual(Buffer.from([0x1a, 32]));
    expect(key.length).toBe(34);
    // The wrapped form is what Confluent's local KMS with the same secret unwraps to the same key.
    const unwrapped = await confluentLocalKms(SECRET).decrypt(Buffer.from(gcm.json.encryptedKeyMaterial, 'base64'));
    expect(Buffer.from(unwrapped)).toEqual(key);
    await expect(confluentLocalKms('another secret').decrypt(Buffer.from(gcm.json.encryptedKeyMaterial, 'base64'))).rejects.toThrow();

    const read = await api('GET', `${KEKS}/shared1/deks/users-value/versions/1?deleted=true`);
    expect(read.json).toMatchObject({ encryptedKeyMaterial: gcm.json.encryptedKeyMaterial, keyMaterial: gcm.json.keyMaterial });

    const siv = await api('POST', `${KEKS}/shared1/deks/users-value`, { algorithm: 'AES256_SIV' });
    const sivKey = Buffer.from(siv.json.keyMaterial, 'base64');
    expect(sivKey.subarray(0, 2)).toEqual(Buffer.from([0x12, 64]));
    expect(sivKey.length).toBe(66);

    // Key material wrapped by a client (Confluent's local KMS): the registry unwraps it for everyone.
    const clientKey = Buffer.concat([Buffer.from([0x1a, 16]), Buffer.alloc(16, 7)]);
    const clientWrapped = Buffer.from(await confluentLocalKms(SECRET).encrypt(clientKey)).toString('base64');
    const own = await api('POST', `${KEKS}/shared1/deks/items-value`, { algorithm: 'AES128_GCM', encryptedKeyMaterial: clientWrapped });
    expect(Buffer.from(own.json.keyMaterial, 'base64')).toEqual(clientKey);

    // Not shared: no key material, no generation.
    expect((await api('POST', KEKS, { name: 'private1', kmsType: 'local-kms', kmsKeyId: 'p' })).status).toBe(200);
    expectError(await api('POST', `${KEKS}/private1/deks/users-value`, {}), 422, 42271);
    expect((await api('GET', `${KEKS}/private1/deks`)).json).toEqual([]);
  });

  it('shared KEK on a KMS the registry cannot use: 50070, nothing stored', async () => {
    expect((await api('POST', KEKS, { name: 'shared_aws', kmsType: 'aws-kms', kmsKeyId: 'arn:x', shared: true })).status).toBe(200);
    expectError(await api('POST', `${KEKS}/shared_aws/deks/s`, {}), 500, 50070);
    expect((await api('GET', `${KEKS}/shared_aws/deks?deleted=true`)).json).toEqual([]);
  });

  it('refuses bad input with Confluent-shaped errors and changes nothing', async () => {
    expect((await api('POST', KEKS, { name: 'kek_bad', kmsType: 'aws-kms', kmsKeyId: 'k' })).status).toBe(200);
    const before = (await api('GET', `${KEKS}?deleted=true`)).json;

    for (const name of ['', '1abc', 'a b', 'a/b', 'x'.repeat(65), 'é\u0000']) {
      const res = await api('POST', KEKS, { name, kmsType: 'aws-kms', kmsKeyId: 'k' });
      expectError(res, 422, 42271);
      expect(res.json.message).toBe('name');
    }
    expectError(await api('POST', KEKS, { name: 'ok1', kmsType: 'aws-kms' }), 422, 42271);
    expectError(await api('POST', KEKS, { name: 'ok1', kmsType: 'aws-kms', kmsKeyId: '' }), 422, 42271);
    expectError(await api('POST', KEKS, { name: 'ok1', kmsKeyId: 'k' }), 422, 42271);
    expectError(await api('POST', KEKS, { name: 'ok1', kmsType: 'aws-kms', kmsKeyId: 'k\u0000' }), 422, 42271);
    expectError(await api('POST', KEKS, { name: 'ok1', kmsType: 'aws-kms', kmsKeyId: 'k', kmsProps: { a: { b: 1 } } }), 400, 400);
    expectError(await api('POST', KEKS, { name: 'ok1', kmsType: 'aws-kms', kmsKeyId: 'k', shared: 'maybe' }), 400, 400);
    expectError(await api('POST', KEKS, [1, 2]), 400, 400);
    expectError(await call(r.url, 'POST', KEKS, { raw: '{"name":' }), 400, 400);
    expectError(await call(r.url, 'POST', KEKS, { raw: '' }), 422, 422);
    expectError(await api('GET', `${KEKS}/1bad`), 422, 42271);

    const deks = `${KEKS}/kek_bad/deks`;
    expectError(await api('POST', `${deks}/${encodeURIComponent('a\u0001b')}`, { encryptedKeyMaterial: wrapped(1) }), 422, 42271);
    expectError(await api('POST', deks, { encryptedKeyMaterial: wrapped(1) }), 422, 42271);
    expectError(await api('POST', `${deks}/s`, { encryptedKeyMaterial: wrapped(1), algorithm: 'ROT13' }), 422, 42271);
    expectError(await api('POST', `${deks}/s`, { encryptedKeyMaterial: wrapped(1), version: 0 }), 422, 42271);
    expectError(await api('POST', `${deks}/s`, { encryptedKeyMaterial: wrapped(1), version: 'two' }), 400, 400);
    expectError(await api('POST', `${deks}/s`, { encryptedKeyMaterial: 'x\ud800' }), 422, 42271);
    expectError(await api('POST', `${KEKS}/nokek/deks/s`, { encryptedKeyMaterial: wrapped(1) }), 404, 40470);
    expectError(await api('GET', `${deks}/s/versions/0`), 422, 42202);
    expectError(await api('GET', `${deks}/s/versions/abc`), 422, 42202);
    expectError(await api('GET', `${deks}/s/versions/1?algorithm=ROT13`), 404, 404);

    expect((await api('GET', `${KEKS}?deleted=true`)).json).toEqual(before);
    expect((await api('GET', `${deks}?deleted=true`)).json).toEqual([]);
  });
}

describe('DEK registry API on PGlite (in memory)', () => dekApi('pglite'));

announcePostgresSkip('DEK registry API on Postgres');
describe.skipIf(!DATABASE_URL)('DEK registry API on Postgres', () => dekApi('postgres'));

announceKafkaSkip('DEK registry API on Kafka');
describe.skipIf(!KAFKA_BOOTSTRAP_SERVERS)('DEK registry API on Kafka', () => dekApi('kafka'));
