#!/usr/bin/env node
/**
 * bench:http — the registry's HTTP throughput against a bare fastify server returning the same bytes.
 *
 *   (a) GET /schemas/ids/{id} (hot, cached)          vs bare GET route with the same response bytes
 *   (b) POST /subjects/{s}/versions re-registering an existing ~10-field Avro record
 *                                                    vs bare POST route that JSON-parses the body
 *
 * Both servers are child processes started with the same Node flags (BENCH_NODE_FLAGS); autocannon runs in
 * this process against loopback. After a warm-up, every round runs registry and bare back to back in
 * alternating order; the table shows medians over the rounds, and the ratio is the median of the per-round
 * ratios (registry run / the bare run next to it), which tracks the machine's load better than a ratio of
 * medians on a noisy machine. Goals: (a) ≥ 85 % of bare, (b) ≥ 50 %.
 * A missed goal is printed as MISSED; the exit code is non-zero only for errors (non-2xx, wrong bodies).
 *
 *   npm run bench:http [-- --postgres] [-- --profile]
 *
 * Options (or environment): --postgres (or DATABASE_URL set: a fresh database on that server, dropped
 * afterwards; default is in-memory PGlite), --rounds N [ROUNDS=5], --duration S [DURATION=5],
 * --warmup S [WARMUP=3], --connections N [CONNECTIONS=50], --profile (afterwards, one more run of each
 * scenario against a registry and a bare server under `node --cpu-prof`: CPU per request by category for
 * both, and the registry's busiest functions), --only get|post [ONLY] (one scenario).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLIENT_HEADERS, enc, request } from './lib/http.mjs';
import { failures, load } from './lib/load.mjs';
import { log, printHeader } from './lib/machine.mjs';
import { createBenchDatabase, dropAllBenchDatabases, postgresReachable, adminUrl } from './lib/postgres.mjs';
import { atInterrupt, cpuTimeMs, NODE_FLAGS, startBare, startRegistry } from './lib/processes.mjs';
import { analyseProfile, latestProfile, monotonicMicros, printProfile } from './lib/profile.mjs';
import { ORDER_AVRO } from './lib/schemas.mjs';
import { fmt, median, pct, ratio } from './lib/stats.mjs';
import { printBlock, printTable } from './lib/table.mjs';

const { values: opts } = parseArgs({
  options: {
    postgres: { type: 'boolean', default: Boolean(process.env.DATABASE_URL) },
    rounds: { type: 'string', default: process.env.ROUNDS ?? '5' },
    duration: { type: 'string', default: process.env.DURATION ?? '5' },
    warmup: { type: 'string', default: process.env.WARMUP ?? '3' },
    connections: { type: 'string', default: process.env.CONNECTIONS ?? '50' },
    profile: { type: 'boolean', default: false },
    only: { type: 'string', default: process.env.ONLY ?? 'get,post' },
  },
});
const SCENARIOS = opts.only.split(',').map((x) => x.trim().toLowerCase()).filter((x) => x === 'get' || x === 'post');
const ROUNDS = Number(opts.rounds);
const DURATION = Number(opts.duration);
const WARMUP = Number(opts.warmup);
const CONNECTIONS = Number(opts.connections);
const GOALS = { get: 0.85, post: 0.5 };
const SUBJECT = 'bench-orders-value';
const REGISTER_BODY = JSON.stringify({ schema: JSON.stringify(ORDER_AVRO) });

const tmp = mkdtempSync(join(tmpdir(), 'schemata-bench-http-'));
atInterrupt(() => rmSync(tmp, { recursive: true, force: true }));
const running = [];
let errors = 0;

async function openStore() {
  if (!opts.postgres) return { dataDir: 'memory://', label: 'PGlite (in-memory)' };
  if (!(await postgresReachable())) throw new Error(`Postgres is not reachable at ${adminUrl()}`);
  const db = await createBenchDatabase('http');
  return { databaseUrl: db.url, label: `Postgres (database ${db.name}, dropped afterwards)` };
}

/** Starts a registry on the store and registers the benchmark schema (again); returns the server and the id. */
async function registryWithSchema(store, nodeFlags = []) {
  const server = await startRegistry(store, { nodeFlags });
  running.push(server);
  const first = await request(server.url, 'POST', `/subjects/${enc(SUBJECT)}/versions`, REGISTER_BODY);
  const id = first.json.id;
  return { server, id };
}

