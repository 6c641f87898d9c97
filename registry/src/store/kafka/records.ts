/**
 * The records of Confluent's `_schemas` topic: JSON keys and values exactly as Confluent Schema Registry
 * writes them (storage/SchemaKey, ConfigKey, ModeKey, NoopKey, DeleteSubjectKey, ClearSubjectKey,
 * ContextKey and their *Value classes, serialized by Jackson with NON_EMPTY inclusion), so a topic written
 * by either registry loads in the other.
 *
 * Key field order is Confluent's @JsonPropertyOrder: `keytype`, `subject`, (`version`), `magic`; SCHEMA keys
 * have magic 1, the others 0. SCHEMA values list Jackson's creator properties in order: subject, version,
 * id, (md5), schemaType (absent for AVRO), references (absent when empty), metadata, ruleSet, schema,
 * deleted. A null value (tombstone) is a permanent delete (SCHEMA) or a removed setting (CONFIG, MODE).
 */
import type { Config, Metadata, Mode, RuleSet, SchemaReference, SchemaType } from '@schemata/serdes';
import { GLOBAL_SCOPE } from '../store.js';

export type KeyType = 'SCHEMA' | 'CONFIG' | 'MODE' | 'NOOP' | 'DELETE_SUBJECT' | 'CLEAR_SUBJECT' | 'CONTEXT';

export type RegistryKey =
  | { keytype: 'SCHEMA'; subject: string; version: number }
  /** `scope` is our config/mode scope: '' (global, Confluent's null subject), a subject or `:.ctx:`. */
  | { keytype: 'CONFIG' | 'MODE'; scope: string }
  | { keytype: 'NOOP' }
  | { keytype: 'DELETE_SUBJECT' | 'CLEAR_SUBJECT'; subject: string }
  | { keytype: 'CONTEXT'; tenant: string; context: string };

export interface SchemaValue {
  subject: string;
  version: number;
  id: number;
  schemaType: SchemaType;
  references: SchemaReference[];
  metadata?: Metadata;
  ruleSet?: RuleSet;
  schema: string;
  deleted: boolean;
}

/** Confluent's default tenant name in CONTEXT records. */
export const DEFAULT_TENANT = 'default';

const SCHEMA_TYPES: readonly string[] = ['AVRO', 'PROTOBUF', 'JSON'];
const MODES: readonly string[] = ['READWRITE', 'READONLY', 'READONLY_OVERRIDE', 'IMPORT', 'FORWARD'];

/** A record that cannot be understood: logged and skipped by the reader, never fatal. */
export class MalformedRecord extends Error {
  override readonly name = 'MalformedRecord';
}

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function requireString(obj: Record<string, unknown>, field: string): string {
  const v = obj[field];
  if (typeof v !== 'string') throw new MalformedRecord(`"${field}" must be a string`);
  return v;
}

export function requireInt(obj: Record<string, unknown>, field: string, min: number): number {
  const v = obj[field];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) throw new MalformedRecord(`"${field}" must be an integer >= ${min}`);
  return v;
}

// ---- keys ------------------------------------------------------------------------------------------

/** Confluent's subject field for a scope: null for the global scope. */
const scopeSubject = (scope: string): string | null => (scope === GLOBAL_SCOPE ? null : scope);

/** The key's bytes, field for field as Confluent writes them (JSON.stringify keeps insertion order). */
export function encodeKey(key: RegistryKey): string {
  switch (key.keytype) {
    case 'SCHEMA':
      return JSON.stringify({ keytype: 'SCHEMA', subject: key.subject, version: key.version, magic: 1 });
    case 'CONFIG':
    case 'MODE': {
      // NON_EMPTY: a null subject is left out.
      const subject = scopeSubject(key.scope);
      return JSON.stringify(subject === null ? { keytype: key.keytype, magic: 0 } : { keytype: key.keytype, subject, magic: 0 });
    }
    case 'NOOP':
      return JSON.stringify({ keytype: 'NOOP', magic: 0 });
    case 'DELETE_SUBJECT':
    case 'CLEAR_SUBJECT':
      return JSON.stringify({ keytype: key.keytype, subject: key.subject, magic: 0 });
    case 'CONTEXT':
      return JSON.stringify({ keytype: 'CONTEXT', tenant: key.tenant, context: key.context, magic: 0 });
  }
}

/**
 * A SCHEMA key exactly as Confluent (and this store) writes it, with a subject that holds no escape: nearly
 * every record of a topic. Matched without building a JSON object; anything else goes through JSON.parse.
 */
// eslint-disable-next-line no-control-regex
const PLAIN_SCHEMA_KEY = /^\{"keytype":"SCHEMA","subject":"([^"\\\u0000-\u001f]*)","version":([1-9]\d{0,8}),"magic":[01]\}$/;

