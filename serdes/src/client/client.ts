/**
 * A caching client for the Confluent Schema Registry REST API.
 *
 * Caching:
 * - schema by id: kept forever (a schema id is immutable), per (id, schema context, format);
 * - id by schema (lookup, register) and subject versions by number: LRU (`cacheCapacity`, default 1000);
 * - latest version: LRU with a time-to-live (`latestCacheTtlMs`, default 60 s; 0 disables it);
 * - subjects, version lists, config and compatibility answers are never cached.
 * Concurrent calls for the same schema id, the same lookup, the same registration or the same version share
 * one HTTP request. Failed requests are not cached.
 */
import type { ResolvedReference, SchemaReference, SchemaType } from '../formats/format.js';
import type {
  CompatibilityLevel,
  Config,
  Metadata,
  RuleSet,
  SchemaById,
  SchemaVersion,
} from '../api/types.js';
import { ErrorCodes, RegistryError } from './errors.js';
import { HttpTransport, type TransportOptions } from './http.js';
import { LruCache } from './lru.js';

export interface RegistryClientOptions extends TransportOptions {
  /** Capacity of each LRU cache (default 1000). */
  cacheCapacity?: number;
  /** How long `getLatestVersion` answers are cached, in ms (default 60 000; 0 = not cached). */
  latestCacheTtlMs?: number;
}

/** A schema as sent to the registry (register, lookup, compatibility). `schemaType` defaults to AVRO. */
export interface SchemaInfo {
  schema: string;
  schemaType?: SchemaType;
  references?: SchemaReference[];
  metadata?: Metadata;
  ruleSet?: RuleSet;
}

/** What `register` answers: always `id`; newer registries also send `version`, `guid` and the schema. */
export interface RegisterResult {
  id: number;
  version?: number;
  guid?: string;
  subject?: string;
  schema?: string;
  schemaType?: SchemaType;
  references?: SchemaReference[];
}

export interface CompatibilityResult {
  is_compatible: boolean;
  /** With `verbose: true`: what is incompatible. */
  messages?: string[];
}

/** `GET /config` with the level under `compatibilityLevel`; a `PUT` answer's `compatibility` is mapped to it. */
export type ConfigResult = Config & { compatibility?: CompatibilityLevel };

export interface SchemaByIdOptions {
  /** Sent as `?subject=`; only its schema context (`:.ctx:` prefix) matters for which schema comes back. */
  subject?: string;
  /** `serialized` for Protobuf returns a base64 FileDescriptorProto instead of .proto text. */
  format?: string;
}

const enc = encodeURIComponent;

/** The schema context a subject names (`:.ctx:name` → `.ctx`), '' for the default context. */
function contextOf(subject: string | undefined): string {
  if (!subject || !subject.startsWith(':.')) return '';
  const end = subject.indexOf(':', 2);
  return end < 0 ? subject.slice(1) : subject.slice(1, end);
}

function schemaKey(info: SchemaInfo): string {
  return JSON.stringify([
    info.schemaType ?? 'AVRO',
    info.schema,
    info.references ?? [],
    info.metadata ?? null,
    info.ruleSet ?? null,
  ]);
}

function requestBody(info: SchemaInfo): Record<string, unknown> {
  if (typeof info?.schema !== 'string') throw new TypeError('a schema must have a string `schema`');
  const body: Record<string, unknown> = { schemaType: info.schemaType ?? 'AVRO', schema: info.schema };
  if (info.references && info.references.length > 0) body.references = info.references;
  if (info.metadata) body.metadata = info.metadata;
  if (info.ruleSet) body.ruleSet = info.ruleSet;
  return body;
}

export class RegistryClient {
  private readonly http: HttpTransport;
  private readonly byId = new Map<string, SchemaById>();
  private readonly lookups: LruCache<string, SchemaVersion>;
  private readonly registrations: LruCache<string, RegisterResult>;
  private readonly versions: LruCache<string, SchemaVersion>;
  private readonly latest: LruCache<string, SchemaVersion> | undefined;
  private readonly inflight = new Map<string, Promise<unknown>>();

