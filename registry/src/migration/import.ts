/**
 * `schema-registry import`: an export file into any store, ids preserved.
 *
 * 1. The whole file is read and checked (format, counts, duplicates, every version's schema, references);
 *    a bad file is refused before the store is touched.
 * 2. In one write transaction: compared with the target (conflicts refuse the import, nothing written),
 *    then everything missing is written, and each context's id counter raised to the file's. A failure
 *    anywhere rolls the whole transaction back: there is no partial import.
 *
 * Import writes the store directly, like Confluent's IMPORT mode without the HTTP round trips: no
 * compatibility checks and no mode checks (the source registry made them when the schemas were
 * registered), and schema texts are stored as the file has them, not re-parsed.
 */
import type { Readable } from 'node:stream';
import type { Store } from '../store/store.js';
import { compareWithTarget } from './conflicts.js';
import { ImportConflict } from './errors.js';
import { planImport } from './plan.js';
import { inPhase, type Progress } from './progress.js';
import { readExportFile } from './read.js';

export interface ImportSummary {
  contexts: number;
  /** Written; `schemasPresent` were already in the target, identical. */
  schemas: number;
  schemasPresent: number;
  versions: number;
  versionsPresent: number;
  settings: number;
  /** DEK registry entries written (identical ones already present are not counted). */
  keks: number;
  deks: number;
}

export interface ImportSource {
  input: Readable;
  /** Bytes, when known (a regular file): the reading phase then shows progress. */
  size?: number | undefined;
}

export async function importRegistry(store: Store, source: ImportSource, progress: Progress): Promise<ImportSummary> {
  const read = (onBytes?: (bytes: number) => void) => readExportFile(source.input, onBytes);
  const contents = await (source.size === undefined ? read() : inPhase(progress, 'read', source.size, 'bytes', (phase) => read((bytes) => phase.advance(bytes))));
  const plan = planImport(contents);

  return store.write(async (tx) => {
    const todo = await compareWithTarget(tx, plan);
    if (todo.conflicts.length > 0) throw new ImportConflict(todo.conflicts);

    // Counters first: ids permanently deleted at the source lie beyond the largest id still stored and must
    // stay unused here too; and with the counter already at its end, storing each schema leaves it alone.
    for (const [context, maxId] of plan.counters) await tx.raiseIdCounter(context, maxId);
    await inPhase(progress, 'imported', todo.schemas.length + todo.versions.length, 'schemas and versions', async (phase) => {
      // Schemas before versions: a version row needs its schema row.
      for (const { line, hash, guid } of todo.schemas) {
        await tx.insertSchema({
          context: line.context,
          id: line.id,
          guid,
          hash,
          schemaType: line.schemaType,
          schema: line.schema,
          references: line.references,
          ...(line.metadata ? { metadata: line.metadata } : {}),
          ...(line.ruleSet ? { ruleSet: line.ruleSet } : {}),
          referenceTargets: line.referenceTargets,
        });
        phase.advance();
      }
      for (const { line, context } of todo.versions) {
        await tx.insertVersion({ subject: line.subject, context, version: line.version, schemaId: line.id, deleted: line.deleted, ts: line.ts });
        phase.advance();
      }
    });
    for (const s of todo.settings) {
      if (s.config) await tx.setConfig(s.scope, s.config);
      if (s.mode) await tx.setMode(s.scope, s.mode);
    }
    // KEKs before their DEKs.
    for (const k of todo.keks) await tx.putKek(k);
    for (const d of todo.deks) await tx.putDek(d);

    return {
      contexts: plan.counters.size,
      schemas: todo.schemas.length,
      schemasPresent: plan.schemas.length - todo.schemas.length,
      versions: todo.versions.length,
      versionsPresent: plan.versions.length - todo.versions.length,
      settings: todo.settings.length,
      keks: todo.keks.length,
      deks: todo.deks.length,
    };
  });
}
