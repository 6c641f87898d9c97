/**
 * Read use cases: subjects, versions, schemas by id and guid, listings.
 *
 * `GET /schemas/ids/{id}` is the hottest call a registry serves (every consumer meeting a new id). A schema
 * under an id never changes, so its response bytes are cached (LRU) and served without re-serialising;
 * hard deletes (ours via the write effects, other processes' via store events) drop entries.
 */
import type { SchemaById, SchemaType, SchemaVersion } from '@schemata/serdes';
import { SCHEMA_TYPES } from '@schemata/serdes';
import type { SchemaRecord, StoreReader, VersionRecord, VersionWithSchema } from '../store/store.js';
import { LoadingCache } from './cache.js';
import { schemaEntity, versionEntity } from './entities.js';
import { schemaNotFound, subjectNotFound, versionNotFound } from './errors.js';
import type { SchemaLoader } from './schemas.js';
import type { RegistryState, WriteEffects } from './state.js';
import {
  contextPrefix,
  CONTEXT_WILDCARD,
  DEFAULT_CONTEXT,
  matchesFilter,
  parseSubject,
  qualify,
  subjectFilter,
  type QualifiedSubject,
  type SubjectFilter,
} from './subjects.js';
import { paginate, type ContextId, type Page, type SubjectVersionRef } from './types.js';
import { LATEST, parseVersionId } from './version-id.js';

/**
 * Whether the caller may read a subject (by stored key). The HTTP layer passes one when the caller may read
 * only some subjects: listings leave the others out before paging, and the fallback of an unqualified
 * subject to other contexts skips them. Absent: everything is readable.
 */
export type SubjectPredicate = (subject: string) => boolean;

export interface ListSubjectsQuery {
  subjectPrefix?: string | undefined;
  deleted: boolean;
  deletedOnly: boolean;
  page: Page;
  canRead?: SubjectPredicate | undefined;
}

export interface ListVersionsQuery {
  deleted: boolean;
  deletedOnly: boolean;
  deletedAsNegative: boolean;
  page: Page;
}

export interface SchemaByIdQuery {
  /** Selects the context (and, as Confluent 8, echoes the subject/version carrying the id). */
  subject?: string | undefined;
  format?: string | undefined;
  fetchMaxId: boolean;
}

export interface IdUsersQuery {
  subject?: string | undefined;
  deleted: boolean;
  page: Page;
  canRead?: SubjectPredicate | undefined;
}

export interface VersionQuery {
  deleted: boolean;
  format?: string | undefined;
  canRead?: SubjectPredicate | undefined;
}

export interface ListSchemasQuery {
  subjectPrefix?: string | undefined;
  deleted: boolean;
  latestOnly: boolean;
  ruleType?: string | undefined;
  page: Page;
  canRead?: SubjectPredicate | undefined;
}

export interface CacheSizes {
  schemaBodies: number;
}

/** The store-side filter for a subject filter (the core re-checks wildcard name prefixes itself). */
function storeFilter(filter: SubjectFilter): { context?: string; subjectPrefix?: string } {
  return filter.context === undefined ? {} : { context: filter.context, subjectPrefix: contextPrefix(filter.context) + filter.namePrefix };
}

const toBytes = (value: unknown) => Buffer.from(JSON.stringify(value));

const subjectKey = (id: number, subject: string | undefined, format: string | undefined) => `${id}\u0000${subject}\u0000${format ?? ''}`;

export class ReadService {
  /** Default context, no `format`: keyed by id alone, so the hot path builds no key. */
  private readonly hot: LoadingCache<number, Buffer>;
  /** Other contexts or formats: `context \0 id \0 format`. */
  private readonly bodies: LoadingCache<string, Buffer>;
  /** Exclusive stores only: answers naming a subject (`?subject=`), which depend on mutable versions. */
  private readonly withSubject: LoadingCache<string, Buffer> | undefined;

  constructor(
    private readonly state: RegistryState,
    private readonly loader: SchemaLoader,
    sizes: CacheSizes = { schemaBodies: 5_000 },
  ) {
    this.hot = new LoadingCache(sizes.schemaBodies);
    this.bodies = new LoadingCache(sizes.schemaBodies);
    this.withSubject = state.exclusive ? new LoadingCache(sizes.schemaBodies) : undefined;
    state.onWrite((fx) => this.onWrite(fx));
    state.store.onEvent((e) => {
      if (e.kind === 'schemaPurged') this.forget(e.context, e.id);
      else this.forgetAll();
    });
  }

  private onWrite(fx: WriteEffects): void {
    for (const p of fx.purged) this.forget(p.context, p.id);
    if (fx.subjects.size > 0 || fx.added.length > 0 || fx.everything) this.withSubject?.invalidateAll();
  }

