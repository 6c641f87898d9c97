/**
 * Field-level and payload encryption by our serdes and by @confluentinc/schemaregistry 1.10.1 against the
 * same live registry (its /dek-registry/v1 API) and the same local KMS secret: records encrypted by one
 * client decrypt in the other on Avro, Protobuf and JSON Schema; deterministic AES256_SIV gives equal
 * bytes from both; the encrypted fields are not readable without the key, and a wrong or missing key
 * fails with a clear error and no plaintext.
 */
import { create } from '@bufbuild/protobuf';
import {
  AvroDeserializer as CAvroDeserializer,
  AvroSerializer as CAvroSerializer,
  EncryptionExecutor as CEncryptionExecutor,
  FieldEncryptionExecutor as CFieldEncryptionExecutor,
  JsonDeserializer as CJsonDeserializer,
  JsonSerializer as CJsonSerializer,
  LocalKmsDriver,
  ProtobufDeserializer as CProtobufDeserializer,
  ProtobufSerializer as CProtobufSerializer,
  RuleRegistry as CRuleRegistry,
  SerdeType,
} from '@confluentinc/schemaregistry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '../../registry/src/core/dek-registry/index.js';
import { startRegistry, type TestRegistry } from '../registry/server.js';
import {
  AvroDeserializer,
  AvroSerializer,
  DeserializationError,
  JsonDeserializer,
  JsonSerializer,
  ProtobufDeserializer,
  ProtobufSerializer,
  RegistryClient,
  RuleRegistry,
  type Rule,
} from '../../serdes/src/index.js';
import { confluentProtobufTypes, failure, rulesRegistry } from './rules-helpers.js';
import { confluentClient } from './schemas.js';

const SECRET = 'serdes-rules-local-secret';
LocalKmsDriver.register();

const live = rulesRegistry();

function confluentRules(): CRuleRegistry {
  const r = new CRuleRegistry();
  r.registerExecutor(new CFieldEncryptionExecutor());
  r.registerExecutor(new CEncryptionExecutor());
  return r;
}
const cconf = { ruleConfig: { secret: SECRET } };
const mine = { ruleConfig: { secret: SECRET } };

function encryptRule(kek: string, extra: Record<string, string> = {}): Rule {
  return {
    name: 'encrypt-pii',
    kind: 'TRANSFORM',
    mode: 'WRITEREAD',
    type: 'ENCRYPT',
    tags: ['PII'],
    params: { 'encrypt.kek.name': kek, 'encrypt.kms.type': 'local-kms', 'encrypt.kms.key.id': `${kek}-key`, ...extra },
  };
}

const USER = {
  type: 'record',
  name: 'User',
  namespace: 'acme',
  fields: [
    { name: 'id', type: 'int' },
    { name: 'email', type: 'string', 'confluent:tags': ['PII'] },
    { name: 'secret', type: 'bytes', 'confluent:tags': ['PII'] },
    { name: 'note', type: 'string' },
  ],
};
const user = { id: 7, email: 'ada@example.com', secret: Buffer.from('top secret bytes'), note: 'plain' };


/** The record as written, read without running any rule (what a consumer without the key sees). */
async function rawAvro(topic: string, bytes: Buffer): Promise<Record<string, unknown>> {
  const noRules = new RuleRegistry().registerOverride({ type: 'ENCRYPT', disabled: true }).registerOverride({ type: 'ENCRYPT_PAYLOAD', disabled: true });
  return { ...((await new AvroDeserializer(live.client(), { ruleRegistry: noRules }).deserialize(topic, bytes)) as object) };
}

