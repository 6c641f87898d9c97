/**
 * The store as the core sees it: one that visibly cannot hold an unstorable string (storable.ts).
 *
 * A read naming one (a subject, context, guid, prefix or scope from a request) finds nothing, without
 * asking the store: that is the answer a missing item gets, and the query never reaches SQL (where it would
 * fail, and on Postgres fail every request batched with it) or a Kafka store (where it would be answered
 * differently). A delete naming one deletes nothing. An insert carrying one is a bug in the core's
 * validation, which must refuse such values with Confluent's codes first: it throws before the store sees
 * it, so nothing is half-written.
 */
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
} from '../store/store.js';
import { isStorable, isStorableValue } from './storable.js';

const none = Promise.resolve(undefined);
const empty = <T>(): Promise<T[]> => Promise.resolve([]);

/** A store-side filter names something unstorable when its prefix or context does. */
const filterStorable = (q: { subjectPrefix?: string | undefined; context?: string | undefined }) =>
  (q.subjectPrefix === undefined || isStorable(q.subjectPrefix)) && (q.context === undefined || isStorable(q.context));

class StorableReader<R extends StoreReader> implements StoreReader {
  constructor(protected readonly inner: R) {}

  schemaById(context: string, id: number): Promise<SchemaRecord | undefined> {
    return isStorable(context) ? this.inner.schemaById(context, id) : none;
  }
  schemasByGuid(guid: string): Promise<SchemaRecord[]> {
    return isStorable(guid) ? this.inner.schemasByGuid(guid) : empty();
  }
  schemaIdByHash(context: string, hash: string): Promise<number | undefined> {
    return isStorable(context) && isStorable(hash) ? this.inner.schemaIdByHash(context, hash) : none;
  }
  maxSchemaId(context: string): Promise<number> {
    return isStorable(context) ? this.inner.maxSchemaId(context) : Promise.resolve(0);
  }
  subjectVersions(subject: string): Promise<VersionRecord[]> {
    return isStorable(subject) ? this.inner.subjectVersions(subject) : empty();
  }
  subjectVersionsWithSchemas(subject: string): Promise<VersionWithSchema[]> {
    return isStorable(subject) ? this.inner.subjectVersionsWithSchemas(subject) : empty();
  }
  subjectVersion(subject: string, version: number): Promise<VersionWithSchema | undefined> {
    return isStorable(subject) ? this.inner.subjectVersion(subject, version) : none;
  }
  subjectVersionsOfSchema(subject: string, id: number): Promise<VersionRecord[]> {
    return isStorable(subject) ? this.inner.subjectVersionsOfSchema(subject, id) : empty();
  }
  versionsOfSchema(context: string, id: number): Promise<VersionRecord[]> {
    return isStorable(context) ? this.inner.versionsOfSchema(context, id) : empty();
  }
  listSubjects(query: { subjectPrefix?: string; context?: string }): Promise<SubjectSummary[]> {
    return filterStorable(query) ? this.inner.listSubjects(query) : empty();
  }
  listVersions(query: ListVersionsQuery): Promise<VersionWithSchema[]> {
    return filterStorable(query) ? this.inner.listVersions(query) : empty();
  }
  referrers(subject: string, version: number): Promise<Referrer[]> {
    return isStorable(subject) ? this.inner.referrers(subject, version) : empty();
  }
  contexts(): Promise<string[]> {
    return this.inner.contexts();
  }
  listSettings(): Promise<ScopeSettingsEntry[]> {
    return this.inner.listSettings();
  }
  idCounters(): Promise<IdCounter[]> {
    return this.inner.idCounters();
  }
  config(scope: string): Promise<Config | undefined> {
    return isStorable(scope) ? this.inner.config(scope) : none;
  }
  mode(scope: string): Promise<Mode | undefined> {
    return isStorable(scope) ? this.inner.mode(scope) : none;
  }
  /** Only the storable scopes are asked for; the others hold nothing. */
  async scopeSettings(scopes: readonly string[]): Promise<ScopeSettings[]> {
    if (scopes.every(isStorable)) return this.inner.scopeSettings(scopes);
    const asked = scopes.filter(isStorable);
    const answers = asked.length > 0 ? await this.inner.scopeSettings(asked) : [];
    let next = 0;
    return scopes.map((s) => (isStorable(s) ? answers[next++]! : {}));
  }
  async subjectVersionsAndSettings(subject: string, scopes: readonly string[]): Promise<SubjectVersionsAndSettings> {
    if (isStorable(subject) && scopes.every(isStorable)) return this.inner.subjectVersionsAndSettings(subject, scopes);
    const [versions, settings] = await Promise.all([this.subjectVersions(subject), this.scopeSettings(scopes)]);
    return { versions, settings };
  }
  kek(name: string): Promise<KekRecord | undefined> {
    return isStorable(name) ? this.inner.kek(name) : none;
  }
  listKeks(): Promise<KekRecord[]> {
    return this.inner.listKeks();
  }
  listDeks(kekName: string, subject?: string): Promise<DekRecord[]> {
    return isStorable(kekName) && (subject === undefined || isStorable(subject)) ? this.inner.listDeks(kekName, subject) : empty();
  }
}

