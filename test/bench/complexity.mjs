#!/usr/bin/env node
/**
 * bench:complexity — how registration and compatibility checks grow with the size of a schema, and whether
 * one heavy check stalls the registry's reads.
 *
 * 1. Growth. For every case of lib/complexity/{avro,jsonschema,protobuf}.mjs (one dimension each: fields,
 *    union/anyOf/oneOf branches, enum values, messages) and n = 300, 1,000, 3,000: register schema(n) in a
 *    fresh subject (default BACKWARD), then check evolved(n) (size n + 1, compatible) against it. Every
 *    sample sends a text no cache has seen (trailing whitespace varies), so each one parses; the fastest
 *    sample is shown (`--stat min`, the default: load from other processes only ever adds time, so the
 *    fastest of N is the least disturbed measure of the work; `--stat median` for the median), with the growth exponent log(t3000 / t1000) / log 3.
 *    Goals: every exponent ≤ 1.2; at 3,000, register and check under 250 ms.
 * 2. Reads during a heavy check. p99 of GET /schemas/ids/{id} (one client, back to back, keep-alive) with
 *    nothing else running, then while the slowest check of part 1 runs over and over, sent by a second
 *    client in a process of its own (lib/heavy-checks.mjs). Goal: ≤ 2× idle. Measured on the part-1
 *    registry (worker processes, the default) and on one with SCHEMA_WORK_ISOLATION=thread.
 * 3. Inline or worker. Parse time of Avro records of growing size on the calling thread vs. a round trip to
 *    a worker (the registry's SchemaWork, in this process), to show where the inline threshold belongs.
 *
 * The registry is a child process (in-memory PGlite, default settings: worker processes on).
 *
 *   npm run bench:complexity [-- --sizes 300,1000,3000] [-- --samples 5] [-- --only avro,json] [-- --read-seconds 5]
 *
 * A missed goal is printed as MISSED; the exit code is non-zero only for errors (wrong statuses, a case
 * whose evolved schema is not compatible).
 */
import { fork } from 'node:child_process';
import http from 'node:http';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { enc, request } from './lib/http.mjs';
import { log, printHeader } from './lib/machine.mjs';
import { atInterrupt, startRegistry } from './lib/processes.mjs';
import { fmt, median, percentile, times } from './lib/stats.mjs';
import { printBlock, printTable } from './lib/table.mjs';

const { values: opts } = parseArgs({
  options: {
    sizes: { type: 'string', default: process.env.SIZES ?? '300,1000,3000' },
    samples: { type: 'string', default: process.env.SAMPLES ?? '5' },
    only: { type: 'string', default: process.env.ONLY ?? 'avro,jsonschema,protobuf' },
    'read-seconds': { type: 'string', default: process.env.READ_SECONDS ?? '5' },
    stat: { type: 'string', default: process.env.STAT ?? 'min' },
  },
});
const SIZES = opts.sizes.split(',').map(Number);
const SAMPLES = Number(opts.samples);
const READ_SECONDS = Number(opts['read-seconds']);
if (opts.stat !== 'min' && opts.stat !== 'median') throw new Error('--stat must be min or median');
const STAT_NAME = opts.stat === 'min' ? 'fastest' : 'median';
const stat = opts.stat === 'min' ? (xs) => Math.min(...xs) : median;
const FORMATS = opts.only.split(',').map((s) => s.trim()).filter(Boolean);
const GOALS = { exponent: 1.2, largestMs: 250, readP99Ratio: 2 };

const cases = [];
for (const format of FORMATS) {
  const mod = await import(`./lib/complexity/${format}.mjs`);
  cases.push(...mod.cases);
}

printHeader('bench:complexity — growth of schema work with schema size, and reads during a heavy check', {
  sizes: SIZES.join(', '),
  samples: `${SAMPLES} per size (${STAT_NAME} shown)`,
  cases: cases.length,
});

let errors = 0;
const server = await startRegistry({ dataDir: 'memory://' });
atInterrupt(() => server.stop());
const url = server.url;

/** POST with a body prepared in advance; resolves to { status, text, ms }. */
async function timedPost(path, body) {
  const t0 = performance.now();
  const r = await request(url, 'POST', path, body, { ok: [200, 409, 422] });
  return { ...r, ms: performance.now() - t0 };
}

/** The request body for a schema text, `k` trailing spaces making it new to every cache. */
const bodyOf = (schemaType, text, k) => JSON.stringify({ schemaType, schema: text + ' '.repeat(k) });

