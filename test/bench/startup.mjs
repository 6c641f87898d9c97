#!/usr/bin/env node
/**
 * bench:startup — time from spawning the registry to its first successful `GET /schemas/ids/1`, with
 * 100,000 stored schemas (100k subjects × 1 version) versus a store holding a single schema (the smallest
 * store on which that GET can succeed), on PGlite (a data directory under a temp folder) and on Postgres
 * (a fresh database, dropped afterwards; skipped when unreachable). Start-up must not scan or replay the
 * store, so the goal is ≤ 2× the small store.
 *
 * Stores are migrated by `schema-registry migrate`, then seeded by direct SQL (see lib/seed.mjs), checked
 * against the registry's own canonical form and identity code, and finally checked through HTTP (a seeded
 * schema re-registers to its seeded id; the next new schema gets id N+1).
 *
 * Each store gets one untimed start (page cache), then STARTS timed starts interleaved small/large; the
 * table shows medians. Options (or environment): --schemas N [SCHEMAS=100000], --starts N [STARTS=3],
 * --no-postgres, --no-pglite.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { enc, request } from './lib/http.mjs';
import { log, printHeader } from './lib/machine.mjs';
import { adminUrl, connect, createBenchDatabase, dropAllBenchDatabases, postgresReachable } from './lib/postgres.mjs';
import { atInterrupt, migrateStore, NODE_FLAGS, startRegistry } from './lib/processes.mjs';
import { seedSchemaText, seedSql, verifySeedRow, verifySeedTemplate } from './lib/seed.mjs';
import { fmt, median, ratio, times } from './lib/stats.mjs';
import { printBlock, printTable } from './lib/table.mjs';

const { values: opts } = parseArgs({
  options: {
    schemas: { type: 'string', default: process.env.SCHEMAS ?? '100000' },
    starts: { type: 'string', default: process.env.STARTS ?? '3' },
    'no-postgres': { type: 'boolean', default: false },
    'no-pglite': { type: 'boolean', default: false },
  },
});
const N = Number(opts.schemas);
const STARTS = Number(opts.starts);
const GOAL = 2;

const tmp = mkdtempSync(join(tmpdir(), 'schemata-bench-startup-'));
atInterrupt(() => rmSync(tmp, { recursive: true, force: true }));
let errors = 0;

/** Seeds a migrated store with `count` schemas; returns the seeding time in ms. */
async function seed(kind, store, count) {
  await migrateStore(store);
  const started = performance.now();
  if (kind === 'pglite') {
    const db = new PGlite(store.dataDir);
    await db.waitReady;
    await db.exec(seedSql(1, count));
    await verifySeedRow(async (sql, params) => (await db.query(sql, params)).rows, count);
    await verifySeedRow(async (sql, params) => (await db.query(sql, params)).rows, 1);
    await db.exec('CHECKPOINT');
    await db.close();
  } else {
    const client = await connect(store.databaseUrl);
    try {
      await client.query(seedSql(1, count));
      await client.query('ANALYZE');
      const query = async (sql, params) => (await client.query(sql, params)).rows;
      await verifySeedRow(query, count);
      await verifySeedRow(query, 1);
    } finally {
      await client.end();
    }
  }
  return performance.now() - started;
}

/** One start: spawn → ready line → first 200 on GET /schemas/ids/1. */
async function timeStart(store) {
  const server = await startRegistry(store);
  try {
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(`${server.url}/schemas/ids/1`).catch(() => undefined);
      if (res?.status === 200) {
        await res.text();
        break;
      }
      await res?.text();
      if (attempt > 500) throw new Error(`GET /schemas/ids/1 never succeeded (last status ${res?.status})`);
      await sleep(10);
    }
    return { listening: server.listeningMs, ready: performance.now() - server.spawnedAt };
  } finally {
    await server.stop();
  }
}