function targets(registryUrl, bareUrl, id) {
  const get = { method: 'GET', path: `/schemas/ids/${id}`, headers: { accept: CLIENT_HEADERS.accept } };
  const post = { method: 'POST', path: `/subjects/${enc(SUBJECT)}/versions`, headers: CLIENT_HEADERS, body: REGISTER_BODY };
  return {
    get: { registry: { ...get, url: registryUrl }, bare: { ...get, url: bareUrl } },
    post: { registry: { ...post, url: registryUrl }, bare: { ...post, url: bareUrl } },
  };
}

function check(label, r) {
  const bad = failures(r);
  if (bad > 0) {
    errors += bad;
    process.stderr.write(
      `ERROR ${label}: ${r.errors} errors, ${r.timeouts} timeouts, ${r.non2xx} non-2xx, ${r.mismatches} wrong bodies\n`,
    );
  }
  return r;
}

async function main() {
  const store = await openStore();
  printHeader('bench:http — registry vs bare fastify (same response bytes)', {
    store: store.label,
    load: `autocannon, ${CONNECTIONS} connections, pipelining 1, ${DURATION} s per run, ${WARMUP} s warm-up, ${ROUNDS} rounds (median)`,
    flags: `node ${NODE_FLAGS.join(' ') || '(no extra flags)'} for both servers`,
  });

  log('starting the registry');
  const { server: registry, id } = await registryWithSchema(store);
  const getRes = await request(registry.url, 'GET', `/schemas/ids/${id}`);
  const postRes = await request(registry.url, 'POST', `/subjects/${enc(SUBJECT)}/versions`, REGISTER_BODY);
  if (postRes.json.id !== id) throw new Error(`re-registering gave id ${postRes.json.id}, expected ${id}`);
  const responses = {
    get: { contentType: getRes.contentType, body: getRes.text },
    post: { contentType: postRes.contentType, body: postRes.text },
  };
  const responsesFile = join(tmp, 'responses.json');
  writeFileSync(responsesFile, JSON.stringify(responses));

  log('starting bare fastify');
  const bare = await startBare(responsesFile);
  running.push(bare);
  for (const [kind, path, body] of [
    ['get', `/schemas/ids/${id}`, undefined],
    ['post', `/subjects/${enc(SUBJECT)}/versions`, REGISTER_BODY],
  ]) {
    const r = await request(bare.url, kind === 'get' ? 'GET' : 'POST', path, body);
    if (r.text !== responses[kind].body || r.contentType !== responses[kind].contentType) {
      throw new Error(`bare ${kind} answers differently from the registry:\n${r.contentType} ${r.text}\n${responses[kind].contentType} ${responses[kind].body}`);
    }
  }
  process.stdout.write(`GET  /schemas/ids/${id}: response ${Buffer.byteLength(responses.get.body)} bytes, ${responses.get.contentType}\n`);
  process.stdout.write(
    `POST /subjects/${SUBJECT}/versions: request ${REGISTER_BODY.length} bytes (Avro record, 10 fields), ` +
      `response ${Buffer.byteLength(responses.post.body)} bytes, ${responses.post.contentType}\n\n`,
  );

  const t = targets(registry.url, bare.url, id);
  const expect = { get: responses.get.body, post: responses.post.body };
  const pids = { registry: registry.child.pid, bare: bare.child.pid };
  const run = async (scenario, server, duration) => {
    const cpuBefore = cpuTimeMs(pids[server]);
    const r = await load(t[scenario][server], { connections: CONNECTIONS, duration, expectBody: expect[scenario] });
    const cpuAfter = cpuTimeMs(pids[server]);
    // Server CPU time per answered request, in microseconds.
    r.cpuPerReq = cpuBefore === undefined || cpuAfter === undefined || r.total === 0 ? Number.NaN : ((cpuAfter - cpuBefore) * 1000) / r.total;
    return r;
  };

  for (const scenario of SCENARIOS) {
    for (const server of ['registry', 'bare']) {
      log(`warm-up ${scenario} ${server}`);
      check(`warm-up ${scenario} ${server}`, await run(scenario, server, WARMUP));
    }
  }

  const results = { get: { registry: [], bare: [] }, post: { registry: [], bare: [] } };
  for (let round = 0; round < ROUNDS; round++) {
    for (const scenario of SCENARIOS) {
      const order = round % 2 === 0 ? ['registry', 'bare'] : ['bare', 'registry'];
      for (const server of order) {
        await sleep(300);
        log(`round ${round + 1}/${ROUNDS} ${scenario} ${server}`);
        const r = check(`round ${round + 1} ${scenario} ${server}`, await run(scenario, server, DURATION));
        results[scenario][server].push(r);
      }
    }
  }

  const label = { get: `(a) GET /schemas/ids/${id}`, post: '(b) POST re-register (Avro, 10 fields)' };
  const rows = [];
  const summary = {};
  for (const scenario of SCENARIOS) {
    const m = {};
    for (const server of ['registry', 'bare']) {
      const rs = results[scenario][server];
      m[server] = {
        rps: median(rs.map((r) => r.rps)),
        p99: median(rs.map((r) => r.p99)),
        cpu: median(rs.map((r) => r.cpuPerReq)),
        all: rs.map((r) => fmt(r.rps, 0)).join(' / '),
      };
      rows.push([label[scenario], server, fmt(m[server].rps, 0), fmt(m[server].p99, 1), fmt(m[server].cpu, 0), m[server].all]);
    }
    const paired = results[scenario].registry.map((r, i) => ratio(r.rps, results[scenario].bare[i].rps));
    const pairedP99 = results[scenario].registry.map((r, i) => ratio(r.p99, results[scenario].bare[i].p99));
    const rpsRatio = median(paired);
    const p99Ratio = median(pairedP99);
    // CPU efficiency: bare CPU per request / registry CPU per request (1 = the registry costs nothing extra).
    const cpuRatio = median(results[scenario].registry.map((r, i) => ratio(results[scenario].bare[i].cpuPerReq, r.cpuPerReq)));
    summary[scenario] = { rpsRatio, p99Ratio, cpuRatio, ok: rpsRatio >= GOALS[scenario], paired, ofMedians: ratio(m.registry.rps, m.bare.rps) };
    rows.push([label[scenario], 'registry/bare', pct(rpsRatio), `${fmt(p99Ratio, 2)}×`, pct(cpuRatio), paired.map((x) => pct(x)).join(' / ')]);
  }
  printTable(['scenario', 'server', 'req/s (median)', 'p99 ms (median)', 'server CPU µs/req', 'per round (req/s, ratio)'], rows);
  process.stdout.write(
    '\nratio rows: req/s and p99 are medians of per-round registry/bare ratios; the CPU column there is bare CPU per\n' +
      'request / registry CPU per request (what the registry would reach if CPU-bound; steadier on a busy machine).\n',
  );

  const result = [];
  for (const scenario of SCENARIOS) {
    const s = summary[scenario];
    result.push(
      `${label[scenario]}: registry/bare req/s = ${pct(s.rpsRatio)} (goal ≥ ${pct(GOALS[scenario])}: ${s.ok ? 'met' : 'MISSED'}; ` +
        `ratio of medians ${pct(s.ofMedians)}); p99 registry/bare = ${fmt(s.p99Ratio, 2)}×; CPU per request bare/registry = ${pct(s.cpuRatio)}`,
    );
  }
  result.push(`store: ${store.label}; ${CONNECTIONS} connections, ${DURATION} s × ${ROUNDS} rounds, node ${process.version}`);
  printBlock('RESULT', result);
  const missed = Object.entries(summary).filter(([, s]) => !s.ok);
  if (missed.length > 0) {
    process.stdout.write(`\nMISSED: ${missed.map(([k]) => label[k]).join(', ')}${opts.profile ? '' : ' — rerun with -- --profile to see where the time goes'}\n`);
  }

  if (opts.profile) await profile(store, responsesFile, id);
}

