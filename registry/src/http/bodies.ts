/**
 * Request bodies, checked the way Confluent's Jackson binding does: unknown members are ignored (clients
 * post back whole response objects, `guid` and all), scalars are coerced to the declared string or number
 * type, and a member of the wrong shape (an object where a string belongs) is 400/400. A missing body where
 * one is required is 422/422 (bean validation). The core receives typed, trusted values.
 */
import type { Metadata, Rule, RuleSet, SchemaReference } from '@schemata/serdes';
import { badRequest, invalidMode, invalidSchema, unprocessable } from '../core/errors.js';
import type { ConfigUpdate, SchemaRequest } from '../core/types.js';

export type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'Array value';
  return typeof v === 'object' ? 'Object value' : `${typeof v} value`;
}

const wrongShape = (field: string, expected: string, v: unknown) =>
  badRequest(`Cannot deserialize value of type \`${expected}\` from ${kindOf(v)} (field "${field}")`);

/** The body itself: required (422 when absent) and an object (400 otherwise). */
export function requireObject(body: unknown, what: string): Json {
  if (body === undefined || body === null) throw unprocessable(`${what} must not be null`);
  if (!isObject(body)) throw wrongShape('(body)', what, body);
  return body;
}

/** A string member; numbers and booleans are coerced as Jackson does, null means absent. */
function asString(v: unknown, field: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw wrongShape(field, 'java.lang.String', v);
}

export const optString = (obj: Json, field: string) => asString(obj[field], field);

export function optBool(obj: Json, field: string): boolean | undefined {
  const v = obj[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  throw wrongShape(field, 'java.lang.Boolean', v);
}

export function optInt(obj: Json, field: string): number | undefined {
  const v = obj[field];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : v;
  if (typeof n === 'number' && Number.isInteger(n) && Math.abs(n) < 2 ** 31) return n;
  throw wrongShape(field, 'java.lang.Integer', v);
}

/** A JSON object of strings. Built with fromEntries so a `__proto__` key stays an ordinary key. */
export function stringMap(v: unknown, field: string): Record<string, string> {
  if (!isObject(v)) throw wrongShape(field, 'java.util.Map', v);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, asString(x, `${field}.${k}`) ?? '']));
}

function stringList(v: unknown, field: string): string[] {
  if (!Array.isArray(v)) throw wrongShape(field, 'java.util.List', v);
  return v.map((x, i) => asString(x, `${field}[${i}]`) ?? '');
}

function metadata(v: unknown, field: string): Metadata | null | undefined {
  if (v === undefined || v === null) return v;
  if (!isObject(v)) throw wrongShape(field, 'Metadata', v);
  const out: Metadata = {};
  if (isObject(v.tags)) out.tags = Object.fromEntries(Object.entries(v.tags).map(([k, x]) => [k, stringList(x, `${field}.tags.${k}`)]));
  else if (v.tags !== undefined && v.tags !== null) throw wrongShape(`${field}.tags`, 'java.util.Map', v.tags);
  if (v.properties !== undefined && v.properties !== null) out.properties = stringMap(v.properties, `${field}.properties`);
  if (v.sensitive !== undefined && v.sensitive !== null) out.sensitive = stringList(v.sensitive, `${field}.sensitive`);
  return out;
}

function rule(v: unknown, field: string): Rule {
  if (!isObject(v)) throw wrongShape(field, 'Rule', v);
  const out: Rule = { name: optString(v, 'name') ?? '', type: optString(v, 'type') ?? '' };
  const doc = optString(v, 'doc');
  if (doc !== undefined) out.doc = doc;
  const kind = optString(v, 'kind');
  if (kind !== undefined) out.kind = kind as Rule['kind'];
  const mode = optString(v, 'mode');
  if (mode !== undefined) out.mode = mode as Rule['mode'];
  if (v.tags !== undefined && v.tags !== null) out.tags = stringList(v.tags, `${field}.tags`);
  if (v.params !== undefined && v.params !== null) out.params = stringMap(v.params, `${field}.params`);
  for (const key of ['expr', 'onSuccess', 'onFailure'] as const) {
    const s = optString(v, key);
    if (s !== undefined) out[key] = s;
  }
  const disabled = optBool(v, 'disabled');
  if (disabled !== undefined) out.disabled = disabled;
  return out;
}

