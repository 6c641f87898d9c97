/**
 * The Confluent client (@confluentinc/schemaregistry 1.10.1) against our DEK registry over real HTTP: its
 * DekRegistryClient calls (KEK and DEK create/get, its 404/409 handling), and field-level encryption end to
 * end through its own Avro serializer and deserializer with the ENCRYPT rule and its local KMS, which only
 * works when every `/dek-registry/v1` call it makes is answered as Confluent answers it.
 */
import {
  AvroDeserializer,
  Clock,
  AvroSerializer,
  DekRegistryClient,
  FieldEncryptionExecutor,
  LocalKmsDriver,
  RestError,
  RuleMode,
  RuleRegistry,
  SchemaRegistryClient,
  SerdeType,
  type Dek,
} from '@confluentinc/schemaregistry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '../../registry/src/core/dek-registry/index.js';
import { announceKafkaSkip, KAFKA_BOOTSTRAP_SERVERS } from '../helpers/kafka.js';
import { announcePostgresSkip, DATABASE_URL } from '../helpers/postgres.js';
import { call, startRegistry, type TestRegistry } from '../registry/server.js';

const SECRET = 'interop-local-kms-secret';

LocalKmsDriver.register();

const USER_SCHEMA = JSON.stringify({
  type: 'record',
  name: 'User',
  fields: [
    { name: 'id', type: 'int' },
    { name: 'email', type: 'string', 'confluent:tags': ['PII'] },
  ],
});

async function restError(fn: () => Promise<unknown>): Promise<RestError> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof RestError) return e;
    throw e;
  }
  throw new Error('expected a RestError');
}

