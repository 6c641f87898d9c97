/**
 * The in-memory state of a `_schemas` topic: what every process serves reads from. It is a pure function
 * of the topic's records in order (latest value per key wins, a null value deletes), so every process that
 * has read to the same offset holds the same state, and applying a record twice changes nothing.
 *
 * `apply` returns how to undo itself: a write transaction applies its records here to read its own writes
 * (the core reads back what it inserts), then undoes them; the records become permanent only when the
 * topic reader applies them after the Kafka transaction committed.
 *
 * Per stored version the view keeps one small VersionRecord; schema texts are shared by every version
 * carrying the same id.
 */
import type { Config, Mode } from '@schemata/serdes';
import { guidOf, uncachedContentHash } from '../../core/identity.js';
import { parseSubject, qualifyReference } from '../../core/subjects.js';
import type {
  ListVersionsQuery,
  Referrer,
  SchemaRecord,
  ScopeSettings,
  ScopeSettingsEntry,
  SubjectSummary,
  VersionRecord,
  VersionWithSchema,
} from '../store.js';
import { DEFAULT_CONTEXT } from '../store.js';
import type { StoreStatistics } from '../reporting.js';
import type { RegistryKey, SchemaValue } from './records.js';

/**
 * A decoded record: the key, its value (null: tombstone) and its timestamp. The value's type follows the
 * keytype: SchemaValue (SCHEMA), Config (CONFIG), Mode (MODE), `{version}` (DELETE_SUBJECT), anything else
 * (ignored).
 */
export interface ViewRecord {
  key: RegistryKey;
  value: unknown;
  ts: number;
}

/**
 * A schema as the view holds it. Its content hash (and the guid derived from it) is computed when first
 * asked for: at start-up the view indexes hashes after it is ready (in the background, or at the first
 * lookup by hash or guid), which takes the MD5 of every schema out of the catch-up. A copy made by object
 * spread lacks `guid` (and `hash` until it was first read): read them, do not spread, a stored record.
 */
class ViewSchema implements SchemaRecord {
  declare metadata?: SchemaRecord['metadata'];
  declare ruleSet?: SchemaRecord['ruleSet'];

  constructor(
    readonly context: string,
    readonly id: number,
    readonly schemaType: SchemaRecord['schemaType'],
    readonly schema: string,
    readonly references: SchemaRecord['references'],
  ) {}

  // First read: computed, then stored as an own data property that shadows this getter (the core compares
  // hashes of a subject's versions on every registration).
  get hash(): string {
    const hash = uncachedContentHash(this);
    Object.defineProperty(this, 'hash', { value: hash, writable: true, enumerable: true, configurable: true });
    return hash;
  }

  /** Derived from the hash on each read (cheap, and read only when a response shows it). */
  get guid(): string {
    return guidOf(this.hash);
  }
}

interface StoredSchema {
  record: SchemaRecord;
  /** Its key in the hash/guid index (see hashPrefix), or -1 while not indexed yet. */
  prefix: number;
  /**
   * Every version (any subject) carrying this schema; the schema goes with the last one. Usually one: held
   * bare, an array only for two or more (an empty array that grows costs ~150 bytes per schema).
   */
  carriers: OneOrMore<VersionRecord>;
  /** The subject-versions its references resolved to (for `referrers`). */
  targets: readonly string[];
}

const versionKey = (subject: string, version: number) => `${subject}\u0000${version}`;
const NONE: readonly string[] = Object.freeze([]);
const NO_REFERENCES = Object.freeze([]) as unknown as SchemaRecord['references'];

/** A map of maps: per context, so no composite string key is built per schema. */
class ByContext<K, V> {
  private readonly maps = new Map<string, Map<K, V>>();
  get(context: string, key: K): V | undefined {
    return this.maps.get(context)?.get(key);
  }
  set(context: string, key: K, value: V): void {
    let m = this.maps.get(context);
    if (!m) this.maps.set(context, (m = new Map()));
    m.set(key, value);
  }
  delete(context: string, key: K): void {
    const m = this.maps.get(context);
    m?.delete(key);
    if (m?.size === 0) this.maps.delete(context);
  }
  get size(): number {
    let n = 0;
    for (const m of this.maps.values()) n += m.size;
    return n;
  }
}

/** One value or several (one is by far the common case: no array for it); undefined for none. */
type OneOrMore<V> = V | V[] | undefined;

