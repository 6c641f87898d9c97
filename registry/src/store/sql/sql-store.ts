import type { Config, Mode } from '@schemata/serdes';
import type {
  DekAlgorithm,
  DekRecord,
  IdCounter,
  KekRecord,
  ListVersionsQuery,
  NewSchema,
  Referrer,
  SchemaRecord,
  ScopeSettings,
  ScopeSettingsEntry,
  Store,
  StoreEvent,
  StoreReader,
  StoreWriter,
  SubjectSummary,
  SubjectVersionsAndSettings,
  VersionRecord,
  VersionWithSchema,
} from '../store.js';
import type { StatisticsReporter, StoreStatistics } from '../reporting.js';
import type { SqlClient, SqlDriver } from './driver.js';
import * as keys from './keys.js';
import { migrate } from './migrations.js';
import { VersionsAndSettingsBatcher } from './read-batcher.js';
import {
  SCHEMA_COLUMNS,
  VERSION_COLUMNS,
  settingsSql,
  toSchema,
  toScopeSettings,
  toVersion,
  toVersionWithSchema,
  versionsAndSettingsSql,
  type ConfigRow,
  type ModeRow,
  type SchemaRow,
  type SettingRow,
  type VersionOrSettingRow,
  type VersionRow,
  type VersionSchemaRow,
} from './rows.js';

const EVENTS_CHANNEL = 'schemata_events';

const JOINED = `SELECT ${VERSION_COLUMNS}, ${SCHEMA_COLUMNS}
  FROM versions v JOIN schemas s ON s.context = v.context AND s.id = v.schema_id`;

const SCOPE_SETTINGS = settingsSql('$1');

/** A subject's version rows and the setting rows of the scopes in $2. */
const VERSIONS_AND_SETTINGS = versionsAndSettingsSql('v.subject = $1');

/** Every query, over any client: the pool outside transactions, the transaction's connection inside. */
class SqlReader implements StoreReader {
  constructor(protected readonly db: SqlClient) {}

  async schemaById(context: string, id: number): Promise<SchemaRecord | undefined> {
    const rows = await this.db.query<SchemaRow>(
      `SELECT ${SCHEMA_COLUMNS} FROM schemas s WHERE s.context = $1 AND s.id = $2`,
      [context, id],
      'schema_by_id',
    );
    return rows[0] && toSchema(rows[0]);
  }

  async schemasByGuid(guid: string): Promise<SchemaRecord[]> {
    const rows = await this.db.query<SchemaRow>(
      `SELECT ${SCHEMA_COLUMNS} FROM schemas s WHERE s.guid = $1 ORDER BY s.context, s.id`,
      [guid],
      'schemas_by_guid',
    );
    return rows.map(toSchema);
  }

  async schemaIdByHash(context: string, hash: string): Promise<number | undefined> {
    const rows = await this.db.query<{ id: number }>(
      'SELECT id FROM schemas WHERE context = $1 AND hash = $2 ORDER BY id LIMIT 1',
      [context, hash],
      'schema_id_by_hash',
    );
    return rows[0]?.id;
  }

  async maxSchemaId(context: string): Promise<number> {
    const rows = await this.db.query<{ max_id: number }>('SELECT max_id FROM contexts WHERE context = $1', [context], 'max_id');
    return rows[0]?.max_id ?? 0;
  }

  async subjectVersions(subject: string): Promise<VersionRecord[]> {
    const rows = await this.db.query<VersionRow>(
      `SELECT ${VERSION_COLUMNS} FROM versions v WHERE v.subject = $1 ORDER BY v.version`,
      [subject],
      'subject_versions',
    );
    return rows.map(toVersion);
  }

  async subjectVersionsWithSchemas(subject: string): Promise<VersionWithSchema[]> {
    const rows = await this.db.query<VersionSchemaRow>(`${JOINED} WHERE v.subject = $1 ORDER BY v.version`, [subject], 'subject_versions_joined');
    return rows.map(toVersionWithSchema);
  }

  async subjectVersion(subject: string, version: number): Promise<VersionWithSchema | undefined> {
    const rows = await this.db.query<VersionSchemaRow>(`${JOINED} WHERE v.subject = $1 AND v.version = $2`, [subject, version], 'subject_version');
    return rows[0] && toVersionWithSchema(rows[0]);
  }

