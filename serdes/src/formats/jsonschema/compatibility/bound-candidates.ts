/**
 * Update strings and numbers indexed by their bounds (see candidates.ts for the contract: only pairs
 * whose diff is incompatible are left out).
 *
 * string.ts and number.ts accept an update keyword only if the original has it too (else
 * `<KEYWORD>_ADDED`), an upper bound (maxLength, maximum, exclusiveMaximum) no lower than the original's
 * and a lower bound (minLength, minimum, exclusiveMinimum) no higher (else `_DECREASED`/`_INCREASED`), the
 * same pattern (else PATTERN_CHANGED), and an integer update only for an integer original (TYPE_NARROWED).
 * So updates are grouped by the keywords they set (and their pattern), an original looks only at the
 * groups whose keywords it sets too, and in each group at the updates within the one bound that leaves
 * the fewest (updates sorted per bound, found by binary search). Each is then confirmed with the diff's
 * own rules (compareStrings / compareNumbers), so multipleOf and the other bounds are checked exactly.
 */
import { DiffContext, PairMap, SharedState } from './context.js';
import type { NumberNode, StringNode } from './model.js';
import { compareNumbers } from './number.js';
import { compareStrings } from './string.js';

type Leaf = StringNode | NumberNode;

/** A bound keyword: for `upper` ones the update's value must be at least the original's, else at most. */
interface Bound {
  readonly keyword: string;
  readonly upper: boolean;
  read(node: Leaf): number | undefined;
}

const STRING_BOUNDS: readonly Bound[] = [
  { keyword: 'maxLength', upper: true, read: (n) => (n.kind === 'string' ? n.maxLength : undefined) },
  { keyword: 'minLength', upper: false, read: (n) => (n.kind === 'string' ? n.minLength : undefined) },
];
const NUMBER_BOUNDS: readonly Bound[] = [
  { keyword: 'maximum', upper: true, read: (n) => (n.kind === 'number' ? n.maximum : undefined) },
  { keyword: 'exclusiveMaximum', upper: true, read: (n) => (n.kind === 'number' ? n.exclusiveMaximum : undefined) },
  { keyword: 'minimum', upper: false, read: (n) => (n.kind === 'number' ? n.minimum : undefined) },
  { keyword: 'exclusiveMinimum', upper: false, read: (n) => (n.kind === 'number' ? n.exclusiveMinimum : undefined) },
];

/** The incompatible differences the grouping relies on. */
export const BOUNDS_RELY_ON = [
  'MAX_LENGTH_ADDED', 'MAX_LENGTH_DECREASED', 'MIN_LENGTH_ADDED', 'MIN_LENGTH_INCREASED', 'PATTERN_ADDED', 'PATTERN_CHANGED',
  'MAXIMUM_ADDED', 'MAXIMUM_DECREASED', 'MINIMUM_ADDED', 'MINIMUM_INCREASED', 'EXCLUSIVE_MAXIMUM_ADDED',
  'EXCLUSIVE_MAXIMUM_DECREASED', 'EXCLUSIVE_MINIMUM_ADDED', 'EXCLUSIVE_MINIMUM_INCREASED', 'MULTIPLE_OF_ADDED', 'TYPE_NARROWED',
];

interface Member {
  readonly index: number;
  readonly node: Leaf;
}

interface Group {
  readonly members: Member[];
  /** Per bound keyword of the group, its members sorted by that bound. */
  readonly sorted: Map<string, Array<{ readonly value: number; readonly member: Member }>>;
}

export class BoundCandidates {
  private readonly groups = new Map<string, Group>();
  /** Compares a pair's string or number keywords alone, to confirm a candidate. */
  private readonly scratch: DiffContext;

  constructor(compatible: ReadonlySet<string>) {
    this.scratch = new DiffContext(new SharedState(compatible, new PairMap()));
  }

