import type { Config, Metadata, Mode, RuleSet, SchemaReference, SchemaType } from '@schemata/serdes';
import type { SchemaRecord, ScopeSettings, VersionRecord, VersionWithSchema } from '../store.js';

/** Column lists and row → record mapping, kept beside each other so they cannot drift apart. */

export const SCHEMA_COLUMNS = 's.context, s.id, s.guid, s.schema_type, s.schema, s.refs, s.metadata, s.rule_set, s.hash';
export const VERSION_COLUMNS = 'v.subject, v.context, v.version, v.schema_id, v.deleted, v.ts';

/**
 * The config and mode rows (scope, config, mode) of the scopes in the text[] parameter `param`, each row
 * prefixed with `pad` (NULL columns lining it up with a first branch of a UNION).
 */
export const settingsSql = (param: string, pad = '') => `
  SELECT ${pad}scope, config, NULL::text AS mode FROM configs WHERE scope = ANY(${param}::text[])
  UNION ALL
  SELECT ${pad}scope, NULL::jsonb AS config, mode FROM modes WHERE scope = ANY(${param}::text[])`;

/**
 * Version rows (scope NULL) of the subjects `subjectMatch` selects (on `v`), and the setting rows of the
 * scopes in $2, versions ascending: a subject's state in one round trip.
 */
export const versionsAndSettingsSql = (subjectMatch: string) => `
  SELECT ${VERSION_COLUMNS}, NULL::text AS scope, NULL::jsonb AS config, NULL::text AS mode
    FROM versions v WHERE ${subjectMatch}
  UNION ALL${settingsSql('$2', 'NULL, NULL, NULL, NULL, NULL, NULL, ')}
  ORDER BY version`;

export interface SchemaRow {
  context: string;
  id: number;
  guid: string;
  schema_type: string;
  schema: string;
  refs: SchemaReference[] | null;
  metadata: Metadata | null;
  rule_set: RuleSet | null;
  hash: string;
}

export interface VersionRow {
  subject: string;
  context: string;
  version: number;
  schema_id: number;
  deleted: boolean;
  ts: number;
}

export type VersionSchemaRow = VersionRow & SchemaRow;

export function toSchema(r: SchemaRow): SchemaRecord {
  const rec: SchemaRecord = {
    context: r.context,
    id: r.id,
    guid: r.guid,
    schemaType: r.schema_type as SchemaType,
    schema: r.schema,
    references: r.refs ?? [],
    hash: r.hash,
  };
  if (r.metadata) rec.metadata = r.metadata;
  if (r.rule_set) rec.ruleSet = r.rule_set;
  return rec;
}

export function toVersion(r: VersionRow): VersionRecord {
  return { subject: r.subject, context: r.context, version: r.version, schemaId: r.schema_id, deleted: r.deleted, ts: r.ts };
}

/** A joined row carries both; the schema's own context/id equal the version's context/schema_id. */
export function toVersionWithSchema(r: VersionSchemaRow): VersionWithSchema {
  return { ...toVersion(r), schema: toSchema({ ...r, id: r.schema_id }) };
}

export type ConfigRow = { config: Config };
export type ModeRow = { mode: Mode };

/** A stored config or mode of a scope (one of them set per row). */
export interface SettingRow {
  scope: string;
  config: Config | null;
  mode: Mode | null;
}

/** A row of the versions-and-settings query: a version (no scope) or a setting (no version columns). */
export type VersionOrSettingRow = (VersionRow & { scope: null }) | SettingRow;

/** The settings of each scope asked for, in its order, from the setting rows found. */
export function toScopeSettings(scopes: readonly string[], rows: readonly SettingRow[]): ScopeSettings[] {
  return scopes.map((scope) => {
    const settings: ScopeSettings = {};
    for (const r of rows) {
      if (r.scope !== scope) continue;
      if (r.config) settings.config = r.config;
      if (r.mode) settings.mode = r.mode;
    }
    return settings;
  });
}
