/**
 * `schema-registry export`: the whole registry, from any store, as the file format of format.ts.
 */
import { DEFAULT_CONTEXT, type ScopeSettingsEntry, type Store, type StoreReader, type VersionWithSchema } from '../store/store.js';
import type { DekRecord, KekRecord } from '../store/store.js';
import { FORMAT, FORMAT_VERSION, type ContextLine, type DekLine, type EndLine, type HeaderLine, type KekLine, type SchemaLine, type SettingLine, type VersionLine } from './format.js';
import type { LineWriter } from './ndjson.js';
import { inPhase, type Progress } from './progress.js';
import { ReferenceTargetIndex } from './reference-targets.js';

export interface ExportSummary {
  contexts: number;
  schemas: number;
  versions: number;
  /** Of `versions`, the soft-deleted ones. */
  deletedVersions: number;
  settings: number;
  /** DEK registry entries (soft-deleted included). */
  keks: number;
  deks: number;
}

/**
 * The value with object keys sorted at every level: stores keep JSON members in different orders (Postgres
 * jsonb its own, the Kafka topic Confluent's field order), and an export must not depend on the store.
 */
function sortedKeys<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(sortedKeys) as T;
  const obj = value as Record<string, unknown>;
  return Object.fromEntries(Object.keys(obj).sort().map((k) => [k, sortedKeys(obj[k])])) as T;
}

function schemaLine(v: VersionWithSchema, referenceTargets: SchemaLine['referenceTargets']): SchemaLine {
  const s = v.schema;
  return {
    type: 'schema',
    context: s.context,
    id: s.id,
    schemaType: s.schemaType,
    schema: s.schema,
    references: s.references.map((r) => ({ name: r.name, subject: r.subject, version: r.version })),
    ...(s.metadata ? { metadata: sortedKeys(s.metadata) } : {}),
    ...(s.ruleSet ? { ruleSet: sortedKeys(s.ruleSet) } : {}),
    referenceTargets,
  };
}

const versionLine = (v: VersionWithSchema): VersionLine => ({ type: 'version', subject: v.subject, version: v.version, id: v.schemaId, deleted: v.deleted, ts: v.ts });

const settingLine = (s: ScopeSettingsEntry): SettingLine => ({
  type: 'setting',
  scope: s.scope,
  ...(s.config ? { config: sortedKeys(s.config) } : {}),
  ...(s.mode ? { mode: s.mode } : {}),
});

const kekLine = (k: KekRecord): KekLine => ({ type: 'kek', ...k, kmsProps: sortedKeys(k.kmsProps) });
const dekLine = (d: DekRecord): DekLine => ({ type: 'dek', ...d });

/** Writes the export to `out` (not closed here) and answers what it wrote. */
export async function exportRegistry(store: Store, out: LineWriter, progress: Progress): Promise<ExportSummary> {
  // Inside the store's write transaction: on Postgres it holds the registry's write lock for the whole
  // export, so no registration lands half-way through (a version exported without the schema it references,
  // a counter read before the id it should cover). Registrations wait; reads are served as usual.
  // Kafka: only the primary may open a write transaction, so an export reads this process's view of the
  // topic as loaded at start-up (a registration landing meanwhile may or may not be included).
  const snapshot = <T>(fn: (reader: StoreReader) => Promise<T>): Promise<T> => (store.kind === 'kafka' ? fn(store) : store.write(fn));
  return snapshot(async (tx) => {
    const header: HeaderLine = { format: FORMAT, version: FORMAT_VERSION, exportedAt: new Date().toISOString(), source: store.kind };
    await out.write(header);
    const summary: ExportSummary = { contexts: 0, schemas: 0, versions: 0, deletedVersions: 0, settings: 0, keks: 0, deks: 0 };
    const counters = new Map((await tx.idCounters()).map((c) => [c.context, c.maxId]));
    const contexts = [...new Set([...counters.keys(), ...(await tx.contexts())])].sort();
    const targets = new ReferenceTargetIndex(tx);

    for (const context of contexts) {
      const contextLine: ContextLine = { type: 'context', context, maxId: counters.get(context) ?? (await tx.maxSchemaId(context)) };
      await out.write(contextLine);
      summary.contexts++;
      // One context at a time: memory holds one context's versions, not the registry's.
      const versions = await tx.listVersions({ context, includeDeleted: true, latestOnly: false });
      const unit = context === DEFAULT_CONTEXT ? 'versions' : `versions in context ${context}`;
      await inPhase(progress, 'exported', versions.length, unit, async (phase) => {
        const written = new Set<number>();
        for (const v of versions) {
          if (!written.has(v.schemaId)) {
            written.add(v.schemaId);
            await out.write(schemaLine(v, await targets.targetsOf(v.schema)));
            summary.schemas++;
          }
          await out.write(versionLine(v));
          summary.versions++;
          if (v.deleted) summary.deletedVersions++;
          phase.advance();
        }
      });
    }

    for (const s of await tx.listSettings()) {
      await out.write(settingLine(s));
      summary.settings++;
    }
    for (const k of await tx.listKeks()) {
      await out.write(kekLine(k));
      summary.keks++;
      for (const d of await tx.listDeks(k.name)) {
        await out.write(dekLine(d));
        summary.deks++;
      }
    }
    const end: EndLine = { type: 'end', contexts: summary.contexts, schemas: summary.schemas, versions: summary.versions, settings: summary.settings };
    // Counted only when present: a registry without the DEK registry exports what earlier writers wrote.
    if (summary.keks + summary.deks > 0) Object.assign(end, { keks: summary.keks, deks: summary.deks });
    await out.write(end);
    return summary;
  });
}
