/**
 * Schema work itself: parse (with a bounded cache of parsed schemas), normalise, compare, reformat.
 * Runs wherever it is put: on the main thread for small schemas, in each pool worker for the rest.
 * Never throws for a schema's fault: every failure is a `WorkFailure` so it crosses a thread unchanged.
 */
import { CheckTooComplexError, formatFor, SchemaLimitError, type CompatibilityIssue, type CompatibilityOptions, type ParsedSchema, type SchemaLimits } from '@schemata/serdes';
import { LruCache } from '../core/cache.js';
import type { PreparedText, SchemaSource, WorkFailure, WorkResult, WorkTask } from './types.js';

function detailsOf(e: unknown): string {
  if (e instanceof RangeError) return 'schema is nested too deeply';
  return e instanceof Error ? e.message : String(e);
}

const fail = (failure: WorkFailure): { ok: false; failure: WorkFailure } => ({ ok: false, failure });

export class SchemaProcessor {
  private readonly parsed: LruCache<string, ParsedSchema>;

  /**
   * `cacheChars` bounds the cache by the characters of the cached sources too: a parsed schema holds
   * 3-30× its text in heap (Protobuf the most), so a count bound alone let a few hundred large schemas
   * fill the heap, and every collection then walked it (bench:complexity: registering a 240 KB .proto went
   * from ~150 ms to ~600 ms once the cache held the run's earlier large schemas).
   */
  constructor(
    private readonly limits: Readonly<SchemaLimits> | undefined,
    cacheSize = 2_000,
    cacheChars = 8 * 1024 * 1024,
  ) {
    this.parsed = new LruCache(cacheSize, cacheChars, (key) => key.length);
  }

  run(task: WorkTask): WorkResult<unknown> {
    switch (task.op) {
      case 'prepare':
        return this.prepare(task.source);
      case 'backwardIssues':
        return this.backwardIssues(task.newer, task.older, task.options);
      case 'formatted':
        return this.formatted(task.source, task.format);
    }
  }

  prepare(source: SchemaSource): WorkResult<PreparedText> {
    const parsed = this.parse(source);
    if (!parsed.ok) return parsed;
    return { ok: true, value: { canonical: parsed.value.canonical, references: [...parsed.value.references] } };
  }

  backwardIssues(newer: SchemaSource, older: SchemaSource, options: CompatibilityOptions): WorkResult<CompatibilityIssue[]> {
    const a = this.parse(newer);
    if (!a.ok) return a;
    const b = this.parse(older);
    if (!b.ok) return b;
    try {
      return { ok: true, value: formatFor(newer.schemaType)!.backwardIssues(a.value, b.value, options) };
    } catch (e) {
      if (e instanceof CheckTooComplexError) return fail({ kind: 'limit', message: `Compatibility check too complex: ${e.message}` });
      return fail({ kind: 'invalid', message: detailsOf(e) });
    }
  }

  formatted(source: SchemaSource, format: string): WorkResult<string | undefined> {
    const parsed = this.parse(source);
    if (!parsed.ok) return parsed;
    try {
      return { ok: true, value: parsed.value.formatted(format) };
    } catch (e) {
      return fail({ kind: 'invalid', message: detailsOf(e) });
    }
  }

  private parse(source: SchemaSource): WorkResult<ParsedSchema> {
    const key = `${source.schemaType}\u0000${source.validate ? 'v' : '-'}${source.normalize ? 'n' : '-'}\u0000${source.referencesKey}\u0000${source.schema}`;
    const hit = this.parsed.get(key);
    if (hit) return { ok: true, value: hit };
    const format = formatFor(source.schemaType);
    if (!format) return fail({ kind: 'invalid', message: `Invalid schema type ${source.schemaType}` });
    let parsed: ParsedSchema;
    try {
      parsed = format.parse(source.schema, source.references, source.validate ? { validate: true, ...(this.limits ? { limits: this.limits } : {}) } : { validate: false });
      if (source.normalize) parsed = parsed.normalize();
    } catch (e) {
      if (e instanceof SchemaLimitError) return fail({ kind: 'limit', message: `Schema exceeds a limit: ${e.message}` });
      return fail({ kind: 'invalid', message: `Invalid schema of type ${format.type}, details: ${detailsOf(e)}` });
    }
    this.parsed.set(key, parsed);
    return { ok: true, value: parsed };
  }
}
