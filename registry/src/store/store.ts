/**
 * The storage interface of the registry. The core calls it; SQL (Postgres, PGlite) and Kafka implement it.
 *
 * Vocabulary:
 * - context: Confluent's schema context, `.` for the default one, `.name` otherwise.
 * - subject: the qualified subject key as stored. Subjects of the default context are stored bare
 *   (`orders-value`); others as `:.ctx:name`. The core normalises `:.:name` to `name` before it gets here.
 * - scope (config/mode): a subject key, a context key `:.ctx:`, `` (empty string) for the global level,
 *   or `:.__GLOBAL:` for Confluent's registry-wide level.
 *
 * Writes happen only inside `write(fn)`: one write transaction at a time across every process sharing the
 * store (Postgres: an advisory lock; PGlite: one process owns the database; Kafka: only the elected primary
 * writes, one transaction at a time, through a fenced transactional producer; the others get
 * NotPrimaryError). Inside it the core reads what it needs (versions, config), checks compatibility,
 * allocates ids and appends, so a concurrent incompatible registration always loses and no id or version
 * is handed out twice. Reads outside `write` see every committed write at once (Kafka: every write this
 * process has read; a forwarded write is answered only once it has).
 */
import type { Config, Metadata, Mode, RuleSet, SchemaReference, SchemaType } from '@schemata/serdes';

export const DEFAULT_CONTEXT = '.';
export const GLOBAL_SCOPE = '';

/** A schema's content under one id in one context. Immutable once written. */
export interface SchemaRecord {
  context: string;
  id: number;
  /** Confluent 8's guid: a UUID derived from the schema identity. */
  guid: string;
  schemaType: SchemaType;
  /** The stored text (canonical, or normalized when registered with normalize=true). */
  schema: string;
  references: SchemaReference[];
  metadata?: Metadata;
  ruleSet?: RuleSet;
  /** Content identity: MD5 (hex) over schema text, references, metadata and ruleSet. */
  hash: string;
}

/** One version of a subject. */
export interface VersionRecord {
  subject: string;
  context: string;
  version: number;
  schemaId: number;
  deleted: boolean;
  /** Registration time, epoch milliseconds. */
  ts: number;
}

export interface VersionWithSchema extends VersionRecord {
  schema: SchemaRecord;
}

export interface SubjectSummary {
  subject: string;
  context: string;
  /** True when every version is soft-deleted. */
  deleted: boolean;
}

/** A schema that references a subject-version, with whether any live version still uses it. */
export interface Referrer {
  context: string;
  id: number;
  /** True when every version carrying this schema is soft-deleted. */
  deleted: boolean;
}

/** What one config/mode scope holds: its own config and mode, each absent when not set there. */
export interface ScopeSettings {
  config?: Config | undefined;
  mode?: Mode | undefined;
}

/** A context's id counter: the largest id ever allocated there. */
export interface IdCounter {
  context: string;
  maxId: number;
}

/** `ScopeSettings` of one named scope. */
export interface ScopeSettingsEntry extends ScopeSettings {
  scope: string;
}

/** A subject's versions with the settings of the scopes asked for (see `subjectVersionsAndSettings`). */
export interface SubjectVersionsAndSettings {
  versions: VersionRecord[];
  /** One entry per scope asked for, in the same order. */
  settings: ScopeSettings[];
}

export interface ListVersionsQuery {
  /** Only subjects whose stored key starts with this (already qualified by the core). */
  subjectPrefix?: string;
  /** Only subjects in this context. */
  context?: string;
  includeDeleted: boolean;
  latestOnly: boolean;
}

/** DEK algorithms (Confluent's DekFormat). */
export type DekAlgorithm = 'AES128_GCM' | 'AES256_GCM' | 'AES256_SIV';

/** A key encryption key of the DEK registry: a pointer to a key in a KMS, never key material. */
export interface KekRecord {
  name: string;
  kmsType: string;
  kmsKeyId: string;
  /** Sorted by key when stored. */
  kmsProps: Record<string, string>;
  doc?: string;
  /** True when the registry may use the KMS itself (it then generates DEKs and returns them unwrapped). */
  shared: boolean;
  deleted: boolean;
  /** Last change, epoch milliseconds. */
  ts: number;
}