  async subjectVersionsOfSchema(subject: string, id: number): Promise<VersionRecord[]> {
    const rows = await this.db.query<VersionRow>(
      `SELECT ${VERSION_COLUMNS} FROM versions v WHERE v.subject = $1 AND v.schema_id = $2 ORDER BY v.version`,
      [subject, id],
      'subject_versions_of_schema',
    );
    return rows.map(toVersion);
  }

  async versionsOfSchema(context: string, id: number): Promise<VersionRecord[]> {
    const rows = await this.db.query<VersionRow>(
      `SELECT ${VERSION_COLUMNS} FROM versions v WHERE v.context = $1 AND v.schema_id = $2 ORDER BY v.subject, v.version`,
      [context, id],
      'versions_of_schema',
    );
    return rows.map(toVersion);
  }

  async listSubjects(query: { subjectPrefix?: string; context?: string }): Promise<SubjectSummary[]> {
    const rows = await this.db.query<{ subject: string; context: string; deleted: boolean }>(
      `SELECT subject, min(context) AS context, bool_and(deleted) AS deleted FROM versions
        WHERE ($1::text IS NULL OR starts_with(subject, $1)) AND ($2::text IS NULL OR context = $2)
        GROUP BY subject ORDER BY subject`,
      [query.subjectPrefix ?? null, query.context ?? null],
      'list_subjects',
    );
    return rows;
  }

  async listVersions(query: ListVersionsQuery): Promise<VersionWithSchema[]> {
    const filter = `($1::text IS NULL OR starts_with(v.subject, $1)) AND ($2::text IS NULL OR v.context = $2)
      AND ($3::boolean OR NOT v.deleted)`;
    const sql = query.latestOnly
      ? `${JOINED} WHERE ${filter} AND v.version = (
           SELECT max(l.version) FROM versions l WHERE l.subject = v.subject AND ($3::boolean OR NOT l.deleted))
         ORDER BY v.subject, v.version`
      : `${JOINED} WHERE ${filter} ORDER BY v.subject, v.version`;
    const rows = await this.db.query<VersionSchemaRow>(sql, [query.subjectPrefix ?? null, query.context ?? null, query.includeDeleted]);
    return rows.map(toVersionWithSchema);
  }

  async referrers(subject: string, version: number): Promise<Referrer[]> {
    return this.db.query<Referrer>(
      `SELECT r.context, r.schema_id AS id, bool_and(v.deleted) AS deleted
         FROM schema_references r JOIN versions v ON v.context = r.context AND v.schema_id = r.schema_id
        WHERE r.ref_subject = $1 AND r.ref_version = $2
        GROUP BY r.context, r.schema_id ORDER BY r.context, r.schema_id`,
      [subject, version],
      'referrers',
    );
  }

  async contexts(): Promise<string[]> {
    const rows = await this.db.query<{ context: string }>('SELECT DISTINCT context FROM versions ORDER BY context', [], 'contexts');
    return rows.map((r) => r.context);
  }

  async listSettings(): Promise<ScopeSettingsEntry[]> {
    const rows = await this.db.query<SettingRow>(
      `SELECT scope, config, NULL AS mode FROM configs UNION ALL SELECT scope, NULL, mode FROM modes ORDER BY scope`,
      [],
    );
    const byScope = new Map<string, ScopeSettingsEntry>();
    for (const row of rows) {
      const entry = byScope.get(row.scope) ?? { scope: row.scope };
      if (row.config !== null) entry.config = row.config;
      if (row.mode !== null) entry.mode = row.mode;
      byScope.set(row.scope, entry);
    }
    return [...byScope.values()];
  }

  async idCounters(): Promise<IdCounter[]> {
    return this.db.query<IdCounter>('SELECT context, max_id AS "maxId" FROM contexts ORDER BY context', []);
  }

  async config(scope: string): Promise<Config | undefined> {
    const rows = await this.db.query<ConfigRow>('SELECT config FROM configs WHERE scope = $1', [scope], 'config');
    return rows[0]?.config;
  }

  async mode(scope: string): Promise<Mode | undefined> {
    const rows = await this.db.query<ModeRow>('SELECT mode FROM modes WHERE scope = $1', [scope], 'mode');
    return rows[0]?.mode;
  }

  async scopeSettings(scopes: readonly string[]): Promise<ScopeSettings[]> {
    const rows = await this.db.query<SettingRow>(SCOPE_SETTINGS, [scopes], 'scope_settings');
    return toScopeSettings(scopes, rows);
  }

