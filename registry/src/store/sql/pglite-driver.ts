import { PGlite, types, type Transaction } from '@electric-sql/pglite';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SqlClient, SqlDriver } from './driver.js';

const parsers = { [types.INT8]: (v: string) => Number(v) };

function clientOf(db: PGlite | Transaction): SqlClient {
  return {
    async query<R>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
      const res = await db.query<R>(sql, params as unknown[], { parsers });
      return res.rows;
    },
  };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PGlite (Postgres in WebAssembly, in-process). One process owns a data directory; a lock file with the
 * owner's pid keeps a second registry process from opening the same directory and corrupting it.
 */
export class PGliteDriver implements SqlDriver {
  readonly kind = 'embedded' as const;
  private readonly lockFile: string | undefined;
  private constructor(
    private readonly db: PGlite,
    lockFile: string | undefined,
  ) {
    this.lockFile = lockFile;
  }

  /** `dataDir` is a directory, or `memory://` for a throw-away in-memory database. */
  static async open(dataDir: string): Promise<PGliteDriver> {
    let lockFile: string | undefined;
    if (!dataDir.startsWith('memory://')) {
      mkdirSync(dataDir, { recursive: true });
      lockFile = join(dataDir, 'schemata.lock');
      try {
        writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      } catch {
        const owner = Number(readFileSync(lockFile, 'utf8'));
        if (owner && owner !== process.pid && processAlive(owner)) {
          throw new Error(`data directory ${dataDir} is in use by process ${owner}`);
        }
        writeFileSync(lockFile, String(process.pid));
      }
    }
    const db = new PGlite(dataDir.startsWith('memory://') ? undefined : dataDir);
    await db.waitReady;
    return new PGliteDriver(db, lockFile);
  }

  query<R>(sql: string, params?: readonly unknown[]): Promise<R[]> {
    return clientOf(this.db).query<R>(sql, params);
  }

  // PGlite runs one transaction at a time for the whole instance, which is the write lock we need.
  writeTransaction<T>(fn: (client: SqlClient) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => fn(clientOf(tx)));
  }

  migrate(fn: (client: SqlClient & { exec(script: string): Promise<void> }) => Promise<void>): Promise<void> {
    return this.db.transaction((tx) =>
      fn({
        ...clientOf(tx),
        async exec(script: string) {
          await tx.exec(script);
        },
      }),
    );
  }

  // One process owns the database: there is nobody to notify.
  async notify(): Promise<void> {}

  async listen(): Promise<void> {}

  onResync(): void {}

  async close(): Promise<void> {
    await this.db.close();
    if (this.lockFile) rmSync(this.lockFile, { force: true });
  }
}