  private forgetAll(): void {
    this.hot.invalidateAll();
    this.bodies.invalidateAll();
    this.withSubject?.invalidateAll();
    this.loader.forgetAll();
  }

  private forget(context: string, id: number): void {
    if (context === DEFAULT_CONTEXT) this.hot.invalidate(id);
    this.bodies.invalidateAll();
    this.withSubject?.invalidateAll();
    this.loader.forget(context, id);
  }

  /** Hits and misses of the schema-by-id caches (every context and format), for metrics. */
  cacheStats(): { hits: number; misses: number } {
    const caches = [this.hot, this.bodies, this.withSubject].filter((c) => c !== undefined);
    return { hits: caches.reduce((n, c) => n + c.hits, 0), misses: caches.reduce((n, c) => n + c.misses, 0) };
  }

  schemaTypes(): SchemaType[] {
    return [...SCHEMA_TYPES];
  }

  // ---- schemas by id ---------------------------------------------------------------------------

  /**
   * The cached answer to `GET /schemas/ids/{id}` (optionally `?subject=`), synchronously and without touching
   * the store; undefined on a miss.
   */
  peekSchemaById(id: number, subject?: string): Buffer | undefined {
    if (subject === undefined) return this.hot.peek(id);
    return this.withSubject?.peek(subjectKey(id, subject, undefined));
  }

  /** `GET /schemas/ids/{id}` as response bytes. */
  async schemaByIdBytes(id: number, query: SchemaByIdQuery): Promise<Buffer> {
    const reader = this.state.store;
    let body: Buffer | undefined;
    if (query.subject === undefined && !query.fetchMaxId) {
      const format = query.format?.trim() || undefined;
      const load = async () => {
        const record = await reader.schemaById(DEFAULT_CONTEXT, id);
        return record && toBytes(schemaEntity(record, await this.loader.formatted(reader, record, format)));
      };
      body = format === undefined ? await this.hot.get(id, load) : await this.bodies.get(`${DEFAULT_CONTEXT}\u0000${id}\u0000${format}`, load);
    } else if (this.withSubject && !query.fetchMaxId) {
      body = await this.withSubject.get(subjectKey(id, query.subject, query.format), async () => {
        const entity = await this.schemaByIdEntity(reader, id, query);
        return entity && toBytes(entity);
      });
    } else {
      const entity = await this.schemaByIdEntity(reader, id, query);
      body = entity && toBytes(entity);
    }
    if (!body) throw schemaNotFound(id);
    return body;
  }

  /** `GET /schemas/ids/{id}/schema`: the raw text. */
  async rawSchemaById(id: number, query: Pick<SchemaByIdQuery, 'subject' | 'format'>): Promise<string> {
    const reader = this.state.store;
    const located = await this.locate(reader, id, query.subject);
    if (!located) throw schemaNotFound(id);
    return this.loader.formatted(reader, located.record, query.format);
  }

  private async schemaByIdEntity(reader: StoreReader, id: number, query: SchemaByIdQuery): Promise<SchemaById | undefined> {
    const located = await this.locate(reader, id, query.subject);
    if (!located) return undefined;
    const { record, version } = located;
    const entity = schemaEntity(record, await this.loader.formatted(reader, record, query.format));
    const out: SchemaById = query.subject !== undefined && version ? { subject: version.subject, version: version.version, ...entity } : entity;
    if (query.fetchMaxId) out.maxId = await reader.maxSchemaId(record.context);
    return out;
  }

  /**
   * Finds an id the way Confluent's getSchemaKeyUsingContexts does: in the subject's context, preferring
   * the named subject; for an unqualified subject also where a same-named subject in another context
   * carries it. The version returned is the one echoed back.
   */
  private async locate(
    reader: StoreReader,
    id: number,
    subject: string | undefined,
  ): Promise<{ record: SchemaRecord; version?: VersionRecord | undefined } | undefined> {
    const qs = parseSubject(subject ?? '');
    const record = await reader.schemaById(qs.context, id);
    if (subject === undefined) return record && { record };
    if (record && qs.name !== '') {
      const own = await reader.subjectVersionsOfSchema(qs.key, id);
      if (own.length > 0) return { record, version: own[own.length - 1] };
    }
    if (qs.context === DEFAULT_CONTEXT && qs.name !== '') {
      for (const context of await reader.contexts()) {
        if (context === DEFAULT_CONTEXT) continue;
        const own = await reader.subjectVersionsOfSchema(qualify(context, qs.name).key, id);
        const elsewhere = own.length > 0 ? await reader.schemaById(context, id) : undefined;
        if (elsewhere) return { record: elsewhere, version: own[own.length - 1] };
      }
    }
    if (!record) return undefined;
    return { record, version: (await reader.versionsOfSchema(qs.context, id))[0] };
  }

