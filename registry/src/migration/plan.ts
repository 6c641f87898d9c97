/**
 * Checks an export file's lines against each other (no store involved) and turns them into what import
 * writes: no duplicates, every version's schema in the file, every schema used by a version, every
 * reference matched by a resolved target, and the id counter each context must end at. Content hashes and
 * guids are computed here with the core's function (see format.ts for why they are not read from the file).
 */
import { contentHash, guidOf } from '../core/identity.js';
import { isValidSubject, parseSubject, qualifyReference } from '../core/subjects.js';
import { InvalidExportFile } from './errors.js';
import type { DekLine, HeaderLine, KekLine, SchemaLine, SettingLine, VersionLine } from './format.js';
import type { ExportContents, Numbered } from './read.js';
import type { ReferenceTarget } from './reference-targets.js';
import { dekKey, schemaKey, versionKey } from './keys.js';

export interface PlannedSchema extends Numbered<SchemaLine> {
  hash: string;
  guid: string;
}

export interface PlannedVersion extends Numbered<VersionLine> {
  /** The context of the version's subject, where its schema id lives. */
  context: string;
}

export interface ImportPlan {
  header: HeaderLine;
  /** Per context: the counter the target must reach (the file's counter, or its largest id if higher). */
  counters: Map<string, number>;
  /** Sorted by context and id. */
  schemas: PlannedSchema[];
  /** Sorted by subject and version. */
  versions: PlannedVersion[];
  settings: Numbered<SettingLine>[];
  /** The DEK registry's KEKs (by name) and DEKs (each of a KEK in the file). */
  keks: Numbered<KekLine>[];
  deks: Numbered<DekLine>[];
  /** Reference targets the file does not hold: the target store must, or the import is refused. */
  externalTargets: (ReferenceTarget & { referrer: string })[];
}

export const describeSchema = (context: string, id: number) => `schema ${id} in context ${context}`;
export const describeDek = (d: Pick<DekLine, 'kekName' | 'subject' | 'algorithm' | 'version'>) =>
  `DEK ${d.algorithm} version ${d.version} of subject ${JSON.stringify(d.subject)} under KEK ${JSON.stringify(d.kekName)}`;

/** Keys the entries, refusing a key seen twice. */
function index<T>(entries: readonly T[], key: (e: T) => string, lineOf: (e: T) => number, what: (e: T) => string): Map<string, T> {
  const map = new Map<string, T>();
  for (const e of entries) {
    const k = key(e);
    const seen = map.get(k);
    if (seen !== undefined) throw new InvalidExportFile(`line ${lineOf(e)}: ${what(e)} appears twice (also line ${lineOf(seen)})`);
    map.set(k, e);
  }
  return map;
}

function checkReferences(s: Numbered<SchemaLine>, versions: Map<string, unknown>, external: ImportPlan['externalTargets']): void {
  const { context, id, references, referenceTargets } = s.line;
  for (const ref of references) {
    const subject = qualifyReference(ref.subject, context).key;
    const matched = referenceTargets.some((t) => t.subject === subject && (ref.version === -1 || t.version === ref.version));
    if (!matched) {
      throw new InvalidExportFile(
        `line ${s.lineNo}: ${describeSchema(context, id)}: reference ${JSON.stringify(ref.name)} (subject ${JSON.stringify(ref.subject)} version ${ref.version}) has no matching referenceTargets entry`,
      );
    }
  }
  for (const t of referenceTargets) {
    if (!versions.has(versionKey(t.subject, t.version))) external.push({ ...t, referrer: describeSchema(context, id) });
  }
}

export function planImport(contents: ExportContents): ImportPlan {
  const contextLines = index(contents.contexts, (c) => c.line.context, (c) => c.lineNo, (c) => `context ${c.line.context}`);
  const schemas = index(contents.schemas, (s) => schemaKey(s.line.context, s.line.id), (s) => s.lineNo, (s) => describeSchema(s.line.context, s.line.id));
  index(contents.settings, (s) => s.line.scope, (s) => s.lineNo, (s) => `setting of scope ${JSON.stringify(s.line.scope)}`);
  const keks = index(contents.keks, (k) => k.line.name, (k) => k.lineNo, (k) => `KEK ${JSON.stringify(k.line.name)}`);
  index(contents.deks, (d) => dekKey(d.line), (d) => d.lineNo, (d) => describeDek(d.line));
  for (const d of contents.deks) {
    if (!keks.has(d.line.kekName)) throw new InvalidExportFile(`line ${d.lineNo}: ${describeDek(d.line)} belongs to KEK ${JSON.stringify(d.line.kekName)}, which the file does not hold`);
  }

  const versions: PlannedVersion[] = [];
  const used = new Set<string>();
  for (const v of contents.versions) {
    const { subject, version, id } = v.line;
    if (!isValidSubject(subject)) throw new InvalidExportFile(`line ${v.lineNo}: ${JSON.stringify(subject)} is not a valid subject`);
    const context = parseSubject(subject).context;
    if (!schemas.has(schemaKey(context, id))) {
      throw new InvalidExportFile(`line ${v.lineNo}: version ${version} of subject ${JSON.stringify(subject)} uses ${describeSchema(context, id)}, which the file does not hold`);
    }
    used.add(schemaKey(context, id));
    versions.push({ ...v, context });
  }
  const versionIndex = index(versions, (v) => versionKey(v.line.subject, v.line.version), (v) => v.lineNo, (v) => `version ${v.line.version} of subject ${JSON.stringify(v.line.subject)}`);

  const externalTargets: ImportPlan['externalTargets'] = [];
  const counters = new Map([...contextLines.values()].map((c) => [c.line.context, c.line.maxId]));
  const planned: PlannedSchema[] = [];
  for (const s of schemas.values()) {
    const { context, id } = s.line;
    // A store never keeps a schema that no version carries (deleting the last one removes it).
    if (!used.has(schemaKey(context, id))) throw new InvalidExportFile(`line ${s.lineNo}: ${describeSchema(context, id)} is used by no version in the file`);
    checkReferences(s, versionIndex, externalTargets);
    counters.set(context, Math.max(counters.get(context) ?? 0, id));
    const hash = contentHash(s.line);
    planned.push({ ...s, hash, guid: guidOf(hash) });
  }

  const byKey = <T>(key: (e: T) => [string, number]) => (a: T, b: T) => {
    const [ka, na] = key(a);
    const [kb, nb] = key(b);
    return ka < kb ? -1 : ka > kb ? 1 : na - nb;
  };
  planned.sort(byKey((s) => [s.line.context, s.line.id]));
  versions.sort(byKey((v) => [v.line.subject, v.line.version]));
  return { header: contents.header, counters, schemas: planned, versions, settings: contents.settings, keks: contents.keks, deks: contents.deks, externalTargets };
}