/** A data encryption key: key material wrapped by its KEK (base64), one per KEK, subject, algorithm, version. */
export interface DekRecord {
  kekName: string;
  subject: string;
  version: number;
  algorithm: DekAlgorithm;
  encryptedKeyMaterial: string;
  deleted: boolean;
  ts: number;
}

/** The DEK registry's queries (see KekRecord, DekRecord). */
export interface KeyReader {
  /** The KEK, soft-deleted or not. */
  kek(name: string): Promise<KekRecord | undefined>;
  /** Every KEK, soft-deleted included, sorted by name. */
  listKeks(): Promise<KekRecord[]>;
  /** The KEK's DEKs (of one subject when given), soft-deleted included, by subject, algorithm, version. */
  listDeks(kekName: string, subject?: string): Promise<DekRecord[]>;
}

/** The DEK registry's writes: upserts by key and hard deletes. */
export interface KeyWriter {
  putKek(kek: KekRecord): Promise<void>;
  purgeKek(name: string): Promise<void>;
  putDek(dek: DekRecord): Promise<void>;
  purgeDek(kekName: string, subject: string, algorithm: DekAlgorithm, version: number): Promise<void>;
}

/** Queries, available outside and inside write transactions. */
export interface StoreReader extends KeyReader {
  schemaById(context: string, id: number): Promise<SchemaRecord | undefined>;
  schemasByGuid(guid: string): Promise<SchemaRecord[]>;
  /** The lowest id in the context whose content hash is `hash`. */
  schemaIdByHash(context: string, hash: string): Promise<number | undefined>;
  /** The largest id ever allocated in the context (ids are never reused, even after hard deletes). */
  maxSchemaId(context: string): Promise<number>;

  /** Every version of the subject, soft-deleted ones included, ascending. Empty when unknown. */
  subjectVersions(subject: string): Promise<VersionRecord[]>;
  /** The same, joined with the schemas. */
  subjectVersionsWithSchemas(subject: string): Promise<VersionWithSchema[]>;
  subjectVersion(subject: string, version: number): Promise<VersionWithSchema | undefined>;
  /** Versions of the subject carrying schema `id` (soft-deleted ones included). */
  subjectVersionsOfSchema(subject: string, id: number): Promise<VersionRecord[]>;
  /** Every version (any subject of the context) that carries schema `id`. */
  versionsOfSchema(context: string, id: number): Promise<VersionRecord[]>;
  /** Subjects with at least one version (soft-deleted included), sorted by key. */
  listSubjects(query: { subjectPrefix?: string; context?: string }): Promise<SubjectSummary[]>;
  listVersions(query: ListVersionsQuery): Promise<VersionWithSchema[]>;
  /** Schemas whose references name this subject-version. */
  referrers(subject: string, version: number): Promise<Referrer[]>;
  /** Contexts that hold at least one version (soft-deleted included), sorted. */
  contexts(): Promise<string[]>;
  /** Every scope that holds a config or a mode, sorted by scope (export, admin tools). */
  listSettings(): Promise<ScopeSettingsEntry[]>;
  /**
   * Every context's id counter, sorted by context (export): also contexts whose versions were all
   * permanently deleted, which `contexts()` no longer lists but whose ids must stay unused.
   */
  idCounters(): Promise<IdCounter[]>;

  config(scope: string): Promise<Config | undefined>;
  mode(scope: string): Promise<Mode | undefined>;
  /**
   * The config and mode of each scope (e.g. a scope chain) in one query: one entry per scope, in the order
   * given. What `config` and `mode` answer scope by scope, for one round trip instead of one per call.
   */
  scopeSettings(scopes: readonly string[]): Promise<ScopeSettings[]>;
  /**
   * `subjectVersions(subject)` and `scopeSettings(scopes)` in one query: what registering, looking up or
   * checking a schema reads first, in one round trip on a database that cannot be cached in front of.
   */
  subjectVersionsAndSettings(subject: string, scopes: readonly string[]): Promise<SubjectVersionsAndSettings>;
}

