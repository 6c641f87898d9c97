/**
 * Which update subschemas of an allOf/anyOf/oneOf may be compatible with an original subschema.
 *
 * Confluent matches the subschemas of two combined schemas by diffing every original against every
 * update: n² diffs. Most pairs cannot be compatible for a reason visible without diffing them, so the
 * update subschemas are indexed by what an original must have to be compatible with them, and only the
 * pairs a lookup returns are diffed. Every reason is a difference the diff itself reports for the pair
 * and the policy does not accept, so a pair left out is always one whose diff is incompatible:
 *
 * - different kinds (TYPE_CHANGED), unless the original is `false` or Connect bytes or the update accepts
 *   anything. An anyOf/oneOf (or one-subschema) update is also indexed under its members and an allOf
 *   (or one-subschema) original looks up its members, as the diff tries members (SUM_TYPE_EXTENDED,
 *   PRODUCT_TYPE_NARROWED); two combined schemas are always candidates.
 * - a different `const`, or an update `enum` lacking one of the original's values (ENUM_ARRAY_*).
 * - objects: the update requires, without a default, a property that the original does not both have
 *   and require (REQUIRED_ATTRIBUTE_ADDED, REQUIRED_PROPERTY_ADDED_TO_*); gives such a property a `const`
 *   other than the original's (a discriminator; ENUM_ARRAY_CHANGED, TYPE_CHANGED or
 *   COMBINED_TYPE_SUBSCHEMAS_CHANGED there); or, with an open original, adds a property the policy does
 *   not accept adding to an open content model (STRICT: OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL).
 */
import { jsonHash } from '../json-value.js';
import { deref, isConnectBytes, isEmptySchema, type Node, type ObjectNode } from './model.js';
import { isOpenContentModel } from './object.js';

/** The incompatible differences the pruning relies on: a policy accepting one of them turns it off. */
const RELIED_ON = [
  'TYPE_CHANGED', 'ENUM_ARRAY_CHANGED', 'ENUM_ARRAY_NARROWED', 'COMBINED_TYPE_SUBSCHEMAS_CHANGED', 'REQUIRED_ATTRIBUTE_ADDED',
  'REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL', 'REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL',
];

export class CandidateIndex {
  private readonly enabled: boolean;
  /** Updates accepting anything, or with an anyOf/oneOf member that does. */
  private readonly anything: number[] = [];
  /** Updates that are combined themselves. */
  private readonly combined: number[] = [];
  private readonly byKind = new Map<string, number[]>();
  // By content hash: a collision only adds a candidate.
  private readonly byConst = new Map<number, number[]>();
  private readonly byEnumValue = new Map<number, number[]>();
  private readonly enums: number[] = [];
  private readonly objects: ObjectIndex;
  /** Marks updates already returned by the current lookup (stamp per lookup, so no per-lookup allocation). */
  private readonly stamps: Int32Array;
  private stamp = 0;

  constructor(
    private readonly updates: readonly Node[],
    compatible: ReadonlySet<string>,
  ) {
    this.enabled = RELIED_ON.every((type) => !compatible.has(type));
    this.objects = new ObjectIndex(compatible);
    this.stamps = new Int32Array(updates.length);
    if (this.enabled) updates.forEach((update, j) => this.addFaces(update, j, true, new Set()));
    this.objects.build();
  }

