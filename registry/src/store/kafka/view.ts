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
import { contentHash, guidOf } from '../../core/identity.js';
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

interface StoredSchema {
  record: SchemaRecord;
  /** Every version (any subject) carrying this schema; the schema goes with the last one. */
  carriers: Set<VersionRecord>;
  /** The subject-versions its references resolved to (for `referrers`). */
  targets: string[];
}

const schemaKey = (context: string, id: number) => `${context}\u0000${id}`;
const versionKey = (subject: string, version: number) => `${subject}\u0000${version}`;

/** Why a SCHEMA record was refused (logged by the reader; the record changes nothing). */
export class RefusedRecord extends Error {
  override readonly name = 'RefusedRecord';
}

export class SchemaView {
  private readonly subjects = new Map<string, VersionRecord[]>();
  private readonly schemas = new Map<string, StoredSchema>();
  private readonly byHash = new Map<string, number[]>();
  private readonly byGuid = new Map<string, SchemaRecord[]>();
  private readonly referrerIndex = new Map<string, Set<StoredSchema>>();
  private readonly maxIds = new Map<string, number>();
  private readonly contextVersions = new Map<string, number>();
  private readonly configs = new Map<string, Config>();
  private readonly modes = new Map<string, Mode>();
  private sortedSubjects: string[] | undefined;
  /** Called when the last version carrying a schema goes (the core's by-id caches listen). */
  onPurge: (context: string, id: number) => void = () => {};

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
    const s = this.schemas.get(schemaKey(v.context, v.schemaId))!.record;
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
    const index = versions ? versions.findIndex((v) => v.version === version) : -1;
    const previous = index >= 0 ? versions![index]! : undefined;
    const previousValue = previous && this.schemaValueOf(previous);
    const context = parseSubject(subject).context;
    const previousMax = this.maxIds.get(context);

    if (value) {
      if (value.subject !== subject || value.version !== version) throw new RefusedRecord(`value names ${value.subject} version ${value.version}`);
      const hash = contentHash(value);
      const existing = this.schemas.get(schemaKey(context, value.id));
      if (existing && existing.record.hash !== hash) {
        throw new RefusedRecord(`id ${value.id} in context ${context} already holds a different schema`);
      }
      // The new version goes in before the previous one goes out, so a schema carried by both stays.
      const record: VersionRecord = { subject, context, version, schemaId: value.id, deleted: value.deleted, ts };
      this.addVersion(record, existing ?? this.addSchema(context, value, hash));
      if (value.id > (previousMax ?? 0)) this.maxIds.set(context, value.id);
    }
    if (previous) this.removeVersion(subject, previous);
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

  private addSchema(context: string, value: SchemaValue, hash: string): StoredSchema {
    const record: SchemaRecord = {
      context,
      id: value.id,
      guid: guidOf(hash),
      schemaType: value.schemaType,
      schema: value.schema,
      references: value.references,
      hash,
    };
    if (value.metadata) record.metadata = value.metadata;
    if (value.ruleSet) record.ruleSet = value.ruleSet;
    const targets: string[] = [];
    for (const ref of value.references) {
      const target = qualifyReference(ref.subject, context).key;
      // -1 (latest) as Confluent stores it when given: the latest live version when the record is read.
      const version = ref.version > 0 ? ref.version : this.subjects.get(target)?.filter((v) => !v.deleted).at(-1)?.version;
      if (version !== undefined) targets.push(versionKey(target, version));
    }
    const stored: StoredSchema = { record, carriers: new Set(), targets };
    this.schemas.set(schemaKey(context, value.id), stored);
    const hk = `${context}\u0000${hash}`;
    this.byHash.set(hk, [...(this.byHash.get(hk) ?? []), value.id].sort((a, b) => a - b));
    this.byGuid.set(record.guid, [...(this.byGuid.get(record.guid) ?? []), record]);
    for (const t of targets) {
      let set = this.referrerIndex.get(t);
      if (!set) this.referrerIndex.set(t, (set = new Set()));
      set.add(stored);
    }
    return stored;
  }

  private dropSchema(stored: StoredSchema): void {
    const { context, id, hash, guid } = stored.record;
    this.schemas.delete(schemaKey(context, id));
    const hk = `${context}\u0000${hash}`;
    const ids = (this.byHash.get(hk) ?? []).filter((i) => i !== id);
    if (ids.length > 0) this.byHash.set(hk, ids);
    else this.byHash.delete(hk);
    const guids = (this.byGuid.get(guid) ?? []).filter((r) => r !== stored.record);
    if (guids.length > 0) this.byGuid.set(guid, guids);
    else this.byGuid.delete(guid);
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
    }
    let i = versions.length;
    while (i > 0 && versions[i - 1]!.version > v.version) i--;
    versions.splice(i, 0, v);
    stored.carriers.add(v);
    this.contextVersions.set(v.context, (this.contextVersions.get(v.context) ?? 0) + 1);
  }

  private removeVersion(subject: string, v: VersionRecord): void {
    const versions = this.subjects.get(subject)!;
    versions.splice(versions.indexOf(v), 1);
    if (versions.length === 0) {
      this.subjects.delete(subject);
      this.sortedSubjects = undefined;
    }
    const left = (this.contextVersions.get(v.context) ?? 1) - 1;
    if (left > 0) this.contextVersions.set(v.context, left);
    else this.contextVersions.delete(v.context);
    const stored = this.schemas.get(schemaKey(v.context, v.schemaId));
    if (stored) {
      stored.carriers.delete(v);
      if (stored.carriers.size === 0) this.dropSchema(stored);
    }
  }

  // ---- queries (synchronous; the store wraps them) ---------------------------------------------------

  schemaById(context: string, id: number): SchemaRecord | undefined {
    return this.schemas.get(schemaKey(context, id))?.record;
  }

  schemasByGuid(guid: string): SchemaRecord[] {
    return [...(this.byGuid.get(guid) ?? [])].sort((a, b) => (a.context < b.context ? -1 : a.context > b.context ? 1 : a.id - b.id));
  }

  schemaIdByHash(context: string, hash: string): number | undefined {
    return this.byHash.get(`${context}\u0000${hash}`)?.[0];
  }

  maxSchemaId(context: string): number {
    return this.maxIds.get(context) ?? 0;
  }

  subjectVersions(subject: string): VersionRecord[] {
    return [...(this.subjects.get(subject) ?? [])];
  }

  private withSchema = (v: VersionRecord): VersionWithSchema => ({ ...v, schema: this.schemas.get(schemaKey(v.context, v.schemaId))!.record });

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
    const carriers = [...(this.schemas.get(schemaKey(context, id))?.carriers ?? [])];
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
      out.push({ context: s.record.context, id: s.record.id, deleted: [...s.carriers].every((v) => v.deleted) });
    }
    return out.sort((a, b) => (a.context < b.context ? -1 : a.context > b.context ? 1 : a.id - b.id));
  }

  contexts(): string[] {
    return [...this.contextVersions.keys()].sort();
  }

  hasContext(context: string): boolean {
    return context === DEFAULT_CONTEXT || this.contextVersions.has(context);
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
