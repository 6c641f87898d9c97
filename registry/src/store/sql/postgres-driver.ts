import pg from 'pg';
import { MIGRATION_LOCK_KEY, WRITE_LOCK_KEY, type SqlClient, type SqlDriver } from './driver.js';

// int8 (bigint) columns hold epoch milliseconds here, well inside Number's safe range.
pg.types.setTypeParser(pg.types.builtins.INT8, (v: string) => Number(v));

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

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
  private readonly pool: pg.Pool & { options: pg.PoolConfig };
  private readonly direct: SqlClient;
  private listener: pg.Client | undefined;
  private readonly listeners = new Map<string, ((payload: string) => void)[]>();
  private readonly resyncCallbacks: (() => void)[] = [];
  private closing = false;

  constructor(
    connectionString: string,
    poolSize = 10,
    private readonly onError: (message: string, err: unknown) => void = () => {},
  ) {
    this.pool = new pg.Pool({ connectionString, max: poolSize, application_name: 'schemata-registry' }) as pg.Pool & { options: pg.PoolConfig };
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
    if (!this.listener) await this.connectListener();
    else if (list.length === 1) await this.listener.query(`LISTEN ${quoteIdent(channel)}`);
  }

  /** What to call when notifications may have been lost (the listener connection dropped). */
  onResync(cb: () => void): void {
    this.resyncCallbacks.push(cb);
  }

  /**
   * One dedicated connection receives notifications. When it drops, it is re-established with backoff and
   * every channel is listened to again; notifications sent in between are lost, so `onResync` callbacks run
   * once it is back (caches then drop everything rather than risk serving a hard-deleted schema).
   */
  private async connectListener(): Promise<void> {
    const client = new pg.Client(this.pool.options);
    let lost = false;
    const onLost = (err: unknown) => {
      if (lost || this.closing) return;
      lost = true;
      this.onError('Postgres notification connection lost; reconnecting', err);
      if (this.listener === client) this.listener = undefined;
      client.end().catch(() => {});
      this.scheduleReconnect();
    };
    client.on('error', onLost);
    client.on('end', () => onLost(new Error('connection ended')));
    client.on('notification', (msg) => {
      for (const cb of this.listeners.get(msg.channel) ?? []) cb(msg.payload ?? '');
    });
    await client.connect();
    for (const channel of this.listeners.keys()) await client.query(`LISTEN ${quoteIdent(channel)}`);
    this.listener = client;
  }

  private scheduleReconnect(attempt = 0): void {
    const delay = Math.min(100 * 2 ** attempt, 5_000);
    setTimeout(() => {
      if (this.closing) return;
      this.connectListener().then(
        () => {
          for (const cb of this.resyncCallbacks) cb();
        },
        (err) => {
          this.onError('Postgres notification connection: reconnect failed', err);
          this.scheduleReconnect(attempt + 1);
        },
      );
    }, delay).unref();
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.listener?.end().catch(() => {});
    await this.pool.end();
  }
}