  /**
   * Indexes of the updates that may be compatible with `original`, ascending. `comparing(node)` tells
   * whether a pair with `node` as original is being compared further up: such a pair yields the result
   * assumed for a cycle rather than its diff, so its original gets every update.
   */
  candidates(original: Node, comparing: (node: Node) => boolean): number[] {
    const all = (): number[] => this.updates.map((_, j) => j);
    if (!this.enabled) return all();
    this.stamp++;
    const found: number[] = [];
    const add = (j: number): void => {
      if (this.stamps[j] === this.stamp) return;
      this.stamps[j] = this.stamp;
      found.push(j);
    };
    const addAll = (list: readonly number[] | undefined): void => list?.forEach(add);
    const seen = new Set<Node>();
    const collect = (node: Node): boolean => {
      const o = deref(node);
      if (seen.has(o)) return true;
      seen.add(o);
      if (o.kind === 'false' || isConnectBytes(o) || comparing(o)) return false;
      addAll(this.anything);
      switch (o.kind) {
        case 'combined':
          addAll(this.combined);
          return o.subschemas.length !== 1 && o.criterion !== 'allOf' ? true : o.subschemas.every(collect);
        case 'const':
          addAll(this.byConst.get(jsonHash(o.value)));
          return true;
        case 'enum':
          addAll(o.values.length === 0 ? this.enums : this.rarestValue(o.values));
          return true;
        case 'object':
          this.objects.lookup(o, add);
          return true;
        default:
          addAll(this.byKind.get(o.kind));
          return true;
      }
    };
    if (!collect(original)) return all();
    return found.sort((a, b) => a - b);
  }

  /** Indexes `update` (number `j`) under each face an original may be matched with. */
  private addFaces(node: Node, j: number, top: boolean, seen: Set<Node>): void {
    const u = deref(node);
    if (seen.has(u)) return;
    seen.add(u);
    if (isEmptySchema(u)) {
      this.anything.push(j);
      return;
    }
    switch (u.kind) {
      case 'combined':
        // An original that is not combined meets a combined update only through its members (diff.ts).
        if (top) this.combined.push(j);
        if (u.subschemas.length === 1 || u.criterion !== 'allOf') for (const member of u.subschemas) this.addFaces(member, j, false, seen);
        return;
      case 'const':
        push(this.byConst, jsonHash(u.value), j);
        return;
      case 'enum':
        this.enums.push(j);
        for (const hash of new Set(u.values.map(jsonHash))) push(this.byEnumValue, hash, j);
        return;
      case 'object':
        this.objects.add(u, j);
        return;
      default:
        push(this.byKind, u.kind, j);
    }
  }

  /** The updates holding the value of `values` that the fewest updates hold (each must hold them all). */
  private rarestValue(values: readonly unknown[]): readonly number[] {
    let best: readonly number[] = [];
    let first = true;
    for (const value of values) {
      const list = this.byEnumValue.get(jsonHash(value)) ?? [];
      if (first || list.length < best.length) best = list;
      first = false;
      if (best.length === 0) break;
    }
    return best;
  }
}

/**
 * A condition an original object must meet for an update object to be compatible with it:
 * `prop` (value: a property name): the original has the property or is not an open content model;
 * `req`: the original has the property and requires it; `const <name>` (value: the content hash of a
 * `const`): the original's property is not a discriminator with another hash.
 */
interface Need {
  readonly slot: string;
  readonly value: string;
  readonly key: string;
}

interface ObjectFace {
  readonly index: number;
  readonly needs: readonly Need[];
}

/** Update objects indexed under one need each: the one the fewest updates share. */
class ObjectIndex {
  private readonly pending: ObjectFace[] = [];
  private readonly free: ObjectFace[] = [];
  private readonly byNeed = new Map<string, ObjectFace[]>();
  private readonly bySlot = new Map<string, ObjectFace[]>();

  constructor(private readonly compatible: ReadonlySet<string>) {}

  add(update: ObjectNode, index: number): void {
    this.pending.push({ index, needs: this.needsOf(update) });
  }

  build(): void {
    const counts = new Map<string, number>();
    for (const face of this.pending) for (const need of face.needs) counts.set(need.key, (counts.get(need.key) ?? 0) + 1);
    for (const face of this.pending) {
      let best: Need | undefined;
      for (const need of face.needs) {
        if (best === undefined) best = need;
        else {
          const byCount = counts.get(need.key)! - counts.get(best.key)!;
          if (byCount < 0 || (byCount === 0 && slotRank(need) < slotRank(best))) best = need;
        }
      }
      if (best === undefined) this.free.push(face);
      else {
        push(this.byNeed, best.key, face);
        push(this.bySlot, best.slot, face);
      }
    }
    this.pending.length = 0;
  }

