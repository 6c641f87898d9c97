/**
 * The JSON Schema field walker of field rules, as Confluent's client walks a (dereferenced) JSON Schema:
 * properties (`$.a.b` full names, `confluent:tags` on the property schema), items, allOf (each), oneOf
 * (the first that matches), anyOf (each that matches), type arrays (the first type the value has), and
 * `$ref` (to the schema itself, `#/...` pointers, or a referenced schema by its reference name or `$id`).
 *
 * Confluent picks oneOf/anyOf branches and type-array members with a full JSON Schema validator; this
 * walker checks the JSON type (and `const`/`enum`, `required`) of the value only. For the schemas data
 * contracts are written with (a record of typed properties) the two walk the same fields.
 */
import type { FieldTransform, FieldType, RuleContext } from './context.js';
import { awaited, settle, transformLeaf } from './fields.js';

type Schema = Record<string, unknown> | boolean;

export class JsonSchemaTree {
  private readonly byName = new Map<string, Schema>();

  constructor(
    readonly root: Schema,
    references: readonly { name: string; schema: string }[],
  ) {
    for (const r of references) {
      const parsed = JSON.parse(r.schema) as Schema;
      this.byName.set(r.name, parsed);
      if (typeof parsed === 'object' && typeof parsed.$id === 'string') this.byName.set(parsed.$id, parsed);
    }
    if (typeof root === 'object' && typeof root.$id === 'string') this.byName.set(root.$id, root);
  }

  resolve(ref: string, base: Schema): Schema | undefined {
    const hash = ref.indexOf('#');
    const doc = hash < 0 ? ref : ref.slice(0, hash);
    const pointer = hash < 0 ? '' : ref.slice(hash + 1);
    const target = doc === '' ? base : this.byName.get(doc);
    if (target === undefined) return undefined;
    if (pointer === '' || pointer === '/') return target;
    let node: unknown = target;
    for (const raw of pointer.split('/').slice(1)) {
      const key = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
      if (node === null || typeof node !== 'object') return undefined;
      node = (node as Record<string, unknown>)[key];
    }
    return node as Schema | undefined;
  }
}

export function jsonFieldType(schema: Schema): FieldType {
  if (typeof schema === 'boolean') return 'NULL';
  const type = schema.type;
  if (type == null) {
    const props = schema.properties;
    return props != null && typeof props === 'object' && Object.keys(props).length > 0 ? 'RECORD' : 'NULL';
  }
  if (Array.isArray(type)) return 'COMBINED';
  if (schema.const != null || schema.enum != null) return 'ENUM';
  switch (type) {
    case 'object': {
      const props = schema.properties;
      return props == null || typeof props !== 'object' || Object.keys(props).length === 0 ? 'MAP' : 'RECORD';
    }
    case 'array':
      return 'ARRAY';
    case 'string':
      return 'STRING';
    case 'integer':
      return 'INT';
    case 'number':
      return 'DOUBLE';
    case 'boolean':
      return 'BOOLEAN';
    default:
      return 'NULL';
  }
}

function hasJsonType(value: unknown, type: unknown): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
    default:
      return true;
  }
}

/** A shallow check that `value` may match `schema` (type, const, enum, required). */
function roughlyMatches(schema: Schema, value: unknown): boolean {
  if (typeof schema === 'boolean') return schema;
  const type = schema.type;
  if (type !== undefined && !(Array.isArray(type) ? type.some((t) => hasJsonType(value, t)) : hasJsonType(value, type))) return false;
  if ('const' in schema && JSON.stringify(schema.const) !== JSON.stringify(value)) return false;
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) return false;
  if (Array.isArray(schema.required) && value !== null && typeof value === 'object') {
    for (const r of schema.required) if (!(String(r) in (value as object))) return false;
  }
  return true;
}

function tagsOf(schema: Schema): Set<string> {
  if (typeof schema !== 'object') return new Set();
  const t = schema['confluent:tags'];
  return new Set(Array.isArray(t) ? t.map(String) : []);
}

