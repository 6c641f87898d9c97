/**
 * Confluent's normalized Avro text (`AvroSchemaUtils.toNormalizedString`, adapted by Confluent from
 * Avro's `SchemaNormalization`), restated:
 *
 * - named types: `{"name":<full name>,"type":...}` (no `namespace` key), then `symbols` / `size` (+ a
 *   recognised logical type of a fixed) / `fields`, then `doc` (only when not empty), `aliases` (sorted
 *   full names), the enum `default`, then all properties sorted by key; a named type already written, or
 *   one named by a reference, is written as its quoted full name;
 * - fields: `name`, `type`, `order` (always, upper case), `doc`, `aliases` (sorted), `default` (converted
 *   through the field's type, object keys sorted), then the properties sorted;
 * - arrays/maps: `type`, `items`/`values`, sorted properties;
 * - primitives: a recognised logical type as `{"type","logicalType"(+"precision","scale"), <sorted
 *   properties>}`, other properties as `{"type", <sorted properties>}`, else the bare name.
 *
 * Confluent then builds a new AvroSchema FROM this text and stores its canonical string
 * (`AvroSchema.normalize()` -> `new AvroSchema(normalized, ...)`; the stored text is `canonicalString()`,
 * i.e. `Schema.toString()`). So the normalized schema a registry stores has Avro-Java's usual key order,
 * with sorted properties and aliases; `AvroSchema.normalize()` in index.ts does exactly that re-parse.
 *
 * Differences we chose (Confluent would throw or emit broken JSON): keys and names are JSON-escaped, a
 * default that cannot be converted keeps its value, and an int default of a float/double field is kept as
 * a decimal (Avro-Java's `JacksonUtils.toObject` drops it, which would remove the field's default).
 */
import { QUOTED_TYPE } from './canonical.js';
import { JsonNumber, javaFloatToString, quote, writeJson, type JsonValue } from './json.js';
import { logicalTypeOf, type LogicalType } from './logical.js';
import type { FieldNode, FieldOrder, NamedNode, Props, SchemaNode } from './model.js';
import { aliasFullNames } from './names.js';

/** The normalized text of `root`; `knownNames` (the references' top-level types) are written by name. */
export function toNormalizedText(root: SchemaNode, knownNames: Iterable<string>): string {
  const out: string[] = [];
  build(root, new Set(knownNames), out);
  return out.join('');
}

function sortedProps(props: Props, skip: ReadonlySet<string>, out: string[]): void {
  if (props.size === 0) return;
  for (const key of [...props.keys()].sort()) {
    if (skip.has(key)) continue;
    out.push(',', quote(key), ':', writeJson(props.get(key) as JsonValue, { sortKeys: true }));
  }
}

const NO_KEYS: ReadonlySet<string> = new Set();

const ORDER: Readonly<Record<FieldOrder, string>> = { ascending: '"ASCENDING"', descending: '"DESCENDING"', ignore: '"IGNORE"' };

function logicalProps(lt: LogicalType, out: string[]): Set<string> {
  out.push(',"logicalType":', quote(lt.name));
  const written = new Set(['logicalType']);
  if (lt.name === 'decimal') {
    out.push(',"precision":', String(lt.precision));
    written.add('precision');
    if (lt.scale !== undefined && lt.scale !== 0) {
      out.push(',"scale":', String(lt.scale));
      written.add('scale');
    }
  }
  return written;
}

function build(node: SchemaNode, env: Set<string>, out: string[]): void {
  switch (node.type) {
    case 'union':
      out.push('[');
      node.types.forEach((t, i) => {
        if (i > 0) out.push(',');
        build(t, env, out);
      });
      out.push(']');
      return;
    case 'array':
      out.push('{"type":"array","items":');
      build(node.items, env, out);
      sortedProps(node.props, NO_KEYS, out);
      out.push('}');
      return;
    case 'map':
      out.push('{"type":"map","values":');
      build(node.values, env, out);
      sortedProps(node.props, NO_KEYS, out);
      out.push('}');
      return;
    case 'record':
    case 'enum':
    case 'fixed':
      buildNamed(node, env, out);
      return;
    default: {
      const lt = logicalTypeOf(node);
      if (lt !== undefined) {
        out.push('{"type":', QUOTED_TYPE[node.type]);
        sortedProps(node.props, logicalProps(lt, out), out);
        out.push('}');
      } else if (node.props.size > 0) {
        out.push('{"type":', QUOTED_TYPE[node.type]);
        sortedProps(node.props, NO_KEYS, out);
        out.push('}');
      } else {
        out.push(QUOTED_TYPE[node.type]);
      }
    }
  }
}

