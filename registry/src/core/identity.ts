/**
 * Schema identity (Confluent's MD5.ofSchema): an MD5 over the stored schema text, its references, metadata
 * and rule set. Whitespace and key order of the submitted text do not matter because the text hashed is
 * the format's canonical string; `doc`, defaults and custom properties do, because they are in it.
 *
 * One deliberate difference: the schema type is hashed too, so an AVRO and a JSON schema that happen to
 * print to the same string never share an id.
 */
import { hash as digest } from 'node:crypto';
import type { Metadata, RuleSet, SchemaReference, SchemaType } from '@schemata/serdes';
import type { VersionWithSchema } from '../store/store.js';
import { CONFLUENT_VERSION, withoutConfluentVersion } from './data-contracts.js';
import type { PreparedSchema } from './schemas.js';

export interface SchemaIdentity {
  schemaType: SchemaType;
  schema: string;
  references: readonly SchemaReference[];
  metadata?: Metadata | undefined;
  ruleSet?: RuleSet | undefined;
}

/** JSON with object keys sorted at every level, so equal values always print the same. */
function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stableJson(obj[k])}`).join(',')}}`;
}

// Identities and records are never mutated, so a hash computed once per object stays right; re-registering
// a known schema then hashes nothing.
const hashes = new WeakMap<SchemaIdentity, string>();

/** The content hash (hex MD5) the store indexes schemas by. */
export function contentHash(s: SchemaIdentity): string {
  let hash = hashes.get(s);
  if (hash === undefined) {
    hash = uncachedContentHash(s);
    hashes.set(s, hash);
  }
  return hash;
}

/**
 * `contentHash` without the per-object cache: for objects hashed once (records a store loads by the
 * hundred thousand, where a WeakMap entry each would only cost garbage-collection time).
 */
export function uncachedContentHash(s: SchemaIdentity): string {
  const refs = s.references.map((r) => [r.name, r.subject, r.version]);
  // crypto.hash (one shot, Node >= 20.12): a third of createHash's cost for inputs this small.
  return digest('md5', stableJson([s.schemaType, s.schema, refs, s.metadata ?? null, s.ruleSet ?? null]), 'hex');
}

/**
 * The hash lookups and re-registrations also accept: it ignores `confluent:version`, which registration
 * re-stamps on every new version (Confluent's `canLookup` fallback does the same).
 */
export function lookupHash(s: SchemaIdentity): string {
  return contentHash({ ...s, metadata: withoutConfluentVersion(s.metadata) });
}

/** Confluent 8's guid: a name-based (version 3, MD5) UUID built from the content hash. */
export function guidOf(hash: string): string {
  const b = Buffer.from(hash, 'hex');
  b[6] = (b[6]! & 0x0f) | 0x30;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const plainIdentities = new WeakMap<PreparedSchema, SchemaIdentity>();

/** A prepared schema with its data contract; the common no-metadata identity is one object per schema. */
export function identityOf(p: PreparedSchema, metadata: Metadata | undefined, ruleSet: RuleSet | undefined): SchemaIdentity {
  if (metadata === undefined && ruleSet === undefined) {
    let plain = plainIdentities.get(p);
    if (!plain) {
      plain = { schemaType: p.schemaType, schema: p.schema, references: p.references };
      plainIdentities.set(p, plain);
    }
    return plain;
  }
  return { schemaType: p.schemaType, schema: p.schema, references: p.references, metadata, ruleSet };
}

const hasConfluentVersion = (m: Metadata | undefined) => m?.properties?.[CONFLUENT_VERSION] !== undefined;

/**
 * The newest of `candidates` holding the same schema as `identity`: equal content hash, or equal apart from
 * `confluent:version` (which every new version re-stamps).
 */
export function findSameSchema(
  candidates: readonly VersionWithSchema[],
  identity: SchemaIdentity,
  accept: (v: VersionWithSchema) => boolean = () => true,
): VersionWithSchema | undefined {
  const hash = contentHash(identity);
  for (let i = candidates.length - 1; i >= 0; i--) {
    const v = candidates[i]!;
    if (v.schema.hash === hash && accept(v)) return v;
  }
  const stamped = hasConfluentVersion(identity.metadata);
  let loose: string | undefined;
  for (let i = candidates.length - 1; i >= 0; i--) {
    const v = candidates[i]!;
    // Without confluent:version on either side the exact hash has decided already.
    if (!stamped && !hasConfluentVersion(v.schema.metadata)) continue;
    loose ??= lookupHash(identity);
    if (lookupHash(v.schema) === loose && accept(v)) return v;
  }
  return undefined;
}
