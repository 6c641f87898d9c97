/**
 * Compares an import plan with what the target store already holds, before anything is written.
 *
 * Conflicts (the import is refused): an id holding different content in its context, a subject-version
 * holding another id or another deleted flag, a scope holding another config or mode, a reference target
 * that neither the file nor the target holds. Entries the target already holds identically are skipped,
 * so importing the same file twice changes nothing the second time. Registration times (`ts`) of versions
 * already present are left as the target has them.
 */
import { isDeepStrictEqual } from 'node:util';
import { contentHash } from '../core/identity.js';
import type { DekRecord, KekRecord, SchemaRecord, StoreReader, VersionRecord } from '../store/store.js';
import type { DekLine, KekLine, SettingLine } from './format.js';
import { describeDek, describeSchema, type ImportPlan, type PlannedSchema, type PlannedVersion } from './plan.js';
import { dekKey, schemaKey, versionKey } from './keys.js';

/** A scope's config and/or mode to write. */
export type SettingWrite = Omit<SettingLine, 'type'>;

export interface Comparison {
  conflicts: string[];
  /** What the target does not hold yet (identical entries dropped). */
  schemas: PlannedSchema[];
  versions: PlannedVersion[];
  settings: SettingWrite[];
  keks: KekRecord[];
  deks: DekRecord[];
}


/**
 * What the target holds in the given contexts, one query per context: every stored schema is carried by at
 * least one version (a store drops a schema with its last version), so a context's versions show every id
 * it holds. One query instead of one per schema and subject: an empty target is checked at once.
 */
async function targetContents(reader: StoreReader, contexts: Iterable<string>) {
  const schemas = new Map<string, SchemaRecord>();
  const versions = new Map<string, VersionRecord>();
  for (const context of contexts) {
    for (const v of await reader.listVersions({ context, includeDeleted: true, latestOnly: false })) {
      schemas.set(schemaKey(v.context, v.schemaId), v.schema);
      versions.set(versionKey(v.subject, v.version), v);
    }
  }
  return { schemas, versions };
}

export async function compareWithTarget(reader: StoreReader, plan: ImportPlan): Promise<Comparison> {
  const conflicts: string[] = [];
  const target = await targetContents(reader, plan.counters.keys());

  const schemas: PlannedSchema[] = [];
  for (const s of plan.schemas) {
    const existing = target.schemas.get(schemaKey(s.line.context, s.line.id));
    if (!existing) schemas.push(s);
    else if (contentHash(existing) !== s.hash) conflicts.push(`${describeSchema(s.line.context, s.line.id)}: the target holds a different schema under this id`);
  }

  const versions: PlannedVersion[] = [];
  for (const v of plan.versions) {
    const { subject, version, id, deleted } = v.line;
    const existing = target.versions.get(versionKey(subject, version));
    const where = `version ${version} of subject ${JSON.stringify(subject)}`;
    if (!existing) versions.push(v);
    else if (existing.schemaId !== id) conflicts.push(`${where}: the target holds id ${existing.schemaId}, the file id ${id}`);
    else if (existing.deleted !== deleted) {
      conflicts.push(`${where}: ${deleted ? 'soft-deleted in the file, live in the target' : 'live in the file, soft-deleted in the target'}`);
    }
  }

  // Targets in other contexts than the file's: asked one by one (references across contexts are rare).
  for (const t of plan.externalTargets) {
    if (!target.versions.has(versionKey(t.subject, t.version)) && !(await reader.subjectVersion(t.subject, t.version))) {
      conflicts.push(`${t.referrer} references version ${t.version} of subject ${JSON.stringify(t.subject)}, which neither the file nor the target holds`);
    }
  }

  const settings: SettingWrite[] = [];
  const current = await reader.scopeSettings(plan.settings.map((s) => s.line.scope));
  plan.settings.forEach(({ line }, i) => {
    const have = current[i]!;
    const write: SettingWrite = { scope: line.scope };
    if (line.config && !isDeepStrictEqual(have.config, line.config)) {
      if (have.config) conflicts.push(`config of scope ${JSON.stringify(line.scope)}: the target holds ${JSON.stringify(have.config)}, the file ${JSON.stringify(line.config)}`);
      else write.config = line.config;
    }
    if (line.mode && have.mode !== line.mode) {
      if (have.mode) conflicts.push(`mode of scope ${JSON.stringify(line.scope)}: the target holds ${have.mode}, the file ${line.mode}`);
      else write.mode = line.mode;
    }
    if (write.config || write.mode) settings.push(write);
  });

  const keys = await compareKeys(reader, plan, conflicts);
  return { conflicts, schemas, versions, settings, ...keys };
}

const toKek = ({ type: _type, ...k }: KekLine): KekRecord => k;
const toDek = ({ type: _type, ...d }: DekLine): DekRecord => d;
/** Everything but `ts`, which a copy keeps as the target has it (as for versions). */
const sameKey = <T extends { ts: number }>(a: T, b: T) => isDeepStrictEqual({ ...a, ts: 0 }, { ...b, ts: 0 });

/** KEKs and DEKs: a name (or DEK key) holding something else in the target is a conflict. */
async function compareKeys(reader: StoreReader, plan: ImportPlan, conflicts: string[]): Promise<{ keks: KekRecord[]; deks: DekRecord[] }> {
  const keks: KekRecord[] = [];
  for (const { line } of plan.keks) {
    const want = toKek(line);
    const have = await reader.kek(line.name);
    if (!have) keks.push(want);
    else if (!sameKey(have, want)) conflicts.push(`KEK ${JSON.stringify(line.name)}: the target holds a different KEK under this name`);
  }
  const stored = new Map<string, DekRecord>();
  for (const name of new Set(plan.deks.map((d) => d.line.kekName))) for (const d of await reader.listDeks(name)) stored.set(dekKey(d), d);
  const deks: DekRecord[] = [];
  for (const { line } of plan.deks) {
    const want = toDek(line);
    const have = stored.get(dekKey(line));
    if (!have) deks.push(want);
    else if (!sameKey(have, want)) conflicts.push(`${describeDek(line)}: the target holds different key material or another deleted flag`);
  }
  return { keks, deks };
}
