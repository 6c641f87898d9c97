/**
 * Child processes for the benchmarks: the built registry (`registry/dist/cli.js`) and the bare fastify
 * baseline (`bare-server.mjs`), each started with the same Node flags on a free loopback port. As in
 * test/helpers/server-process.ts, a server is ready once it prints `listening on http://HOST:PORT`.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CLI = fileURLToPath(new URL('../../../registry/dist/cli.js', import.meta.url));
export const BARE = fileURLToPath(new URL('./bare-server.mjs', import.meta.url));

/** Node flags for every server child (same for registry and bare): BENCH_NODE_FLAGS="--max-old-space-size=512". */
export const NODE_FLAGS = (process.env.BENCH_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);

const READY = /listening on (http:\/\/[\w.:[\]-]+)/;

// Every server child still running, so that no exit path (an exception, Ctrl-C) leaves one behind.
const live = new Set();
const killAll = () => {
  for (const child of live) child.kill('SIGKILL');
};
const cleanups = [];
/** Async clean-up to run when the benchmark is interrupted (e.g. dropping its Postgres databases). */
export function atInterrupt(fn) {
  cleanups.push(fn);
}
process.once('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    killAll();
    const bounded = Promise.race([Promise.allSettled(cleanups.map((fn) => fn())), new Promise((r) => setTimeout(r, 5000))]);
    void bounded.then(() => process.exit(130));
  });
}

export function requireBuiltRegistry() {
  if (!existsSync(CLI)) {
    throw new Error(`${CLI} is missing: build first (npx tsc -b), or run through npm run bench:*`);
  }
}

/**
 * Spawns `node [flags] script args` and resolves when it prints the ready line.
 * Returns { url, child, output(), spawnedAt, listeningMs, stop() } where listeningMs is spawn → ready line.
 */
export function startNodeServer(script, args = [], { nodeFlags = [], env = {}, timeoutMs = 120_000, name = script } = {}) {
  return new Promise((resolve, reject) => {
    const childEnv = { ...process.env, LOG_LEVEL: 'warn', ...env };
    // The registry reads DATABASE_URL itself; the benchmarks always pass the store explicitly.
    delete childEnv.DATABASE_URL;
    delete childEnv.KAFKA_BOOTSTRAP_SERVERS;
    delete childEnv.DATA_DIR;
    delete childEnv.PORT;
    const spawnedAt = performance.now();
    const child = spawn(process.execPath, [...NODE_FLAGS, ...nodeFlags, script, ...args], {
      cwd: ROOT,
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    live.add(child);
    child.once('exit', () => live.delete(child));
    let output = '';
    let settled = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`${name} did not start within ${timeoutMs / 1000} s:\n${output}`));
    }, timeoutMs);
    const fail = (err) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(err);
    };
    const onData = (chunk) => {
      output += chunk.toString();
      if (output.length > 1e6) output = output.slice(-1e5);
      const m = READY.exec(output);
      if (m && !settled) {
        settled = true;
        clearTimeout(timer);
        const listeningMs = performance.now() - spawnedAt;
        resolve({
          url: m[1],
          child,
          name,
          spawnedAt,
          listeningMs,
          output: () => output,
          stop: () => stopChild(child),
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code, signal) => fail(new Error(`${name} exited (${code ?? signal}) before listening:\n${output}`)));
  });
}

/** SIGTERM, then SIGKILL after 15 s; resolves on exit (a graceful exit also writes --cpu-prof files). */
export function stopChild(child) {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', () => done());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
  });
}

/**
 * The registry CLI. `store` is { dataDir } (PGlite; `memory://` for in-memory) or { databaseUrl }.
 */
export function startRegistry(store, { nodeFlags = [], extraArgs = [], env = {} } = {}) {
  requireBuiltRegistry();
  const storeArgs = store.databaseUrl ? ['--database-url', store.databaseUrl] : ['--data-dir', store.dataDir ?? 'memory://'];
  return startNodeServer(CLI, ['--port', '0', '--host', '127.0.0.1', '--log-level', 'warn', ...storeArgs, ...extraArgs], {
    nodeFlags,
    env,
    name: 'registry',
  });
}

/** `schema-registry migrate` on a store, to apply the migrations without serving. */
export function migrateStore(store) {
  requireBuiltRegistry();
  const storeArgs = store.databaseUrl ? ['--database-url', store.databaseUrl] : ['--data-dir', store.dataDir];
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.DATABASE_URL;
    const child = spawn(process.execPath, [CLI, 'migrate', ...storeArgs], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    child.once('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`migrate failed (${code}):\n${output}`))));
  });
}

/** The bare fastify baseline serving `responses` (see bare-server.mjs for the shape). */
export function startBare(responsesFile, { nodeFlags = [] } = {}) {
  return startNodeServer(BARE, [responsesFile], { nodeFlags, name: 'bare fastify' });
}

let clockTicks;
/**
 * CPU time (user + system, ms) a process has used so far, from /proc (Linux); undefined elsewhere. The
 * CPU a server spends per request is a steadier measure than requests/s on a machine shared with others.
 */
export function cpuTimeMs(pid) {
  try {
    clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
  } catch {
    return undefined;
  }
}
