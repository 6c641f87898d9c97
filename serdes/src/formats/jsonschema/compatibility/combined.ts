/**
 * allOf / anyOf / oneOf against allOf / anyOf / oneOf.
 *
 * The criterion may change only towards accepting more: to anyOf; between singletons; a singleton to
 * oneOf; allOf to a singleton (COMBINED_TYPE_EXTENDED), anything else is COMBINED_TYPE_CHANGED and
 * ends the comparison. Then duplicate subschemas are collapsed, a size change is reported (allOf
 * growing: PRODUCT_TYPE_EXTENDED, shrinking: PRODUCT_TYPE_NARROWED; anyOf/oneOf growing:
 * SUM_TYPE_EXTENDED, shrinking: SUM_TYPE_NARROWED), every old subschema is compared with every new one,
 * and a maximum matching over the compatible pairs must cover the smaller side, else
 * COMBINED_TYPE_SUBSCHEMAS_CHANGED. The differences of the matched pairs are reported.
 */
import type { DiffContext } from './context.js';
import { compare } from './diff.js';
import type { Difference } from './kinds.js';
import { nodeKey, type CombinedNode, type Node } from './model.js';

export function compareCombined(ctx: DiffContext, original: CombinedNode, update: CombinedNode): void {
  if (compareCriteria(ctx, original, update) === 'COMBINED_TYPE_CHANGED') return;

  const left = distinct(original.subschemas);
  const right = distinct(update.subschemas);
  if (left.length < right.length) ctx.add(update.criterion === 'allOf' ? 'PRODUCT_TYPE_EXTENDED' : 'SUM_TYPE_EXTENDED');
  else if (left.length > right.length) ctx.add(original.criterion === 'allOf' ? 'PRODUCT_TYPE_NARROWED' : 'SUM_TYPE_NARROWED');

  const edges: Array<Array<readonly Difference[] | undefined>> = left.map(() => new Array(right.length));
  left.forEach((a, i) => {
    ctx.at(`${original.criterion}/${i}`, () => {
      right.forEach((b, j) => {
        const branch = ctx.sub();
        compare(branch, a, b);
        if (branch.isCompatible()) edges[i]![j] = branch.diffs;
      });
    });
  });

  const matchOfLeft = maximumMatching(edges, right.length);
  let matched = 0;
  matchOfLeft.forEach((j, i) => {
    if (j < 0) return;
    matched++;
    ctx.addAll(edges[i]![j]!);
  });
  if (matched < Math.min(left.length, right.length)) ctx.add('COMBINED_TYPE_SUBSCHEMAS_CHANGED');
}

function compareCriteria(ctx: DiffContext, original: CombinedNode, update: CombinedNode): string | undefined {
  if (original.criterion === update.criterion) return undefined;
  const singleOriginal = original.subschemas.length === 1;
  const singleUpdate = update.subschemas.length === 1;
  const extended =
    update.criterion === 'anyOf' ||
    (singleOriginal && singleUpdate) ||
    (singleOriginal && update.criterion === 'oneOf') ||
    (singleUpdate && original.criterion === 'allOf');
  const type = extended ? 'COMBINED_TYPE_EXTENDED' : 'COMBINED_TYPE_CHANGED';
  ctx.add(type);
  return type;
}

/** Subschemas with structural duplicates removed, first occurrence kept. */
function distinct(nodes: readonly Node[]): Node[] {
  const seen = new Set<string>();
  const out: Node[] = [];
  for (const node of nodes) {
    const key = nodeKey(node);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(node);
  }
  return out;
}

/** Maximum bipartite matching (augmenting paths); returns the right index matched to each left one, or -1. */
function maximumMatching(edges: ReadonlyArray<ReadonlyArray<unknown>>, rightSize: number): number[] {
  const matchOfRight = new Array<number>(rightSize).fill(-1);
  const augment = (i: number, visited: boolean[]): boolean => {
    const row = edges[i]!;
    for (let j = 0; j < rightSize; j++) {
      if (row[j] === undefined || visited[j]) continue;
      visited[j] = true;
      if (matchOfRight[j] === -1 || augment(matchOfRight[j]!, visited)) {
        matchOfRight[j] = i;
        return true;
      }
    }
    return false;
  };
  for (let i = 0; i < edges.length; i++) augment(i, new Array<boolean>(rightSize).fill(false));
  const matchOfLeft = new Array<number>(edges.length).fill(-1);
  matchOfRight.forEach((i, j) => {
    if (i >= 0) matchOfLeft[i] = j;
  });
  return matchOfLeft;
}