/** Parses a key; MalformedRecord for bad JSON or missing fields, `undefined` for an unknown keytype. */
export function decodeKey(raw: Buffer | string | null): RegistryKey | undefined {
  if (raw === null) throw new MalformedRecord('record without a key');
  const text = raw.toString();
  const plain = PLAIN_SCHEMA_KEY.exec(text);
  if (plain) return { keytype: 'SCHEMA', subject: plain[1]!, version: Number(plain[2]) };
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch {
    throw new MalformedRecord('key is not JSON');
  }
  if (!isObject(obj)) throw new MalformedRecord('key is not a JSON object');
  switch (obj.keytype) {
    case 'SCHEMA': {
      const magic = obj.magic ?? 0;
      if (magic !== 0 && magic !== 1) throw new MalformedRecord(`unsupported SCHEMA key magic ${String(magic)}`);
      return { keytype: 'SCHEMA', subject: requireString(obj, 'subject'), version: requireInt(obj, 'version', 1) };
    }
    case 'CONFIG':
    case 'MODE': {
      const subject = obj.subject ?? null;
      if (subject !== null && typeof subject !== 'string') throw new MalformedRecord('"subject" must be a string or null');
      return { keytype: obj.keytype, scope: subject ?? GLOBAL_SCOPE };
    }
    case 'NOOP':
      return { keytype: 'NOOP' };
    case 'DELETE_SUBJECT':
    case 'CLEAR_SUBJECT':
      return { keytype: obj.keytype, subject: requireString(obj, 'subject') };
    case 'CONTEXT':
      return {
        keytype: 'CONTEXT',
        tenant: typeof obj.tenant === 'string' ? obj.tenant : DEFAULT_TENANT,
        context: requireString(obj, 'context'),
      };
    default:
      return undefined;
  }
}

// ---- values ----------------------------------------------------------------------------------------

export function encodeSchemaValue(v: SchemaValue): string {
  const out: Record<string, unknown> = { subject: v.subject, version: v.version, id: v.id };
  if (v.schemaType !== 'AVRO') out.schemaType = v.schemaType;
  if (v.references.length > 0) out.references = v.references.map((r) => ({ name: r.name, subject: r.subject, version: r.version }));
  if (v.metadata) out.metadata = v.metadata;
  if (v.ruleSet) out.ruleSet = v.ruleSet;
  out.schema = v.schema;
  out.deleted = v.deleted;
  return JSON.stringify(out);
}

export function parseObject(raw: Buffer | string): Record<string, unknown> {
  let obj: unknown;
  try {
    obj = JSON.parse(raw.toString());
  } catch {
    throw new MalformedRecord('value is not JSON');
  }
  if (!isObject(obj)) throw new MalformedRecord('value is not a JSON object');
  return obj;
}

const NO_REFERENCES: SchemaReference[] = Object.freeze([]) as unknown as SchemaReference[];

function parseReferences(raw: unknown): SchemaReference[] {
  if (raw === undefined || raw === null || (Array.isArray(raw) && raw.length === 0)) return NO_REFERENCES;
  if (!Array.isArray(raw)) throw new MalformedRecord('"references" must be an array');
  return raw.map((r: unknown) => {
    if (!isObject(r)) throw new MalformedRecord('a reference must be an object');
    return { name: requireString(r, 'name'), subject: requireString(r, 'subject'), version: requireInt(r, 'version', -1) };
  });
}

export function decodeSchemaValue(raw: Buffer | string): SchemaValue {
  const obj = parseObject(raw);
  const schemaType = obj.schemaType ?? 'AVRO';
  if (typeof schemaType !== 'string' || !SCHEMA_TYPES.includes(schemaType)) throw new MalformedRecord(`unknown schemaType ${String(schemaType)}`);
  if (obj.deleted !== undefined && typeof obj.deleted !== 'boolean') throw new MalformedRecord('"deleted" must be a boolean');
  const value: SchemaValue = {
    subject: requireString(obj, 'subject'),
    version: requireInt(obj, 'version', 1),
    id: requireInt(obj, 'id', 0),
    schemaType: schemaType as SchemaType,
    references: parseReferences(obj.references),
    schema: requireString(obj, 'schema'),
    deleted: obj.deleted === true,
  };
  if (isObject(obj.metadata)) value.metadata = obj.metadata as Metadata;
  if (isObject(obj.ruleSet)) value.ruleSet = obj.ruleSet as RuleSet;
  return value;
}

/** ConfigValue: Confluent's `subject` (left out for the global scope) then the config's own fields. */
export function encodeConfigValue(scope: string, config: Config): string {
  const subject = scopeSubject(scope);
  return JSON.stringify(subject === null ? { ...config } : { subject, ...config });
}

export function decodeConfigValue(raw: Buffer | string): Config {
  const { subject: _subject, ...config } = parseObject(raw);
  return config as Config;
}

export function encodeModeValue(scope: string, mode: Mode): string {
  const subject = scopeSubject(scope);
  return JSON.stringify(subject === null ? { mode } : { subject, mode });
}

export function decodeModeValue(raw: Buffer | string): Mode {
  const mode = parseObject(raw).mode;
  if (typeof mode !== 'string' || !MODES.includes(mode)) throw new MalformedRecord(`unknown mode ${String(mode)}`);
  return mode as Mode;
}

/** DeleteSubjectValue: every version up to `version` of the subject is soft-deleted. */
export function decodeDeleteSubjectValue(raw: Buffer | string): { subject: string; version: number } {
  const obj = parseObject(raw);
  return { subject: requireString(obj, 'subject'), version: requireInt(obj, 'version', 0) };
}

export function encodeContextValue(tenant: string, context: string): string {
  return JSON.stringify({ tenant, context });
}