  /** Calls `add` with every update object whose needs `original` meets. */
  lookup(original: ObjectNode, add: (index: number) => void): void {
    const open = isOpenContentModel(original);
    const check = (faces: readonly ObjectFace[] | undefined): void => {
      for (const face of faces ?? []) if (face.needs.every((need) => meets(original, open, need))) add(face.index);
    };
    check(this.free);
    if (open) for (const name of original.properties.keys()) check(this.byNeed.get(needKey('prop', name)));
    else check(this.bySlot.get('prop'));
    for (const name of original.required) {
      const property = original.properties.get(name);
      if (property === undefined) continue;
      check(this.byNeed.get(needKey('req', name)));
      const value = discriminator(property);
      const slot = constSlot(name);
      check(value === undefined ? this.bySlot.get(slot) : this.byNeed.get(needKey(slot, value)));
    }
  }

  private needsOf(update: ObjectNode): Need[] {
    const needs: Need[] = [];
    for (const [name, schema] of update.properties) {
      // A property with an empty schema may be added to an open content model (diff: object.ts).
      if (isEmptySchema(schema)) continue;
      const required = update.required.has(name);
      const hasDefault = schema.common.hasDefault;
      if (required && !hasDefault) {
        needs.push(makeNeed('req', name));
        const value = discriminator(schema);
        if (value !== undefined) needs.push(makeNeed(constSlot(name), value));
      }
      const addedToOpen = !required
        ? 'OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL'
        : hasDefault
          ? 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL'
          : 'REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL';
      if (!this.compatible.has(addedToOpen)) needs.push(makeNeed('prop', name));
    }
    return needs;
  }
}

function meets(original: ObjectNode, open: boolean, need: Need): boolean {
  switch (need.slot) {
    case 'prop':
      return !open || original.properties.has(need.value);
    case 'req':
      return original.properties.has(need.value) && original.required.has(need.value);
    default: {
      // `const <name>`: the `req` need on the same property decides when the original lacks it.
      const property = original.properties.get(need.slot.slice(CONST_PREFIX.length));
      const value = property === undefined ? undefined : discriminator(property);
      return value === undefined || value === need.value;
    }
  }
}

const CONST_PREFIX = 'const ';

function constSlot(name: string): string {
  return CONST_PREFIX + name;
}

function makeNeed(slot: string, value: string): Need {
  return { slot, value, key: needKey(slot, value) };
}

function needKey(slot: string, value: string): string {
  return `${slot}\u0000${value}`;
}

/** Index under a discriminator first, then a required property, then any property. */
function slotRank(need: Need): number {
  return need.slot === 'prop' ? 2 : need.slot === 'req' ? 1 : 0;
}

/** Parts a synthetic allOf may have besides its `const` for it to count as a discriminator. */
const LEAF_PARTS: ReadonlySet<string> = new Set(['const', 'string', 'number', 'boolean', 'null', 'enum', 'conditional']);
const discriminators = new WeakMap<Node, string | null>();

/**
 * The content hash of a property schema's `const` when two such schemas with different values always diff
 * as incompatible: a `const` alone, or beside leaf keyword groups only (`{"type":"string","const":"A"}`):
 * there the other parts can be matched neither with the `const` nor with anything in its place.
 */
function discriminator(node: Node): string | undefined {
  const schema = deref(node);
  let value = discriminators.get(schema);
  if (value === undefined) {
    value = null;
    if (isConnectBytes(schema)) value = null;
    else if (schema.kind === 'const') value = String(jsonHash(schema.value));
    else if (schema.kind === 'combined' && schema.synthetic && schema.subschemas.every((part) => LEAF_PARTS.has(part.kind))) {
      const part = schema.subschemas.find((p) => p.kind === 'const');
      if (part?.kind === 'const') value = String(jsonHash(part.value));
    }
    discriminators.set(schema, value);
  }
  return value ?? undefined;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
