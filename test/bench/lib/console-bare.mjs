#!/usr/bin/env node
/**
 * The bare-kafkajs baseline of bench:console as a process of its own, like the CLI it is compared with:
 *
 *   node console-bare.mjs produce BROKERS TOPIC FILE    # FILE: pre-serialized values, each a 4-byte length then the bytes
 *   node console-bare.mjs consume BROKERS TOPIC N       # reads N records from the beginning, touching each value
 *
 * Same batch size (1,000 per request, one in flight) and fetch settings as serdes produce / consume.
 */
import { readFileSync } from 'node:fs';
import kafkajs from 'kafkajs';

const { Kafka, logLevel, Partitioners } = kafkajs;
const [mode, brokers, topic, arg] = process.argv.slice(2);
const kafka = new Kafka({ clientId: 'bench-console-bare', brokers: brokers.split(','), logLevel: logLevel.NOTHING });

if (mode === 'produce') {
  const data = readFileSync(arg);
  const values = [];
  for (let pos = 0; pos < data.length; ) {
    const len = data.readUInt32BE(pos);
    values.push(data.subarray(pos + 4, pos + 4 + len));
    pos += 4 + len;
  }
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  for (let i = 0; i < values.length; i += 1000) {
    await producer.send({ topic, messages: values.slice(i, i + 1000).map((value) => ({ key: null, value })) });
  }
  await producer.disconnect();
} else if (mode === 'consume') {
  const n = Number(arg);
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
            if (++count === n) return resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  if (size === 0) process.exitCode = 1;
} else {
  process.stderr.write('usage: console-bare.mjs produce|consume BROKERS TOPIC FILE|N\n');
  process.exitCode = 2;
}