function buildNamed(node: NamedNode, env: Set<string>, out: string[]): void {
  const full = node.name.full;
  if (env.has(full)) {
    out.push(quote(full));
    return;
  }
  env.add(full);
  out.push('{"name":', quote(full), ',"type":', quote(node.type));
  let written: ReadonlySet<string> = NO_KEYS;
  if (node.type === 'enum') {
    out.push(',"symbols":[', node.symbols.map(quote).join(','), ']');
  } else if (node.type === 'fixed') {
    out.push(',"size":', String(node.size));
    const lt = logicalTypeOf(node);
    if (lt !== undefined) written = logicalProps(lt, out);
  } else {
    out.push(',"fields":[');
    node.fields.forEach((f, i) => {
      if (i > 0) out.push(',');
      out.push('{"name":', quote(f.name), ',"type":');
      build(f.type, env, out);
      fieldProps(f, out);
      out.push('}');
    });
    out.push(']');
  }
  if (node.doc !== undefined && node.doc !== '') out.push(',"doc":', quote(node.doc));
  const aliases = aliasFullNames(node.name, node.aliases).sort();
  if (aliases.length > 0) out.push(',"aliases":[', aliases.map(quote).join(','), ']');
  if (node.type === 'enum' && node.default !== undefined) out.push(',"default":', quote(node.default));
  sortedProps(node.props, written, out);
  out.push('}');
}

function fieldProps(f: FieldNode, out: string[]): void {
  out.push(',"order":', ORDER[f.order]);
  if (f.doc !== undefined) out.push(',"doc":', quote(f.doc));
  if (f.aliases.length > 0) out.push(',"aliases":[', [...f.aliases].sort().map(quote).join(','), ']');
  if (f.default !== undefined) {
    const converted = convertDefault(f.default, f.type);
    if (converted !== undefined) out.push(',"default":', writeJson(converted, { sortKeys: true }));
  }
  sortedProps(f.props, NO_KEYS, out);
}

/** ISO-8859-1 round trip of Avro-Java's bytes/fixed defaults: other code points become '?'. */
function latin1(s: string): string {
  let out = '';
  for (const ch of s) out += (ch.codePointAt(0) as number) > 0xff ? '?' : ch;
  return out;
}

/**
 * Avro-Java `JacksonUtils.toObject(default, fieldSchema)` followed by its conversion back to JSON: a
 * union uses its first branch, floats are rounded to float precision, bytes go through ISO-8859-1.
 * `undefined` means Avro-Java would return null (the default disappears from the normalized text).
 */
function convertDefault(v: JsonValue, schema: SchemaNode | undefined): JsonValue | undefined {
  if (schema !== undefined && schema.type === 'union') {
    const first = schema.types[0];
    return first === undefined ? undefined : convertDefault(v, first);
  }
  const t = schema?.type;
  if (v === null || typeof v === 'boolean') return v;
  if (v instanceof JsonNumber) {
    if (t === undefined) return v;
    if (t === 'float') return JsonNumber.fromDouble(Number(javaFloatToString(v.toNumber())));
    if (t === 'double') return v.integral ? JsonNumber.fromDouble(v.toNumber()) : v;
    if (v.integral) return t === 'int' || t === 'long' || !v.fitsInt() ? v : undefined;
    return undefined;
  }
  if (typeof v === 'string') {
    if (t === undefined || t === 'string' || t === 'enum') return v;
    if (t === 'bytes' || t === 'fixed') return latin1(v);
    return undefined;
  }
  if (Array.isArray(v)) {
    const items = schema?.type === 'array' ? schema.items : undefined;
    return v.map((e) => convertDefault(e, items) ?? e);
  }
  const m = new Map<string, JsonValue>();
  for (const [k, e] of v) {
    let s: SchemaNode | undefined;
    if (schema?.type === 'map') s = schema.values;
    else if (schema?.type === 'record') s = schema.fieldMap.get(k)?.type;
    m.set(k, convertDefault(e, s) ?? e);
  }
  return m;
}
