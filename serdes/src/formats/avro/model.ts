/**
 * The schema model: what Avro-Java's `Schema` objects hold, and nothing about how they were written.
 *
 * Named types are shared objects: every reference to `ns.R` points at the same `RecordNode`, which is
 * what lets recursive schemas exist and what the compatibility checker's memo keys on (Avro-Java memoises
 * on object identity). Every occurrence of a primitive is its own object, as in Avro-Java.
 */
import { jsonEquals, type JsonValue } from './json.js';
import type { Name } from './names.js';

export type PrimitiveType = 'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'bytes' | 'string';

export const PRIMITIVE_TYPES: ReadonlySet<string> = new Set<PrimitiveType>([
  'null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string',
]);

/** Custom properties (including `logicalType` and its attributes), in the order they were written. */
export type Props = ReadonlyMap<string, JsonValue>;

/** The properties of the many types that have none (shared: props never change after parsing). */
export const NO_PROPS: Props = new Map();

export interface PrimitiveNode {
  readonly type: PrimitiveType;
  readonly props: Props;
}

interface NamedCommon {
  readonly name: Name;
  readonly doc: string | undefined;
  /** Aliases, resolved against the type's own namespace, without duplicates. */
  readonly aliases: readonly Name[];
  readonly props: Props;
}

export type FieldOrder = 'ascending' | 'descending' | 'ignore';

export interface FieldNode {
  readonly name: string;
  type: SchemaNode;
  readonly doc: string | undefined;
  /** The default as written (a JSON `null` default is `null`); `undefined` when there is none. */
  readonly default: JsonValue | undefined;
  readonly order: FieldOrder;
  /** Field aliases as written, without duplicates. */
  readonly aliases: readonly string[];
  readonly props: Props;
  /** Position in the record. */
  readonly pos: number;
}

export interface RecordNode extends NamedCommon {
  readonly type: 'record';
  /** Declared as `"type": "error"` (Avro protocols); compared and checked like a record. */
  readonly isError: boolean;
  fields: FieldNode[];
  fieldMap: Map<string, FieldNode>;
}

export interface EnumNode extends NamedCommon {
  readonly type: 'enum';
  readonly symbols: readonly string[];
  readonly default: string | undefined;
}

export interface FixedNode extends NamedCommon {
  readonly type: 'fixed';
  readonly size: number;
}

export interface ArrayNode {
  readonly type: 'array';
  items: SchemaNode;
  readonly props: Props;
}

export interface MapNode {
  readonly type: 'map';
  values: SchemaNode;
  readonly props: Props;
}

export interface UnionNode {
  readonly type: 'union';
  types: SchemaNode[];
}

export type NamedNode = RecordNode | EnumNode | FixedNode;
export type SchemaNode = PrimitiveNode | NamedNode | ArrayNode | MapNode | UnionNode;

export function isNamed(node: SchemaNode): node is NamedNode {
  return node.type === 'record' || node.type === 'enum' || node.type === 'fixed';
}

/** Avro-Java `getFullName()`: the full name of a named type, else the type name. */
export function fullNameOf(node: SchemaNode): string {
  return isNamed(node) ? node.name.full : node.type;
}

/** Avro-Java `getType()` as printed in messages: `RECORD`, `INT`, ... */
export function typeLabel(node: SchemaNode): string {
  return node.type.toUpperCase();
}

function propsEqual(a: Props, b: Props): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) {
    if (!b.has(k) || !jsonEquals(v, b.get(k))) return false;
  }
  return true;
}

/**
 * Avro-Java `Schema.equals`: structure, names, field names/defaults/order and properties; doc and aliases
 * do not count. Used to accept a named type defined twice identically (Avro 1.12+ does).
 */
export function schemaEquals(a: SchemaNode, b: SchemaNode, seen: Set<string> = new Set(), ids = new IdMap()): boolean {
  if (a === b) return true;
  if (a.type !== b.type) return false;
  switch (a.type) {
    case 'record': {
      const r = b as RecordNode;
      if (a.name.full !== r.name.full || !propsEqual(a.props, r.props)) return false;
      const key = `${ids.get(a)}:${ids.get(r)}`;
      if (seen.has(key)) return true;
      seen.add(key);
      return (
        a.fields.length === r.fields.length &&
        a.fields.every((f, i) => {
          const g = r.fields[i] as FieldNode;
          return (
            f.name === g.name &&
            f.order === g.order &&
            jsonEquals(f.default, g.default) &&
            propsEqual(f.props, g.props) &&
            schemaEquals(f.type, g.type, seen, ids)
          );
        })
      );
    }
    case 'enum': {
      const e = b as EnumNode;
      return (
        a.name.full === e.name.full &&
        a.symbols.length === e.symbols.length &&
        a.symbols.every((s, i) => s === e.symbols[i]) &&
        propsEqual(a.props, e.props)
      );
    }
    case 'fixed': {
      const f = b as FixedNode;
      return a.name.full === f.name.full && a.size === f.size && propsEqual(a.props, f.props);
    }
    case 'array':
      return propsEqual(a.props, (b as ArrayNode).props) && schemaEquals(a.items, (b as ArrayNode).items, seen, ids);
    case 'map':
      return propsEqual(a.props, (b as MapNode).props) && schemaEquals(a.values, (b as MapNode).values, seen, ids);
    case 'union': {
      const u = b as UnionNode;
      return a.types.length === u.types.length && a.types.every((t, i) => schemaEquals(t, u.types[i] as SchemaNode, seen, ids));
    }
    default:
      return propsEqual(a.props, (b as PrimitiveNode).props);
  }
}

/** Stable small ids for objects, to key pairs of them. */
export class IdMap {
  private readonly ids = new Map<object, number>();
  get(o: object): number {
    let id = this.ids.get(o);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(o, id);
    }
    return id;
  }
}
