/**
 * Turning schema text into parsed schemas, through the format modules, with two caches:
 * - submitted text (type, text, references as resolved, normalize, validate) → prepared schema, so
 *   re-registering or looking up a known schema costs no parse;
 * - stored schema (context, id) → parsed schema, so compatibility checks against many earlier versions
 *   parse each of them once. Stored content under an id never changes; purges drop the entry.
 */
import { formatFor, type ParsedSchema, type SchemaFormat, type SchemaReference, type SchemaType } from '@schemata/serdes';
import type { SchemaRecord, StoreReader } from '../store/store.js';
import { LruCache } from './cache.js';
import { invalidSchema, RegistryError } from './errors.js';
import { resolveReferences, type ReferenceTarget } from './references.js';

export interface SchemaInput {
  schemaType: string;
  schema: string;
  references: readonly SchemaReference[];
}

export interface PreparedSchema {
  readonly schemaType: SchemaType;
  readonly parsed: ParsedSchema;
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

export interface SchemaCacheSizes {
  submitted: number;
  stored: number;
}

function detailsOf(e: unknown): string {
  if (e instanceof RangeError) return 'schema is nested too deeply';
  return e instanceof Error ? e.message : String(e);
}

export class SchemaLoader {
  private readonly submitted: LruCache<string, PreparedSchema>;
  private readonly stored: LruCache<string, ParsedSchema>;

  constructor(sizes: SchemaCacheSizes = { submitted: 1_000, stored: 5_000 }) {
    this.submitted = new LruCache(sizes.submitted);
    this.stored = new LruCache(sizes.stored);
  }

  /** The format for a schemaType; 42201 `Invalid schema type X` for unknown types. */
  formatOf(schemaType: string): SchemaFormat {
    const format = formatFor(schemaType);
    if (!format) throw invalidSchema(`Invalid schema type ${schemaType}`);
    return format;
  }

  async prepare(reader: StoreReader, context: string, input: SchemaInput, options: PrepareOptions): Promise<PreparedSchema> {
    const format = this.formatOf(input.schemaType);
    const resolution = await resolveReferences(reader, context, input.references, { allowDeleted: options.allowDeletedReferences });
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

    let parsed: ParsedSchema;
    try {
      parsed = format.parse(input.schema, resolution.resolved, { validate: options.validate });
      if (options.normalize) parsed = parsed.normalize();
    } catch (e) {
      if (e instanceof RegistryError) throw e;
      throw invalidSchema(`Invalid schema of type ${format.type}, details: ${detailsOf(e)}`);
    }
    const prepared: PreparedSchema = {
      schemaType: format.type,
      parsed,
      schema: parsed.canonical,
      references: parsed.references,
      targets: resolution.targets,
    };
    this.submitted.set(key, prepared);
    return prepared;
  }

  /**
   * The parsed form of a stored schema (leniently parsed: stored schemas must always load). Without
   * references the text alone decides, so versions that differ only in metadata share one parse.
   */
  async parsedOf(reader: StoreReader, record: SchemaRecord): Promise<ParsedSchema> {
    const key = record.references.length === 0 ? `${record.schemaType}\u0000${record.schema}` : `${record.context}\u0000${record.id}`;
    const hit = this.stored.get(key);
    if (hit) return hit;
    const format = this.formatOf(record.schemaType);
    const resolution = await resolveReferences(reader, record.context, record.references, { allowDeleted: true });
    let parsed: ParsedSchema;
    try {
      parsed = format.parse(record.schema, resolution.resolved, { validate: false });
    } catch (e) {
      throw invalidSchema(`Invalid schema of type ${format.type}, details: ${detailsOf(e)}`);
    }
    this.stored.set(key, parsed);
    return parsed;
  }

  /** The stored text in another representation (`?format=`), or the stored text itself. */
  async formatted(reader: StoreReader, record: SchemaRecord, format: string | undefined): Promise<string> {
    if (format === undefined || format.trim() === '') return record.schema;
    try {
      const parsed = await this.parsedOf(reader, record);
      return parsed.formatted(format) ?? record.schema;
    } catch {
      // A read must not fail because another representation is unavailable: Confluent ignores unknown formats.
      return record.schema;
    }
  }

  forget(context: string, id: number): void {
    this.stored.delete(`${context}\u0000${id}`);
  }

  forgetAll(): void {
    this.stored.clear();
  }
}
