/**
 * kafkajs on its own, the baseline of bench:console (in its process and in console-bare.mjs): the same
 * batch size (1,000 per request, one in flight) and fetch settings as serdes produce / consume.
 */
import kafkajs from 'kafkajs';

const { Partitioners } = kafkajs;
export const BATCH = 1000;

/** Sends `values` (Buffers) to `topic`; resolves once the last batch is acknowledged. */
export async function produceBytes(kafka, topic, values) {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  for (let i = 0; i < values.length; i += BATCH) {
    await producer.send({ topic, messages: values.slice(i, i + BATCH).map((value) => ({ key: null, value })) });
  }
  await producer.disconnect();
}

/** Reads `n` records of `topic` from the beginning, touching every value; `onDone` runs at the n-th. */
export async function consumeCount(kafka, topic, n, onDone = () => {}) {
  const consumer = kafka.consumer({ groupId: `bench-console-bare-${Math.random()}`, maxBytes: 8 << 20, maxBytesPerPartition: 1 << 20, maxWaitTimeInMs: 250 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let count = 0;
  let size = 0;
  await new Promise((resolve, reject) => {
    consumer
      .run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) {
            size += m.value.length;
            if (++count === n) {
              onDone();
              resolve();
              return;
            }
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  if (size === 0) throw new Error('nothing consumed');
}
