/**
 * The little the SQL store needs from a database connection, so one set of queries serves Postgres (pg)
 * and PGlite alike. Parameters are always passed separately: no SQL is ever built from values.
 */
export interface SqlClient {
  /** Runs one parameterised statement. `name` lets drivers that support it keep a prepared statement. */
  query<R>(sql: string, params?: readonly unknown[], name?: string): Promise<R[]>;
}

export interface SqlDriver extends SqlClient {
  readonly kind: 'embedded' | 'postgres';
  /** Runs `fn` in one transaction that holds the registry-wide write lock; commits or rolls back. */
  writeTransaction<T>(fn: (client: SqlClient) => Promise<T>): Promise<T>;
  /** Runs a multi-statement script (migrations) in one transaction holding the migration lock. */
  migrate(fn: (client: SqlClient & { exec(script: string): Promise<void> }) => Promise<void>): Promise<void>;
  /** Sends a notification to every process on the database (after commit when called in a transaction). */
  notify(client: SqlClient, channel: string, payload: string): Promise<void>;
  /** Receives notifications from every process on the database. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<void>;
  /** Called when notifications may have been lost (the listening connection dropped and came back). */
  onResync(cb: () => void): void;
  close(): Promise<void>;
}

/** Advisory-lock keys (Postgres); arbitrary constants unique to this application. */
export const WRITE_LOCK_KEY = 0x5c4e_3a01;
export const MIGRATION_LOCK_KEY = 0x5c4e_3a02;
