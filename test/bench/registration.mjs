#!/usr/bin/env node
/**
 * bench:registration — registering a new version under BACKWARD_TRANSITIVE with N = 1, 100 and 1,000
 * earlier versions, for Protobuf and JSON Schema (Avro for reference). The new version must be checked
 * against all N, so this measures how the compatibility path scales: the goal is p50(1000) / p50(1) ≤ 10×.
 *
 * Each subject is seeded over HTTP under NONE with N distinct, mutually compatible, equally sized but
 * structurally different versions (lib/schemas.mjs VARIANTS: base fields + one field of their own), then
 * switched to BACKWARD_TRANSITIVE; for Avro and Protobuf a schema incompatible with version 1 only must
 * then be refused (so the check provably reaches the oldest version). A sample registers a never-seen
 * compatible version (fresh text, so no cache answers it) and times the POST; the version is then deleted
 * and permanently deleted, so N stays fixed. Samples rotate over formats and N (interleaved) after
 * untimed warm-up samples; the table shows p50 (and p90) per N.
 *
 *   npm run bench:registration [-- --postgres] [-- --profile]
 *
 * Options (or environment): --samples N [SAMPLES=15], --warmup N [WARMUP=3], --sizes 1,100,1000 [SIZES],
 * --formats PROTOBUF,JSON,AVRO [FORMATS], --postgres (or DATABASE_URL: a fresh database, dropped
 * afterwards; default in-memory PGlite), --profile (the registry runs under --cpu-prof; the timed phase is
 * summarised).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { enc, request } from './lib/http.mjs';
import { log, printHeader } from './lib/machine.mjs';
import { adminUrl, createBenchDatabase, dropAllBenchDatabases, postgresReachable } from './lib/postgres.mjs';
import { atInterrupt, NODE_FLAGS, startRegistry } from './lib/processes.mjs';
import { latestProfile, monotonicMicros, printProfile } from './lib/profile.mjs';
import { BREAKS_ONLY_FIRST, candidateTag, VARIANTS, versionTag } from './lib/schemas.mjs';
import { fmt, median, percentile, ratio, times } from './lib/stats.mjs';
import { printBlock, printTable } from './lib/table.mjs';

const { values: opts } = parseArgs({
  options: {
    samples: { type: 'string', default: process.env.SAMPLES ?? '15' },
    warmup: { type: 'string', default: process.env.WARMUP ?? '3' },
    sizes: { type: 'string', default: process.env.SIZES ?? '1,100,1000' },
    formats: { type: 'string', default: process.env.FORMATS ?? 'PROTOBUF,JSON,AVRO' },
    postgres: { type: 'boolean', default: Boolean(process.env.DATABASE_URL) },
    profile: { type: 'boolean', default: false },
  },
});
const SAMPLES = Number(opts.samples);
const WARMUP = Number(opts.warmup);
const SIZES = opts.sizes.split(',').map(Number);
const FORMATS = opts.formats.split(',').map((f) => f.trim().toUpperCase());
const GOAL = 10;
const NAMES = { PROTOBUF: 'Protobuf', JSON: 'JSON Schema', AVRO: 'Avro (reference)' };

const tmp = mkdtempSync(join(tmpdir(), 'schemata-bench-registration-'));
atInterrupt(() => rmSync(tmp, { recursive: true, force: true }));
let errors = 0;
let server;

const subjectOf = (format, n) => `bench-${format.toLowerCase()}-${n}`;

async function seedSubject(url, format, n) {
  const subject = enc(subjectOf(format, n));
  await request(url, 'PUT', `/config/${subject}`, { compatibility: 'NONE' });
  const ids = new Set();
  for (let k = 1; k <= n; k++) {
    const r = await request(url, 'POST', `/subjects/${subject}/versions`, { schemaType: format, schema: VARIANTS[format](versionTag(k)) });
    ids.add(r.json.id);
  }
  if (ids.size !== n) throw new Error(`${format}: ${n} versions share ${ids.size} ids; the variants must be distinct`);
  await request(url, 'PUT', `/config/${subject}`, { compatibility: 'BACKWARD_TRANSITIVE' });
  const versions = await request(url, 'GET', `/subjects/${subject}/versions`);
  if (versions.json.length !== n) throw new Error(`${format}: expected ${n} versions, found ${versions.json.length}`);
  const config = await request(url, 'GET', `/config/${subject}`);
  if (config.json.compatibilityLevel !== 'BACKWARD_TRANSITIVE') throw new Error(`${format}: config is ${config.text}`);
  const breaksFirst = BREAKS_ONLY_FIRST[format];
  if (breaksFirst) {
    // Incompatible with version 1 only: must be refused, or the check did not reach the oldest version.
    const r = await request(url, 'POST', `/subjects/${subject}/versions`, { schemaType: format, schema: breaksFirst() }, { ok: [200, 409] });
    if (r.status !== 409) throw new Error(`${format} N=${n}: a schema incompatible with version 1 only was accepted: ${r.text}`);
  }
}

let candidate = 0;
/** One timed registration of a new compatible version, then its removal; returns milliseconds. */
async function sample(url, format, n) {
  const subject = enc(subjectOf(format, n));
  const body = JSON.stringify({ schemaType: format, schema: VARIANTS[format](candidateTag(++candidate)) });
  const started = performance.now();
  const r = await request(url, 'POST', `/subjects/${subject}/versions`, body);
  const ms = performance.now() - started;
  if (r.json.version !== n + 1) throw new Error(`${format} N=${n}: registered version ${r.json.version}, expected ${n + 1}`);
  await request(url, 'DELETE', `/subjects/${subject}/versions/${n + 1}`);
  await request(url, 'DELETE', `/subjects/${subject}/versions/${n + 1}?permanent=true`);
  return ms;
}