  private async usersOfId(id: number, query: IdUsersQuery): Promise<VersionRecord[]> {
    const reader = this.state.store;
    const located = await this.locate(reader, id, query.subject);
    if (!located) throw schemaNotFound(id);
    const versions = await reader.versionsOfSchema(located.record.context, id);
    return versions.filter((v) => (query.deleted || !v.deleted) && (!query.canRead || query.canRead(v.subject)));
  }

  /**
   * Every subject (stored key, soft-deleted versions included) holding the schema a by-id route would serve
   * (`subject` selects the context as there); undefined when there is no such schema. For authorization:
   * a schema is readable when one of them is.
   */
  async subjectsHoldingId(id: number, subject: string | undefined): Promise<string[] | undefined> {
    const reader = this.state.store;
    const located = await this.locate(reader, id, subject);
    if (!located) return undefined;
    return (await reader.versionsOfSchema(located.record.context, id)).map((v) => v.subject);
  }

  /** The same for a guid, over every context holding it. */
  async subjectsHoldingGuid(guid: string): Promise<string[] | undefined> {
    const reader = this.state.store;
    const records = await reader.schemasByGuid(guid);
    if (records.length === 0) return undefined;
    const holders = await Promise.all(records.map((r) => reader.versionsOfSchema(r.context, r.id)));
    return holders.flat().map((v) => v.subject);
  }

  /** `GET /schemas/ids/{id}/subjects`. */
  async subjectsOfId(id: number, query: IdUsersQuery): Promise<string[]> {
    const subjects = [...new Set((await this.usersOfId(id, query)).map((v) => v.subject))].sort();
    return paginate(subjects, query.page);
  }