/**
 * One more run per scenario against a fresh registry and a fresh bare server, each under --cpu-prof (own
 * processes, so own profiles), summarised over the measured run only: CPU per request by category for
 * both, the difference, and the registry's busiest functions.
 */
async function profile(store, responsesFile, id) {
  for (const scenario of SCENARIOS) {
    const perRequest = {};
    const files = {};
    const windows = {};
    for (const server of ['registry', 'bare']) {
      const dir = join(tmp, `profile-${scenario}-${server}`);
      const flags = ['--cpu-prof', `--cpu-prof-dir=${dir}`];
      const started = server === 'registry' ? await registryWithSchema(store, flags) : { server: await startBare(responsesFile, { nodeFlags: flags }), id };
      if (server === 'bare') running.push(started.server);
      const target = targets(started.server.url, started.server.url, started.id)[scenario].registry;
      // A fresh in-memory registry registered the schema again: its answer carries its own timestamp.
      const expected = (await request(started.server.url, target.method, target.path, target.body)).text;
      log(`profiling ${scenario} ${server}`);
      check(`profile warm-up ${scenario} ${server}`, await load(target, { connections: CONNECTIONS, duration: WARMUP, expectBody: expected }));
      const from = monotonicMicros();
      const r = check(`profile ${scenario} ${server}`, await load(target, { connections: CONNECTIONS, duration: DURATION, expectBody: expected }));
      const to = monotonicMicros();
      await started.server.stop();
      files[server] = latestProfile(dir);
      windows[server] = { from, to };
      const a = analyseProfile(files[server], windows[server]);
      perRequest[server] = {
        categories: new Map([...a.byCategory].map(([k, v]) => [k, v / r.total])),
        self: new Map([...a.self].map(([k, v]) => [k, v / r.total])),
        busy: a.busy / r.total,
        requests: r.total,
      };
    }
    process.stdout.write(`\n### CPU profiles, scenario ${scenario} (measured run only): CPU µs per request\n\n`);
    const cats = [...new Set([...perRequest.registry.categories.keys(), ...perRequest.bare.categories.keys()])].filter((c) => c !== '(idle)');
    const rows = cats
      .map((c) => [c, perRequest.registry.categories.get(c) ?? 0, perRequest.bare.categories.get(c) ?? 0])
      .sort((x, y) => y[1] - y[2] - (x[1] - x[2]))
      .map(([c, reg, bare]) => [c, fmt(reg, 1), fmt(bare, 1), fmt(reg - bare, 1)]);
    rows.push(['total busy', fmt(perRequest.registry.busy, 1), fmt(perRequest.bare.busy, 1), fmt(perRequest.registry.busy - perRequest.bare.busy, 1)]);
    printTable(['category', 'registry µs/req', 'bare µs/req', 'difference'], rows);
    // Functions by how much more self time per request they take in the registry than in bare fastify.
    const names = new Set([...perRequest.registry.self.keys(), ...perRequest.bare.self.keys()]);
    const diffs = [...names]
      .map((k) => [k, perRequest.registry.self.get(k) ?? 0, perRequest.bare.self.get(k) ?? 0])
      .sort((x, y) => y[1] - y[2] - (x[1] - x[2]))
      .slice(0, 15)
      .map(([k, reg, bare]) => [k, fmt(reg, 2), fmt(bare, 2), fmt(reg - bare, 2)]);
    process.stdout.write('\n');
    printTable(['function (self time), largest excess first', 'registry µs/req', 'bare µs/req', 'difference'], diffs);
    process.stdout.write(`\nregistry, scenario ${scenario}:`);
    printProfile(files.registry, { window: windows.registry, top: 20, categories: false });
  }
}

try {
  await main();
} catch (e) {
  process.stderr.write(`bench:http failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  errors++;
} finally {
  for (const s of running) await s.stop();
  await dropAllBenchDatabases();
  if (!process.env.KEEP_BENCH_TMP) rmSync(tmp, { recursive: true, force: true });
}
if (errors > 0) {
  process.stderr.write(`bench:http: ${errors} errors\n`);
  process.exitCode = 1;
}