  async subjectVersionsAndSettings(subject: string, scopes: readonly string[]): Promise<SubjectVersionsAndSettings> {
    const rows = await this.db.query<VersionOrSettingRow>(VERSIONS_AND_SETTINGS, [subject, scopes], 'subject_versions_settings');
    const versions: VersionRecord[] = [];
    const settings: SettingRow[] = [];
    for (const row of rows) {
      if (row.scope === null) versions.push(toVersion(row));
      else settings.push(row);
    }
    return { versions, settings: toScopeSettings(scopes, settings) };
  }

  kek(name: string): Promise<KekRecord | undefined> {
    return keys.kek(this.db, name);
  }

  listKeks(): Promise<KekRecord[]> {
    return keys.listKeks(this.db);
  }

  listDeks(kekName: string, subject?: string): Promise<DekRecord[]> {
    return keys.listDeks(this.db, kekName, subject);
  }
}

class SqlWriter extends SqlReader implements StoreWriter {
  constructor(
    db: SqlClient,
    private readonly driver: SqlDriver,
    private readonly purged: { context: string; id: number }[],
  ) {
    super(db);
  }

  async insertSchema(schema: NewSchema): Promise<number> {
    // The counter only grows: a given (imported) id raises it, a new id is one past it. The given-id form
    // updates the row only when the id is larger: an unconditional update adds a row version each time, and
    // Postgres walks that ever longer chain within one transaction (importing 100,000 schemas went quadratic).
    const [row] = await this.db.query<{ max_id: number }>(
      schema.id === undefined
        ? `INSERT INTO contexts (context, max_id) VALUES ($1, 1)
             ON CONFLICT (context) DO UPDATE SET max_id = contexts.max_id + 1 RETURNING max_id`
        : `INSERT INTO contexts (context, max_id) VALUES ($1, $2)
             ON CONFLICT (context) DO UPDATE SET max_id = $2 WHERE contexts.max_id < $2`,
      schema.id === undefined ? [schema.context] : [schema.context, schema.id],
    );
    const id = schema.id ?? row!.max_id;
    await this.db.query(
      `INSERT INTO schemas (context, id, guid, schema_type, schema, refs, metadata, rule_set, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        schema.context,
        id,
        schema.guid,
        schema.schemaType,
        schema.schema,
        JSON.stringify(schema.references),
        schema.metadata ? JSON.stringify(schema.metadata) : null,
        schema.ruleSet ? JSON.stringify(schema.ruleSet) : null,
        schema.hash,
      ],
    );
    for (const target of schema.referenceTargets) {
      await this.db.query(
        `INSERT INTO schema_references (context, schema_id, ref_subject, ref_version) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING`,
        [schema.context, id, target.subject, target.version],
      );
    }
    return id;
  }

  async insertVersion(v: VersionRecord): Promise<void> {
    await this.db.query(
      'INSERT INTO versions (subject, version, context, schema_id, deleted, ts) VALUES ($1, $2, $3, $4, $5, $6)',
      [v.subject, v.version, v.context, v.schemaId, v.deleted, v.ts],
    );
  }

  async markVersionDeleted(subject: string, version: number): Promise<void> {
    await this.db.query('UPDATE versions SET deleted = true WHERE subject = $1 AND version = $2', [subject, version]);
  }

  async purgeVersion(subject: string, version: number): Promise<void> {
    const gone = await this.db.query<{ context: string; schema_id: number }>(
      'DELETE FROM versions WHERE subject = $1 AND version = $2 RETURNING context, schema_id',
      [subject, version],
    );
    for (const { context, schema_id: id } of gone) {
      const orphan = await this.db.query<{ id: number }>(
        `DELETE FROM schemas s WHERE s.context = $1 AND s.id = $2
           AND NOT EXISTS (SELECT 1 FROM versions v WHERE v.context = $1 AND v.schema_id = $2) RETURNING s.id`,
        [context, id],
      );
      if (orphan.length > 0) {
        this.purged.push({ context, id });
        await this.driver.notify(this.db, EVENTS_CHANNEL, JSON.stringify({ kind: 'schemaPurged', context, id }));
      }
    }
  }

  async setConfig(scope: string, config: Config | undefined): Promise<void> {
    if (config === undefined) await this.db.query('DELETE FROM configs WHERE scope = $1', [scope]);
    else
      await this.db.query(
        'INSERT INTO configs (scope, config) VALUES ($1, $2) ON CONFLICT (scope) DO UPDATE SET config = EXCLUDED.config',
        [scope, JSON.stringify(config)],
      );
  }

  async setMode(scope: string, mode: Mode | undefined): Promise<void> {
    if (mode === undefined) await this.db.query('DELETE FROM modes WHERE scope = $1', [scope]);
    else
      await this.db.query('INSERT INTO modes (scope, mode) VALUES ($1, $2) ON CONFLICT (scope) DO UPDATE SET mode = EXCLUDED.mode', [
        scope,
        mode,
      ]);
  }

  async raiseIdCounter(context: string, maxId: number): Promise<void> {
    await this.db.query(
      `INSERT INTO contexts (context, max_id) VALUES ($1, $2)
         ON CONFLICT (context) DO UPDATE SET max_id = $2 WHERE contexts.max_id < $2`,
      [context, maxId],
    );
  }

  putKek(kek: KekRecord): Promise<void> {
    return keys.putKek(this.db, kek);
  }

  purgeKek(name: string): Promise<void> {
    return keys.purgeKek(this.db, name);
  }

  putDek(dek: DekRecord): Promise<void> {
    return keys.putDek(this.db, dek);
  }

  purgeDek(kekName: string, subject: string, algorithm: DekAlgorithm, version: number): Promise<void> {
    return keys.purgeDek(this.db, kekName, subject, algorithm, version);
  }

  async deleteContext(context: string): Promise<void> {
    const scope = `:${context}:`;
    await this.db.query('DELETE FROM contexts WHERE context = $1', [context]);
    await this.db.query('DELETE FROM configs WHERE scope = $1', [scope]);
    await this.db.query('DELETE FROM modes WHERE scope = $1', [scope]);
  }
}

/** The Store on SQL: the same queries for Postgres and PGlite, over a `SqlDriver`. */
export class SqlStore extends SqlReader implements Store, StatisticsReporter {
  readonly kind: 'embedded' | 'postgres';
  readonly exclusive: boolean;
  private readonly listeners: ((event: StoreEvent) => void)[] = [];
  /** Postgres only: the hot per-registration read, batched per event-loop turn (see read-batcher.ts). */
  private readonly batcher: VersionsAndSettingsBatcher | undefined;

  constructor(private readonly driver: SqlDriver) {
    super(driver);
    this.kind = driver.kind;
    this.exclusive = driver.kind === 'embedded';
    this.batcher = this.exclusive ? undefined : new VersionsAndSettingsBatcher(driver);
  }

  override subjectVersionsAndSettings(subject: string, scopes: readonly string[]): Promise<SubjectVersionsAndSettings> {
    return this.batcher ? this.batcher.read(subject, scopes) : super.subjectVersionsAndSettings(subject, scopes);
  }

  async open(): Promise<void> {
    await migrate(this.driver);
    if (!this.exclusive) {
      this.driver.onResync(() => {
        for (const l of this.listeners) l({ kind: 'resync' });
      });
      await this.driver.listen(EVENTS_CHANNEL, (payload) => {
        let event: StoreEvent;
        try {
          event = JSON.parse(payload) as StoreEvent;
        } catch {
          return;
        }
        for (const l of this.listeners) l(event);
      });
    }
  }

  /** One query, for metrics scrapes: counts over the primary keys and the versions table. */
  async statistics(): Promise<StoreStatistics> {
    const rows = await this.driver.query<{ schemas: number; subjects: number; versions: number }>(
      `SELECT (SELECT count(*)::int FROM schemas) AS schemas,
              (SELECT count(DISTINCT subject)::int FROM versions WHERE NOT deleted) AS subjects,
              (SELECT count(*)::int FROM versions WHERE NOT deleted) AS versions`,
      [],
    );
    return rows[0] ?? { schemas: 0, subjects: 0, versions: 0 };
  }

  async write<T>(fn: (tx: StoreWriter) => Promise<T>): Promise<T> {
    const purged: { context: string; id: number }[] = [];
    return this.driver.writeTransaction((client) => fn(new SqlWriter(client, this.driver, purged)));
  }

  onEvent(listener: (event: StoreEvent) => void): void {
    this.listeners.push(listener);
  }

  close(): Promise<void> {
    return this.driver.close();
  }
}
