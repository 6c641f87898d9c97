/**
 * Stored records → Confluent's JSON entities (8.x shapes: `schemaType` present for AVRO too, `guid`, `ts`).
 * Empty members are omitted, as Confluent's NON_EMPTY serialisation does.
 */
import type { Metadata, RuleSet, SchemaById, SchemaReference, SchemaVersion } from '@schemata/serdes';
import type { SchemaRecord, VersionWithSchema } from '../store/store.js';
import type { RegisteredSchema } from './types.js';

interface Contract {
  references?: SchemaReference[];
  metadata?: Metadata;
  ruleSet?: RuleSet;
}

function contract(s: SchemaRecord): Contract {
  const out: Contract = {};
  if (s.references.length > 0) out.references = s.references;
  if (s.metadata) out.metadata = s.metadata;
  if (s.ruleSet) out.ruleSet = s.ruleSet;
  return out;
}

/** A subject version (`GET /subjects/{s}/versions/{v}`, lookups, `/schemas`). */
export function versionEntity(v: VersionWithSchema, schemaText: string = v.schema.schema): SchemaVersion {
  const s = v.schema;
  const out: SchemaVersion = {
    subject: v.subject,
    version: v.version,
    id: s.id,
    guid: s.guid,
    schemaType: s.schemaType,
    ...contract(s),
    schema: schemaText,
    ts: v.ts,
  };
  if (v.deleted) out.deleted = true;
  return out;
}

/** A schema by id or guid (`GET /schemas/ids/{id}`); the caller adds subject/version when one was named. */
export function schemaEntity(s: SchemaRecord, schemaText: string = s.schema): SchemaById {
  return { schema: schemaText, schemaType: s.schemaType, ...contract(s), guid: s.guid };
}

/** The register answer: the schema as registered, without its subject. */
export function registeredEntity(v: VersionWithSchema): RegisteredSchema {
  const s = v.schema;
  return { id: s.id, version: v.version, guid: s.guid, schemaType: s.schemaType, ...contract(s), schema: s.schema, ts: v.ts };
}
