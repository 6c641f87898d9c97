/** StoreReader over a SchemaView: the async face of its synchronous queries. */
import type { Config, Mode } from '@schemata/serdes';
import type {
  DekRecord,
  IdCounter,
  KekRecord,
  ListVersionsQuery,
  Referrer,
  SchemaRecord,
  ScopeSettings,
  ScopeSettingsEntry,
  StoreReader,
  SubjectSummary,
  SubjectVersionsAndSettings,
  VersionRecord,
  VersionWithSchema,
} from '../store.js';
import type { StatisticsReporter, StoreStatistics } from '../reporting.js';
import type { KeyView } from './key-view.js';
import type { SchemaView } from './view.js';

export class ViewReader implements StoreReader, StatisticsReporter {
  constructor(
    protected readonly view: SchemaView,
    protected readonly keys: KeyView,
  ) {}

  /** Resolves when reads may proceed (the store holds readers while a write transaction runs). */
  protected ready(): Promise<void> | undefined {
    return undefined;
  }

  private async read<T>(query: () => T): Promise<T> {
    // Re-checked after each wait: another write may have begun in between.
    for (let wait = this.ready(); wait; wait = this.ready()) await wait;
    return query();
  }

  statistics(): Promise<StoreStatistics> {
    return this.read(() => this.view.statistics());
  }
  schemaById(context: string, id: number): Promise<SchemaRecord | undefined> {
    return this.read(() => this.view.schemaById(context, id));
  }
  schemasByGuid(guid: string): Promise<SchemaRecord[]> {
    return this.read(() => this.view.schemasByGuid(guid));
  }
  schemaIdByHash(context: string, hash: string): Promise<number | undefined> {
    return this.read(() => this.view.schemaIdByHash(context, hash));
  }
  maxSchemaId(context: string): Promise<number> {
    return this.read(() => this.view.maxSchemaId(context));
  }
  idCounters(): Promise<IdCounter[]> {
    return this.read(() => this.view.idCounters());
  }
  subjectVersions(subject: string): Promise<VersionRecord[]> {
    return this.read(() => this.view.subjectVersions(subject));
  }
  subjectVersionsWithSchemas(subject: string): Promise<VersionWithSchema[]> {
    return this.read(() => this.view.subjectVersionsWithSchemas(subject));
  }
  subjectVersion(subject: string, version: number): Promise<VersionWithSchema | undefined> {
    return this.read(() => this.view.subjectVersion(subject, version));
  }
  subjectVersionsOfSchema(subject: string, id: number): Promise<VersionRecord[]> {
    return this.read(() => this.view.subjectVersionsOfSchema(subject, id));
  }
  versionsOfSchema(context: string, id: number): Promise<VersionRecord[]> {
    return this.read(() => this.view.versionsOfSchema(context, id));
  }
  listSubjects(query: { subjectPrefix?: string; context?: string }): Promise<SubjectSummary[]> {
    return this.read(() => this.view.listSubjects(query));
  }
  listVersions(query: ListVersionsQuery): Promise<VersionWithSchema[]> {
    return this.read(() => this.view.listVersions(query));
  }
  referrers(subject: string, version: number): Promise<Referrer[]> {
    return this.read(() => this.view.referrers(subject, version));
  }
  contexts(): Promise<string[]> {
    return this.read(() => this.view.contexts());
  }
  listSettings(): Promise<ScopeSettingsEntry[]> {
    return this.read(() => this.view.listSettings());
  }
  config(scope: string): Promise<Config | undefined> {
    return this.read(() => this.view.config(scope));
  }
  mode(scope: string): Promise<Mode | undefined> {
    return this.read(() => this.view.mode(scope));
  }
  scopeSettings(scopes: readonly string[]): Promise<ScopeSettings[]> {
    return this.read(() => this.view.scopeSettings(scopes));
  }
  subjectVersionsAndSettings(subject: string, scopes: readonly string[]): Promise<SubjectVersionsAndSettings> {
    return this.read(() => ({ versions: this.view.subjectVersions(subject), settings: this.view.scopeSettings(scopes) }));
  }
  kek(name: string): Promise<KekRecord | undefined> {
    return this.read(() => this.keys.kek(name));
  }
  listKeks(): Promise<KekRecord[]> {
    return this.read(() => this.keys.listKeks());
  }
  listDeks(kekName: string, subject?: string): Promise<DekRecord[]> {
    return this.read(() => this.keys.listDeks(kekName, subject));
  }
}