  constructor(options: RegistryClientOptions) {
    this.http = new HttpTransport(options);
    const capacity = options.cacheCapacity ?? 1000;
    this.lookups = new LruCache(capacity);
    this.registrations = new LruCache(capacity);
    this.versions = new LruCache(capacity);
    const ttl = options.latestCacheTtlMs ?? 60_000;
    this.latest = ttl > 0 ? new LruCache(capacity, ttl) : undefined;
  }

  get baseUrls(): string[] {
    return this.http.baseUrls;
  }

  /** Runs `fetch` once for concurrent callers with the same key. */
  private coalesce<T>(key: string, fetch: () => Promise<T>): Promise<T> {
    const pending = this.inflight.get(key);
    if (pending) return pending as Promise<T>;
    const p = fetch().finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }

  /** Raw request, for endpoints this client has no method for. Not cached, not coalesced. */
  request<T>(method: string, path: string, options?: { body?: unknown; query?: Record<string, string | number | boolean | undefined> }): Promise<T> {
    return this.http.request<T>(method, path, options);
  }

  // ---- schemas by id ------------------------------------------------------------------------------------

  /** `GET /schemas/ids/{id}`: cached forever (per schema context and format), coalesced. */
  async getSchemaById(id: number, options: SchemaByIdOptions = {}): Promise<SchemaById> {
    if (!Number.isInteger(id)) throw new TypeError(`schema id must be an integer, got ${id}`);
    const key = `${id}\0${contextOf(options.subject)}\0${options.format ?? ''}`;
    const hit = this.byId.get(key);
    if (hit) return hit;
    return this.coalesce(`id\0${key}`, async () => {
      const result = await this.http.request<SchemaById>('GET', `/schemas/ids/${id}`, {
        query: { subject: options.subject, format: options.format },
      });
      this.byId.set(key, result);
      return result;
    });
  }

  /** The cached answer of `getSchemaById`, if any (never sends a request). */
  peekSchemaById(id: number, options: SchemaByIdOptions = {}): SchemaById | undefined {
    return this.byId.get(`${id}\0${contextOf(options.subject)}\0${options.format ?? ''}`);
  }

  // ---- subjects and versions ----------------------------------------------------------------------------

  /** `POST /subjects/{s}`: the version of `subject` that holds this schema (id, version, schema). Cached (LRU), coalesced. */
  async lookupSchema(subject: string, schema: SchemaInfo, options: { normalize?: boolean; deleted?: boolean } = {}): Promise<SchemaVersion> {
    const key = `${subject}\0${options.normalize ? 1 : 0}\0${options.deleted ? 1 : 0}\0${schemaKey(schema)}`;
    const hit = this.lookups.get(key);
    if (hit) return hit;
    return this.coalesce(`lookup\0${key}`, async () => {
      const result = await this.http.request<SchemaVersion>('POST', `/subjects/${enc(subject)}`, {
        body: requestBody(schema),
        query: { normalize: options.normalize ? true : undefined, deleted: options.deleted ? true : undefined },
      });
      this.lookups.set(key, result);
      return result;
    });
  }

  /** `POST /subjects/{s}/versions`: registers (or finds) the schema; cached (LRU) and coalesced. */
  async register(subject: string, schema: SchemaInfo, options: { normalize?: boolean } = {}): Promise<RegisterResult> {
    const key = `${subject}\0${options.normalize ? 1 : 0}\0${schemaKey(schema)}`;
    const hit = this.registrations.get(key);
    if (hit) return hit;
    return this.coalesce(`register\0${key}`, async () => {
      const result = await this.http.request<RegisterResult>('POST', `/subjects/${enc(subject)}/versions`, {
        body: requestBody(schema),
        query: { normalize: options.normalize ? true : undefined },
      });
      this.registrations.set(key, result);
      return result;
    });
  }

  /**
   * `GET /subjects/{s}/versions/latest`, cached for `latestCacheTtlMs`; `fresh: true` skips the cache
   * (and refills it).
   */
  async getLatestVersion(subject: string, options: { format?: string; fresh?: boolean } = {}): Promise<SchemaVersion> {
    const key = `${subject}\0${options.format ?? ''}`;
    const hit = options.fresh ? undefined : this.latest?.get(key);
    if (hit) return hit;
    return this.coalesce(`latest\0${key}`, async () => {
      const result = await this.http.request<SchemaVersion>('GET', `/subjects/${enc(subject)}/versions/latest`, {
        query: { format: options.format },
      });
      this.latest?.set(key, result);
      return result;
    });
  }