  add(update: Leaf, index: number): void {
    const keywords = keywordsOf(update);
    const key = groupKey(update.kind, keywords, update.kind === 'string' ? update.pattern : undefined);
    let group = this.groups.get(key);
    if (group === undefined) {
      group = { members: [], sorted: new Map() };
      for (const bound of boundsOf(update.kind)) if (bound.read(update) !== undefined) group.sorted.set(bound.keyword, []);
      this.groups.set(key, group);
    }
    const member = { index, node: update };
    group.members.push(member);
    for (const bound of boundsOf(update.kind)) group.sorted.get(bound.keyword)?.push({ value: bound.read(update)!, member });
  }

  /** Sorts each group's members by each of its bounds (once all updates are added). */
  build(): void {
    for (const group of this.groups.values()) for (const list of group.sorted.values()) list.sort((a, b) => a.value - b.value);
  }

  /** Calls `add` with every update of the original's kind whose keywords and bounds it meets. */
  lookup(original: Leaf, add: (index: number) => void): void {
    const keywords = keywordsOf(original);
    const pattern = original.kind === 'string' ? original.pattern : undefined;
    // Every subset of the original's keywords (at most 2^6) names a group it may match.
    for (let mask = 0; mask < 1 << keywords.length; mask++) {
      const subset = keywords.filter((_, i) => (mask & (1 << i)) !== 0);
      const group = this.groups.get(groupKey(original.kind, subset, subset.includes('pattern') ? pattern : undefined));
      if (group === undefined) continue;
      for (const member of this.narrowest(group, original)) if (this.confirm(original, member.node)) add(member.index);
    }
  }

  /** The members within the group's most selective bound for `original`. */
  private narrowest(group: Group, original: Leaf): readonly Member[] {
    let best: readonly Member[] = group.members;
    for (const bound of boundsOf(original.kind)) {
      const list = group.sorted.get(bound.keyword);
      if (list === undefined) continue;
      // The group's keywords are a subset of the original's: it has this bound.
      const value = bound.read(original)!;
      // Upper bounds: members from the first one >= value; lower bounds: members up to the last one <= value.
      const start = bound.upper ? firstIndex(list, (v) => v >= value) : 0;
      const end = bound.upper ? list.length : firstIndex(list, (v) => v > value);
      if (end - start < best.length) best = list.slice(start, end).map((entry) => entry.member);
    }
    return best;
  }

  private confirm(original: Leaf, update: Leaf): boolean {
    const ctx = this.scratch;
    ctx.diffs.length = 0;
    if (original.kind === 'string') compareStrings(ctx, original, update as StringNode);
    else compareNumbers(ctx, original, update as NumberNode);
    return ctx.isCompatible();
  }
}

function boundsOf(kind: Leaf['kind']): readonly Bound[] {
  return kind === 'string' ? STRING_BOUNDS : NUMBER_BOUNDS;
}

/** The keywords a string or number schema sets, in a fixed order (`integer`: it requires integers). */
function keywordsOf(node: Leaf): string[] {
  const keywords: string[] = [];
  for (const bound of boundsOf(node.kind)) if (bound.read(node) !== undefined) keywords.push(bound.keyword);
  if (node.kind === 'string') {
    if (node.pattern !== undefined) keywords.push('pattern');
  } else {
    if (node.multipleOf !== undefined) keywords.push('multipleOf');
    if (node.requiresInteger) keywords.push('integer');
  }
  return keywords;
}

function groupKey(kind: string, keywords: readonly string[], pattern: string | undefined): string {
  return `${kind} ${keywords.join(',')}${pattern === undefined ? '' : `\u0000${pattern}`}`;
}

/** The first index of a list sorted by value whose value passes `test` (monotone), or the length. */
function firstIndex(list: ReadonlyArray<{ readonly value: number }>, test: (value: number) => boolean): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (test(list[mid]!.value)) high = mid;
    else low = mid + 1;
  }
  return low;
}