describe('Avro', () => {
  it('ours → Confluent and Confluent → ours, AES256_GCM on a string and a bytes field', async () => {
    const topic = 'enc-avro';
    await live.client().register(`${topic}-value`, { schemaType: 'AVRO', schema: JSON.stringify(USER), ruleSet: { domainRules: [encryptRule('kek-avro')] } });
    const ourBytes = await new AvroSerializer(live.client(), { useLatestVersion: true, ...mine }).serialize(topic, user);
    expect(ourBytes.includes(Buffer.from('ada@example.com'))).toBe(false);
    expect(ourBytes.includes(Buffer.from('top secret bytes'))).toBe(false);
    const raw = await rawAvro(topic, ourBytes);
    expect(raw.note).toBe('plain');
    expect(Buffer.from(raw.email as string, 'base64').length).toBe(12 + 15 + 16);
    expect((raw.secret as Buffer).length).toBe(12 + 16 + 16);

    const cde = new CAvroDeserializer(confluentClient(live.url()), SerdeType.VALUE, cconf, confluentRules());
    expect({ ...(await cde.deserialize(topic, ourBytes)) }).toEqual(user);

    const cser = new CAvroSerializer(confluentClient(live.url()), SerdeType.VALUE, { autoRegisterSchemas: false, useLatestVersion: true, ...cconf }, confluentRules());
    const theirBytes = await cser.serialize(topic, { ...user });
    expect(theirBytes.includes(Buffer.from('ada@example.com'))).toBe(false);
    expect({ ...((await new AvroDeserializer(live.client(), mine).deserialize(topic, theirBytes)) as object) }).toEqual(user);
    // Both used the one DEK the first writer registered.
    const deks = await live.client().request<number[]>('GET', `/dek-registry/v1/keks/kek-avro/deks/${topic}-value/versions`);
    expect(deks).toEqual([1]);
  });

  it('AES256_SIV is deterministic: both clients write the same bytes, and read each other', async () => {
    const topic = 'enc-avro-siv';
    await live.client().register(`${topic}-value`, {
      schemaType: 'AVRO',
      schema: JSON.stringify(USER),
      ruleSet: { domainRules: [encryptRule('kek-siv', { 'encrypt.dek.algorithm': 'AES256_SIV' })] },
    });
    const ourBytes = await new AvroSerializer(live.client(), { useLatestVersion: true, ...mine }).serialize(topic, user);
    const again = await new AvroSerializer(live.client(), { useLatestVersion: true, ...mine }).serialize(topic, user);
    expect(again.equals(ourBytes)).toBe(true);
    const cser = new CAvroSerializer(confluentClient(live.url()), SerdeType.VALUE, { autoRegisterSchemas: false, useLatestVersion: true, ...cconf }, confluentRules());
    const theirBytes = await cser.serialize(topic, { ...user });
    expect(theirBytes.equals(ourBytes)).toBe(true);
    const cde = new CAvroDeserializer(confluentClient(live.url()), SerdeType.VALUE, cconf, confluentRules());
    expect({ ...(await cde.deserialize(topic, ourBytes)) }).toEqual(user);
    expect({ ...((await new AvroDeserializer(live.client(), mine).deserialize(topic, theirBytes)) as object) }).toEqual(user);
  });

  it('ENCRYPT_PAYLOAD (an encoding rule): the whole payload, both ways', async () => {
    const topic = 'enc-avro-payload';
    await live.client().register(`${topic}-value`, {
      schemaType: 'AVRO',
      schema: JSON.stringify(USER),
      ruleSet: {
        encodingRules: [
          {
            name: 'encrypt-payload',
            kind: 'TRANSFORM',
            mode: 'WRITEREAD',
            type: 'ENCRYPT_PAYLOAD',
            params: { 'encrypt.kek.name': 'kek-payload', 'encrypt.kms.type': 'local-kms', 'encrypt.kms.key.id': 'payload-key' },
          },
        ],
      },
    });
    const ourBytes = await new AvroSerializer(live.client(), { useLatestVersion: true, ...mine }).serialize(topic, user);
    expect(ourBytes.includes(Buffer.from('plain'))).toBe(false);
    const cde = new CAvroDeserializer(confluentClient(live.url()), SerdeType.VALUE, cconf, confluentRules());
    expect({ ...(await cde.deserialize(topic, ourBytes)) }).toEqual(user);
    const cser = new CAvroSerializer(confluentClient(live.url()), SerdeType.VALUE, { autoRegisterSchemas: false, useLatestVersion: true, ...cconf }, confluentRules());
    const theirBytes = await cser.serialize(topic, { ...user });
    expect({ ...((await new AvroDeserializer(live.client(), mine).deserialize(topic, theirBytes)) as object) }).toEqual(user);
  });

  it('a wrong or missing key fails with a clear error and no plaintext', async () => {
    const topic = 'enc-avro';
    const bytes = await new CAvroSerializer(confluentClient(live.url()), SerdeType.VALUE, { autoRegisterSchemas: false, useLatestVersion: true, ...cconf }, confluentRules()).serialize(
      topic,
      { ...user },
    );
    // A fresh client each time: no DEK unwrapped by a serde that had the right secret is reused.
    const fresh = () => new RegistryClient({ baseUrls: [live.url()] });
    const wrong = await failure(new AvroDeserializer(fresh(), { ruleConfig: { secret: 'not-the-secret' } }).deserialize(topic, bytes));
    expect(wrong).toBeInstanceOf(DeserializationError);
    expect(wrong.message).toMatch(/^rule encrypt-pii failed: failed to decrypt key with all KMS keys: /);
    expect(wrong.message).not.toContain('ada@example.com');
    const saved = process.env.LOCAL_SECRET;
    delete process.env.LOCAL_SECRET;
    try {
      const missing = await failure(new AvroDeserializer(fresh()).deserialize(topic, bytes));
      expect(missing.message).toBe('rule encrypt-pii failed: failed to decrypt key with all KMS keys: the local KMS has no secret: set ruleConfig.secret or LOCAL_SECRET');
    } finally {
      if (saved !== undefined) process.env.LOCAL_SECRET = saved;
    }
    // The same client with the right secret still reads it (the failures cached nothing).
    expect({ ...((await new AvroDeserializer(live.client(), mine).deserialize(topic, bytes)) as object) }).toEqual(user);
    // A field changed in transit does not authenticate.
    const raw = await rawAvro(topic, bytes);
    const tampered = Buffer.from(raw.email as string, 'base64');
    tampered[20] = tampered[20]! ^ 1;
    const ser = new AvroSerializer(live.client(), { useLatestVersion: true, ruleRegistry: new RuleRegistry().registerOverride({ type: 'ENCRYPT', disabled: true }) });
    const forged = await ser.serialize(topic, { ...raw, email: tampered.toString('base64') });
    const bad = await failure(new AvroDeserializer(live.client(), mine).deserialize(topic, forged));
    expect(bad.message).toMatch(/^rule encrypt-pii failed: .*authenticate/);
  });

  it('no KEK and no KMS parameters: the writer says what is missing', async () => {
    const topic = 'enc-avro-nokms';
    await live.client().register(`${topic}-value`, {
      schemaType: 'AVRO',
      schema: JSON.stringify(USER),
      ruleSet: { domainRules: [{ ...encryptRule('kek-never'), params: { 'encrypt.kek.name': 'kek-never' } }] },
    });
    const e = await failure(new AvroSerializer(live.client(), { useLatestVersion: true, ...mine }).serialize(topic, user));
    expect(e.message).toBe('rule encrypt-pii failed: no kms type found for kek-never during produce');
  });
});