  /** `GET /schemas/ids/{id}/versions`. */
  async versionsOfId(id: number, query: IdUsersQuery): Promise<SubjectVersionRef[]> {
    const refs = (await this.usersOfId(id, query))
      .map((v) => ({ subject: v.subject, version: v.version }))
      .sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : a.version - b.version));
    return paginate(refs, query.page);
  }

  // ---- guids -------------------------------------------------------------------------------------

  /** `GET /schemas/guids/{guid}`: the schema in the first context holding it (default context first). */
  async schemaByGuid(guid: string, format: string | undefined): Promise<SchemaById> {
    const reader = this.state.store;
    const records = await reader.schemasByGuid(guid);
    const record = records.find((r) => r.context === DEFAULT_CONTEXT) ?? records[0];
    if (!record) throw schemaNotFound(guid);
    return schemaEntity(record, await this.loader.formatted(reader, record, format));
  }

  /** `GET /schemas/guids/{guid}/ids`. */
  async idsOfGuid(guid: string): Promise<ContextId[]> {
    const records = await this.state.store.schemasByGuid(guid);
    if (records.length === 0) throw schemaNotFound(guid);
    return records.map((r) => ({ context: r.context, id: r.id }));
  }

  // ---- subjects and versions ---------------------------------------------------------------------

  /** `GET /subjects`: every context by default (`:*:`), names qualified outside the default context. */
  async listSubjects(query: ListSubjectsQuery): Promise<string[]> {
    const filter = subjectFilter(query.subjectPrefix ?? CONTEXT_WILDCARD);
    const rows = await this.state.store.listSubjects(storeFilter(filter));
    const selected = rows
      .filter((r) => matchesFilter(r.subject, filter))
      .filter((r) => (query.deletedOnly ? r.deleted : query.deleted || !r.deleted))
      .map((r) => r.subject)
      .filter((subject) => !query.canRead || query.canRead(subject));
    return paginate(selected, query.page);
  }

  /** `GET /subjects/{s}/versions`. */
  async listVersions(subject: string, query: ListVersionsQuery): Promise<number[]> {
    const qs = parseSubject(subject);
    const versions = await this.state.versions(this.state.store, qs.key);
    const withDeleted = query.deleted || query.deletedOnly || query.deletedAsNegative;
    if (!versions.some((v) => withDeleted || !v.deleted)) throw subjectNotFound(qs.key);
    let numbers: number[];
    if (query.deletedOnly) numbers = versions.filter((v) => v.deleted).map((v) => v.version);
    else if (query.deletedAsNegative) numbers = versions.map((v) => (v.deleted ? -v.version : v.version));
    else if (query.deleted) numbers = versions.map((v) => v.version);
    else numbers = versions.filter((v) => !v.deleted).map((v) => v.version);
    return paginate(numbers, query.page);
  }

  /** One version, `latest` being the newest live one; undefined when absent (or soft-deleted and not asked for). */
  private async findVersion(qs: QualifiedSubject, version: number, deleted: boolean): Promise<VersionWithSchema | undefined> {
    const reader = this.state.store;
    if (version !== LATEST && !this.state.exclusive) {
      const v = await reader.subjectVersion(qs.key, version);
      return v && (deleted || !v.deleted) ? v : undefined;
    }
    const versions = await this.state.versions(reader, qs.key);
    if (version === LATEST) return versions.filter((v) => !v.deleted).at(-1);
    return versions.find((v) => v.version === version && (deleted || !v.deleted));
  }

  /**
   * Resolves a version path, with Confluent's context fallback for unqualified subjects (only to subjects
   * `canRead` allows) and its 404s.
   */
  private async resolveVersion(subject: string, versionRaw: string, deleted: boolean, canRead?: SubjectPredicate): Promise<VersionWithSchema> {
    const qs = parseSubject(subject);
    const version = parseVersionId(versionRaw);
    const found = await this.findVersion(qs, version, deleted);
    if (found) return found;
    if (qs.context === DEFAULT_CONTEXT && qs.name !== '') {
      for (const context of await this.state.store.contexts()) {
        const other = qualify(context, qs.name);
        if (context === DEFAULT_CONTEXT || (canRead && !canRead(other.key))) continue;
        const elsewhere = await this.findVersion(other, version, deleted);
        if (elsewhere) return elsewhere;
      }
    }
    const versions = await this.state.versions(this.state.store, qs.key);
    if (!versions.some((v) => deleted || !v.deleted)) throw subjectNotFound(qs.key);
    throw versionNotFound(version);
  }

  /** `GET /subjects/{s}/versions/{v}`. */
  async getVersion(subject: string, versionRaw: string, query: VersionQuery): Promise<SchemaVersion> {
    const v = await this.resolveVersion(subject, versionRaw, query.deleted, query.canRead);
    return versionEntity(v, await this.loader.formatted(this.state.store, v.schema, query.format));
  }

  /** `GET /subjects/{s}/versions/{v}/schema`: the raw text. */
  async rawSchemaByVersion(subject: string, versionRaw: string, query: VersionQuery): Promise<string> {
    const v = await this.resolveVersion(subject, versionRaw, query.deleted, query.canRead);
    return this.loader.formatted(this.state.store, v.schema, query.format);
  }

  /** `GET /subjects/{s}/versions/{v}/referencedby`: ids of schemas referencing that version. */
  async referencedBy(subject: string, versionRaw: string, query: { deleted: boolean; page: Page; canRead?: SubjectPredicate | undefined }): Promise<number[]> {
    const v = await this.resolveVersion(subject, versionRaw, true, query.canRead);
    const referrers = await this.state.store.referrers(v.subject, v.version);
    const ids = [...new Set(referrers.filter((r) => query.deleted || !r.deleted).map((r) => r.id))].sort((a, b) => a - b);
    return paginate(ids, query.page);
  }

  /** `GET /subjects/{s}/metadata?key=k&value=v…`: the newest version whose metadata has every pair. */
  async latestWithMetadata(
    subject: string,
    pairs: readonly (readonly [string, string])[],
    query: { deleted: boolean; format?: string | undefined },
  ): Promise<SchemaVersion> {
    const qs = parseSubject(subject);
    const versions = (await this.state.versions(this.state.store, qs.key)).filter((v) => query.deleted || !v.deleted);
    if (versions.length === 0) throw subjectNotFound(qs.key);
    for (let i = versions.length - 1; i >= 0; i--) {
      const v = versions[i]!;
      const props = v.schema.metadata?.properties;
      if (props && pairs.every(([k, val]) => props[k] === val)) {
        return versionEntity(v, await this.loader.formatted(this.state.store, v.schema, query.format));
      }
    }
    throw schemaNotFound();
  }

  /** `GET /schemas`: schema versions of matching subjects (default context unless the prefix says otherwise). */
  async listSchemas(query: ListSchemasQuery): Promise<SchemaVersion[]> {
    const filter = subjectFilter(query.subjectPrefix ?? '');
    const rows = await this.state.store.listVersions({ ...storeFilter(filter), includeDeleted: query.deleted, latestOnly: query.latestOnly });
    const ruleType = query.ruleType?.trim() || undefined;
    const selected = rows.filter(
      (r) =>
        matchesFilter(r.subject, filter) &&
        (!query.canRead || query.canRead(r.subject)) &&
        (ruleType === undefined ||
          [r.schema.ruleSet?.migrationRules, r.schema.ruleSet?.domainRules, r.schema.ruleSet?.encodingRules].some((rules) =>
            rules?.some((rule) => rule.type === ruleType),
          )),
    );
    return paginate(selected, query.page).map((v) => versionEntity(v));
  }
}