  /**
   * `GET /subjects/{s}/metadata?key=k&value=v…`: the latest version whose metadata properties have these
   * values, cached like the latest version (`fresh: true` skips the cache).
   */
  async getLatestWithMetadata(
    subject: string,
    metadata: Readonly<Record<string, string>>,
    options: { deleted?: boolean; format?: string; fresh?: boolean } = {},
  ): Promise<SchemaVersion> {
    const pairs = Object.entries(metadata).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const key = `${subject}\0meta\0${JSON.stringify(pairs)}\0${options.deleted ? 1 : 0}\0${options.format ?? ''}`;
    const hit = options.fresh ? undefined : this.latest?.get(key);
    if (hit) return hit;
    const qs = pairs.map(([k, v]) => `key=${enc(k)}&value=${enc(v)}`).join('&');
    const extra = [options.deleted ? 'deleted=true' : '', options.format ? `format=${enc(options.format)}` : ''].filter(Boolean).join('&');
    const path = `/subjects/${enc(subject)}/metadata${qs || extra ? '?' : ''}${[qs, extra].filter(Boolean).join('&')}`;
    return this.coalesce(`latestmeta\0${key}`, async () => {
      const result = await this.http.request<SchemaVersion>('GET', path);
      this.latest?.set(key, result);
      return result;
    });
  }

  /** `GET /subjects/{s}/versions/{v}`; numbered versions are cached (LRU), `latest` as in getLatestVersion. */
  async getVersion(subject: string, version: number | 'latest', options: { deleted?: boolean; format?: string } = {}): Promise<SchemaVersion> {
    if (version === 'latest' || version === -1) {
      if (!options.deleted) return this.getLatestVersion(subject, options.format === undefined ? {} : { format: options.format });
      return this.http.request<SchemaVersion>('GET', `/subjects/${enc(subject)}/versions/latest`, {
        query: { deleted: true, format: options.format },
      });
    }
    if (!Number.isInteger(version) || version < 1) throw new TypeError(`version must be a positive integer or 'latest', got ${version}`);
    const key = `${subject}\0${version}\0${options.deleted ? 1 : 0}\0${options.format ?? ''}`;
    const hit = this.versions.get(key);
    if (hit) return hit;
    return this.coalesce(`version\0${key}`, async () => {
      const result = await this.http.request<SchemaVersion>('GET', `/subjects/${enc(subject)}/versions/${version}`, {
        query: { deleted: options.deleted ? true : undefined, format: options.format },
      });
      this.versions.set(key, result);
      return result;
    });
  }

  /** `GET /subjects` (never cached). */
  listSubjects(options: { deleted?: boolean; subjectPrefix?: string } = {}): Promise<string[]> {
    return this.http.request<string[]>('GET', '/subjects', {
      query: { deleted: options.deleted ? true : undefined, subjectPrefix: options.subjectPrefix },
    });
  }

  /** `GET /subjects/{s}/versions` (never cached). */
  listVersions(subject: string, options: { deleted?: boolean } = {}): Promise<number[]> {
    return this.http.request<number[]>('GET', `/subjects/${enc(subject)}/versions`, {
      query: { deleted: options.deleted ? true : undefined },
    });
  }

  /** `DELETE /subjects/{s}[?permanent=true]`: the deleted versions. Drops this subject's cached entries. */
  async deleteSubject(subject: string, options: { permanent?: boolean } = {}): Promise<number[]> {
    try {
      return await this.http.request<number[]>('DELETE', `/subjects/${enc(subject)}`, {
        query: { permanent: options.permanent ? true : undefined },
      });
    } finally {
      this.forgetSubject(subject);
    }
  }

  /** `DELETE /subjects/{s}/versions/{v}[?permanent=true]`: the deleted version. Drops this subject's cached entries. */
  async deleteVersion(subject: string, version: number | 'latest', options: { permanent?: boolean } = {}): Promise<number> {
    try {
      return await this.http.request<number>('DELETE', `/subjects/${enc(subject)}/versions/${version}`, {
        query: { permanent: options.permanent ? true : undefined },
      });
    } finally {
      this.forgetSubject(subject);
    }
  }

