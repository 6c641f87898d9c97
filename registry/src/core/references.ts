/**
 * Schema references: each `{name, subject, version}` names a subject-version whose schema the referrer
 * uses. Resolution is recursive (a referenced schema may have references of its own) and relative to the
 * referrer's context. Version -1 means the latest live version at resolution time.
 */
import type { ResolvedReference, SchemaReference } from '@schemata/serdes';
import type { StoreReader, VersionWithSchema } from '../store/store.js';
import { invalidSchema } from './errors.js';
import { qualifyReference } from './subjects.js';
import { LATEST } from './version-id.js';

/** A reference pinned to the stored version it resolved to (what `referencedby` and delete checks use). */
export interface ReferenceTarget {
  subject: string;
  version: number;
}

export interface Resolution {
  resolved: ResolvedReference[];
  targets: ReferenceTarget[];
  /** Identifies the resolved content (context and id of every schema reached), for parse-cache keys. */
  key: string;
}

const MAX_DEPTH = 32;

export interface ResolveOptions {
  /** Soft-deleted versions count (reads of stored schemas); registration wants live ones only. */
  allowDeleted: boolean;
}

async function findVersion(
  reader: StoreReader,
  subject: string,
  version: number,
  allowDeleted: boolean,
): Promise<VersionWithSchema | undefined> {
  if (version === LATEST) {
    const all = await reader.subjectVersionsWithSchemas(subject);
    for (let i = all.length - 1; i >= 0; i--) if (!all[i]!.deleted) return all[i];
    return undefined;
  }
  const v = await reader.subjectVersion(subject, version);
  return v && (allowDeleted || !v.deleted) ? v : undefined;
}

async function resolveLevel(
  reader: StoreReader,
  context: string,
  refs: readonly SchemaReference[],
  options: ResolveOptions,
  depth: number,
  keys: string[],
): Promise<{ resolved: ResolvedReference[]; targets: ReferenceTarget[] }> {
  if (depth > MAX_DEPTH) throw invalidSchema(`Schema references nest deeper than ${MAX_DEPTH} levels (or form a cycle)`);
  const resolved: ResolvedReference[] = [];
  const targets: ReferenceTarget[] = [];
  for (const ref of refs) {
    const target = qualifyReference(ref.subject, context);
    const found = await findVersion(reader, target.key, ref.version, options.allowDeleted);
    if (!found) {
      throw invalidSchema(
        `Invalid schema reference ${ref.name}: subject '${ref.subject}' version ${ref.version === LATEST ? 'latest' : ref.version} not found`,
      );
    }
    keys.push(`${found.schema.context}:${found.schema.id}`);
    // Nested references were valid when the referenced schema was registered; soft-deleted ones still resolve.
    const nested = await resolveLevel(reader, found.schema.context, found.schema.references, { allowDeleted: true }, depth + 1, keys);
    resolved.push({
      name: ref.name,
      subject: ref.subject,
      version: ref.version,
      schemaType: found.schema.schemaType,
      schema: found.schema.schema,
      references: nested.resolved,
    });
    targets.push({ subject: target.key, version: found.version });
  }
  return { resolved, targets };
}

/** Resolves references; 42201 when one does not exist (or is soft-deleted and those are not allowed). */
export async function resolveReferences(
  reader: StoreReader,
  context: string,
  refs: readonly SchemaReference[],
  options: ResolveOptions,
): Promise<Resolution> {
  if (refs.length === 0) return { resolved: [], targets: [], key: '' };
  const keys: string[] = [];
  const { resolved, targets } = await resolveLevel(reader, context, refs, options, 0, keys);
  return { resolved, targets, key: keys.join(',') };
}
