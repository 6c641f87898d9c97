/**
 * The Avro field walker of field rules (CEL_FIELD, ENCRYPT), as Confluent's client walks avsc types:
 * records field by field (`<record full name>.<field>`), arrays, maps, unions (the first branch the value
 * is valid for; wrapped unions by their branch name); leaves get the transform when the rule's tags meet
 * the field's. Also the inline tags of an Avro schema (`confluent:tags` on fields).
 */
import type { FieldTransform, FieldType, RuleContext } from './context.js';
import { cloneRecord, settle, transformLeaf } from './fields.js';

interface AvscLike {
  typeName: string;
  name?: string;
  branchName?: string;
  fields?: { name: string; type: AvscLike }[];
  types?: AvscLike[];
  itemsType?: AvscLike;
  valuesType?: AvscLike;
  isValid(v: unknown): boolean;
}

export function avroFieldType(t: AvscLike): FieldType {
  switch (t.typeName) {
    case 'record':
      return 'RECORD';
    case 'enum':
      return 'ENUM';
    case 'array':
      return 'ARRAY';
    case 'map':
      return 'MAP';
    case 'union:unwrapped':
    case 'union:wrapped':
      return 'COMBINED';
    case 'fixed':
      return 'FIXED';
    case 'string':
      return 'STRING';
    case 'bytes':
      return 'BYTES';
    case 'int':
      return 'INT';
    case 'long':
    case 'abstract:long':
      return 'LONG';
    case 'float':
      return 'FLOAT';
    case 'double':
      return 'DOUBLE';
    case 'boolean':
      return 'BOOLEAN';
    default:
      return 'NULL';
  }
}

/**
 * Walks `msg` along `type`. Synchronous while every transform answers at once (a cached DEK, CEL), so
 * a record costs no promise per field; the first transform that answers a promise turns the rest of
 * the walk asynchronous.
 */
export function transformAvro(ctx: RuleContext, type: AvscLike, msg: unknown, transform: FieldTransform): unknown {
  if (msg == null) return msg;
  const field = ctx.currentField();
  if (field !== null) field.type = avroFieldType(type);
  switch (type.typeName) {
    case 'union:unwrapped': {
      const branch = type.types!.find((b) => b.isValid(msg));
      return branch === undefined ? msg : transformAvro(ctx, branch, msg, transform);
    }
    case 'union:wrapped': {
      if (typeof msg !== 'object') return msg;
      const keys = Object.keys(msg);
      if (keys.length !== 1) throw new Error('wrapped unions require a name/value pair with the name as the type name');
      const branch = type.types!.find((b) => b.branchName === keys[0]);
      if (branch === undefined) return msg;
      const inner = (msg as Record<string, unknown>)[keys[0]!];
      return then(transformAvro(ctx, branch, inner, transform), (out) => (out === inner ? msg : { [keys[0]!]: out }));
    }
    case 'array':
      return transformItems(ctx, type.itemsType!, msg as unknown[], transform, 0, null);
    case 'map': {
      const map = msg as Record<string, unknown>;
      return transformEntries(ctx, type.valuesType!, map, Object.keys(map), transform, 0, null);
    }
    case 'record':
      return transformFields(ctx, type, msg as Record<string, unknown>, transform, 0, { out: null });
    default:
      return transformLeaf(ctx, field, transform, msg);
  }
}

function then(v: unknown, f: (v: unknown) => unknown): unknown {
  return v instanceof Promise ? v.then(f) : f(v);
}

function transformItems(ctx: RuleContext, items: AvscLike, arr: unknown[], transform: FieldTransform, from: number, out: unknown[] | null): unknown {
  for (let i = from; i < arr.length; i++) {
    const v = transformAvro(ctx, items, arr[i], transform);
    if (v instanceof Promise) {
      return v.then((x) => {
        if (x !== arr[i]) (out ??= arr.slice())[i] = x;
        return transformItems(ctx, items, arr, transform, i + 1, out);
      });
    }
    if (v !== arr[i]) (out ??= arr.slice())[i] = v;
  }
  return out ?? arr;
}

function transformEntries(
  ctx: RuleContext,
  values: AvscLike,
  map: Record<string, unknown>,
  keys: readonly string[],
  transform: FieldTransform,
  from: number,
  out: Record<string, unknown> | null,
): unknown {
  for (let i = from; i < keys.length; i++) {
    const k = keys[i]!;
    const v = transformAvro(ctx, values, map[k], transform);
    if (v instanceof Promise) {
      return v.then((x) => {
        if (x !== map[k]) (out ??= cloneRecord(map))[k] = x;
        return transformEntries(ctx, values, map, keys, transform, i + 1, out);
      });
    }
    if (v !== map[k]) (out ??= cloneRecord(map))[k] = v;
  }
  return out ?? map;
}

function transformFields(
  ctx: RuleContext,
  type: AvscLike,
  record: Record<string, unknown>,
  transform: FieldTransform,
  from: number,
  copy: { out: Record<string, unknown> | null },
): unknown {
  const fields = type.fields!;
  for (let i = from; i < fields.length; i++) {
    const f = fields[i]!;
    if (!(f.name in record)) continue;
    ctx.enterField(record, `${type.name}.${f.name}`, f.name, avroFieldType(f.type), null);
    const before = record[f.name];
    let after: unknown;
    try {
      after = transformAvro(ctx, f.type, before, transform);
    } catch (e) {
      ctx.leaveField();
      throw e;
    }
    if (after instanceof Promise) {
      return after.then(
        (a) => {
          try {
            settle(ctx, record, f.name, before, a, (v) => !v, copy);
          } finally {
            ctx.leaveField();
          }
          return transformFields(ctx, type, record, transform, i + 1, copy);
        },
        (e: unknown) => {
          ctx.leaveField();
          throw e;
        },
      );
    }
    try {
      settle(ctx, record, f.name, before, after, (v) => !v, copy);
    } finally {
      ctx.leaveField();
    }
  }
  return copy.out ?? record;
}

/** `confluent:tags` of the fields of an Avro schema and of the schemas it references, by field full name. */
export function avroInlineTags(schemas: readonly string[]): Map<string, Set<string>> {
  const tags = new Map<string, Set<string>>();
  for (const s of schemas) collect('', '', JSON.parse(s) as unknown, tags);
  return tags;
}

function collect(ns: string, name: string, schema: unknown, tags: Map<string, Set<string>>): void {
  if (schema == null || typeof schema === 'string') return;
  if (Array.isArray(schema)) {
    for (const s of schema) collect(ns, name, s, tags);
    return;
  }
  if (typeof schema !== 'object') return;
  const s = schema as Record<string, unknown>;
  switch (s.type) {
    case 'array':
      collect(ns, name, s.items, tags);
      break;
    case 'map':
      collect(ns, name, s.values, tags);
      break;
    case 'record': {
      let recordNs = s.namespace as string | undefined | null;
      let recordName = String(s.name);
      if (recordNs === undefined) recordNs = /^(.*)\.[^.]+$/.exec(name)?.[1] ?? null;
      if (recordNs == null) recordNs = ns;
      if (recordNs !== '' && !recordName.startsWith(recordNs)) recordName = `${recordNs}.${recordName}`;
      for (const f of (s.fields as Record<string, unknown>[] | undefined) ?? []) {
        const fieldTags = f['confluent:tags'];
        if (Array.isArray(fieldTags) && f.name !== undefined) tags.set(`${recordName}.${String(f.name)}`, new Set(fieldTags.map(String)));
        if (f.type !== undefined) collect(recordNs, recordName, f.type, tags);
      }
      break;
    }
  }
}
