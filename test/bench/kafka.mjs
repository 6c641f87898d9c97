#!/usr/bin/env node
/**
 * bench:kafka — the Kafka store's start-up on a `_schemas` topic of N schema records (default 100,000:
 * N/10 subjects × 10 versions, each version a distinct Avro record of ~300 bytes, written in Confluent's
 * format). Measured in one process, interleaved, ROUNDS times:
 *
 * - bare: kafkajs' own consumption of the whole topic (a consumer reading from offset 0 to the end,
 *   touching each record's key and value), the baseline;
 * - store: `KafkaStore.open()` from nothing to ready (reading, decoding, hashing and indexing every record).
 *
 * Reported: time to ready, records/s of each and their ratio (goal ≥ 0.6), and the heap the store holds
 * at ready per stored version beyond the schema text itself (goal ≤ 1 KiB), measured with --expose-gc
 * as heap after open minus heap before, minus the bytes of the schema strings; and the same once the
 * hash and guid indexes, built in the background after ready, are complete.
 *
 * Uses KAFKA_BOOTSTRAP_SERVERS when set, otherwise starts a broker of its own (test/kafka/broker.mjs) in
 * .kafka/bench and stops it afterwards. Options (or environment): --records N [RECORDS], --rounds N [ROUNDS].
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import kafkajs from 'kafkajs';
import { KafkaStore } from '../../registry/dist/store/kafka/kafka-store.js';
import { startBroker, stopBroker } from '../kafka/broker.mjs';
import { log, printHeader } from './lib/machine.mjs';
import { fmt, median } from './lib/stats.mjs';
import { printTable } from './lib/table.mjs';

const { Kafka, logLevel } = kafkajs;
const { values: opts } = parseArgs({
  options: {
    records: { type: 'string', default: process.env.RECORDS ?? '100000' },
    rounds: { type: 'string', default: process.env.ROUNDS ?? '3' },
  },
});
const N = Number(opts.records);
const ROUNDS = Number(opts.rounds);
if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc (npm run bench:kafka does)');

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
let ownBroker;
let bootstrap = process.env.KAFKA_BOOTSTRAP_SERVERS;
if (!bootstrap) {
  const dir = join(ROOT, '.kafka/bench');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log('starting a Kafka broker of its own (KAFKA_BOOTSTRAP_SERVERS is not set)');
  ownBroker = await startBroker({ dir, port: 0 });
  bootstrap = ownBroker.bootstrap;
}
const brokers = bootstrap.split(',');
const topic = `schemata-bench-${Date.now()}`;

const schemaText = (i) =>
  JSON.stringify({
    type: 'record',
    name: `Record${i}`,
    namespace: 'com.acme.bench',
    fields: [
      { name: 'id', type: 'long' },
      { name: 'name', type: 'string' },
      { name: 'amount', type: 'double' },
      { name: `note${i % 10}`, type: ['null', 'string'], default: null },
    ],
  });

async function seed() {
  const kafka = new Kafka({ clientId: 'bench-seed', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  let textBytes = 0;
  for (let start = 1; start <= N; start += 2000) {
    const messages = [];
    for (let id = start; id < Math.min(start + 2000, N + 1); id++) {
      const subject = `subject-${Math.ceil(id / 10)}`;
      const version = ((id - 1) % 10) + 1;
      const schema = schemaText(id);
      textBytes += schema.length;
      messages.push({
        key: JSON.stringify({ keytype: 'SCHEMA', subject, version, magic: 1 }),
        value: JSON.stringify({ subject, version, id, schema, deleted: false }),
      });
    }
    await producer.send({ topic, acks: -1, messages });
  }
  await producer.disconnect();
  return textBytes;
}

async function endOffset() {
  const admin = new Kafka({ clientId: 'bench-offsets', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const [p] = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  return Number(p.high);
}

/** kafkajs alone: read every record from offset 0 to the end (same consumer settings as the store's reader). */
async function bare(end) {
  const kafka = new Kafka({ clientId: 'bench-bare', brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `bench-bare-${Date.now()}`, maxBytes: 16 << 20, maxBytesPerPartition: 16 << 20, maxWaitTimeInMs: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let bytes = 0;
  const t0 = performance.now();
  await new Promise((done) => {
    void consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) bytes += m.key.length + (m.value?.length ?? 0);
        if (Number(batch.lastOffset()) + 1 >= end) done();
      },
    });
  });
  const ms = performance.now() - t0;
  await consumer.disconnect();
  return { ms, bytes };
}

async function store() {
  gc();
  const before = process.memoryUsage().heapUsed;
  const s = new KafkaStore({ bootstrapServers: bootstrap, topic, replicationFactor: 1, sessionTimeoutMs: 6000 });
  const t0 = performance.now();
  await s.open();
  const ms = performance.now() - t0;
  gc();
  const heap = process.memoryUsage().heapUsed - before;
  // The hash and guid indexes are built after ready (in the background); a lookup by guid builds them now.
  await s.schemasByGuid('00000000-0000-0000-0000-000000000000');
  gc();
  const indexedHeap = process.memoryUsage().heapUsed - before;
  const stats = s.stats();
  await s.close();
  return { ms, heap, indexedHeap, stats };
}

printHeader('bench:kafka — Kafka store start-up vs bare kafkajs consumption', { records: N, rounds: ROUNDS, topic });
try {
  log(`seeding ${N} records`);
  const textBytes = await seed();
  const end = await endOffset();
  const bareRuns = [];
  const storeRuns = [];
  for (let r = 0; r < ROUNDS; r++) {
    log(`round ${r + 1}/${ROUNDS}`);
    bareRuns.push(await bare(end));
    storeRuns.push(await store());
    log(`  bare ${fmt(bareRuns.at(-1).ms, 0)} ms, store ${fmt(storeRuns.at(-1).ms, 0)} ms`);
  }
  const bareMs = median(bareRuns.map((b) => b.ms));
  const storeMs = median(storeRuns.map((s) => s.ms));
  const versions = storeRuns[0].stats.versions;
  if (versions !== N) throw new Error(`the store holds ${versions} versions, expected ${N}`);
  // One-byte strings: length bytes plus V8's header; the texts are counted once (one per schema id).
  const perVersion = median(storeRuns.map((s) => (s.heap - textBytes) / versions));
  const perVersionIndexed = median(storeRuns.map((s) => (s.indexedHeap - textBytes) / versions));
  printTable(
    ['measure', 'value'],
    [
      ['records in the topic', String(end)],
      ['bare kafkajs read, median ms', fmt(bareMs, 0)],
      ['bare kafkajs records/s', fmt((end / bareMs) * 1000, 0)],
      ['store start → ready, median ms', fmt(storeMs, 0)],
      ['store catch-up records/s', fmt((end / storeMs) * 1000, 0)],
      ['ratio store / bare (goal ≥ 0.6)', fmt(bareMs / storeMs, 2)],
      ['heap at ready, MiB', fmt(median(storeRuns.map((s) => s.heap)) / 2 ** 20, 1)],
      ['schema text, MiB', fmt(textBytes / 2 ** 20, 1)],
      ['heap per version beyond the text at ready, bytes (goal ≤ 1024)', fmt(perVersion, 0)],
      ['the same once hashes and guids are indexed (after ready), bytes', fmt(perVersionIndexed, 0)],
    ],
  );
} finally {
  const admin = new Kafka({ clientId: 'bench-cleanup', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect().then(() => admin.deleteTopics({ topics: [topic] })).catch(() => {});
  await admin.disconnect().catch(() => {});
  if (ownBroker) await stopBroker({ dir: ownBroker.dir });
}