function withAdded<V>(old: OneOrMore<V>, value: V): OneOrMore<V> {
  return old === undefined ? value : Array.isArray(old) ? [...old, value] : [old, value];
}

function withRemoved<V>(old: OneOrMore<V>, value: V): OneOrMore<V> {
  if (!Array.isArray(old)) return old === value ? undefined : old;
  const rest = old.filter((v) => v !== value);
  return rest.length === 0 ? undefined : rest.length === 1 ? rest[0] : rest;
}

function addTo<K, V>(map: Map<K, OneOrMore<V>>, key: K, value: V): void {
  map.set(key, withAdded(map.get(key), value));
}

function removeFrom<K, V>(map: Map<K, OneOrMore<V>>, key: K, value: V): void {
  const rest = withRemoved(map.get(key), value);
  if (rest === undefined) map.delete(key);
  else map.set(key, rest);
}

/** The version numbered `version` in a subject's list (sorted; a new record's is usually last or absent). */
function findVersion(versions: readonly VersionRecord[], version: number): VersionRecord | undefined {
  for (let i = versions.length - 1; i >= 0; i--) {
    const v = versions[i]!;
    if (v.version === version) return v;
    if (v.version < version) return undefined;
  }
  return undefined;
}

const listOf = <V>(v: OneOrMore<V>): V[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The first 7 hex digits (28 bits, a small integer) of a hash or of a guid (same digits in both). */
const hashPrefix = (hexOrGuid: string): number => parseInt(hexOrGuid.slice(0, 7), 16);

/** Why a SCHEMA record was refused (logged by the reader; the record changes nothing). */
const noop = () => {};

export class RefusedRecord extends Error {
  override readonly name = 'RefusedRecord';
}

export class SchemaView {
  private readonly subjects = new Map<string, VersionRecord[]>();
  private readonly schemas = new ByContext<number, StoredSchema>();
  /**
   * Schemas by the first 28 bits of their content hash, which are also the first 28 bits of their guid
   * (the guid alters only bytes 6 and 8): one small-integer-keyed index answers lookups by hash and by
   * guid, candidates checked in full. No hash or guid string is kept per schema for it.
   */
  private readonly byPrefix = new Map<number, StoredSchema | StoredSchema[]>();
  private readonly referrerIndex = new Map<string, Set<StoredSchema>>();
  private readonly maxIds = new Map<string, number>();
  /** Subjects per context (a context exists while one of its subjects holds a version, deleted or not). */
  private readonly contextSubjects = new Map<string, number>();
  private readonly configs = new Map<string, Config>();
  private readonly modes = new Map<string, Mode>();
  private sortedSubjects: string[] | undefined;
  /** Called when the last version carrying a schema goes (the core's by-id caches listen). */
  onPurge: (context: string, id: number) => void = () => {};

  /** Applies a record read from the topic (for good: no undo kept). */
  load(r: ViewRecord): void {
    this.keepUndo = false;
    try {
      this.apply(r);
    } finally {
      this.keepUndo = true;
    }
  }

  /** While false (loading), apply() builds no undo (saves an allocation per record). */
  private keepUndo = true;

  /** Applies one record; returns its inverse. Throws RefusedRecord (state unchanged) for a conflicting id. */
  apply(r: ViewRecord): () => void {
    const key = r.key;
    switch (key.keytype) {
      case 'SCHEMA':
        return this.applySchema(key.subject, key.version, r.value as SchemaValue | null, r.ts);
      case 'CONFIG':
        return this.applySetting(this.configs, key.scope, r.value as Config | null);
      case 'MODE':
        return this.applySetting(this.modes, key.scope, r.value as Mode | null);
      case 'DELETE_SUBJECT': {
        // Confluent: every version up to `version` of the subject is marked deleted.
        const upTo = (r.value as { version: number } | null)?.version ?? 0;
        const undo = (this.subjects.get(key.subject) ?? []).filter((v) => !v.deleted && v.version <= upTo).map((v) => this.setDeleted(v, true));
        return () => undo.reverse().forEach((u) => u());
      }
      case 'CLEAR_SUBJECT': {
        // Confluent writes it after a permanent subject delete: soft-deleted versions are gone.
        const gone = (this.subjects.get(key.subject) ?? []).filter((v) => v.deleted);
        const undo = gone.map((v) => this.applySchema(v.subject, v.version, null, r.ts));
        return () => undo.reverse().forEach((u) => u());
      }
      default:
        // NOOP and CONTEXT records carry nothing the view needs (contexts exist through their subjects).
        return () => {};
    }
  }

  private applySetting<T>(map: Map<string, T>, scope: string, value: T | null): () => void {
    const previous = map.get(scope);
    if (value === null) map.delete(scope);
    else map.set(scope, value);
    return () => {
      if (previous === undefined) map.delete(scope);
      else map.set(scope, previous);
    };
  }

  private setDeleted(v: VersionRecord, deleted: boolean): () => void {
    const value = this.schemaValueOf(v);
    return this.applySchema(v.subject, v.version, { ...value, deleted }, v.ts);
  }

  /** The SCHEMA value that produced a stored version (for undo). */
  private schemaValueOf(v: VersionRecord): SchemaValue {
    const s = this.schemas.get(v.context, v.schemaId)!.record;
    const value: SchemaValue = {
      subject: v.subject,
      version: v.version,
      id: v.schemaId,
      schemaType: s.schemaType,
      references: s.references,
      schema: s.schema,
      deleted: v.deleted,
    };
    if (s.metadata) value.metadata = s.metadata;
    if (s.ruleSet) value.ruleSet = s.ruleSet;
    return value;
  }

  private applySchema(subject: string, version: number, value: SchemaValue | null, ts: number): () => void {
    const versions = this.subjects.get(subject);
    const previous = versions && findVersion(versions, version);
    // Every version of a subject shares its context (and one copy of its name): parse the key only for a new subject.
    const first = versions?.[0];
    const context = first ? first.context : parseSubject(subject).context;
    if (first) subject = first.subject;
    const keepUndo = this.keepUndo;
    const previousValue = keepUndo && previous ? this.schemaValueOf(previous) : undefined;
    const previousMax = this.maxIds.get(context);

    if (value) {
      if (value.subject !== subject || value.version !== version) throw new RefusedRecord(`value names ${value.subject} version ${value.version}`);
      const existing = this.schemas.get(context, value.id);
      if (existing && existing.record.hash !== uncachedContentHash(value)) {
        throw new RefusedRecord(`id ${value.id} in context ${context} already holds a different schema`);
      }
      // The new version goes in before the previous one goes out, so a schema carried by both stays.
      const record: VersionRecord = { subject, context, version, schemaId: value.id, deleted: value.deleted, ts };
      this.addVersion(record, existing ?? this.addSchema(context, value));
      if (value.id > (previousMax ?? 0)) this.maxIds.set(context, value.id);
    }
    if (previous) this.removeVersion(subject, previous);
    if (!keepUndo) return noop;
    return () => {
      // Restores the previous value of this key, and the counter (which only an undo may lower).
      if (previousValue) this.applySchema(subject, version, previousValue, previous!.ts);
      else {
        const current = this.subjects.get(subject)?.find((v) => v.version === version);
        if (current) this.removeVersion(subject, current);
      }
      if (previousMax === undefined) this.maxIds.delete(context);
      else this.maxIds.set(context, previousMax);
    };
  }

  private addSchema(context: string, value: SchemaValue): StoredSchema {
    const record = new ViewSchema(context, value.id, value.schemaType, value.schema, value.references.length === 0 ? NO_REFERENCES : value.references);
    if (value.metadata) record.metadata = value.metadata;
    if (value.ruleSet) record.ruleSet = value.ruleSet;
    let targets = NONE;
    if (value.references.length > 0) {
      const found: string[] = [];
      for (const ref of value.references) {
        const target = qualifyReference(ref.subject, context).key;
        // -1 (latest) as Confluent stores it when given: the latest live version when the record is read.
        const version = ref.version > 0 ? ref.version : this.subjects.get(target)?.filter((v) => !v.deleted).at(-1)?.version;
        if (version !== undefined) found.push(versionKey(target, version));
      }
      targets = found;
    }
    const stored: StoredSchema = { record, prefix: -1, carriers: undefined, targets };
    this.schemas.set(context, value.id, stored);
    this.unindexed.push(stored);
    for (const t of targets) {
      let set = this.referrerIndex.get(t);
      if (!set) this.referrerIndex.set(t, (set = new Set()));
      set.add(stored);
    }
    return stored;
  }

  /** Puts the schemas added since the last call into the hash and guid indexes. */
  private indexPending(limit = Infinity): void {
    let done = 0;
    while (this.unindexed.length > 0 && done < limit) {
      const batch = this.unindexed.splice(0, Math.min(this.unindexed.length, 5_000));
      for (const stored of batch) {
        // Dropped (or replaced) since it was added: nothing to index.
        if (this.schemas.get(stored.record.context, stored.record.id) !== stored) continue;
        stored.prefix = hashPrefix(uncachedContentHash(stored.record));
        addTo(this.byPrefix, stored.prefix, stored);
      }
      done += batch.length;
    }
  }

  /** Indexes pending schemas a slice at a time between other work (after start-up's catch-up). */
  indexInBackground(): void {
    if (this.unindexed.length === 0 || this.indexing) return;
    this.indexing = true;
    const step = () => {
      this.indexPending(2_000);
      if (this.unindexed.length > 0) setImmediate(step);
      else this.indexing = false;
    };
    setImmediate(step);
  }

  private readonly unindexed: StoredSchema[] = [];
  private indexing = false;

  private dropSchema(stored: StoredSchema): void {
    const { context, id } = stored.record;
    this.schemas.delete(context, id);
    if (stored.prefix >= 0) removeFrom(this.byPrefix, stored.prefix, stored);
    for (const t of stored.targets) {
      const set = this.referrerIndex.get(t);
      set?.delete(stored);
      if (set?.size === 0) this.referrerIndex.delete(t);
    }
    this.onPurge(context, id);
  }

  private addVersion(v: VersionRecord, stored: StoredSchema): void {
    let versions = this.subjects.get(v.subject);
    if (!versions) {
      this.subjects.set(v.subject, (versions = []));
      this.sortedSubjects = undefined;
      this.contextSubjects.set(v.context, (this.contextSubjects.get(v.context) ?? 0) + 1);
    }
    let i = versions.length;
    while (i > 0 && versions[i - 1]!.version > v.version) i--;
    versions.splice(i, 0, v);
    stored.carriers = withAdded(stored.carriers, v);
  }

  private removeVersion(subject: string, v: VersionRecord): void {
    const versions = this.subjects.get(subject)!;
    versions.splice(versions.indexOf(v), 1);
    if (versions.length === 0) {
      this.subjects.delete(subject);
      this.sortedSubjects = undefined;
      const left = (this.contextSubjects.get(v.context) ?? 1) - 1;
      if (left > 0) this.contextSubjects.set(v.context, left);
      else this.contextSubjects.delete(v.context);
    }
    const stored = this.schemas.get(v.context, v.schemaId);
    if (stored) {
      stored.carriers = withRemoved(stored.carriers, v);
      if (stored.carriers === undefined) this.dropSchema(stored);
    }
  }

  // ---- queries (synchronous; the store wraps them) ---------------------------------------------------

  /** Counts for metrics scrapes: distinct schemas, subjects with a live version, live versions. */
  statistics(): StoreStatistics {
    let subjects = 0;
    let versions = 0;
    for (const list of this.subjects.values()) {
      let live = 0;
      for (const v of list) if (!v.deleted) live++;
      versions += live;
      if (live > 0) subjects++;
    }
    return { schemas: this.schemas.size, subjects, versions };
  }

  schemaById(context: string, id: number): SchemaRecord | undefined {
    return this.schemas.get(context, id)?.record;
  }

  schemasByGuid(guid: string): SchemaRecord[] {
    this.indexPending();
    const found = listOf(this.byPrefix.get(hashPrefix(guid))).filter((s) => s.record.guid === guid).map((s) => s.record);
    return found.sort((a, b) => (a.context < b.context ? -1 : a.context > b.context ? 1 : a.id - b.id));
  }

  schemaIdByHash(context: string, hash: string): number | undefined {
    this.indexPending();
    let lowest: number | undefined;
    for (const s of listOf(this.byPrefix.get(hashPrefix(hash)))) {
      if (s.record.context === context && s.record.hash === hash && (lowest === undefined || s.record.id < lowest)) lowest = s.record.id;
    }
    return lowest;
  }

  maxSchemaId(context: string): number {
    return this.maxIds.get(context) ?? 0;
  }

  /** Every context's counter (the largest id seen in its records, or raised by import), sorted by context. */
  idCounters(): { context: string; maxId: number }[] {
    return [...this.maxIds].map(([context, maxId]) => ({ context, maxId })).sort((a, b) => (a.context < b.context ? -1 : a.context > b.context ? 1 : 0));
  }

  /**
   * Raises a context's counter in this process only: the topic has no record for a counter (Confluent's
   * readers know none), so after a restart the counter is again the largest id in the topic's records.
   */
  raiseMaxId(context: string, maxId: number): void {
    if (maxId > (this.maxIds.get(context) ?? 0)) this.maxIds.set(context, maxId);
  }

  subjectVersions(subject: string): VersionRecord[] {
    return [...(this.subjects.get(subject) ?? [])];
  }

  private withSchema = (v: VersionRecord): VersionWithSchema => ({ ...v, schema: this.schemas.get(v.context, v.schemaId)!.record });

  subjectVersionsWithSchemas(subject: string): VersionWithSchema[] {
    return (this.subjects.get(subject) ?? []).map(this.withSchema);
  }

  subjectVersion(subject: string, version: number): VersionWithSchema | undefined {
    const v = this.subjects.get(subject)?.find((x) => x.version === version);
    return v && this.withSchema(v);
  }

  subjectVersionsOfSchema(subject: string, id: number): VersionRecord[] {
    return (this.subjects.get(subject) ?? []).filter((v) => v.schemaId === id);
  }

  versionsOfSchema(context: string, id: number): VersionRecord[] {
    const carriers = [...listOf(this.schemas.get(context, id)?.carriers)];
    return carriers.sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : a.version - b.version));
  }

  private subjectKeys(): string[] {
    this.sortedSubjects ??= [...this.subjects.keys()].sort();
    return this.sortedSubjects;
  }

  listSubjects(query: { subjectPrefix?: string; context?: string }): SubjectSummary[] {
    const out: SubjectSummary[] = [];
    for (const subject of this.subjectKeys()) {
      if (query.subjectPrefix !== undefined && !subject.startsWith(query.subjectPrefix)) continue;
      const versions = this.subjects.get(subject)!;
      const context = versions[0]!.context;
      if (query.context !== undefined && context !== query.context) continue;
      out.push({ subject, context, deleted: versions.every((v) => v.deleted) });
    }
    return out;
  }

  listVersions(query: ListVersionsQuery): VersionWithSchema[] {
    const out: VersionWithSchema[] = [];
    for (const subject of this.subjectKeys()) {
      if (query.subjectPrefix !== undefined && !subject.startsWith(query.subjectPrefix)) continue;
      const all = this.subjects.get(subject)!;
      if (query.context !== undefined && all[0]!.context !== query.context) continue;
      const versions = query.includeDeleted ? all : all.filter((v) => !v.deleted);
      for (const v of query.latestOnly ? versions.slice(-1) : versions) out.push(this.withSchema(v));
    }
    return out;
  }

  referrers(subject: string, version: number): Referrer[] {
    const out: Referrer[] = [];
    for (const s of this.referrerIndex.get(versionKey(subject, version)) ?? []) {
      out.push({ context: s.record.context, id: s.record.id, deleted: listOf(s.carriers).every((v) => v.deleted) });
    }
    return out.sort((a, b) => (a.context < b.context ? -1 : a.context > b.context ? 1 : a.id - b.id));
  }

  contexts(): string[] {
    return [...this.contextSubjects.keys()].sort();
  }

  hasContext(context: string): boolean {
    return context === DEFAULT_CONTEXT || this.contextSubjects.has(context);
  }

  listSettings(): ScopeSettingsEntry[] {
    const scopes = [...new Set([...this.configs.keys(), ...this.modes.keys()])].sort();
    return scopes.map((scope) => ({ scope, ...this.scopeSettings([scope])[0] }));
  }

  config(scope: string): Config | undefined {
    return this.configs.get(scope);
  }

  mode(scope: string): Mode | undefined {
    return this.modes.get(scope);
  }

  scopeSettings(scopes: readonly string[]): ScopeSettings[] {
    return scopes.map((scope) => {
      const settings: ScopeSettings = {};
      const config = this.configs.get(scope);
      const mode = this.modes.get(scope);
      if (config) settings.config = config;
      if (mode) settings.mode = mode;
      return settings;
    });
  }

  /** Counts for logs and the benchmark. */
  size(): { subjects: number; versions: number; schemas: number } {
    let versions = 0;
    for (const v of this.subjects.values()) versions += v.length;
    return { subjects: this.subjects.size, versions, schemas: this.schemas.size };
  }
}
