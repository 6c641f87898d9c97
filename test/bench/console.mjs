#!/usr/bin/env node
/**
 * bench:console — `serdes produce` and `serdes consume` on N Avro records (default 100,000), against
 * kafkajs' own produce and consume of the same pre-serialized bytes in the same run, ROUNDS times
 * interleaved:
 *
 * - produce, kafkajs: one producer in this process sends the bytes (serialized beforehand by our
 *   AvroSerializer) in batches of 1,000, one request in flight, from connect to the last acknowledgement;
 * - produce, serdes: `node serdes/dist/cli.js produce TOPIC --value-schema order.avsc < records.jsonl`,
 *   from spawn to exit (process start, registry lookup, JSON parsing, checking, serializing, sending);
 * - consume, kafkajs: a consumer (fresh group, from the beginning) touching every value, from connect
 *   to the N-th record;
 * - consume, serdes: `serdes consume TOPIC --from-beginning --max-messages N > /dev/null`, spawn to exit
 *   (decoding every record and printing it as Avro JSON).
 *
 * - the same two kafkajs baselines as processes of their own (test/bench/lib/console-bare.mjs: a bare
 *   script reading the pre-serialized bytes from a file), spawn to exit, so that both sides pay for
 *   starting Node and loading kafkajs as a console tool always does.
 *
 * Reported: records/s of each and the ratios serdes / kafkajs (goal ≥ 0.5 both ways). Uses
 * KAFKA_BOOTSTRAP_SERVERS when set, otherwise starts a broker of its own in .kafka/bench-console; the
 * registry is a child process on in-memory PGlite. Options (or environment): --records N [RECORDS],
 * --rounds N [ROUNDS].
 */
import { spawn } from 'node:child_process';
import { createReadStream, mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import kafkajs from 'kafkajs';
import { AvroSerializer, RegistryClient } from '../../serdes/dist/index.js';
import { startBroker, stopBroker } from '../kafka/broker.mjs';
import { BATCH, consumeCount, produceBytes } from './lib/kafkajs-bare.mjs';
import { log, printHeader } from './lib/machine.mjs';
import { CLI as REGISTRY_CLI, ROOT, startNodeServer } from './lib/processes.mjs';
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
const SERDES = join(ROOT, 'serdes/dist/cli.js');
const WORK = join(ROOT, '.bench/console');

const ORDER = {
  type: 'record',
  name: 'Order',
  namespace: 'bench.console',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'customer', type: 'string' },
    { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['NEW', 'PAID', 'SHIPPED'] } },
    { name: 'total', type: 'double' },
    { name: 'note', type: ['null', 'string'], default: null },
    {
      name: 'lines',
      type: { type: 'array', items: { type: 'record', name: 'Line', fields: [{ name: 'sku', type: 'string' }, { name: 'qty', type: 'int' }, { name: 'price', type: 'double' }] } },
    },
    { name: 'createdAt', type: 'long' },
  ],
};

function record(i) {
  return {
    id: i,
    customer: `customer-${i % 5000}`,
    status: ['NEW', 'PAID', 'SHIPPED'][i % 3],
    total: (i % 1000) + 0.5,
    note: i % 4 === 0 ? { string: `gift ${i}` } : null,
    lines: [
      { sku: `SKU-${i % 97}`, qty: 1 + (i % 5), price: 9.99 },
      { sku: `SKU-${(i * 7) % 101}`, qty: 2, price: 0.25 },
    ],
    createdAt: 1_700_000_000_000 + i,
  };
}

