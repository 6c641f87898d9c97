/**
 * Postgres for the benchmarks: every run creates its own database on the server (DATABASE_URL, or the
 * local trust-auth one) and drops it afterwards, so runs never see each other's data.
 */
import pg from 'pg';
import { atInterrupt } from './processes.mjs';

export const DEFAULT_ADMIN_URL = 'postgres://root@127.0.0.1:5432/postgres';

export function adminUrl() {
  return process.env.DATABASE_URL || DEFAULT_ADMIN_URL;
}

function withDatabase(url, database) {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** True when the server answers within a couple of seconds. */
export async function postgresReachable(url = adminUrl()) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function admin(url, sql) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * Creates a fresh database `schemata_bench_<label>_<pid>_<n>` and returns { url, drop() }.
 * Registered for dropping at exit too, in case the run fails half-way.
 */
let counter = 0;
const created = new Set();
export async function createBenchDatabase(label, base = adminUrl()) {
  const name = `schemata_bench_${label}_${process.pid}_${counter++}`.replace(/[^a-z0-9_]/gi, '_').toLowerCase();
  await admin(base, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin(base, `CREATE DATABASE ${name}`);
  const db = {
    name,
    url: withDatabase(base, name),
    drop: async () => {
      created.delete(db);
      await admin(base, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
  created.add(db);
  return db;
}

/** Drops whatever createBenchDatabase made and is still there (call from a finally; also on Ctrl-C). */
export async function dropAllBenchDatabases() {
  for (const db of [...created]) await db.drop().catch(() => {});
}
atInterrupt(dropAllBenchDatabases);

/** A client on a database, for seeding: { query(sql, params), end() }. */
export async function connect(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}
