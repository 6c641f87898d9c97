/** Kafka topics for the console suites: created, written and read raw with kafkajs (no serdes in between). */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners, type KafkaMessage } from 'kafkajs';
import { KAFKA_BOOTSTRAP_SERVERS, freshTopic } from '../helpers/kafka.js';

function kafka(): Kafka {
  return new Kafka({ clientId: 'console-test', brokers: KAFKA_BOOTSTRAP_SERVERS!.split(','), logLevel: logLevel.NOTHING });
}

/** A new topic with `partitions` partitions. */
export async function newTopic(label: string, partitions = 1): Promise<string> {
  const topic = freshTopic(`console-${label}`);
  const admin = kafka().admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
  return topic;
}

/** Sends raw key/value bytes as they are. */
export async function sendRaw(topic: string, messages: Array<{ key?: Buffer | string | null; value: Buffer | string | null; partition?: number }>): Promise<void> {
  const producer = kafka().producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    await producer.send({ topic, messages });
  } finally {
    await producer.disconnect();
  }
}

/** Every record of `topic` (all partitions) as kafkajs returns it, read from the beginning to the end. */
export async function readRaw(topic: string): Promise<Array<KafkaMessage & { partition: number }>> {
  const k = kafka();
  const admin = k.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const want = new Map(offsets.map((o) => [o.partition, Number(o.high)]));
  const out: Array<KafkaMessage & { partition: number }> = [];
  if ([...want.values()].every((h) => h === 0)) return out;
  const consumer = k.consumer({ groupId: `console-test-${randomUUID()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen = new Map<number, number>();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out reading ${topic}`)), 30_000);
    consumer
      .run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          out.push({ ...message, partition });
          seen.set(partition, Number(message.offset) + 1);
          if ([...want].every(([p, h]) => (seen.get(p) ?? 0) >= h)) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return out.sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset));
}