describe('DEK rotation (encrypt.dek.expiry.days)', () => {
  it('ciphertexts carry the DEK version (0x00 + 4 bytes) and read in both clients', async () => {
    const topic = 'enc-rotate';
    await live.client().register(`${topic}-value`, {
      schemaType: 'AVRO',
      schema: JSON.stringify(USER),
      ruleSet: { domainRules: [encryptRule('kek-rotate', { 'encrypt.dek.expiry.days': '30' })] },
    });
    const ourBytes = await new AvroSerializer(live.client(), { useLatestVersion: true, ...mine }).serialize(topic, user);
    const raw = await rawAvro(topic, ourBytes);
    const ct = Buffer.from(raw.email as string, 'base64');
    expect([...ct.subarray(0, 5)]).toEqual([0, 0, 0, 0, 1]);
    const cde = new CAvroDeserializer(confluentClient(live.url()), SerdeType.VALUE, cconf, confluentRules());
    expect({ ...(await cde.deserialize(topic, ourBytes)) }).toEqual(user);
    const cser = new CAvroSerializer(confluentClient(live.url()), SerdeType.VALUE, { autoRegisterSchemas: false, useLatestVersion: true, ...cconf }, confluentRules());
    const theirBytes = await cser.serialize(topic, { ...user });
    expect({ ...((await new AvroDeserializer(live.client(), mine).deserialize(topic, theirBytes)) as object) }).toEqual(user);
  });
});

