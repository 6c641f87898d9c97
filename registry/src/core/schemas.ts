/**
 * Turning schema text into parsed schemas, through the format modules, with two caches:
 * - submitted text (type, text, references as resolved, normalize, validate) → prepared schema, so
 *   re-registering or looking up a known schema costs no parse;
 * - stored schema (context, id) → parsed schema, so compatibility checks against many earlier versions
 *   parse each of them once. Stored content under an id never changes; purges drop the entry.
 */
import { formatFor, type SchemaFormat, type SchemaReference, type SchemaType } from '@schemata/serdes';
import type { SchemaSource, SchemaWork, WorkFailure, WorkResult } from '../schema-work/types.js';
import type { SchemaRecord, StoreReader } from '../store/store.js';
import { LruCache } from './cache.js';
import { invalidSchema, schemaTooComplex, schemaTooLarge, type RegistryError } from './errors.js';
import { DEFAULT_MAX_REFERENCES, resolveReferences, type ReferenceTarget } from './references.js';

export interface SchemaInput {
  schemaType: string;
  schema: string;
  references: readonly SchemaReference[];
}

export interface PreparedSchema {
  readonly schemaType: SchemaType;
  /** What was parsed: the submitted text with its resolved references (compatibility checks compare it). */
  readonly source: SchemaSource;
  /** The text to store and compare: canonical (or normalized) form. */
  readonly schema: string;
  readonly references: readonly SchemaReference[];
  /** The stored subject-versions the references resolved to. */
  readonly targets: readonly ReferenceTarget[];
}

export interface PrepareOptions {
  normalize: boolean;
  /** Full validation for new schemas; off in IMPORT mode and for lookups (Confluent parses those leniently). */
  validate: boolean;
  /** Lookups may resolve references to soft-deleted versions; registrations may not. */
  allowDeletedReferences: boolean;
}

/** Bounds the loader enforces before any schema work (the formats enforce `SchemaLimits` themselves). */
export interface LoaderLimits {
  /** Characters of submitted schema text (42209 past it). */
  maxSchemaBytes: number;
  /** Size of a resolved reference tree (42209 past it). */
  maxReferences: number;
}

export const DEFAULT_LOADER_LIMITS: Readonly<LoaderLimits> = { maxSchemaBytes: 8 * 1024 * 1024, maxReferences: DEFAULT_MAX_REFERENCES };

/** Characters of schema text each of the loader's caches holds at most (besides its entry count). */
const CACHE_CHARS = 32 * 1024 * 1024;

export interface SchemaCacheSizes {
  submitted: number;
  stored: number;
}

/** The registry error for failed schema work: 42201 for an invalid schema, 42209 past a limit or the budget. */
export function workError(failure: WorkFailure): RegistryError {
  return failure.kind === 'invalid' ? invalidSchema(failure.message) : schemaTooComplex(failure.message);
}

function valueOf<T>(result: WorkResult<T>): T {
  if (!result.ok) throw workError(result.failure);
  return result.value;
}

/**
 * Turns schema text into what the registry stores, through `SchemaWork` (inline or on worker threads),
 * with two caches of its own:
 * - submitted text (type, text, references as resolved, normalize, validate) → prepared schema, so
 *   re-registering or looking up a known schema costs no work at all;
 * - stored schema → its source (text and resolved references), so checks against many earlier versions
 *   resolve each one's references once. Stored content under an id never changes; purges drop the entry.
 * Parsed schemas themselves are cached where they are parsed (per thread, in `SchemaProcessor`).
 */
export class SchemaLoader {
  private readonly submitted: LruCache<string, PreparedSchema>;
  /** Stored schemas with references, by context and id. */
  private readonly storedById: LruCache<string, SchemaSource>;
  /**
   * Stored schemas without references, by schema type then by the stored text itself: the record's own
   * string is the key (no key built per lookup, which for a large schema meant copying its text each time).
   */
  private readonly storedByText = new Map<string, LruCache<string, SchemaSource>>();
  private readonly storedSize: number;