  private forgetSubject(subject: string): void {
    const prefix = `${subject}\0`;
    const match = (k: string) => k.startsWith(prefix);
    this.lookups.deleteWhere(match);
    this.registrations.deleteWhere(match);
    this.versions.deleteWhere(match);
    this.latest?.deleteWhere(match);
  }

  // ---- compatibility and config -------------------------------------------------------------------------

  /** `POST /compatibility/subjects/{s}/versions/{v}` (default `latest`); `verbose` asks for the reasons. */
  testCompatibility(
    subject: string,
    schema: SchemaInfo,
    options: { version?: number | 'latest'; verbose?: boolean; normalize?: boolean } = {},
  ): Promise<CompatibilityResult> {
    return this.http.request<CompatibilityResult>(
      'POST',
      `/compatibility/subjects/${enc(subject)}/versions/${options.version ?? 'latest'}`,
      {
        body: requestBody(schema),
        query: { verbose: options.verbose ? true : undefined, normalize: options.normalize ? true : undefined },
      },
    );
  }

  /** `GET /config` (no subject) or `GET /config/{s}`. */
  async getConfig(subject?: string, options: { defaultToGlobal?: boolean } = {}): Promise<ConfigResult> {
    const path = subject === undefined ? '/config' : `/config/${enc(subject)}`;
    return this.http.request<ConfigResult>('GET', path, {
      query: { defaultToGlobal: options.defaultToGlobal ? true : undefined },
    });
  }

  /**
   * `PUT /config` or `PUT /config/{s}`. `compatibilityLevel` is sent as `compatibility`, the field name
   * Confluent's PUT expects; the answer's `compatibility` is also returned as `compatibilityLevel`.
   */
  async updateConfig(subject: string | undefined, config: Config): Promise<ConfigResult> {
    const { compatibilityLevel, ...rest } = config;
    const body: Record<string, unknown> = { ...rest };
    if (compatibilityLevel !== undefined) body.compatibility = compatibilityLevel;
    const path = subject === undefined ? '/config' : `/config/${enc(subject)}`;
    const result = await this.http.request<ConfigResult>('PUT', path, { body });
    if (result && result.compatibility !== undefined && result.compatibilityLevel === undefined) {
      result.compatibilityLevel = result.compatibility;
    }
    return result;
  }

  /** `DELETE /config/{s}`: drops the subject-level config. */
  deleteConfig(subject: string): Promise<ConfigResult> {
    return this.http.request<ConfigResult>('DELETE', `/config/${enc(subject)}`);
  }

  // ---- references ---------------------------------------------------------------------------------------

  /**
   * Fetches every reference (recursively, depth first) and returns them with their schema texts, the shape
   * `SchemaFormat.parse` takes. Versions come from the version cache. Cycles are rejected.
   */
  async resolveReferences(references: readonly SchemaReference[] | undefined, options: { format?: string } = {}): Promise<ResolvedReference[]> {
    const resolve = async (refs: readonly SchemaReference[], path: readonly string[]): Promise<ResolvedReference[]> =>
      Promise.all(
        refs.map(async (ref) => {
          const here = `${ref.subject}@${ref.version}`;
          if (path.includes(here)) throw new RegistryError(`reference cycle: ${[...path, here].join(' -> ')}`, 0, -1);
          const version = await this.getVersion(ref.subject, ref.version, { deleted: true, ...(options.format ? { format: options.format } : {}) });
          return {
            name: ref.name,
            subject: ref.subject,
            version: ref.version,
            schemaType: version.schemaType ?? 'AVRO',
            schema: version.schema,
            references: await resolve(version.references ?? [], [...path, here]),
          };
        }),
      );
    return resolve(references ?? [], []);
  }

  /** Empties every cache (schemas by id included). */
  clearCaches(): void {
    this.byId.clear();
    this.lookups.clear();
    this.registrations.clear();
    this.versions.clear();
    this.latest?.clear();
  }

  /** Empties the latest-version cache only, so `useLatestVersion` serializers see new versions at once. */
  clearLatestCache(): void {
    this.latest?.clear();
  }
}

export { ErrorCodes, RegistryError };