/** An insert or update carrying an unstorable string: the core should have refused it (a bug if seen). */
function requireStorableWrite(what: string, value: unknown): void {
  if (!isStorableValue(value)) throw new Error(`${what}: an unstorable string reached the store (the core must refuse it first)`);
}

class StorableWriter extends StorableReader<StoreWriter> implements StoreWriter {
  insertSchema(schema: NewSchema): Promise<number> {
    requireStorableWrite('insertSchema', schema);
    return this.inner.insertSchema(schema);
  }
  insertVersion(version: VersionRecord): Promise<void> {
    requireStorableWrite('insertVersion', version);
    return this.inner.insertVersion(version);
  }
  markVersionDeleted(subject: string, version: number): Promise<void> {
    return isStorable(subject) ? this.inner.markVersionDeleted(subject, version) : none;
  }
  purgeVersion(subject: string, version: number): Promise<void> {
    return isStorable(subject) ? this.inner.purgeVersion(subject, version) : none;
  }
  setConfig(scope: string, config: Config | undefined): Promise<void> {
    if (config === undefined && !isStorable(scope)) return none;
    requireStorableWrite('setConfig', [scope, config]);
    return this.inner.setConfig(scope, config);
  }
  setMode(scope: string, mode: Mode | undefined): Promise<void> {
    if (mode === undefined && !isStorable(scope)) return none;
    requireStorableWrite('setMode', [scope, mode]);
    return this.inner.setMode(scope, mode);
  }
  raiseIdCounter(context: string, maxId: number): Promise<void> {
    requireStorableWrite('raiseIdCounter', context);
    return this.inner.raiseIdCounter(context, maxId);
  }
  deleteContext(context: string): Promise<void> {
    return isStorable(context) ? this.inner.deleteContext(context) : none;
  }
  putKek(kek: KekRecord): Promise<void> {
    requireStorableWrite('putKek', kek);
    return this.inner.putKek(kek);
  }
  purgeKek(name: string): Promise<void> {
    return isStorable(name) ? this.inner.purgeKek(name) : none;
  }
  putDek(dek: DekRecord): Promise<void> {
    requireStorableWrite('putDek', dek);
    return this.inner.putDek(dek);
  }
  purgeDek(kekName: string, subject: string, algorithm: DekAlgorithm, version: number): Promise<void> {
    return isStorable(kekName) && isStorable(subject) ? this.inner.purgeDek(kekName, subject, algorithm, version) : none;
  }
}

/** Wraps a store (and each of its write transactions) so that unstorable strings never reach it. */
export class StorableStore extends StorableReader<Store> implements Store {
  get kind(): Store['kind'] {
    return this.inner.kind;
  }
  get exclusive(): boolean {
    return this.inner.exclusive;
  }
  open(): Promise<void> {
    return this.inner.open();
  }
  write<T>(fn: (tx: StoreWriter) => Promise<T>): Promise<T> {
    return this.inner.write((tx) => fn(new StorableWriter(tx)));
  }
  onEvent(listener: (event: StoreEvent) => void): void {
    this.inner.onEvent(listener);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
