import pg from 'pg';
import { MIGRATION_LOCK_KEY, WRITE_LOCK_KEY, type SqlClient, type SqlDriver } from './driver.js';

// int8 (bigint) columns hold epoch milliseconds here, well inside Number's safe range.
pg.types.setTypeParser(pg.types.builtins.INT8, (v: string) => Number(v));

function clientOf(c: pg.PoolClient | pg.Pool): SqlClient {
  return {
    async query<R>(sql: string, params: readonly unknown[] = [], name?: string): Promise<R[]> {
      const res = await c.query({ text: sql, values: params as unknown[], ...(name ? { name } : {}) });
      return res.rows as R[];
    },
  };
}

/** Postgres through a `pg` pool. Several registry processes may share the database. */
export class PostgresDriver implements SqlDriver {
  readonly kind = 'postgres' as const;
  private readonly pool: pg.Pool;
  private readonly direct: SqlClient;
  private listener: pg.Client | undefined;
  private readonly listeners = new Map<string, ((payload: string) => void)[]>();

  constructor(
    connectionString: string,
    poolSize = 10,
    private readonly onError: (message: string, err: unknown) => void = () => {},
  ) {
    this.pool = new pg.Pool({ connectionString, max: poolSize, application_name: 'schemata-registry' });
    // An idle client losing its connection must not crash the process; the pool replaces it.
    this.pool.on('error', (err) => this.onError('idle Postgres connection failed (the pool replaces it)', err));
    this.direct = clientOf(this.pool);
  }

  query<R>(sql: string, params?: readonly unknown[], name?: string): Promise<R[]> {
    return this.direct.query<R>(sql, params, name);
  }

  private async inTransaction<T>(lockKey: number, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      // Serialises writers across every process on this database until COMMIT/ROLLBACK.
      await client.query('SELECT pg_advisory_xact_lock($1)', [lockKey]);
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true;
      }
      throw err;
    } finally {
      client.release(broken);
    }
  }

  writeTransaction<T>(fn: (client: SqlClient) => Promise<T>): Promise<T> {
    return this.inTransaction(WRITE_LOCK_KEY, (c) => fn(clientOf(c)));
  }

  migrate(fn: (client: SqlClient & { exec(script: string): Promise<void> }) => Promise<void>): Promise<void> {
    return this.inTransaction(MIGRATION_LOCK_KEY, (c) =>
      fn({
        ...clientOf(c),
        async exec(script: string) {
          await c.query(script);
        },
      }),
    );
  }

  async notify(client: SqlClient, channel: string, payload: string): Promise<void> {
    await client.query('SELECT pg_notify($1, $2)', [channel, payload]);
  }

  async listen(channel: string, onPayload: (payload: string) => void): Promise<void> {
    const list = this.listeners.get(channel) ?? [];
    list.push(onPayload);
    this.listeners.set(channel, list);
    if (!this.listener) {
      const pool = this.pool as pg.Pool & { options: pg.PoolConfig };
      this.listener = new pg.Client(pool.options);
      this.listener.on('error', (err) =>
        this.onError('Postgres notification connection failed: hard deletes by other processes are no longer seen', err),
      );
      this.listener.on('notification', (msg) => {
        for (const cb of this.listeners.get(msg.channel) ?? []) cb(msg.payload ?? '');
      });
      await this.listener.connect();
    }
    if (list.length === 1) await this.listener.query(`LISTEN "${channel.replace(/"/g, '""')}"`);
  }

  async close(): Promise<void> {
    await this.listener?.end().catch(() => {});
    await this.pool.end();
  }
}
