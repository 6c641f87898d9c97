/**
 * Which branches of a reader union could read a writer type, found by lookup instead of by trying every
 * branch (a union of n branches against a union of n branches is otherwise n² checks).
 *
 * Avro-Java's `SchemaCompatibility` decides a reader branch against a non-union writer like this, and
 * only the first two cases can end compatible:
 * - same type: primitives match; arrays/maps depend on their items/values; records, enums and fixed types
 *   are a NAME_MISMATCH unless the simple names are equal or a reader alias is the writer's full name;
 * - different types: the promotions int->long/float/double, long->float/double, float->double and
 *   string<->bytes; anything else is a TYPE_MISMATCH.
 * So a branch is a candidate when its type (and, for a named type, its simple name or an alias) says it
 * could match; any other branch is certain to be incompatible, whatever its contents.
 */
import { isNamed, type NamedNode, type RecordNode, type SchemaNode, type UnionNode } from './model.js';
import { aliasFullNames } from './names.js';

/** Reader types that can read data of each writer primitive type (the type itself, then promotions). */
const READERS_OF: Readonly<Record<string, readonly string[]>> = {
  null: ['null'],
  boolean: ['boolean'],
  int: ['int', 'long', 'float', 'double'],
  long: ['long', 'float', 'double'],
  float: ['float', 'double'],
  double: ['double'],
  bytes: ['bytes', 'string'],
  string: ['string', 'bytes'],
};

// Parsed schemas never change, so what is derived from their nodes is kept with them.
const aliasSets = new WeakMap<NamedNode, ReadonlySet<string>>();
const shapes = new WeakMap<RecordNode, RecordShape>();
const indexes = new WeakMap<UnionNode, UnionIndex>();

/** Avro-Java `schemaNameEquals`: simple names, or a reader alias naming the writer's full name. */
export function schemaNameEquals(reader: NamedNode, writer: NamedNode): boolean {
  if (reader.name.name === writer.name.name) return true;
  if (reader.aliases.length === 0) return false;
  let aliases = aliasSets.get(reader);
  if (aliases === undefined) {
    aliases = new Set(aliasFullNames(reader.name, reader.aliases));
    aliasSets.set(reader, aliases);
  }
  return aliases.has(writer.name.full);
}

/** Whether `branch` could read `writer` (not a union) by its type and name alone (see above). */
export function mayRead(branch: SchemaNode, writer: SchemaNode): boolean {
  if (branch.type === 'union') return true;
  if (isNamed(writer)) return branch.type === writer.type && schemaNameEquals(branch, writer);
  return (READERS_OF[writer.type] ?? [writer.type]).includes(branch.type);
}

const EMPTY: readonly number[] = [];

function addTo(map: Map<string, number[]>, key: string, position: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [position]);
  else if (list[list.length - 1] !== position) list.push(position);
}

/** No record, enum or fixed anywhere inside (through arrays, maps and unions): nothing shared. */
function isFlat(node: SchemaNode): boolean {
  switch (node.type) {
    case 'record':
    case 'enum':
    case 'fixed':
      return false;
    case 'array':
      return isFlat(node.items);
    case 'map':
      return isFlat(node.values);
    case 'union':
      return node.types.every(isFlat);
    default:
      return true;
  }
}

/** What skipping a record branch depends on (see compatibility.ts). */
export interface RecordShape {
  /** No named type among its field types: comparing it reaches no type that is used anywhere else. */
  readonly flat: boolean;
  /** Flat and no field aliases (only aliases can make a field match twice, which throws). */
  readonly plain: boolean;
}


export function recordShape(record: RecordNode): RecordShape {
  let shape = shapes.get(record);
  if (shape === undefined) {
    const flat = record.fields.every((f) => isFlat(f.type));
    shape = { flat, plain: flat && record.fields.every((f) => f.aliases.length === 0) };
    shapes.set(record, shape);
  }
  return shape;
}

/** Positions (ascending) of named branches by simple name and by alias, for one named type kind. */
interface NamedKeys {
  readonly bySimpleName: Map<string, number[]>;
  readonly byAlias: Map<string, number[]>;
}

/** The branches of a large union by what they can read (a small one is cheaper to walk with `mayRead`). */
export class UnionIndex {
  /** Position of each branch in the union. */
  readonly positions = new Map<SchemaNode, number>();
  /** Positions of the record branches, and of those that are not plain (see `RecordShape`). */
  readonly records: number[] = [];
  readonly nonPlainRecords: number[] = [];
  /** Whether any branch is a named type. */
  readonly hasNamed: boolean;
  /** Positions (ascending) of unnamed branches by type. */
  private readonly byType = new Map<string, number[]>();
  private readonly byKind = new Map<string, NamedKeys>();
  /** Branches that are unions themselves (the parser refuses them; kept as candidates for any writer). */
  private readonly nested: number[] = [];

  /** The index of `union`, built on first use. */
  static of(union: UnionNode): UnionIndex {
    let index = indexes.get(union);
    if (index === undefined) {
      index = new UnionIndex(union);
      indexes.set(union, index);
    }
    return index;
  }

  private constructor(readonly union: UnionNode) {
    let hasNamed = false;
    union.types.forEach((branch, i) => {
      this.positions.set(branch, i);
      if (branch.type === 'union') {
        this.nested.push(i);
      } else if (isNamed(branch)) {
        hasNamed = true;
        let keys = this.byKind.get(branch.type);
        if (keys === undefined) {
          keys = { bySimpleName: new Map(), byAlias: new Map() };
          this.byKind.set(branch.type, keys);
        }
        addTo(keys.bySimpleName, branch.name.name, i);
        for (const alias of aliasFullNames(branch.name, branch.aliases)) addTo(keys.byAlias, alias, i);
        if (branch.type === 'record') {
          this.records.push(i);
          if (!recordShape(branch).plain) this.nonPlainRecords.push(i);
        }
      } else {
        addTo(this.byType, branch.type, i);
      }
    });
    this.hasNamed = hasNamed;
  }

  /** Positions (ascending, no duplicates) of the branches that could read `writer` (not a union). */
  candidates(writer: SchemaNode): readonly number[] {
    if (isNamed(writer)) {
      const keys = this.byKind.get(writer.type);
      if (keys === undefined) return this.nested;
      return sortedUnion([
        this.nested,
        keys.bySimpleName.get(writer.name.name) ?? EMPTY,
        keys.byAlias.get(writer.name.full) ?? EMPTY,
      ]);
    }
    const lists: Array<readonly number[]> = [this.nested];
    for (const type of READERS_OF[writer.type] ?? [writer.type]) lists.push(this.byType.get(type) ?? EMPTY);
    return sortedUnion(lists);
  }
}

/** The sorted union of a few sorted lists (usually one is non-empty, with one element). */
export function sortedUnion(lists: ReadonlyArray<readonly number[]>): readonly number[] {
  let only: readonly number[] = EMPTY;
  let count = 0;
  for (const l of lists) {
    if (l.length > 0) {
      only = l;
      count++;
    }
  }
  if (count <= 1) return only;
  const all = lists.flat().sort((a, b) => a - b);
  return all.filter((p, i) => i === 0 || p !== all[i - 1]);
}
