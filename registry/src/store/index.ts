import { PGliteDriver } from './sql/pglite-driver.js';
import { PostgresDriver } from './sql/postgres-driver.js';
import { SqlStore } from './sql/sql-store.js';
import type { Store } from './store.js';

export * from './store.js';

export interface StoreOptions {
  /** `postgres://…` or `postgresql://…` selects Postgres. */
  databaseUrl?: string;
  /** PGlite data directory (default `./data`); `memory://` for an in-memory database. */
  dataDir?: string;
  /** Postgres connection pool size. */
  poolSize?: number;
  /**
   * Errors the store recovers from or cannot report to a caller (Postgres: a pooled connection lost, the
   * notification listener's connection lost). Default: ignored.
   */
  onError?: (message: string, err: unknown) => void;
}

export function isPostgresUrl(url: string | undefined): url is string {
  return url !== undefined && /^postgres(ql)?:\/\//.test(url);
}

/** Creates (but does not open) the store the options select. */
export async function createStore(options: StoreOptions = {}): Promise<Store> {
  if (isPostgresUrl(options.databaseUrl)) return new SqlStore(new PostgresDriver(options.databaseUrl, options.poolSize, options.onError));
  if (options.databaseUrl) throw new Error('DATABASE_URL must start with postgres:// or postgresql://');
  return new SqlStore(await PGliteDriver.open(options.dataDir ?? './data'));
}
