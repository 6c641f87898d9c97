/**
 * The Kafka store on a real broker: Confluent's record format both ways, reload from the topic, and
 * fencing of a deposed writer by the broker. Needs KAFKA_BOOTSTRAP_SERVERS (.ci/run starts a broker).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import kafkajs from 'kafkajs';
import { contentHash, guidOf } from '../../registry/src/core/identity.js';
import { KafkaStore } from '../../registry/src/store/kafka/kafka-store.js';
import type { NewSchema } from '../../registry/src/store/index.js';
import { announceKafkaSkip, freshTopic, KAFKA_BOOTSTRAP_SERVERS } from '../helpers/kafka.js';

const { Kafka, logLevel } = kafkajs;

function newStore(topic: string, errors: string[] = [], keysTopic?: string): KafkaStore {
  return new KafkaStore({
    bootstrapServers: KAFKA_BOOTSTRAP_SERVERS!,
    topic,
    ...(keysTopic ? { keysTopic } : {}),
    replicationFactor: 1,
    sessionTimeoutMs: 6_000,
    onError: (m) => errors.push(m),
  });
}

function schema(context: string, text: string, extra: Partial<NewSchema> = {}): NewSchema {
  const base = { schemaType: 'AVRO' as const, schema: text, references: [], ...extra };
  const hash = contentHash(base);
  return { context, guid: guidOf(hash), hash, referenceTargets: [], ...base };
}

/** Every record of a topic, raw, from offset 0 (read_committed). */
async function readTopic(topic: string): Promise<{ key: string; value: string | null }[]> {
  const kafka = new Kafka({ clientId: 'test-reader', brokers: KAFKA_BOOTSTRAP_SERVERS!.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const high = (await admin.fetchTopicOffsets(topic))[0]!.high;
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId: `test-${topic}-${Date.now()}` });
  const out: { key: string; value: string | null; offset: number }[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) out.push({ key: m.key!.toString(), value: m.value?.toString() ?? null, offset: Number(m.offset) });
        if (Number(batch.lastOffset()) + 1 >= Number(high)) resolve();
      },
    });
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      if (Number(payload.lastOffset) + 1 >= Number(high)) resolve();
    });
  });
  await consumer.disconnect();
  return out.map(({ key, value }) => ({ key, value }));
}

async function createTopic(topic: string, numPartitions = 1, cleanupPolicy = 'compact'): Promise<void> {
  const admin = new Kafka({ clientId: 'test-admin', brokers: KAFKA_BOOTSTRAP_SERVERS!.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions, configEntries: [{ name: 'cleanup.policy', value: cleanupPolicy }] }], waitForLeaders: true });
  await admin.disconnect();
}

async function produce(topic: string, records: { key: string; value: string | null }[]): Promise<void> {
  const kafka = new Kafka({ clientId: 'test-seeder', brokers: KAFKA_BOOTSTRAP_SERVERS!.split(','), logLevel: logLevel.NOTHING });
  await createTopic(topic);
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: records });
  await producer.disconnect();
}