function interop(backend: 'pglite' | 'postgres' | 'kafka') {
  let r: TestRegistry;
  const dekClient = () => new DekRegistryClient({ baseURLs: [r.url], maxRetries: 0 });

  beforeAll(async () => {
    r = await startRegistry(backend, { localKmsSecret: new Secret(SECRET) });
  }, 120_000);
  afterAll(async () => {
    await r?.close();
  });

  it('DekRegistryClient: registerKek, getKek, registerDek, getDek, and the errors it handles', async () => {
    const kek = await dekClient().registerKek('iop_kek', 'local-kms', 'iop-key', false, { region: 'x' }, 'a doc');
    expect(kek).toMatchObject({ name: 'iop_kek', kmsType: 'local-kms', kmsKeyId: 'iop-key', kmsProps: { region: 'x' }, doc: 'a doc', shared: false });
    expect(await dekClient().getKek('iop_kek')).toMatchObject({ name: 'iop_kek', shared: false });

    const dup = await restError(() => dekClient().registerKek('iop_kek', 'local-kms', 'iop-key', false));
    expect([dup.status, dup.errorCode]).toEqual([409, 40971]);
    const missing = await restError(() => dekClient().getKek('iop_nokek'));
    expect([missing.status, missing.errorCode]).toEqual([404, 40470]);

    const material = Buffer.from('client-wrapped-key').toString('base64');
    // The client posts to .../deks/{subject} first (falling back to .../deks only on 405).
    const dek = await dekClient().registerDek('iop_kek', 'iop-value', 'AES256_GCM', 1, material);
    expect(dek).toMatchObject({ kekName: 'iop_kek', subject: 'iop-value', version: 1, algorithm: 'AES256_GCM', encryptedKeyMaterial: material });
    const read: Dek = await dekClient().getDek('iop_kek', 'iop-value', 'AES256_GCM', 1, false);
    expect(read.encryptedKeyMaterial).toBe(material);
    expect(read.keyMaterial).toBeUndefined();
    const noDek = await restError(() => dekClient().getDek('iop_kek', 'iop-value', 'AES256_SIV', 1, false));
    expect([noDek.status, noDek.errorCode]).toEqual([404, 40470]);
    const dupDek = await restError(() => dekClient().registerDek('iop_kek', 'iop-value', 'AES256_GCM', 1, material));
    expect(dupDek.status).toBe(409);
  });

  it('DekRegistryClient on a shared KEK: the registry generates the DEK and returns its key material', async () => {
    expect((await call(r.url, 'POST', '/dek-registry/v1/keks', { body: { name: 'iop_shared', kmsType: 'local-kms', kmsKeyId: 'iop-shared', shared: true } })).status).toBe(200);
    const dek = await dekClient().registerDek('iop_shared', 'shared-value', 'AES256_SIV', 1);
    expect(dek.encryptedKeyMaterial).toBeTruthy();
    expect(Buffer.from(dek.keyMaterial!, 'base64').length).toBe(66);
    const read = await dekClient().getDek('iop_shared', 'shared-value', 'AES256_SIV', 1, true);
    expect(read.keyMaterial).toBe(dek.keyMaterial);
  });

  /** Confluent's serializer and deserializer with the ENCRYPT rule, each with its own rule registry. */
  async function roundTrip(subject: string, kekName: string, kmsKeyId: string, options: { expiryDays?: number; clock?: Clock; register?: boolean } = {}) {
    const client = new SchemaRegistryClient({ baseURLs: [r.url], maxRetries: 0 });
    if (options.register !== false) await client.register(subject, {
      schemaType: 'AVRO',
      schema: USER_SCHEMA,
      ruleSet: {
        domainRules: [
          {
            name: 'encrypt-pii',
            kind: 'TRANSFORM',
            mode: RuleMode.WRITEREAD,
            type: 'ENCRYPT',
            tags: ['PII'],
            params: {
              'encrypt.kek.name': kekName,
              'encrypt.kms.type': 'local-kms',
              'encrypt.kms.key.id': kmsKeyId,
              ...(options.expiryDays ? { 'encrypt.dek.expiry.days': String(options.expiryDays) } : {}),
            },
            onFailure: 'ERROR,ERROR',
          },
        ],
      },
    });
    const rules = () => {
      const registry = new RuleRegistry();
      registry.registerExecutor(new FieldEncryptionExecutor(options.clock));
      return registry;
    };
    const ser = new AvroSerializer(client, SerdeType.VALUE, { useLatestVersion: true, autoRegisterSchemas: false, ruleConfig: { secret: SECRET } }, rules());
    const topic = subject.replace(/-value$/, '');
    const bytes = await ser.serialize(topic, { id: 7, email: 'alice@example.com' });
    expect(bytes.includes(Buffer.from('alice@example.com'))).toBe(false);
    const deser = new AvroDeserializer(client, SerdeType.VALUE, { ruleConfig: { secret: SECRET } }, rules());
    expect(await deser.deserialize(topic, bytes)).toEqual({ id: 7, email: 'alice@example.com' });
    return { bytes, read: (other: Buffer) => deser.deserialize(topic, other) };
  }

  it('field-level encryption end to end with a client-managed KEK: the client creates the KEK and DEK here', async () => {
    await roundTrip('enc1-value', 'enc_kek1', 'enc-key-1');
    const kek = await call(r.url, 'GET', '/dek-registry/v1/keks/enc_kek1');
    expect(kek.json).toMatchObject({ kmsType: 'local-kms', kmsKeyId: 'enc-key-1', shared: false });
    const dek = await call(r.url, 'GET', '/dek-registry/v1/keks/enc_kek1/deks/enc1-value/versions/latest');
    expect(dek.json).toMatchObject({ subject: 'enc1-value', version: 1, algorithm: 'AES256_GCM' });
    expect(dek.json.keyMaterial).toBeUndefined();
  });

  it('DEK rotation (encrypt.dek.expiry.days): the client reads the latest DEK (version -1) and creates the next version here', async () => {
    const later = new (class extends Clock {
      override now() {
        return Date.now() + 3 * 24 * 60 * 60 * 1000;
      }
    })();
    const first = await roundTrip('rot-value', 'rot_kek', 'rot-key', { expiryDays: 1 });
    const path = '/dek-registry/v1/keks/rot_kek/deks/rot-value/versions';
    expect((await call(r.url, 'GET', path)).json).toEqual([1]);
    // Three days later, the DEK has expired: the next write creates version 2.
    const second = await roundTrip('rot-value', 'rot_kek', 'rot-key', { expiryDays: 1, clock: later, register: false });
    expect((await call(r.url, 'GET', path)).json).toEqual([1, 2]);
    expect((await call(r.url, 'GET', `${path}/latest`)).json.version).toBe(2);
    expect(first.bytes.equals(second.bytes)).toBe(false);
    // A record written with version 1 still reads after the rotation (its DEK version is in the ciphertext).
    expect(await second.read(first.bytes)).toEqual({ id: 7, email: 'alice@example.com' });
  });

  it('field-level encryption end to end with a shared KEK: the registry generates the DEK', async () => {
    expect((await call(r.url, 'POST', '/dek-registry/v1/keks', { body: { name: 'enc_shared', kmsType: 'local-kms', kmsKeyId: 'enc-shared', shared: true } })).status).toBe(200);
    await roundTrip('enc2-value', 'enc_shared', 'enc-shared');
    const dek = await call(r.url, 'GET', '/dek-registry/v1/keks/enc_shared/deks/enc2-value');
    expect(typeof dek.json.keyMaterial).toBe('string');
  });
}

describe('Confluent client against the DEK registry on PGlite (in memory)', () => interop('pglite'));

announcePostgresSkip('Confluent client against the DEK registry on Postgres');
describe.skipIf(!DATABASE_URL)('Confluent client against the DEK registry on Postgres', () => interop('postgres'));

announceKafkaSkip('Confluent client against the DEK registry on Kafka');
describe.skipIf(!KAFKA_BOOTSTRAP_SERVERS)('Confluent client against the DEK registry on Kafka', () => interop('kafka'));
