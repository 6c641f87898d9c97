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
 * - objects: a required property the original lacks, another discriminator value, a property added to
 *   an open content model that the policy does not accept (object-candidates.ts).
 * - strings and numbers: a bound, pattern or multipleOf the original lacks, a narrower bound, another
 *   pattern, integers required of numbers (bound-candidates.ts).
 * - arrays in list form: through their `items` schemas, with an index of those (an array pair compares
 *   item schema with item schema; an `items` the original lacks is SCHEMA_ADDED).
 * Tuples, `not`, and combined schemas within combined schemas are not indexed (always candidates).
 *
 * An original subschema that is `false`, Connect bytes, or being compared further up (a cycle, whose
 * pairs yield an assumed result rather than their diff) gets every update.
 */
import { jsonHash } from '../json-value.js';
import { BoundCandidates, BOUNDS_RELY_ON } from './bound-candidates.js';
import { deref, isConnectBytes, isEmptySchema, type Node } from './model.js';
import { append } from './multimap.js';
import { OBJECT_NEEDS_RELY_ON, ObjectCandidates } from './object-candidates.js';

/**
 * The incompatible differences each part of the pruning relies on: a policy accepting one of them turns
 * that part off (neither policy does).
 */
const KINDS_RELY_ON = ['TYPE_CHANGED', 'ENUM_ARRAY_CHANGED', 'ENUM_ARRAY_NARROWED'];

export class CandidateIndex {
  private readonly enabled: boolean;
  private readonly objects: ObjectCandidates | undefined;
  private readonly bounds: BoundCandidates | undefined;
  /** Updates accepting anything, or with an anyOf/oneOf member that does. */
  private readonly anything: number[] = [];
  /** Updates that are combined themselves. */
  private readonly combined: number[] = [];
  private readonly byKind = new Map<string, number[]>();
  // By content hash: a collision only adds a candidate.
  private readonly byConst = new Map<number, number[]>();
  private readonly byEnumValue = new Map<number, number[]>();
  private readonly enums: number[] = [];
  /** Update arrays in list form: their `items` schemas and whose they are (indexed when first needed). */
  private readonly arrayItems: { readonly schemas: Node[]; readonly owners: number[] } | undefined;
  private itemIndex: CandidateIndex | undefined;
  /** Marks updates already returned by the current lookup (stamp per lookup, so no per-lookup allocation). */
  private readonly stamps: Int32Array;
  private stamp = 0;

  constructor(
    private readonly updates: readonly Node[],
    private readonly compatible: ReadonlySet<string>,
  ) {
    const relies = (types: readonly string[]): boolean => types.every((type) => !compatible.has(type));
    this.enabled = relies(KINDS_RELY_ON);
    if (relies(['SCHEMA_ADDED'])) this.arrayItems = { schemas: [], owners: [] };
    if (relies(OBJECT_NEEDS_RELY_ON)) this.objects = new ObjectCandidates(compatible);
    if (relies(BOUNDS_RELY_ON)) this.bounds = new BoundCandidates(compatible);
    this.stamps = new Int32Array(updates.length);
    if (this.enabled) updates.forEach((update, j) => this.addFaces(update, j, true, new Set()));
    this.objects?.build();
    this.bounds?.build();
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
          if (this.objects === undefined) break;
          this.objects.lookup(o, add);
          return true;
        case 'string':
        case 'number':
          if (this.bounds === undefined) break;
          this.bounds.lookup(o, add);
          return true;
        case 'array':
          if (this.arrayItems !== undefined && o.allItems !== undefined) {
            const { schemas, owners } = this.arrayItems;
            this.itemIndex ??= new CandidateIndex(schemas, this.compatible);
            for (const k of this.itemIndex.candidates(o.allItems, comparing)) add(owners[k]!);
          }
          break;
        default:
          break;
      }
      addAll(this.byKind.get(o.kind));
      return true;
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
        append(this.byConst, jsonHash(u.value), j);
        return;
      case 'enum':
        this.enums.push(j);
        for (const hash of new Set(u.values.map(jsonHash))) append(this.byEnumValue, hash, j);
        return;
      case 'object':
        if (this.objects === undefined) break;
        this.objects.add(u, j);
        return;
      case 'string':
      case 'number':
        if (this.bounds === undefined) break;
        this.bounds.add(u, j);
        return;
      case 'array':
        if (this.arrayItems === undefined || u.allItems === undefined) break;
        this.arrayItems.schemas.push(u.allItems);
        this.arrayItems.owners.push(j);
        return;
      default:
        break;
    }
    append(this.byKind, u.kind, j);
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
