/**
 * Schema references: each `{name, subject, version}` names a subject-version whose schema the referrer
 * uses. Resolution is recursive (a referenced schema may have references of its own) and relative to the
 * referrer's context. Version -1 means the latest live version at resolution time.
 */
import type { ResolvedReference, SchemaReference } from '@schemata/serdes';
import type { StoreReader, VersionWithSchema } from '../store/store.js';
import { invalidSchema, schemaTooComplex } from './errors.js';
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
/** Default bound on the resolved reference tree (every edge counted, shared ones as often as reached). */
export const DEFAULT_MAX_REFERENCES = 2_000;

export interface ResolveOptions {
  /** Soft-deleted versions count (reads of stored schemas); registration wants live ones only. */
  allowDeleted: boolean;
  /** Bound on the size of the resolved tree (default DEFAULT_MAX_REFERENCES). */
  maxReferences?: number;
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

/** A subject-version resolved once per resolution, however many referrers reach it. */
interface Resolved {
  found: VersionWithSchema;
  nested: ResolvedReference[];
  /** Edges in the tree below it, shared subtrees counted as often as they occur. */
  size: number;
}

/**
 * One resolution: each subject-version is resolved once and its nested references shared by every
 * referrer (a diamond of references costs one visit, not one per path). The tree the formats walk still
 * counts every path, so its size is bounded: diamonds nested 30 deep would otherwise be 2^30 nodes.
 */
class Resolver {
  private readonly memo = new Map<string, Resolved>();
  readonly keys: string[] = [];

  constructor(
    private readonly reader: StoreReader,
    private readonly maxReferences: number,
  ) {}

  async level(
    context: string,
    refs: readonly SchemaReference[],
    allowDeleted: boolean,
    depth: number,
  ): Promise<{ resolved: ResolvedReference[]; targets: ReferenceTarget[]; size: number }> {
    if (depth > MAX_DEPTH) throw invalidSchema(`Schema references nest deeper than ${MAX_DEPTH} levels (or form a cycle)`);
    const resolved: ResolvedReference[] = [];
    const targets: ReferenceTarget[] = [];
    let size = 0;
    for (const ref of refs) {
      const target = qualifyReference(ref.subject, context);
      const one = await this.one(target.key, ref, allowDeleted, depth);
      size += 1 + one.size;
      if (size > this.maxReferences) {
        throw schemaTooComplex(`Schema references resolve to more than ${this.maxReferences} schemas (MAX_SCHEMA_REFERENCES)`);
      }
      resolved.push({
        name: ref.name,
        subject: ref.subject,
        version: ref.version,
        schemaType: one.found.schema.schemaType,
        schema: one.found.schema.schema,
        references: one.nested,
      });
      targets.push({ subject: target.key, version: one.found.version });
    }
    return { resolved, targets, size };
  }

  private async one(subject: string, ref: SchemaReference, allowDeleted: boolean, depth: number): Promise<Resolved> {
    const memoKey = `${allowDeleted ? 'd' : '-'}${ref.version}\u0000${subject}`;
    const hit = this.memo.get(memoKey);
    if (hit) return hit;
    const found = await findVersion(this.reader, subject, ref.version, allowDeleted);
    if (!found) {
      throw invalidSchema(
        `Invalid schema reference ${ref.name}: subject '${ref.subject}' version ${ref.version === LATEST ? 'latest' : ref.version} not found`,
      );
    }
    this.keys.push(`${found.schema.context}:${found.schema.id}`);
    // Nested references were valid when the referenced schema was registered; soft-deleted ones still resolve.
    const nested = await this.level(found.schema.context, found.schema.references, true, depth + 1);
    const entry = { found, nested: nested.resolved, size: nested.size };
    this.memo.set(memoKey, entry);
    return entry;
  }
}

/** Resolves references; 42201 when one does not exist (or is soft-deleted and those are not allowed). */
export async function resolveReferences(
  reader: StoreReader,
  context: string,
  refs: readonly SchemaReference[],
  options: ResolveOptions,
): Promise<Resolution> {
  if (refs.length === 0) return { resolved: [], targets: [], key: '' };
  const resolver = new Resolver(reader, options.maxReferences ?? DEFAULT_MAX_REFERENCES);
  const { resolved, targets } = await resolver.level(context, refs, options.allowDeleted, 0);
  return { resolved, targets, key: resolver.keys.join(',') };
}