/** After timing: the seeded data behaves like registered data. */
async function verifyThroughHttp(store, count) {
  const server = await startRegistry(store);
  try {
    const i = Math.max(1, Math.floor(count / 2));
    const again = await request(server.url, 'POST', `/subjects/subject-${i}/versions`, { schema: seedSchemaText(i) });
    if (again.json.id !== i || again.json.version !== 1) throw new Error(`re-registering seeded schema ${i} gave ${again.text}`);
    const fresh = await request(server.url, 'POST', `/subjects/${enc('bench-new')}/versions`, { schema: seedSchemaText(count + 1) });
    if (fresh.json.id !== count + 1) throw new Error(`a new schema got id ${fresh.json.id}, expected ${count + 1}`);
    const last = await request(server.url, 'GET', `/schemas/ids/${count}`);
    if (last.json.schema !== seedSchemaText(count)) throw new Error(`GET /schemas/ids/${count} gave ${last.text}`);
  } finally {
    await server.stop();
  }
}

async function benchStore(kind) {
  const label = kind === 'pglite' ? 'PGlite (data directory)' : 'Postgres';
  const stores = {};
  const seedMs = {};
  for (const [size, count] of [
    ['small', 1],
    ['large', N],
  ]) {
    if (kind === 'pglite') stores[size] = { dataDir: join(tmp, `pglite-${size}`) };
    else stores[size] = { databaseUrl: (await createBenchDatabase(`startup_${size}`)).url };
    log(`${label}: seeding ${count} schema(s)`);
    seedMs[size] = await seed(kind, stores[size], count);
  }
  log(`${label}: untimed first starts`);
  await timeStart(stores.small);
  await timeStart(stores.large);
  const samples = { small: [], large: [] };
  for (let s = 0; s < STARTS; s++) {
    for (const size of s % 2 === 0 ? ['small', 'large'] : ['large', 'small']) {
      log(`${label}: start ${s + 1}/${STARTS}, ${size} store`);
      samples[size].push(await timeStart(stores[size]));
    }
  }
  await verifyThroughHttp(stores.large, N);
  const m = (size, key) => median(samples[size].map((x) => x[key]));
  return {
    label,
    seedMs,
    small: { listening: m('small', 'listening'), ready: m('small', 'ready'), all: samples.small },
    large: { listening: m('large', 'listening'), ready: m('large', 'ready'), all: samples.large },
  };
}

async function main() {
  const kinds = [];
  if (!opts['no-pglite']) kinds.push('pglite');
  let pgNote = 'skipped (--no-postgres)';
  if (!opts['no-postgres']) {
    if (await postgresReachable()) {
      kinds.push('postgres');
      pgNote = `${new URL(adminUrl()).host}, fresh databases dropped afterwards`;
    } else pgNote = `not reachable at ${adminUrl()}: skipped`;
  }
  printHeader('bench:startup — spawn to first successful GET /schemas/ids/1', {
    stores: `1 schema vs ${N.toLocaleString('en-US')} schemas (${N.toLocaleString('en-US')} subjects × 1 version), seeded by SQL`,
    postgres: pgNote,
    starts: `${STARTS} timed starts per store (after one untimed), interleaved, median`,
    flags: `node ${NODE_FLAGS.join(' ') || '(no extra flags)'}`,
  });
  verifySeedTemplate();

  const results = [];
  for (const kind of kinds) results.push(await benchStore(kind));

  const rows = [];
  for (const r of results) {
    for (const size of ['small', 'large']) {
      const x = r[size];
      rows.push([
        r.label,
        size === 'small' ? '1' : N.toLocaleString('en-US'),
        fmt(x.listening, 0),
        fmt(x.ready, 0),
        x.all.map((s) => fmt(s.ready, 0)).join(' / '),
        fmt(r.seedMs[size] / 1000, 1),
      ]);
    }
  }
  process.stdout.write('\n');
  printTable(['store', 'schemas', 'to listening ms', 'to first GET ms', 'each start (ms)', 'seeding s'], rows);

  const lines = results.map((r) => {
    const q = ratio(r.large.ready, r.small.ready);
    return `${r.label}: start-up with ${N.toLocaleString('en-US')} schemas = ${times(q)} the 1-schema store (${fmt(r.large.ready, 0)} ms vs ${fmt(r.small.ready, 0)} ms; goal ≤ ${GOAL}×: ${q <= GOAL ? 'met' : 'MISSED'})`;
  });
  lines.push(`median of ${STARTS} starts each, node ${process.version}`);
  printBlock('RESULT', lines);
}

try {
  await main();
} catch (e) {
  process.stderr.write(`bench:startup failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  errors++;
} finally {
  await dropAllBenchDatabases();
  rmSync(tmp, { recursive: true, force: true });
}
if (errors > 0) process.exitCode = 1;
