/**
 * What the registry asks of schema work (parsing, normalising, compatibility, other representations):
 * plain data in and out, so the same request can run inline or on a worker thread.
 */
import type { CompatibilityIssue, CompatibilityOptions, ResolvedReference, SchemaReference, SchemaType } from '@schemata/serdes';

/** A schema to parse: its text, its resolved references and how to parse it. */
export interface SchemaSource {
  readonly schemaType: SchemaType;
  readonly schema: string;
  readonly references: readonly ResolvedReference[];
  /** Identifies the referenced content (the resolution key: context and id of every schema reached). */
  readonly referencesKey: string;
  /** Full validation (new schemas) or lenient (stored schemas, lookups). */
  readonly validate: boolean;
  /** Confluent's normalized form instead of the canonical one. */
  readonly normalize: boolean;
}

/** A parsed schema as the registry stores it. */
export interface PreparedText {
  /** The canonical (or normalized) text. */
  canonical: string;
  references: SchemaReference[];
}

/** Why schema work failed: an invalid schema, a bound of `SchemaLimits`, or the time budget. */
export type WorkFailure =
  | { kind: 'invalid'; message: string }
  | { kind: 'limit'; message: string }
  | { kind: 'budget'; message: string };

export type WorkResult<T> = { ok: true; value: T } | { ok: false; failure: WorkFailure };

/** A task for a worker (and its inline equivalent). */
export type WorkTask =
  | { op: 'prepare'; source: SchemaSource }
  | { op: 'backwardIssues'; newer: SchemaSource; older: SchemaSource; options: CompatibilityOptions }
  | { op: 'formatted'; source: SchemaSource; format: string };

export interface SchemaWork {
  prepare(source: SchemaSource): Promise<WorkResult<PreparedText>>;
  /** The format's `backwardIssues` (what breaks when `newer` reads data written with `older`). */
  backwardIssues(newer: SchemaSource, older: SchemaSource, options: CompatibilityOptions): Promise<WorkResult<CompatibilityIssue[]>>;
  /** The schema in another representation (`?format=`), `undefined` when the format has none by that name. */
  formatted(source: SchemaSource, format: string): Promise<WorkResult<string | undefined>>;
  close(): Promise<void>;
}

/**
 * The text a source makes a parser read, its own and every referenced schema's, for size decisions.
 * Shared nested reference lists (a diamond of references) are counted once.
 */
export function sourceSize(source: SchemaSource): number {
  let n = source.schema.length;
  const seen = new Set<readonly ResolvedReference[]>();
  const stack: (readonly ResolvedReference[])[] = [source.references];
  for (let refs = stack.pop(); refs; refs = stack.pop()) {
    if (seen.has(refs)) continue;
    seen.add(refs);
    for (const ref of refs) {
      n += ref.schema.length;
      stack.push(ref.references);
    }
  }
  return n;
}