async function main() {
  let store = { dataDir: 'memory://' };
  let storeLabel = 'PGlite (in-memory)';
  if (opts.postgres) {
    if (!(await postgresReachable())) throw new Error(`Postgres is not reachable at ${adminUrl()}`);
    const db = await createBenchDatabase('registration');
    store = { databaseUrl: db.url };
    storeLabel = `Postgres (database ${db.name}, dropped afterwards)`;
  }
  printHeader('bench:registration — new version under BACKWARD_TRANSITIVE vs number of earlier versions', {
    store: storeLabel,
    sizes: `N = ${SIZES.join(', ')} earlier versions (~10-field schemas + 1 own field each: distinct, mutually compatible)`,
    samples: `${SAMPLES} timed registrations per format and N (after ${WARMUP} untimed), interleaved; p50`,
    flags: `node ${NODE_FLAGS.join(' ') || '(no extra flags)'}`,
  });

  const profileDir = join(tmp, 'profile');
  server = await startRegistry(store, { nodeFlags: opts.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [] });
  for (const format of FORMATS) {
    for (const n of SIZES) {
      log(`seeding ${format} with ${n} versions`);
      await seedSubject(server.url, format, n);
    }
  }
  const cells = FORMATS.flatMap((format) => SIZES.map((n) => ({ format, n, ms: [] })));
  log('warm-up');
  for (let w = 0; w < WARMUP; w++) for (const c of cells) await sample(server.url, c.format, c.n);
  const from = monotonicMicros();
  for (let s = 0; s < SAMPLES; s++) {
    log(`sample ${s + 1}/${SAMPLES}`);
    // Rotate the order every round so no cell always runs first or last.
    for (let i = 0; i < cells.length; i++) {
      const c = cells[(i + s) % cells.length];
      c.ms.push(await sample(server.url, c.format, c.n));
    }
  }
  const to = monotonicMicros();
  await server.stop();

  const rows = [];
  const lines = [];
  for (const format of FORMATS) {
    const p50 = {};
    const row = [NAMES[format] ?? format];
    for (const n of SIZES) {
      const c = cells.find((x) => x.format === format && x.n === n);
      p50[n] = median(c.ms);
      row.push(`${fmt(p50[n], 2)} (${fmt(percentile(c.ms, 90), 2)})`);
    }
    const lo = SIZES[0];
    const hi = SIZES[SIZES.length - 1];
    const growth = ratio(p50[hi], p50[lo]);
    const perVersion = (p50[hi] - p50[lo]) / (hi - lo);
    row.push(times(growth), `${fmt(perVersion * 1000, 1)} µs`);
    rows.push(row);
    lines.push(
      `${NAMES[format] ?? format}: p50(${hi}) / p50(${lo}) = ${times(growth)} (${fmt(p50[hi], 2)} ms vs ${fmt(p50[lo], 2)} ms; ` +
        `≈ ${fmt(perVersion * 1000, 1)} µs per earlier version; goal ≤ ${GOAL}×: ${growth <= GOAL ? 'met' : 'MISSED'})`,
    );
  }
  printTable(['format', ...SIZES.map((n) => `N=${n} p50 ms (p90)`), `p50(${SIZES.at(-1)})/p50(${SIZES[0]})`, 'per version'], rows);
  lines.push(`store: ${storeLabel}; ${SAMPLES} samples per cell, node ${process.version}`);
  printBlock('RESULT', lines);
  if (opts.profile) {
    process.stdout.write('\n### CPU profile of the registry during the timed samples\n');
    printProfile(latestProfile(profileDir), { window: { from, to }, top: 25 });
  }
}

try {
  await main();
} catch (e) {
  process.stderr.write(`bench:registration failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  errors++;
} finally {
  await server?.stop();
  await dropAllBenchDatabases();
  if (!process.env.KEEP_BENCH_TMP) rmSync(tmp, { recursive: true, force: true });
}
if (errors > 0) process.exitCode = 1;