  constructor(
    readonly work: SchemaWork,
    private readonly limits: Readonly<LoaderLimits> = DEFAULT_LOADER_LIMITS,
    sizes: SchemaCacheSizes = { submitted: 1_000, stored: 5_000 },
  ) {
    // Bounded by characters too, so that large schemas cannot grow the heap without limit.
    this.submitted = new LruCache(sizes.submitted, CACHE_CHARS, (key, p) => key.length + p.schema.length);
    this.storedById = new LruCache(sizes.stored, CACHE_CHARS, (_key, source) => source.schema.length);
    this.storedSize = sizes.stored;
  }

  /** The format for a schemaType; 42201 `Invalid schema type X` for unknown types. */
  formatOf(schemaType: string): SchemaFormat {
    const format = formatFor(schemaType);
    if (!format) throw invalidSchema(`Invalid schema type ${schemaType}`);
    return format;
  }

  async prepare(reader: StoreReader, context: string, input: SchemaInput, options: PrepareOptions): Promise<PreparedSchema> {
    const format = this.formatOf(input.schemaType);
    if (input.schema.length > this.limits.maxSchemaBytes) throw schemaTooLarge();
    const resolution = await resolveReferences(reader, context, input.references, {
      allowDeleted: options.allowDeletedReferences,
      maxReferences: this.limits.maxReferences,
    });
    const key = [
      format.type,
      options.normalize ? 'n' : '-',
      options.validate ? 'v' : '-',
      JSON.stringify(input.references),
      JSON.stringify(resolution.targets),
      resolution.key,
      input.schema,
    ].join('\u0000');
    const hit = this.submitted.get(key);
    if (hit) return hit;

    const source: SchemaSource = {
      schemaType: format.type,
      schema: input.schema,
      references: resolution.resolved,
      referencesKey: resolution.key,
      validate: options.validate,
      normalize: options.normalize,
    };
    const prepared0 = valueOf(await this.work.prepare(source));
    const prepared: PreparedSchema = {
      schemaType: format.type,
      source,
      schema: prepared0.canonical,
      references: prepared0.references,
      targets: resolution.targets,
    };
    this.submitted.set(key, prepared);
    return prepared;
  }

  /**
   * What a stored schema parses from (leniently: stored schemas must always load). Without references the
   * text alone decides, so versions that differ only in metadata share one source (and one verdict).
   */
  async sourceOf(reader: StoreReader, record: SchemaRecord): Promise<SchemaSource> {
    let cache: LruCache<string, SchemaSource>;
    let key: string;
    if (record.references.length === 0) {
      key = record.schema;
      cache = this.storedByText.get(record.schemaType) ?? new LruCache(this.storedSize, CACHE_CHARS, (text) => text.length);
      this.storedByText.set(record.schemaType, cache);
    } else {
      key = `${record.context}\u0000${record.id}`;
      cache = this.storedById;
    }
    const hit = cache.get(key);
    if (hit) return hit;
    const format = this.formatOf(record.schemaType);
    // Stored schemas must load: no bound on their references beyond what registration allowed.
    const resolution = await resolveReferences(reader, record.context, record.references, { allowDeleted: true, maxReferences: Number.MAX_SAFE_INTEGER });
    const source: SchemaSource = {
      schemaType: format.type,
      schema: record.schema,
      references: resolution.resolved,
      referencesKey: resolution.key,
      validate: false,
      normalize: false,
    };
    cache.set(key, source);
    return source;
  }

  /** The stored text in another representation (`?format=`), or the stored text itself. */
  async formatted(reader: StoreReader, record: SchemaRecord, format: string | undefined): Promise<string> {
    if (format === undefined || format.trim() === '') return record.schema;
    try {
      const result = await this.work.formatted(await this.sourceOf(reader, record), format);
      return (result.ok ? result.value : undefined) ?? record.schema;
    } catch {
      // A read must not fail because another representation is unavailable: Confluent ignores unknown formats.
      return record.schema;
    }
  }

  /** A purged id: its references may resolve differently if reused (a text alone always parses the same). */
  forget(context: string, id: number): void {
    this.storedById.delete(`${context}\u0000${id}`);
  }

  forgetAll(): void {
    this.storedById.clear();
    this.storedByText.clear();
  }
}
