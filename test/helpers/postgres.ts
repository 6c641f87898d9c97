import pg from 'pg';
import { randomBytes } from 'node:crypto';

/** The Postgres server the Postgres suites run against, or undefined (those suites then skip, and say so). */
export const DATABASE_URL = process.env.DATABASE_URL;

export const POSTGRES_SKIP_REASON = 'DATABASE_URL is not set, so the Postgres variant is skipped (.ci/run sets it)';

/** Says once, loudly, in the test output that a Postgres suite was skipped and why. */
export function announcePostgresSkip(suite: string): void {
  if (!DATABASE_URL) console.warn(`SKIPPED: ${suite}: ${POSTGRES_SKIP_REASON}`);
}

/**
 * A new, empty database on the DATABASE_URL server for one test file, so files running in parallel never
 * share state. `drop()` removes it (forcing out connections left behind by a failed test).
 */
export async function freshDatabase(label: string): Promise<{ url: string; drop(): Promise<void> }> {
  if (!DATABASE_URL) throw new Error(POSTGRES_SKIP_REASON);
  const name = `schemata_${label.replace(/\W/g, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: DATABASE_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