// ---- 1. Growth ------------------------------------------------------------------------------------------
const growth = [];
let slowest;
for (const c of cases) {
  const row = { name: c.name, schemaType: c.schemaType, register: [], check: [] };
  for (const n of SIZES) {
    const schema = c.schema(n);
    const evolved = c.evolved(n);
    const subject = enc(`cx-${c.schemaType}-${c.name}-${n}`.replace(/[^\w.-]+/g, '_'));
    const registerMs = [];
    const checkMs = [];
    for (let k = 0; k < SAMPLES; k++) {
      // Register: a fresh subject per sample, so each one stores a version (same id, as the text is the same).
      const r = await timedPost(`/subjects/${subject}-${k}/versions`, bodyOf(c.schemaType, schema, k));
      if (r.status !== 200) {
        errors++;
        log(`${c.name} n=${n}: register answered ${r.status}: ${r.text.slice(0, 300)}`);
        break;
      }
      registerMs.push(r.ms);
      const check = await timedPost(`/compatibility/subjects/${subject}-0/versions/latest`, bodyOf(c.schemaType, evolved, k));
      if (check.status !== 200 || check.json?.is_compatible !== true) {
        errors++;
        log(`${c.name} n=${n}: the evolved schema is not compatible: ${check.status} ${check.text.slice(0, 300)}`);
        break;
      }
      checkMs.push(check.ms);
    }
    row.register.push(stat(registerMs));
    row.check.push(stat(checkMs));
    const top = stat(checkMs);
    if (n === SIZES[SIZES.length - 1] && (!slowest || top > slowest.ms)) slowest = { c, n, subject: `${subject}-0`, evolved, ms: top };
    log(`${c.name} n=${n}: register ${fmt(stat(registerMs), 1)} ms, check ${fmt(stat(checkMs), 1)} ms (${STAT_NAME}; medians ${fmt(median(registerMs), 1)}, ${fmt(median(checkMs), 1)})`);
  }
  growth.push(row);
}

const exponent = (ts) => {
  const a = ts[ts.length - 2];
  const b = ts[ts.length - 1];
  const ra = SIZES[SIZES.length - 1] / SIZES[SIZES.length - 2];
  return a > 0 && b > 0 ? Math.log(b / a) / Math.log(ra) : NaN;
};
const missed = [];
const rows = growth.map((g) => {
  const eR = exponent(g.register);
  const eC = exponent(g.check);
  const lastR = g.register[g.register.length - 1];
  const lastC = g.check[g.check.length - 1];
  if (!(eR <= GOALS.exponent) || !(eC <= GOALS.exponent) || !(lastR < GOALS.largestMs) || !(lastC < GOALS.largestMs)) missed.push(g.name);
  return [
    g.schemaType,
    g.name,
    ...g.register.map((t) => fmt(t, 1)),
    fmt(eR, 2),
    ...g.check.map((t) => fmt(t, 1)),
    fmt(eC, 2),
  ];
});
process.stdout.write(`\nGrowth (${STAT_NAME} of ${SAMPLES} samples, ms per request through HTTP; exponent from the two largest sizes)\n\n`);
printTable(
  ['format', 'case', ...SIZES.map((n) => `register ${n}`), 'exp', ...SIZES.map((n) => `check ${n}`), 'exp'],
  rows,
);

