/**
 * Access to the registry's mutable state (subject versions, config, mode) and the write path.
 *
 * With an exclusive store (PGlite: this process owns the data) the state is cached and kept current by our
 * own writes (a registration appends to the cached version list; anything else invalidates). With a shared
 * store (Postgres, several processes) nothing mutable is cached: every read goes to the store, so a write
 * answered by one process is visible on every other at once. Schema records under an id are immutable and
 * cached in both cases (dropped when purged, by us or, through store events, by another process), so
 * loading a subject's version list costs one light query (no schema texts) in both cases. On a shared
 * store, what a request needs together (a scope chain's config and mode, a subject's versions with them)
 * is read in one query: each round trip costs the database client more CPU than the registry's own work.
 *
 * Every query takes the reader to use: inside `write` that must be the transaction (PGlite serialises all
 * queries behind an open transaction, so reading through the store there would wait on ourselves).
 */
import type { Config, Mode } from '@schemata/serdes';
import type { SchemaRecord, ScopeSettings, Store, StoreReader, StoreWriter, VersionRecord, VersionWithSchema } from '../store/store.js';
import { LoadingCache, LruCache } from './cache.js';
import { RegistryStats } from './stats.js';

/** What a write transaction touched, applied to the caches once it has committed (or failed). */
export class WriteEffects {
  /** Subjects whose versions changed in ways other than an append. */
  readonly subjects = new Set<string>();
  /** Versions appended to their subject (registrations). */
  readonly added: VersionWithSchema[] = [];
  readonly scopes = new Set<string>();
  /** Schemas whose versions were hard-deleted: their by-id caches must drop them. */
  readonly purged: { context: string; id: number }[] = [];
  /** Something broad changed (mode switch purges, context deletion): drop every cached subject. */
  everything = false;
}

export interface StateCacheSizes {
  subjects: number;
  scopes: number;
  records: number;
}

const recordKey = (context: string, id: number) => `${context}\u0000${id}`;

export class RegistryState {
  readonly exclusive: boolean;
  readonly stats = new RegistryStats();
  private readonly versionsCache: LoadingCache<string, readonly VersionWithSchema[]>;
  private readonly configCache: LoadingCache<string, Config>;
  private readonly modeCache: LoadingCache<string, Mode>;
  private readonly records: LruCache<string, SchemaRecord>;
  private readonly writeListeners: ((fx: WriteEffects, committed: boolean) => void)[] = [];

  constructor(
    readonly store: Store,
    sizes: StateCacheSizes = { subjects: 5_000, scopes: 5_000, records: 20_000 },
  ) {
    this.exclusive = store.exclusive;
    this.versionsCache = new LoadingCache(sizes.subjects);
    this.configCache = new LoadingCache(sizes.scopes, true);
    this.modeCache = new LoadingCache(sizes.scopes, true);
    this.records = new LruCache(sizes.records);
    store.onEvent((e) => {
      if (e.kind === 'schemaPurged') this.records.delete(recordKey(e.context, e.id));
      else this.records.clear();
    });
  }

  /** Every version of a subject (soft-deleted included), ascending, with its schema. */
  async versions(reader: StoreReader, subject: string): Promise<readonly VersionWithSchema[]> {
    if (this.exclusive) return (await this.versionsCache.get(subject, () => this.load(reader, subject))) ?? [];
    return this.load(reader, subject);
  }

  /**
   * `versions(subject)` with the config and mode stored at each scope of `chain`, read from the store in one
   * query (one round trip), bypassing the caches: for shared stores (exclusive ones answer the same from
   * their caches through `versions`, `config` and `mode`).
   */
  async versionsAndSettings(
    reader: StoreReader,
    subject: string,
    chain: readonly string[],
  ): Promise<{ versions: readonly VersionWithSchema[]; settings: ScopeSettings[] }> {
    const { versions, settings } = await reader.subjectVersionsAndSettings(subject, chain);
    return { versions: await this.withSchemas(reader, subject, versions), settings };
  }

