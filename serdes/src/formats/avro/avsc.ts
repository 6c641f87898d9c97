/**
 * The bridge to avsc, which the SDK's serializers use for encoding, decoding and schema resolution.
 *
 * avsc gets a self-contained schema: every named type is defined in full where it is first used
 * (including types that come from references) with an explicit `namespace` (`""` for none), and
 * referred to afterwards by an absolute name (`a.b.C`, or `.C` for a type without namespace, which avsc
 * reads as "no namespace"). That way avsc's own namespace rules cannot resolve a name differently from
 * Avro-Java.
 */
import avsc from 'avsc';
import { JsonNumber, type JsonValue } from './json.js';
import type { FieldNode, NamedNode, Props, SchemaNode } from './model.js';

type Plain = null | boolean | number | string | Plain[] | { [key: string]: Plain };

/** A JSON value as a plain JavaScript value (numbers beyond 2^53 lose precision). */
export function toPlain(v: JsonValue): Plain {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (v instanceof JsonNumber) return v.toNumber();
  if (Array.isArray(v)) return v.map(toPlain);
  const o: { [key: string]: Plain } = {};
  for (const [k, e] of v) Object.defineProperty(o, k, { value: toPlain(e), enumerable: true, writable: true, configurable: true });
  return o;
}

function addProps(target: { [key: string]: Plain }, props: Props): void {
  for (const [k, v] of props) {
    if (!(k in target)) Object.defineProperty(target, k, { value: toPlain(v), enumerable: true, writable: true, configurable: true });
  }
}

function absolute(n: NamedNode): string {
  return n.name.space === null ? `.${n.name.name}` : n.name.full;
}

/** The schema of `root` as avsc's `Type.forSchema` input. */
export function toAvscSchema(root: SchemaNode): Plain {
  return build(root, new Set());
}

function build(node: SchemaNode, defined: Set<string>): Plain {
  switch (node.type) {
    case 'union':
      return node.types.map((t) => build(t, defined));
    case 'array': {
      const o: { [key: string]: Plain } = { type: 'array', items: build(node.items, defined) };
      addProps(o, node.props);
      return o;
    }
    case 'map': {
      const o: { [key: string]: Plain } = { type: 'map', values: build(node.values, defined) };
      addProps(o, node.props);
      return o;
    }
    case 'record':
    case 'enum':
    case 'fixed': {
      if (defined.has(node.name.full)) return absolute(node);
      defined.add(node.name.full);
      const o: { [key: string]: Plain } = {
        type: node.type === 'record' && node.isError ? 'error' : node.type,
        name: node.name.name,
        namespace: node.name.space ?? '',
      };
      if (node.doc !== undefined) o.doc = node.doc;
      if (node.aliases.length > 0) o.aliases = node.aliases.map((a) => (a.space === null ? `.${a.name}` : a.full));
      if (node.type === 'enum') {
        o.symbols = [...node.symbols];
        if (node.default !== undefined) o.default = node.default;
      } else if (node.type === 'fixed') {
        o.size = node.size;
      } else {
        o.fields = node.fields.map((f) => field(f, defined));
      }
      addProps(o, node.props);
      return o;
    }
    default: {
      if (node.props.size === 0) return node.type;
      const o: { [key: string]: Plain } = { type: node.type };
      addProps(o, node.props);
      return o;
    }
  }
}

function field(f: FieldNode, defined: Set<string>): Plain {
  const o: { [key: string]: Plain } = { name: f.name, type: build(f.type, defined) };
  if (f.doc !== undefined) o.doc = f.doc;
  if (f.default !== undefined) o.default = toPlain(f.default);
  if (f.order !== 'ascending') o.order = f.order;
  if (f.aliases.length > 0) o.aliases = [...f.aliases];
  addProps(o, f.props);
  return o;
}

/** An avsc `Type` for `root` (throws what avsc throws, e.g. for an empty union, which avsc cannot represent). */
export function buildAvscType(root: SchemaNode, options?: Partial<avsc.ForSchemaOptions>): avsc.Type {
  return avsc.Type.forSchema(toAvscSchema(root) as avsc.Schema, options);
}