describe('JSON Schema', () => {
  it('a tagged property reached through $ref to definitions, both ways', async () => {
    const topic = 'enc-json-ref';
    const schema = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: { owner: { $ref: '#/definitions/Person' }, label: { type: 'string' } },
      definitions: { Person: { type: 'object', properties: { name: { type: 'string' }, email: { type: 'string', 'confluent:tags': ['PII'] } } } },
    };
    await live.client().register(`${topic}-value`, { schemaType: 'JSON', schema: JSON.stringify(schema), ruleSet: { domainRules: [encryptRule('kek-json')] } });
    const v = { owner: { name: 'Ada', email: 'ada@example.com' }, label: 'x' };
    const ourBytes = await new JsonSerializer(live.client(), { useLatestVersion: true, ...mine }).serialize(topic, v);
    expect(ourBytes.includes(Buffer.from('ada@example.com'))).toBe(false);
    const cde = new CJsonDeserializer(confluentClient(live.url()), SerdeType.VALUE, cconf, confluentRules());
    expect(await cde.deserialize(topic, ourBytes)).toEqual(v);
    const cser = new CJsonSerializer(confluentClient(live.url()), SerdeType.VALUE, { autoRegisterSchemas: false, useLatestVersion: true, ...cconf }, confluentRules());
    const theirBytes = await cser.serialize(topic, structuredClone(v));
    expect(theirBytes.includes(Buffer.from('ada@example.com'))).toBe(false);
    expect(await new JsonDeserializer(live.client(), mine).deserialize(topic, theirBytes)).toEqual(v);
  });

  it('ours → Confluent and Confluent → ours', async () => {
    const topic = 'enc-json';
    const schema = {
      type: 'object',
      title: 'Customer',
      properties: { name: { type: 'string' }, ssn: { type: 'string', 'confluent:tags': ['PII'] }, age: { type: 'integer' } },
    };
    await live.client().register(`${topic}-value`, { schemaType: 'JSON', schema: JSON.stringify(schema), ruleSet: { domainRules: [encryptRule('kek-json')] } });
    const v = { name: 'Ada', ssn: '123-45-6789', age: 36 };
    const ourBytes = await new JsonSerializer(live.client(), { useLatestVersion: true, ...mine }).serialize(topic, v);
    expect(ourBytes.includes(Buffer.from('123-45-6789'))).toBe(false);
    const cde = new CJsonDeserializer(confluentClient(live.url()), SerdeType.VALUE, cconf, confluentRules());
    expect(await cde.deserialize(topic, ourBytes)).toEqual(v);
    const cser = new CJsonSerializer(confluentClient(live.url()), SerdeType.VALUE, { autoRegisterSchemas: false, useLatestVersion: true, ...cconf }, confluentRules());
    const theirBytes = await cser.serialize(topic, { ...v });
    expect(theirBytes.includes(Buffer.from('123-45-6789'))).toBe(false);
    expect(await new JsonDeserializer(live.client(), mine).deserialize(topic, theirBytes)).toEqual(v);
  });
});