let ownBroker;
let bootstrap = process.env.KAFKA_BOOTSTRAP_SERVERS;
rmSync(WORK, { recursive: true, force: true });
mkdirSync(WORK, { recursive: true });
if (!bootstrap) {
  const dir = join(ROOT, '.kafka/bench-console');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log('starting a Kafka broker of its own (KAFKA_BOOTSTRAP_SERVERS is not set)');
  ownBroker = await startBroker({ dir, port: 0 });
  bootstrap = ownBroker.bootstrap;
}
const brokers = bootstrap.split(',');
const kafka = new Kafka({ clientId: 'bench-console', brokers, logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();

log('starting the registry (in-memory PGlite)');
const registry = await startNodeServer(REGISTRY_CLI, ['--data-dir', 'memory://', '--port', '0'], { name: 'registry' });

printHeader('bench:console — serdes produce / consume vs kafkajs on the same bytes', {
  records: N.toLocaleString('en-US'),
  rounds: ROUNDS,
  batch: `${BATCH} records per produce request`,
  broker: bootstrap,
});

// The records as JSON lines (Avro JSON encoding) and, for kafkajs, the same records pre-serialized.
const schemaFile = join(WORK, 'order.avsc');
writeFileSync(schemaFile, JSON.stringify(ORDER));
const recordsFile = join(WORK, 'records.jsonl');
const lines = [];
for (let i = 0; i < N; i++) lines.push(JSON.stringify(record(i)));
writeFileSync(recordsFile, `${lines.join('\n')}\n`);
const serializer = new AvroSerializer(new RegistryClient({ baseUrls: [registry.url] }), { schema: ORDER });
const plain = (r) => ({ ...r, note: r.note === null ? null : r.note.string });
const bytes = [];
for (let i = 0; i < N; i++) bytes.push(await serializer.serialize('bench-console', plain(record(i))));
const bytesFile = join(WORK, 'records.bin');
writeFileSync(
  bytesFile,
  Buffer.concat(
    bytes.flatMap((b) => {
      const len = Buffer.alloc(4);
      len.writeUInt32BE(b.length);
      return [len, b];
    }),
  ),
);
log(`records file: ${(lines.reduce((a, l) => a + l.length + 1, 0) / 2 ** 20).toFixed(1)} MiB of JSON; ${(bytes.reduce((a, b) => a + b.length, 0) / 2 ** 20).toFixed(1)} MiB of Avro`);

async function newTopic(label) {
  const topic = `bench-console-${label}-${Date.now()}`;
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  return topic;
}

const BARE_SCRIPT = join(ROOT, 'test/bench/lib/console-bare.mjs');

function run(args, { stdin = 'ignore', stdout = 'ignore', script = SERDES } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [script, ...args], { cwd: ROOT, stdio: ['pipe', stdout, 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    if (stdin === 'ignore') child.stdin.end();
    else createReadStream(stdin).pipe(child.stdin);
    child.once('error', reject);
    child.once('close', (code) => {
      const ms = performance.now() - started;
      if (code !== 0) reject(new Error(`serdes ${args[0]} exited ${code}: ${stderr}`));
      else resolve(ms);
    });
  });
}

async function kafkajsProduce(topic) {
  const started = performance.now();
  await produceBytes(kafka, topic, bytes);
  return performance.now() - started;
}

async function kafkajsConsume(topic) {
  const started = performance.now();
  let ms = 0;
  await consumeCount(kafka, topic, N, () => (ms = performance.now() - started));
  return ms;
}

const results = { kProduce: [], pProduce: [], sProduce: [], kConsume: [], pConsume: [], sConsume: [] };
const devNull = openSync('/dev/null', 'w');
try {
  for (let round = 1; round <= ROUNDS; round++) {
    const kTopic = await newTopic(`k${round}`);
    const sTopic = await newTopic(`s${round}`);
    const pTopic = await newTopic(`p${round}`);
    const common = ['--bootstrap-servers', bootstrap, '--registry', registry.url];
    // Interleaved, alternating which side goes first.
    const produceSteps = [
      async () => results.kProduce.push(await kafkajsProduce(kTopic)),
      async () => results.sProduce.push(await run(['produce', sTopic, ...common, '--value-schema', schemaFile], { stdin: recordsFile })),
      async () => results.pProduce.push(await run(['produce', bootstrap, pTopic, bytesFile], { script: BARE_SCRIPT })),
    ];
    if (round % 2 === 0) produceSteps.reverse();
    for (const step of produceSteps) await step();
    const consumeSteps = [
      async () => results.kConsume.push(await kafkajsConsume(kTopic)),
      async () => results.sConsume.push(await run(['consume', sTopic, ...common, '--from-beginning', '--max-messages', String(N)], { stdout: devNull })),
      async () => results.pConsume.push(await run(['consume', bootstrap, pTopic, String(N)], { script: BARE_SCRIPT })),
    ];
    if (round % 2 === 0) consumeSteps.reverse();
    for (const step of consumeSteps) await step();
    const r = (a) => fmt(N / (a[a.length - 1] / 1000), 0);
    log(
      `round ${round}: produce kafkajs ${r(results.kProduce)}/s, as a process ${r(results.pProduce)}/s, serdes ${r(results.sProduce)}/s; ` +
        `consume kafkajs ${r(results.kConsume)}/s, as a process ${r(results.pConsume)}/s, serdes ${r(results.sConsume)}/s`,
    );
    await admin.deleteTopics({ topics: [kTopic, sTopic, pTopic] }).catch(() => undefined);
  }

  const rate = (ms) => N / (ms / 1000);
  const rows = [];
  for (const [what, k, p, s] of [
    ['produce', results.kProduce, results.pProduce, results.sProduce],
    ['consume', results.kConsume, results.pConsume, results.sConsume],
  ]) {
    const [kr, pr, sr] = [k, p, s].map((x) => rate(median(x)));
    const per = (base) => s.map((ms, i) => fmt(base[i] / ms, 2)).join(' ');
    rows.push([
      what,
      `${fmt(kr, 0)}/s`,
      `${fmt(pr, 0)}/s`,
      `${fmt(sr, 0)}/s (${fmt(median(s), 0)} ms)`,
      `${fmt(sr / kr, 2)} (${per(k)})`,
      `${fmt(sr / pr, 2)} (${per(p)})`,
    ]);
  }
  printTable(['', 'kafkajs in-process', 'kafkajs as a process', 'serdes CLI', 'ratio to in-process (per round)', 'ratio to process (per round)'], rows);
  process.stdout.write('goal: ≥ 0.5 both ways\n');
} finally {
  await admin.disconnect().catch(() => undefined);
  await registry.stop();
  if (ownBroker) await stopBroker({ dir: ownBroker.dir });
}
