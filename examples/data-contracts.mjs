#!/usr/bin/env node
/**
 * Data contracts end to end (README "Data contracts"): registers a schema with a rule set (a CEL
 * condition and field-level encryption of the fields tagged PII), produces to Kafka with @schemata/serdes
 * and consumes with Confluent's @confluentinc/schemaregistry deserializer.
 *
 *   SCHEMA_REGISTRY_URL=http://127.0.0.1:8081 KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9092 \
 *   LOCAL_SECRET=a-demo-secret node examples/data-contracts.mjs
 */
import { Kafka, logLevel } from 'kafkajs';
import * as confluent from '@confluentinc/schemaregistry';
import { AvroSerializer, RegistryClient, SerializationError } from '@schemata/serdes';

const registryUrl = process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081';
const brokers = (process.env.KAFKA_BOOTSTRAP_SERVERS ?? '127.0.0.1:9092').split(',');
const topic = `payments-${Date.now()}`;
const client = new RegistryClient({ baseUrls: [registryUrl] });

// 1. The contract: a schema, a tag on the sensitive field, and the rules.
const { id } = await client.register(`${topic}-value`, {
  schemaType: 'AVRO',
  schema: JSON.stringify({
    type: 'record',
    name: 'Payment',
    namespace: 'acme',
    fields: [
      { name: 'id', type: 'string' },
      { name: 'amount', type: 'double' },
      { name: 'card', type: 'string', 'confluent:tags': ['PII'] },
    ],
  }),
  ruleSet: {
    domainRules: [
      { name: 'positive-amount', kind: 'CONDITION', mode: 'WRITE', type: 'CEL', expr: 'message.amount > 0.0', doc: 'amount must be positive' },
      {
        name: 'encrypt-pii',
        kind: 'TRANSFORM',
        mode: 'WRITEREAD',
        type: 'ENCRYPT',
        tags: ['PII'],
        params: { 'encrypt.kek.name': 'payments-kek', 'encrypt.kms.type': 'local-kms', 'encrypt.kms.key.id': 'payments' },
      },
    ],
  },
});
console.log(`registered ${topic}-value as schema id ${id}`);

// 2. Produce with our SDK: the rules run on serialize (the local KMS secret comes from LOCAL_SECRET).
const kafka = new Kafka({ clientId: 'data-contracts-demo', brokers, logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
await admin.disconnect();
const producer = kafka.producer();
await producer.connect();
const serializer = new AvroSerializer(client, { useLatestVersion: true });
const payment = { id: 'pay-1', amount: 42.5, card: '4111 1111 1111 1111' };
const value = await serializer.serialize(topic, payment);
await producer.send({ topic, messages: [{ key: payment.id, value }] });
console.log(`produced ${value.length} bytes; card in clear on the wire: ${value.includes(Buffer.from(payment.card))}`);
try {
  await serializer.serialize(topic, { ...payment, id: 'pay-2', amount: -1 });
} catch (e) {
  console.log(`refused by the contract: ${e instanceof SerializationError ? e.message : e}`);
}
await producer.disconnect();
const dek = await client.request('GET', `/dek-registry/v1/keks/payments-kek/deks/${topic}-value`);
console.log(`DEK in the registry: version ${dek.version}, ${dek.algorithm}, wrapped key ${dek.encryptedKeyMaterial.length} chars, plaintext key held: ${dek.keyMaterial !== undefined}`);

// 3. Consume with Confluent's deserializer: it decrypts with the same KEK/DEK from the registry.
confluent.LocalKmsDriver.register();
const rules = new confluent.RuleRegistry();
rules.registerExecutor(new confluent.FieldEncryptionExecutor());
const deserializer = new confluent.AvroDeserializer(new confluent.SchemaRegistryClient({ baseURLs: [registryUrl] }), confluent.SerdeType.VALUE, {}, rules);
const consumer = kafka.consumer({ groupId: `demo-${Date.now()}` });
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
await new Promise((resolve, reject) => {
  consumer
    .run({
      eachMessage: async ({ message }) => {
        const read = await deserializer.deserialize(topic, message.value);
        console.log('consumed with @confluentinc/schemaregistry:', JSON.stringify({ ...read }));
        resolve();
      },
    })
    .catch(reject);
});
await consumer.disconnect();
