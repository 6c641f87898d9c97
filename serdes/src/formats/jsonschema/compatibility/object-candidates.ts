/**
 * Update object schemas indexed by what an original object must have to be compatible with them
 * (see candidates.ts for the contract: only pairs whose diff is incompatible are left out).
 *
 * An update object needs, of an original object (object.ts decides each):
 * - `req <name>`: a property it requires without a default (and whose schema is not empty) must be a
 *   property the original has and requires (else REQUIRED_ATTRIBUTE_ADDED or
 *   REQUIRED_PROPERTY_ADDED_TO_(UN)OPEN_CONTENT_MODEL);
 * - `prop <name>`: with an open original, a property it adds with a non-empty schema must be one the
 *   original has, when the policy does not accept adding it (STRICT: OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL);
 * - `const <name>`: a property that both have must not be a discriminator (`const`) with another value
 *   in the original (ENUM_ARRAY_CHANGED, TYPE_CHANGED or COMBINED_TYPE_SUBSCHEMAS_CHANGED there).
 * Each update is indexed under the need the fewest updates share; a lookup collects the updates indexed
 * under what the original offers and confirms all their needs.
 */
import { jsonHash } from '../json-value.js';
import { deref, isConnectBytes, isEmptySchema, type Node, type ObjectNode } from './model.js';
import { append } from './multimap.js';
import { isOpenContentModel } from './object.js';

/** The incompatible differences the object needs rely on (besides the per-property `prop` check). */
export const OBJECT_NEEDS_RELY_ON = [
  'TYPE_CHANGED', 'ENUM_ARRAY_CHANGED', 'COMBINED_TYPE_SUBSCHEMAS_CHANGED', 'REQUIRED_ATTRIBUTE_ADDED',
  'REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL', 'REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL',
];

interface Need {
  /** `prop`, `req` or `const <name>`. */
  readonly slot: string;
  /** The property name (`prop`, `req`) or the content hash of the `const`. */
  readonly value: string;
  readonly key: string;
}

interface ObjectFace {
  readonly index: number;
  readonly needs: readonly Need[];
}

export class ObjectCandidates {
  private readonly pending: ObjectFace[] = [];
  private readonly free: ObjectFace[] = [];
  private readonly byNeed = new Map<string, ObjectFace[]>();
  private readonly bySlot = new Map<string, ObjectFace[]>();
  /** The `const <name>` slots updates are indexed under (usually one: the discriminator's). */
  private readonly constSlots = new Set<string>();

  constructor(private readonly compatible: ReadonlySet<string>) {}

  add(update: ObjectNode, index: number): void {
    this.pending.push({ index, needs: this.needsOf(update) });
  }

  /** Indexes the updates added (once all are, so that the rarest need is known). */
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
        append(this.byNeed, best.key, face);
        append(this.bySlot, best.slot, face);
        if (best.slot.startsWith(CONST_PREFIX)) this.constSlots.add(best.slot);
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
    for (const name of original.required) if (original.properties.has(name)) check(this.byNeed.get(needKey('req', name)));
    for (const slot of this.constSlots) {
      const property = original.properties.get(slot.slice(CONST_PREFIX.length));
      const value = property === undefined ? undefined : discriminator(property);
      check(value === undefined ? this.bySlot.get(slot) : this.byNeed.get(needKey(slot, value)));
    }
  }

  private needsOf(update: ObjectNode): Need[] {
    const needs: Need[] = [];
    for (const [name, schema] of update.properties) {
      const value = discriminator(schema);
      if (value !== undefined) needs.push(makeNeed(CONST_PREFIX + name, value));
      // A property with an empty schema may be added to an open content model (diff: object.ts).
      if (isEmptySchema(schema)) continue;
      const required = update.required.has(name);
      const hasDefault = schema.common.hasDefault;
      if (required && !hasDefault) needs.push(makeNeed('req', name));
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
      // `const <name>`: only a property both have is compared.
      const property = original.properties.get(need.slot.slice(CONST_PREFIX.length));
      const value = property === undefined ? undefined : discriminator(property);
      return value === undefined || value === need.value;
    }
  }
}

const CONST_PREFIX = 'const ';

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
 * there the other parts can be matched neither with the `const` nor with anything in its place. (Equal
 * hashes of different values only make a pair a candidate.)
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