announceKafkaSkip('Kafka store');
describe.skipIf(!KAFKA_BOOTSTRAP_SERVERS)('Kafka store', () => {
  const stores: KafkaStore[] = [];
  const open = async (topic: string, errors?: string[], keysTopic?: string) => {
    const s = newStore(topic, errors, keysTopic);
    stores.push(s);
    await s.open();
    return s;
  };
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
  });

  it('writes records in exactly Confluent’s shape (key field order, magic, value fields)', async () => {
    const topic = freshTopic('format');
    const store = await open(topic);
    await store.join('http://127.0.0.1:1');
    await store.write(async (tx) => {
      const id = await tx.insertSchema(schema('.', '"string"'));
      await tx.insertVersion({ subject: 's1', context: '.', version: 1, schemaId: id, deleted: false, ts: 1 });
      const pid = await tx.insertSchema(
        schema('.', 'syntax = "proto3";\nmessage M {}\n', { schemaType: 'PROTOBUF', references: [{ name: 'a.proto', subject: 's1', version: 1 }] }),
      );
      await tx.insertVersion({ subject: 's2', context: '.', version: 1, schemaId: pid, deleted: false, ts: 2 });
      const cid = await tx.insertSchema(schema('.ctx', '"int"'));
      await tx.insertVersion({ subject: ':.ctx:s3', context: '.ctx', version: 1, schemaId: cid, deleted: false, ts: 3 });
      await tx.setConfig('', { compatibilityLevel: 'NONE' });
      await tx.setConfig('s1', { compatibilityLevel: 'FULL' });
      await tx.setMode(':.ctx:', 'READONLY');
    });
    await store.write((tx) => tx.markVersionDeleted('s1', 1));
    await store.write(async (tx) => {
      await tx.setConfig('s1', undefined);
    });
    const records = await readTopic(topic);
    expect(records).toEqual([
      { key: '{"keytype":"SCHEMA","subject":"s1","version":1,"magic":1}', value: '{"subject":"s1","version":1,"id":1,"schema":"\\"string\\"","deleted":false}' },
      {
        key: '{"keytype":"SCHEMA","subject":"s2","version":1,"magic":1}',
        value:
          '{"subject":"s2","version":1,"id":2,"schemaType":"PROTOBUF","references":[{"name":"a.proto","subject":"s1","version":1}],"schema":"syntax = \\"proto3\\";\\nmessage M {}\\n","deleted":false}',
      },
      { key: '{"keytype":"CONTEXT","tenant":"default","context":".ctx","magic":0}', value: '{"tenant":"default","context":".ctx"}' },
      { key: '{"keytype":"SCHEMA","subject":":.ctx:s3","version":1,"magic":1}', value: '{"subject":":.ctx:s3","version":1,"id":1,"schema":"\\"int\\"","deleted":false}' },
      { key: '{"keytype":"CONFIG","magic":0}', value: '{"compatibilityLevel":"NONE"}' },
      { key: '{"keytype":"CONFIG","subject":"s1","magic":0}', value: '{"subject":"s1","compatibilityLevel":"FULL"}' },
      { key: '{"keytype":"MODE","subject":":.ctx:","magic":0}', value: '{"subject":":.ctx:","mode":"READONLY"}' },
      { key: '{"keytype":"SCHEMA","subject":"s1","version":1,"magic":1}', value: '{"subject":"s1","version":1,"id":1,"schema":"\\"string\\"","deleted":true}' },
      { key: '{"keytype":"CONFIG","subject":"s1","magic":0}', value: null },
    ]);
  });

  it('loads a topic seeded with Confluent-format records: contexts, soft deletes, tombstones, configs, modes, references; skips malformed and unknown records', async () => {
    const topic = freshTopic('seeded');
    const avro = (name: string) => JSON.stringify({ type: 'record', name, fields: [{ name: 'f', type: 'string' }] });
    const key = (subject: string, version: number) => JSON.stringify({ keytype: 'SCHEMA', subject, version, magic: 1 });
    await produce(topic, [
      { key: '{"keytype":"NOOP","magic":0}', value: null },
      { key: key('orders-value', 1), value: JSON.stringify({ subject: 'orders-value', version: 1, id: 1, schema: avro('A'), deleted: false }) },
      { key: key('orders-value', 2), value: JSON.stringify({ subject: 'orders-value', version: 2, id: 2, schema: avro('B'), deleted: false }) },
      { key: key('orders-value', 1), value: JSON.stringify({ subject: 'orders-value', version: 1, id: 1, schema: avro('A'), deleted: true }) },
      { key: key('gone-value', 1), value: JSON.stringify({ subject: 'gone-value', version: 1, id: 3, schema: avro('C'), deleted: false }) },
      { key: key('gone-value', 1), value: JSON.stringify({ subject: 'gone-value', version: 1, id: 3, schema: avro('C'), deleted: true }) },
      { key: key('gone-value', 1), value: null },
      {
        key: key('refs-value', 1),
        value: JSON.stringify({
          subject: 'refs-value',
          version: 1,
          id: 4,
          schemaType: 'PROTOBUF',
          references: [{ name: 'orders.proto', subject: 'orders-value', version: 2 }],
          metadata: { properties: { owner: 'team-a' } },
          schema: 'syntax = "proto3";\nmessage R {}\n',
          deleted: false,
        }),
      },
      { key: '{"keytype":"CONTEXT","tenant":"default","context":".staging","magic":0}', value: '{"tenant":"default","context":".staging"}' },
      { key: key(':.staging:orders-value', 1), value: JSON.stringify({ subject: ':.staging:orders-value', version: 1, id: 1, schema: avro('S'), deleted: false }) },
      { key: '{"keytype":"CONFIG","subject":null,"magic":0}', value: '{"compatibilityLevel":"FULL"}' },
      { key: '{"keytype":"CONFIG","subject":"orders-value","magic":0}', value: '{"compatibilityLevel":"NONE"}' },
      { key: '{"keytype":"CONFIG","subject":"gone-value","magic":0}', value: '{"compatibilityLevel":"NONE"}' },
      { key: '{"keytype":"CONFIG","subject":"gone-value","magic":0}', value: null },
      { key: '{"keytype":"MODE","magic":0}', value: '{"mode":"READWRITE"}' },
      { key: '{"keytype":"MODE","subject":":.staging:","magic":0}', value: '{"mode":"IMPORT"}' },
      // Deletes every version up to 1 of legacy-value (Confluent's DELETE_SUBJECT).
      { key: key('legacy-value', 1), value: JSON.stringify({ subject: 'legacy-value', version: 1, id: 5, schema: avro('L'), deleted: false }) },
      { key: '{"keytype":"DELETE_SUBJECT","subject":"legacy-value","magic":0}', value: '{"subject":"legacy-value","version":1}' },
      // Malformed and unknown records: logged and skipped.
      { key: 'not json', value: '{}' },
      { key: key('bad-value', 1), value: '{"subject":"bad-value","version":1}' },
      { key: '{"keytype":"FUTURE_THING","magic":0}', value: '{"x":1}' },
      // A second schema under an existing id: refused (Confluent's duplicate-id check).
      { key: key('dup-value', 1), value: JSON.stringify({ subject: 'dup-value', version: 1, id: 2, schema: avro('Other'), deleted: false }) },
    ]);
    const errors: string[] = [];
    const store = await open(topic, errors);
    expect((await store.subjectVersions('orders-value')).map((v) => [v.version, v.schemaId, v.deleted])).toEqual([
      [1, 1, true],
      [2, 2, false],
    ]);
    expect(await store.subjectVersions('gone-value')).toEqual([]);
    expect(await store.schemaById('.', 3)).toBeUndefined();
    expect(await store.maxSchemaId('.')).toBe(5);
    const refs = await store.subjectVersion('refs-value', 1);
    expect(refs?.schema).toMatchObject({ schemaType: 'PROTOBUF', metadata: { properties: { owner: 'team-a' } } });
    expect(await store.referrers('orders-value', 2)).toEqual([{ context: '.', id: 4, deleted: false }]);
    expect((await store.subjectVersion(':.staging:orders-value', 1))?.schema.context).toBe('.staging');
    expect(await store.contexts()).toEqual(['.', '.staging']);
    expect(await store.listSettings()).toEqual([
      { scope: '', config: { compatibilityLevel: 'FULL' }, mode: 'READWRITE' },
      { scope: ':.staging:', mode: 'IMPORT' },
      { scope: 'orders-value', config: { compatibilityLevel: 'NONE' } },
    ]);
    expect((await store.subjectVersions('legacy-value')).map((v) => v.deleted)).toEqual([true]);
    expect(await store.subjectVersions('bad-value')).toEqual([]);
    expect(await store.subjectVersions('dup-value')).toEqual([]);
    expect((await store.schemaById('.', 2))?.schema).toBe(avro('B'));
    // Content hashes are computed on load, so registering the same content finds the id again.
    expect(await store.schemaIdByHash('.', contentHash({ schemaType: 'AVRO', schema: avro('B'), references: [] }))).toBe(2);
    expect(errors.length).toBe(4);
    expect(errors.join('\n')).toMatch(/key is not JSON[\s\S]*"id" must be an integer[\s\S]*unknown keytype[\s\S]*id 2 .* different schema/);
  });

  it('loads a topic of several MiB (fetch responses large enough for the reader\'s reused buffers), every record intact', async () => {
    const topic = freshTopic('large');
    // ~2 KiB per record, 6,000 records: ~12 MiB, several fetch responses of a few MiB each, which arrive in
    // many socket chunks and are assembled in the reader's buffers (fetch-receiver.ts).
    const text = (i: number) => JSON.stringify({ type: 'record', name: `R${i}`, doc: `${i} `.repeat(400).slice(0, 1900), fields: [{ name: 'f', type: 'string' }] });
    const records = Array.from({ length: 6_000 }, (_, k) => {
      const id = k + 1;
      const subject = `large-${Math.ceil(id / 3)}`;
      const version = ((id - 1) % 3) + 1;
      return { key: JSON.stringify({ keytype: 'SCHEMA', subject, version, magic: 1 }), value: JSON.stringify({ subject, version, id, schema: text(id), deleted: false }) };
    });
    await createTopic(topic);
    const producer = new Kafka({ clientId: 'test-seeder', brokers: KAFKA_BOOTSTRAP_SERVERS!.split(','), logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    for (let i = 0; i < records.length; i += 200) await producer.send({ topic, acks: -1, messages: records.slice(i, i + 200) });
    await producer.disconnect();
    const store = await open(topic);
    expect(store.stats().versions).toBe(6_000);
    const wrong: number[] = [];
    for (let id = 1; id <= 6_000; id++) if ((await store.schemaById('.', id))?.schema !== text(id)) wrong.push(id);
    expect(wrong).toEqual([]);
    expect((await store.subjectVersion('large-2000', 3))?.schemaId).toBe(6_000);
  });

  it('creates a missing topic compacted with one partition, and refuses a topic of another shape, naming the setting', async () => {
    const fresh = freshTopic('shape');
    await open(fresh);
    const admin = new Kafka({ clientId: 'test-admin', brokers: KAFKA_BOOTSTRAP_SERVERS!.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const meta = await admin.fetchTopicMetadata({ topics: [fresh] });
    const configs = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: fresh, configNames: ['cleanup.policy'] }] });
    await admin.disconnect();
    expect(meta.topics[0]!.partitions).toHaveLength(1);
    expect(configs.resources[0]!.configEntries[0]!.configValue).toBe('compact');

    const partitioned = freshTopic('partitioned');
    await createTopic(partitioned, 2);
    await expect(newStore(partitioned).open()).rejects.toThrow(/has 2 partitions; it must have exactly 1/);
    const deleting = freshTopic('deleting');
    await createTopic(deleting, 1, 'delete');
    await expect(newStore(deleting).open()).rejects.toThrow(/cleanup.policy=delete; it must be compact/);
  });

  it('reloads what it wrote from the topic into a new process’s view', async () => {
    const topic = freshTopic('reload');
    const first = await open(topic);
    await first.join('http://127.0.0.1:1');
    await first.write(async (tx) => {
      const id = await tx.insertSchema(schema('.', '"a"'));
      await tx.insertVersion({ subject: 'r', context: '.', version: 1, schemaId: id, deleted: false, ts: 5 });
      await tx.insertVersion({ subject: 'r2', context: '.', version: 1, schemaId: id, deleted: false, ts: 6 });
    });
    await first.write((tx) => tx.purgeVersion('r2', 1));
    const second = await open(topic);
    expect(await second.subjectVersions('r')).toEqual([{ subject: 'r', context: '.', version: 1, schemaId: 1, deleted: false, ts: expect.any(Number) }]);
    expect(await second.subjectVersions('r2')).toEqual([]);
    expect(await second.versionsOfSchema('.', 1)).toHaveLength(1);
  });

  it('reads without a consumer group, and follows what another process writes', async () => {
    const topic = freshTopic('groupless');
    const writer = await open(topic);
    await writer.join('http://127.0.0.1:1');
    const reader = await open(topic);
    const admin = new Kafka({ clientId: 'test-admin', brokers: KAFKA_BOOTSTRAP_SERVERS!.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      // The election's group is the only one; reading takes none (no join, no rebalance delay at start-up).
      const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.includes(topic));
      expect(groups).toEqual([`schemata-${topic}`]);
    } finally {
      await admin.disconnect();
    }
    const id = await writer.write(async (tx) => {
      const id = await tx.insertSchema(schema('.', '"follow"'));
      await tx.insertVersion({ subject: 'f', context: '.', version: 1, schemaId: id, deleted: false, ts: 1 });
      return id;
    });
    expect(await reader.waitFor(writer.position(), 10_000)).toBe(true);
    expect((await reader.schemaById('.', id))?.schema).toBe('"follow"');
  });

  it('a store that is not the primary refuses writes with NotPrimaryError naming the primary', async () => {
    const topic = freshTopic('follower');
    const primary = await open(topic);
    await primary.join('http://127.0.0.1:1111');
    const follower = await open(topic);
    await follower.join('http://127.0.0.1:2222');
    await expect(follower.write(async () => 1)).rejects.toMatchObject({ name: 'NotPrimaryError', primaryUrl: 'http://127.0.0.1:1111' });
  });

  it('a deposed writer cannot commit: the new primary’s producer fences it at the broker', async () => {
    const topic = freshTopic('fencing');
    const errors: string[] = [];
    const old = await open(topic, errors);
    await old.join('http://127.0.0.1:1');
    await old.write(async (tx) => {
      const id = await tx.insertSchema(schema('.', '"first"'));
      await tx.insertVersion({ subject: 'f', context: '.', version: 1, schemaId: id, deleted: false, ts: 1 });
    });
    // A second store takes over the writer role directly (as a newly elected primary does): it fences.
    const usurper = newStore(topic);
    stores.push(usurper);
    await usurper.open();
    (usurper as unknown as { election: { role: { primary: boolean } } }).election.role.primary = true;
    await usurper.write(async (tx) => {
      const id = await tx.insertSchema(schema('.', '"second"'));
      await tx.insertVersion({ subject: 'f', context: '.', version: 2, schemaId: id, deleted: false, ts: 2 });
    });
    // The old primary still believes it is primary; its write is refused by the broker and leaves nothing.
    await expect(
      old.write(async (tx) => {
        const id = await tx.insertSchema(schema('.', '"zombie"'));
        await tx.insertVersion({ subject: 'f', context: '.', version: 2, schemaId: id, deleted: false, ts: 3 });
      }),
    ).rejects.toMatchObject({ errorCode: 50001 });
    await usurper.waitFor(usurper.position() + 1, 1_000);
    const witness = await open(topic);
    expect((await witness.subjectVersionsWithSchemas('f')).map((v) => [v.version, v.schemaId, v.schema.schema])).toEqual([
      [1, 1, '"first"'],
      [2, 2, '"second"'],
    ]);
    expect((await readTopic(topic)).some((r) => r.value?.includes('zombie'))).toBe(false);
  });

  it('keeps KEKs and DEKs in Confluent\'s _dek_registry_keys format, reloads them, and commits them with _schemas records', async () => {
    const topic = freshTopic('keys-format');
    const keysTopic = freshTopic('keys-format-keys');
    const store = await open(topic, undefined, keysTopic);
    await store.join('http://127.0.0.1:1');
    const kek = { name: 'k1', kmsType: 'local-kms', kmsKeyId: 'id1', kmsProps: { a: '1' }, doc: 'd', shared: true, deleted: false, ts: 1_700_000_000_000 };
    const dek = { kekName: 'k1', subject: 's1', version: 1, algorithm: 'AES256_GCM' as const, encryptedKeyMaterial: 'QUJD', deleted: false, ts: 1_700_000_000_001 };
    await store.write(async (tx) => {
      await tx.putKek(kek);
      await tx.putDek(dek);
      // In the same transaction, a schema: both topics commit together.
      const id = await tx.insertSchema(schema('.', '"string"'));
      await tx.insertVersion({ subject: 's1', context: '.', version: 1, schemaId: id, deleted: false, ts: 1 });
      // The transaction reads its own writes.
      expect(await tx.kek('k1')).toEqual(kek);
      expect(await tx.listDeks('k1', 's1')).toEqual([dek]);
    });
    await store.write((tx) => tx.putDek({ ...dek, deleted: true, ts: dek.ts + 1 }));
    await store.write((tx) => tx.purgeDek('k1', 's1', 'AES256_GCM', 1));
    expect(await readTopic(keysTopic)).toEqual([
      { key: '{"tenant":"default","name":"k1","type":"KEK"}', value: '{"name":"k1","kmsType":"local-kms","kmsKeyId":"id1","kmsProps":{"a":"1"},"doc":"d","shared":true,"deleted":false,"type":"KEK"}' },
      {
        key: '{"tenant":"default","kekName":"k1","subject":"s1","algorithm":"AES256_GCM","version":1,"type":"DEK"}',
        value: '{"kekName":"k1","subject":"s1","algorithm":"AES256_GCM","version":1,"encryptedKeyMaterial":"QUJD","deleted":false,"type":"DEK"}',
      },
      {
        key: '{"tenant":"default","kekName":"k1","subject":"s1","algorithm":"AES256_GCM","version":1,"type":"DEK"}',
        value: '{"kekName":"k1","subject":"s1","algorithm":"AES256_GCM","version":1,"encryptedKeyMaterial":"QUJD","deleted":true,"type":"DEK"}',
      },
      { key: '{"tenant":"default","kekName":"k1","subject":"s1","algorithm":"AES256_GCM","version":1,"type":"DEK"}', value: null },
    ]);
    expect((await readTopic(topic)).length).toBe(1);
    // A fresh process reads both topics back (the record timestamp is the key's ts).
    const witness = await open(topic, undefined, keysTopic);
    expect(await witness.listKeks()).toEqual([kek]);
    expect(await witness.listDeks('k1')).toEqual([]);
  });

  it('loads a keys topic written as Confluent writes it, skipping other tenants and unreadable records', async () => {
    const topic = freshTopic('keys-load');
    const keysTopic = freshTopic('keys-load-keys');
    // Confluent's values also carry offset and ts (set by its cache); key field order may differ.
    await produce(keysTopic, [
      { key: '{"tenant":"default","name":"ck","type":"KEK"}', value: '{"name":"ck","kmsType":"aws-kms","kmsKeyId":"arn:1","kmsProps":{},"shared":false,"deleted":false,"type":"KEK","offset":0,"ts":5}' },
      { key: '{"type":"DEK","tenant":"default","kekName":"ck","subject":"orders-value","algorithm":"AES256_SIV","version":2}', value: '{"kekName":"ck","subject":"orders-value","algorithm":"AES256_SIV","version":2,"encryptedKeyMaterial":"WFla","deleted":true,"type":"DEK"}' },
      { key: '{"tenant":"lsrc-123","name":"other","type":"KEK"}', value: '{"name":"other","kmsType":"aws-kms","kmsKeyId":"x","shared":false,"deleted":false,"type":"KEK"}' },
      { key: 'not json', value: '{}' },
      { key: '{"tenant":"default","kekName":"ck","subject":"s","algorithm":"ROT13","version":1,"type":"DEK"}', value: '{}' },
    ]);
    const errors: string[] = [];
    const store = await open(topic, errors, keysTopic);
    expect((await store.listKeks()).map((k) => [k.name, k.kmsType, k.kmsKeyId, k.shared, k.deleted])).toEqual([['ck', 'aws-kms', 'arn:1', false, false]]);
    expect(await store.listDeks('ck')).toMatchObject([{ subject: 'orders-value', algorithm: 'AES256_SIV', version: 2, encryptedKeyMaterial: 'WFla', deleted: true }]);
    expect(errors.filter((e) => e.includes(keysTopic))).toHaveLength(2);
  });
});