export interface NewSchema extends Omit<SchemaRecord, 'id'> {
  /** IMPORT mode: the caller's id. Otherwise the store allocates max id + 1 of the context. */
  id?: number;
  /**
   * The subject-versions the references resolved to (qualified subject keys, concrete version numbers,
   * `-1`/latest already resolved), so `referrers()` can answer `referencedby` and delete checks.
   */
  referenceTargets: { subject: string; version: number }[];
}

/** Writes, available only inside `Store.write`. */
export interface StoreWriter extends StoreReader, KeyWriter {
  /** Stores the schema under a new id (or the given one) and returns the id. */
  insertSchema(schema: NewSchema): Promise<number>;
  insertVersion(version: VersionRecord): Promise<void>;
  markVersionDeleted(subject: string, version: number): Promise<void>;
  /** Hard-deletes the version; the schema row goes too once no version (of any subject) carries it. */
  purgeVersion(subject: string, version: number): Promise<void>;
  setConfig(scope: string, config: Config | undefined): Promise<void>;
  setMode(scope: string, mode: Mode | undefined): Promise<void>;
  /**
   * Raises the context's id counter to at least `maxId` (never lowers it), creating it if needed. Import
   * carries a source's counter this way, so ids permanently deleted there are never handed out again.
   */
  raiseIdCounter(context: string, maxId: number): Promise<void>;
  /** Forgets a context's id counter, config and mode (the core checks it is empty first). */
  deleteContext(context: string): Promise<void>;
}

/** What other processes sharing the store changed, for caches that must not go stale. */
export type StoreEvent =
  | { kind: 'schemaPurged'; context: string; id: number }
  /** Events may have been missed (the notification connection dropped and came back): drop every cache. */
  | { kind: 'resync' };

/**
 * Stores with one writer among several processes (Kafka): where writes go and how far this process's view
 * has read, so a process that forwards a write can answer only once its own view holds it.
 */
export interface Replication {
  /** Every record before this position has been applied to this process's view. */
  position(): number;
  /** Resolves true once `position() >= target`, false when `timeoutMs` passes first. */
  waitFor(target: number, timeoutMs: number): Promise<boolean>;
  /**
   * How far this process's view has read, as an opaque token (every topic the store reads): a primary hands
   * it to the process that forwarded a write, which answers once `waitForToken` says it has read as far.
   */
  token(): string;
  /** Resolves true once this process has read as far as `token` says, false when `timeoutMs` passes first. */
  waitForToken(token: string, timeoutMs: number): Promise<boolean>;
  /** Joins the election of the primary, advertising `url` as where other processes forward writes. */
  join(url: string): Promise<void>;
}

/**
 * Thrown by `Store.write` in a process that is not the primary: the HTTP layer forwards the request to
 * `primaryUrl` (undefined while no primary is known).
 */
export class NotPrimaryError extends Error {
  override readonly name = 'NotPrimaryError';
  constructor(readonly primaryUrl: string | undefined) {
    super(primaryUrl ? `writes go to the primary at ${primaryUrl}` : 'no primary is known');
  }
}

export interface Store extends StoreReader {
  /** `embedded` (PGlite, one process owns the data), `postgres` or `kafka`. */
  readonly kind: 'embedded' | 'postgres' | 'kafka';
  /**
   * True when this process is the only writer (PGlite): the core may then cache mutable state
   * (latest versions, config) and invalidate it on its own writes.
   */
  readonly exclusive: boolean;
  /** Applies pending migrations and readies the store. Idempotent. */
  open(): Promise<void>;
  /** One serialized write transaction; everything inside commits or nothing does. */
  write<T>(fn: (tx: StoreWriter) => Promise<T>): Promise<T>;
  /** Set on stores with a single elected writer (Kafka); absent on SQL stores. */
  readonly replication?: Replication;
  /** Changes made by other processes (Postgres LISTEN/NOTIFY); a no-op for exclusive stores. */
  onEvent(listener: (event: StoreEvent) => void): void;
  close(): Promise<void>;
}