describe('Protobuf', () => {
  const PROTO = `syntax = "proto3";
package acme;
import "confluent/meta.proto";

message Patient {
  string name = 1;
  string medical_id = 2 [(confluent.field_meta) = { tags: ["PII"] }];
  bytes scan = 3 [(confluent.field_meta).tags = "PII"];
  int32 age = 4;
}
`;

  it('ours → Confluent and Confluent → ours, on a string and a bytes field', async () => {
    const topic = 'enc-proto';
    const { id } = await live.client().register(`${topic}-value`, { schemaType: 'PROTOBUF', schema: PROTO, ruleSet: { domainRules: [encryptRule('kek-proto')] } });
    const v = { name: 'Bo', medicalId: 'MID-0042', scan: Buffer.from('xray'), age: 51 };
    const ourBytes = await new ProtobufSerializer(live.client(), { useLatestVersion: true, ...mine }).serialize(topic, v);
    expect(ourBytes.includes(Buffer.from('MID-0042'))).toBe(false);
    expect(ourBytes.includes(Buffer.from('xray'))).toBe(false);

    const cde = new CProtobufDeserializer(confluentClient(live.url()), SerdeType.VALUE, cconf, confluentRules());
    const read = (await cde.deserialize(topic, ourBytes)) as Record<string, unknown>;
    expect({ name: read.name, medicalId: read.medicalId, scan: Buffer.from(read.scan as Uint8Array), age: read.age }).toEqual(v);

    // Confluent's serializer needs the message descriptor: built from the registered schema.
    const types = await confluentProtobufTypes(live.client(), id, 'acme.Patient');
    const Patient = types.desc;
    const cser = new CProtobufSerializer(
      confluentClient(live.url()),
      SerdeType.VALUE,
      { autoRegisterSchemas: false, useLatestVersion: true, registry: types.registry, ...cconf },
      confluentRules(),
    );
    const theirBytes = await cser.serialize(topic, create(Patient, { name: 'Bo', medicalId: 'MID-0042', scan: new Uint8Array(Buffer.from('xray')), age: 51 } as never));
    expect(theirBytes.includes(Buffer.from('MID-0042'))).toBe(false);
    const back = (await new ProtobufDeserializer(live.client(), mine).deserialize(topic, theirBytes)) as unknown as Record<string, unknown>;
    expect({ name: back.name, medicalId: back.medicalId, scan: Buffer.from(back.scan as Uint8Array), age: back.age }).toEqual(v);
  });
});

describe('a shared KEK: the registry holds the KMS secret, the clients need none', () => {
  let shared: TestRegistry;
  beforeAll(async () => {
    shared = await startRegistry('pglite', { localKmsSecret: new Secret(SECRET) });
  });
  afterAll(async () => {
    await shared?.close();
  });

  it('ours writes without any secret, Confluent reads; and back', async () => {
    const c = new RegistryClient({ baseUrls: [shared.url] });
    await c.request('POST', '/dek-registry/v1/keks', { body: { name: 'kek-shared', kmsType: 'local-kms', kmsKeyId: 'shared-key', shared: true } });
    const topic = 'enc-shared';
    await c.register(`${topic}-value`, { schemaType: 'AVRO', schema: JSON.stringify(USER), ruleSet: { domainRules: [encryptRule('kek-shared', { 'encrypt.kms.key.id': 'shared-key' })] } });
    const saved = process.env.LOCAL_SECRET;
    delete process.env.LOCAL_SECRET;
    try {
      const ourBytes = await new AvroSerializer(c, { useLatestVersion: true }).serialize(topic, user);
      expect(ourBytes.includes(Buffer.from('ada@example.com'))).toBe(false);
      const dek = await c.request<{ keyMaterial?: string; encryptedKeyMaterial?: string }>('GET', `/dek-registry/v1/keks/kek-shared/deks/${topic}-value`);
      expect(dek.encryptedKeyMaterial).toBeTruthy();
      expect(dek.keyMaterial).toBeTruthy();
      const cde = new CAvroDeserializer(confluentClient(shared.url), SerdeType.VALUE, {}, confluentRules());
      expect({ ...(await cde.deserialize(topic, ourBytes)) }).toEqual(user);
      const cser = new CAvroSerializer(confluentClient(shared.url), SerdeType.VALUE, { autoRegisterSchemas: false, useLatestVersion: true }, confluentRules());
      const theirBytes = await cser.serialize(topic, { ...user });
      expect({ ...((await new AvroDeserializer(c).deserialize(topic, theirBytes)) as object) }).toEqual(user);
    } finally {
      if (saved !== undefined) process.env.LOCAL_SECRET = saved;
    }
  });
});