export async function transformJson(
  ctx: RuleContext,
  tree: JsonSchemaTree,
  schema: Schema | undefined,
  path: string,
  msg: unknown,
  transform: FieldTransform,
  depth = 0,
): Promise<unknown> {
  if (msg == null || schema == null || typeof schema === 'boolean') return msg;
  if (depth > 64) return msg;
  const field = ctx.currentField();
  if (field !== null) field.type = jsonFieldType(schema);
  if (Array.isArray(schema.type) && schema.type.length > 0) {
    const t = schema.type.find((x) => hasJsonType(msg, x));
    if (t !== undefined) return transformJson(ctx, tree, { ...schema, type: t }, path, msg, transform, depth + 1);
  }
  const allOf = schema.allOf as Schema[] | undefined;
  const anyOf = schema.anyOf as Schema[] | undefined;
  const oneOf = schema.oneOf as Schema[] | undefined;
  if ((allOf?.length ?? 0) > 0 || (anyOf?.length ?? 0) > 0 || (oneOf?.length ?? 0) > 0) {
    if (allOf && allOf.length > 0) {
      for (const s of allOf) msg = await transformJson(ctx, tree, deref(tree, s), path, msg, transform, depth + 1);
    } else if (oneOf && oneOf.length > 0) {
      const s = oneOf.map((x) => deref(tree, x)).find((x) => x !== undefined && roughlyMatches(x, msg));
      if (s !== undefined) msg = await transformJson(ctx, tree, s, path, msg, transform, depth + 1);
    } else {
      for (const x of anyOf!) {
        const s = deref(tree, x);
        if (s !== undefined && roughlyMatches(s, msg)) msg = await transformJson(ctx, tree, s, path, msg, transform, depth + 1);
      }
    }
    if (schema.properties != null && msg !== null && typeof msg === 'object' && !Array.isArray(msg)) {
      msg = await transformProperties(ctx, tree, schema, path, msg as Record<string, unknown>, transform, depth);
    }
    if (schema.items != null && Array.isArray(msg)) msg = await transformItems(ctx, tree, schema, path, msg, transform, depth);
    return msg;
  }
  if (schema.items != null && Array.isArray(msg)) return transformItems(ctx, tree, schema, path, msg, transform, depth);
  if (typeof schema.$ref === 'string') return transformJson(ctx, tree, tree.resolve(schema.$ref, tree.root), path, msg, transform, depth + 1);
  switch (jsonFieldType(schema)) {
    case 'RECORD':
      return schema.properties != null && typeof msg === 'object' ? transformProperties(ctx, tree, schema, path, msg as Record<string, unknown>, transform, depth) : msg;
    case 'ENUM':
    case 'STRING':
    case 'INT':
    case 'DOUBLE':
    case 'BOOLEAN':
      return awaited(transformLeaf(ctx, field, transform, msg));
    default:
      return msg;
  }
}

function deref(tree: JsonSchemaTree, s: Schema): Schema | undefined {
  return typeof s === 'object' && typeof s.$ref === 'string' && Object.keys(s).length === 1 ? tree.resolve(s.$ref, tree.root) : s;
}

async function transformItems(ctx: RuleContext, tree: JsonSchemaTree, schema: Record<string, unknown>, path: string, arr: unknown[], transform: FieldTransform, depth: number): Promise<unknown[]> {
  let out: unknown[] | null = null;
  for (let i = 0; i < arr.length; i++) {
    const v = await transformJson(ctx, tree, schema.items as Schema, path, arr[i], transform, depth + 1);
    if (v !== arr[i]) (out ??= arr.slice())[i] = v;
  }
  return out ?? arr;
}

async function transformProperties(
  ctx: RuleContext,
  tree: JsonSchemaTree,
  schema: Record<string, unknown>,
  path: string,
  record: Record<string, unknown>,
  transform: FieldTransform,
  depth: number,
): Promise<Record<string, unknown>> {
  const copy = { out: null as Record<string, unknown> | null };
  for (const [name, propSchema] of Object.entries(schema.properties as Record<string, Schema>)) {
    const fullName = `${path}.${name}`;
    ctx.enterField(record, fullName, name, jsonFieldType(propSchema), tagsOf(propSchema));
    try {
      const before = record[name];
      if (before == null) continue;
      const after = await transformJson(ctx, tree, propSchema, fullName, before, transform, depth + 1);
      settle(ctx, record, name, before, after, (v) => v === false, copy);
    } finally {
      ctx.leaveField();
    }
  }
  return copy.out ?? record;
}