  private async load(reader: StoreReader, subject: string): Promise<VersionWithSchema[]> {
    return this.withSchemas(reader, subject, await reader.subjectVersions(subject));
  }

  /**
   * The version rows joined with the cached (immutable) schema records: after a delete, a subject with
   * 1,000 versions reloads 1,000 short rows rather than 1,000 schema texts. The full join only when a
   * record is not cached.
   */
  private async withSchemas(reader: StoreReader, subject: string, rows: readonly VersionRecord[]): Promise<VersionWithSchema[]> {
    const joined: VersionWithSchema[] = [];
    for (const row of rows) {
      const schema = this.records.get(recordKey(row.context, row.schemaId));
      if (!schema) return this.loadJoined(reader, subject);
      joined.push({ ...row, schema });
    }
    return joined;
  }

  private async loadJoined(reader: StoreReader, subject: string): Promise<VersionWithSchema[]> {
    const all = await reader.subjectVersionsWithSchemas(subject);
    for (const v of all) this.records.set(recordKey(v.schema.context, v.schema.id), v.schema);
    return all;
  }

  async config(reader: StoreReader, scope: string): Promise<Config | undefined> {
    if (!this.exclusive) return reader.config(scope);
    return this.configCache.get(scope, () => reader.config(scope));
  }

  async mode(reader: StoreReader, scope: string): Promise<Mode | undefined> {
    if (!this.exclusive) return reader.mode(scope);
    return this.modeCache.get(scope, () => reader.mode(scope));
  }

  /** The config stored at each scope of a chain, in its order (shared stores: one query for the chain). */
  async configs(reader: StoreReader, chain: readonly string[]): Promise<(Config | undefined)[]> {
    if (!this.exclusive) return (await reader.scopeSettings(chain)).map((s) => s.config);
    return Promise.all(chain.map((s) => this.config(reader, s)));
  }

  /** The mode stored at each scope of a chain, in its order (shared stores: one query for the chain). */
  async modes(reader: StoreReader, chain: readonly string[]): Promise<(Mode | undefined)[]> {
    if (!this.exclusive) return (await reader.scopeSettings(chain)).map((s) => s.mode);
    return Promise.all(chain.map((s) => this.mode(reader, s)));
  }

  /** Runs one serialized write transaction and then updates or invalidates what it touched. */
  async write<T>(fn: (tx: StoreWriter, fx: WriteEffects) => Promise<T>): Promise<T> {
    const fx = new WriteEffects();
    let committed = false;
    try {
      const result = await this.store.write((tx) => fn(tx, fx));
      committed = true;
      return result;
    } finally {
      this.apply(fx, committed);
    }
  }

  /** Called after each write with its effects (and whether it committed); the by-id caches listen. */
  onWrite(listener: (fx: WriteEffects, committed: boolean) => void): void {
    this.writeListeners.push(listener);
  }

  private apply(fx: WriteEffects, committed: boolean): void {
    for (const p of fx.purged) this.records.delete(recordKey(p.context, p.id));
    if (fx.everything) this.records.clear();
    else if (committed) for (const v of fx.added) this.records.set(recordKey(v.schema.context, v.schema.id), v.schema);
    if (this.exclusive) {
      if (fx.everything) this.versionsCache.invalidateAll();
      for (const s of fx.subjects) this.versionsCache.invalidate(s);
      for (const v of fx.added) {
        const cached = this.versionsCache.peek(v.subject);
        if (!committed || fx.everything || fx.subjects.has(v.subject) || !cached) this.versionsCache.invalidate(v.subject);
        else this.versionsCache.replace(v.subject, [...cached, v].sort((a, b) => a.version - b.version));
      }
      for (const s of fx.scopes) {
        this.configCache.invalidate(s);
        this.modeCache.invalidate(s);
      }
    }
    for (const l of this.writeListeners) l(fx, committed);
  }
}