// ---- 2. Reads during a heavy check ----------------------------------------------------------------------
/** p99 of back-to-back reads on `base`, idle and then while a second client process checks `subject` over and over. */
async function readsDuringHeavyCheck(base, subject, label) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const target = new URL(base);
  const get = (path) =>
    new Promise((resolve, reject) => {
      const t0 = performance.now();
      const req = http.request({ host: target.hostname, port: target.port, path, agent, headers: { accept: 'application/json' } }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - t0) : reject(new Error(`GET ${path}: ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end();
    });
  // A small schema of its own is read (not whatever got id 1).
  const { json: read } = await request(base, 'POST', '/subjects/cx-read/versions', { schema: '"string"' });
  const readLatencies = async (seconds) => {
    const out = [];
    const end = performance.now() + seconds * 1000;
    while (performance.now() < end) out.push(await get(`/schemas/ids/${read.id}`));
    return out;
  };
  await readLatencies(1); // warm-up
  const idle = await readLatencies(READ_SECONDS);
  // The heavy checks come from a child process (lib/heavy-checks.mjs): another client, as in production.
  const child = fork(new URL('./lib/heavy-checks.mjs', import.meta.url));
  const done = new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`the heavy-check client exited with ${code}`)));
  });
  child.send({ url: base, path: `/compatibility/subjects/${subject}/versions/latest`, schemaType: slowest.c.schemaType, schema: slowest.evolved });
  const busy = await readLatencies(READ_SECONDS);
  child.send('stop');
  const { checks, error } = await done;
  agent.destroy();
  if (error) {
    errors++;
    log(error);
  }
  const p99Idle = percentile(idle, 99);
  const p99Busy = percentile(busy, 99);
  process.stdout.write(`\nReads of GET /schemas/ids/{id} while "${slowest.c.name}" n=${slowest.n} is checked over and over, ${label} (${checks} checks ran)\n\n`);
  printTable(
    ['phase', 'requests', 'p50 ms', 'p99 ms', 'max ms'],
    [
      ['idle', idle.length, fmt(median(idle), 2), fmt(p99Idle, 2), fmt(Math.max(...idle), 2)],
      ['heavy check running', busy.length, fmt(median(busy), 2), fmt(p99Busy, 2), fmt(Math.max(...busy), 2)],
    ],
  );
  return p99Busy / p99Idle;
}

const readRatios = {};
if (slowest) readRatios['worker processes (default)'] = await readsDuringHeavyCheck(url, slowest.subject, 'worker processes (default)');
await server.stop();
if (slowest) {
  // The same with SCHEMA_WORK_ISOLATION=thread, on a registry of its own holding the same schema.
  const threads = await startRegistry({ dataDir: 'memory://' }, { extraArgs: ['--schema-work-isolation', 'thread'] });
  try {
    await request(threads.url, 'POST', `/subjects/${slowest.subject}/versions`, bodyOf(slowest.c.schemaType, slowest.c.schema(slowest.n), 0));
    readRatios['worker threads'] = await readsDuringHeavyCheck(threads.url, slowest.subject, 'worker threads (SCHEMA_WORK_ISOLATION=thread)');
  } finally {
    await threads.stop();
  }
}

// ---- 3. Inline or worker --------------------------------------------------------------------------------
const { PooledSchemaWork } = await import('../../registry/dist/schema-work/pool.js');
const inline = new PooledSchemaWork({ threads: 0 });
const pooled = new PooledSchemaWork({ threads: 1, inlineBytes: 0, warm: true });
const avroRecord = (fields, tag) =>
  JSON.stringify({ type: 'record', name: `R${tag}`, fields: Array.from({ length: fields }, (_, i) => ({ name: `f${i}`, type: 'string', default: '' })) });
const source = (text) => ({ schemaType: 'AVRO', schema: text, references: [], referencesKey: '', validate: true, normalize: false });
await pooled.prepare(source(avroRecord(1, 'warm')));
const inlineRows = [];
let tag = 0;
for (const fields of [10, 40, 160, 640, 2560]) {
  const size = avroRecord(fields, 0).length;
  const run = async (work) => {
    const ms = [];
    for (let k = 0; k < 30; k++) {
      const text = avroRecord(fields, ++tag);
      const t0 = performance.now();
      const r = await work.prepare(source(text));
      ms.push(performance.now() - t0);
      if (!r.ok) throw new Error(JSON.stringify(r.failure));
    }
    return median(ms);
  };
  const a = await run(inline);
  const b = await run(pooled);
  inlineRows.push([fields, size, fmt(a, 3), fmt(b, 3), times(b / a)]);
}
await pooled.close();
process.stdout.write('\nParse of an Avro record on the calling thread vs. on a worker (median of 30, ms)\n\n');
printTable(['fields', 'characters', 'inline ms', 'worker ms', 'worker / inline'], inlineRows);

printBlock('RESULT', [
  `growth: ${missed.length === 0 ? 'every exponent ≤ 1.2 and every n=3000 request < 250 ms' : `MISSED for ${missed.join('; ')}`}`,
  ...Object.entries(readRatios).map(
    ([mode, ratio]) => `reads during a heavy check, ${mode}: p99 ${times(ratio)} of idle (goal ≤ ${GOALS.readP99Ratio}×)${ratio <= GOALS.readP99Ratio ? '' : ' MISSED'}`,
  ),
  `errors: ${errors}`,
]);
process.exitCode = errors > 0 ? 1 : 0;