function ruleSet(v: unknown, field: string): RuleSet | null | undefined {
  if (v === undefined || v === null) return v;
  if (!isObject(v)) throw wrongShape(field, 'RuleSet', v);
  const out: RuleSet = {};
  for (const list of ['migrationRules', 'domainRules', 'encodingRules'] as const) {
    const rules = v[list];
    if (rules === undefined || rules === null) continue;
    if (!Array.isArray(rules)) throw wrongShape(`${field}.${list}`, 'java.util.List', rules);
    out[list] = rules.map((r, i) => rule(r, `${field}.${list}[${i}]`));
  }
  const enableAt = optString(v, 'enableAt');
  if (enableAt !== undefined) out.enableAt = enableAt;
  return out;
}

function references(v: unknown): SchemaReference[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw wrongShape('references', 'java.util.List', v);
  return v.map((r, i) => {
    if (!isObject(r)) throw wrongShape(`references[${i}]`, 'SchemaReference', r);
    const name = optString(r, 'name');
    const subject = optString(r, 'subject');
    const version = optInt(r, 'version');
    if (name === undefined || subject === undefined || version === undefined) {
      throw invalidSchema(`Invalid schema reference at position ${i}: name, subject and version are required`);
    }
    return { name, subject, version };
  });
}

/** Register, lookup and compatibility bodies (Confluent's RegisterSchemaRequest). */
export function decodeSchemaRequest(body: unknown): SchemaRequest {
  const obj = requireObject(body, 'RegisterSchemaRequest');
  const out: SchemaRequest = { references: references(obj.references) };
  const schema = optString(obj, 'schema');
  if (schema !== undefined) out.schema = schema;
  const schemaType = optString(obj, 'schemaType');
  if (schemaType !== undefined) out.schemaType = schemaType;
  const md = metadata(obj.metadata, 'metadata');
  if (md !== undefined) out.metadata = md;
  const rs = ruleSet(obj.ruleSet, 'ruleSet');
  if (rs !== undefined) out.ruleSet = rs;
  const id = optInt(obj, 'id');
  if (id !== undefined) out.id = id;
  const version = optInt(obj, 'version');
  if (version !== undefined) out.version = version;
  return out;
}

/** `PUT /config` bodies (ConfigUpdateRequest). */
export function decodeConfigUpdate(body: unknown): ConfigUpdate {
  const obj = requireObject(body, 'ConfigUpdateRequest');
  const out: ConfigUpdate = {};
  for (const key of ['compatibility', 'compatibilityGroup', 'compatibilityPolicy', 'alias'] as const) {
    const s = optString(obj, key);
    if (s !== undefined) out[key] = s;
  }
  for (const key of ['normalize', 'validateFields'] as const) {
    const b = optBool(obj, key);
    if (b !== undefined) out[key] = b;
  }
  for (const key of ['defaultMetadata', 'overrideMetadata'] as const) {
    const md = metadata(obj[key], key);
    if (md) out[key] = md;
  }
  for (const key of ['defaultRuleSet', 'overrideRuleSet'] as const) {
    const rs = ruleSet(obj[key], key);
    if (rs) out[key] = rs;
  }
  return out;
}

/** `PUT /mode` bodies: `{"mode": "..."}`; a missing mode is an invalid one (42204). */
export function decodeModeUpdate(body: unknown): string {
  const mode = optString(requireObject(body, 'ModeUpdateRequest'), 'mode');
  if (mode === undefined) throw invalidMode();
  return mode;
}
