/**
 * allOf / anyOf / oneOf against allOf / anyOf / oneOf.
 *
 * The criterion may change only towards accepting more: to anyOf; between singletons; a singleton to
 * oneOf; allOf to a singleton (COMBINED_TYPE_EXTENDED), anything else is COMBINED_TYPE_CHANGED and
 * ends the comparison. Then duplicate subschemas are collapsed, a size change is reported (allOf
 * growing: PRODUCT_TYPE_EXTENDED, shrinking: PRODUCT_TYPE_NARROWED; anyOf/oneOf growing:
 * SUM_TYPE_EXTENDED, shrinking: SUM_TYPE_NARROWED), and a maximum matching between old and new
 * subschemas, joined when the pair diffs as compatible, must cover the smaller side, else
 * COMBINED_TYPE_SUBSCHEMAS_CHANGED. The differences of the matched pairs are reported.
 *
 * Confluent diffs every old subschema against every new one. Here only the pairs a `CandidateIndex`
 * cannot rule out are diffed, and only when the matching needs them (`matching.ts`), so two versions of
 * an anyOf with thousands of branches cost a diff per branch, not per pair of branches. Subschemas the
 * index cannot tell apart, in an order nothing pairs, could still need a diff per pair: past a bound
 * linear in the number of subschemas the check stops with CheckTooComplexError (the registry answers it
 * like a limit).
 */
import { CheckTooComplexError } from '../../format.js';
import { CandidateIndex } from './candidates.js';
import type { DiffContext } from './context.js';
import { compare } from './diff.js';
import type { Difference } from './kinds.js';
import { maximumMatching } from './matching.js';
import { ContentMap } from '../json-value.js';
import { deref, sameSubschema, subschemaHash, type CombinedNode, type Node } from './model.js';

export function compareCombined(ctx: DiffContext, original: CombinedNode, update: CombinedNode): void {
  if (compareCriteria(ctx, original, update) === 'COMBINED_TYPE_CHANGED') return;

  const left = distinct(original.subschemas);
  const right = distinct(update.subschemas);
  if (left.length < right.length) ctx.add(update.criterion === 'allOf' ? 'PRODUCT_TYPE_EXTENDED' : 'SUM_TYPE_EXTENDED');
  else if (left.length > right.length) ctx.add(original.criterion === 'allOf' ? 'PRODUCT_TYPE_NARROWED' : 'SUM_TYPE_NARROWED');

  // Built only if the preferred partners leave something unmatched.
  let index: CandidateIndex | undefined;
  const comparing = (node: Node): boolean => ctx.shared.inProgress.hasFirst(node);
  const compatibleDiffs = new Map<number, readonly Difference[]>();
  const budget = MIN_PAIR_BUDGET + PAIRS_PER_SUBSCHEMA * (left.length + right.length);
  let pairs = 0;
  const matchOfLeft = maximumMatching({
    leftSize: left.length,
    rightSize: right.length,
    candidates: (i) => (index ??= new CandidateIndex(right.map((s) => s.node), ctx.shared.compatible)).candidates(left[i]!.node, comparing),
    leftKeys: (i) => [...left[i]!.keys, `at:${i}`],
    rightKeys: (j) => [...right[j]!.keys, `at:${j}`],
    // Only incompatible differences are wanted: once the matching cannot cover the smaller side, the
    // verdict is known and the compatible differences of the pairs still unmatched do not matter.
    stopWhenShort: ctx.shared.incompatibleOnly,
    edge: (i, j) => {
      if (++pairs > budget) throw tooComplex(original, left.length, right.length, budget);
      let compatible = false;
      ctx.at(`${original.criterion}/${i}`, () => {
        const branch = ctx.sub();
        compare(branch, left[i]!.node, right[j]!.node);
        compatible = branch.isCompatible();
        if (compatible) compatibleDiffs.set(i * right.length + j, branch.diffs);
      });
      return compatible;
    },
  });

  let matched = 0;
  matchOfLeft.forEach((j, i) => {
    if (j < 0) return;
    matched++;
    ctx.addAll(compatibleDiffs.get(i * right.length + j)!);
  });
  if (matched < Math.min(left.length, right.length)) ctx.add('COMBINED_TYPE_SUBSCHEMAS_CHANGED');
}

/** Pair diffs allowed per combined schema: this many, plus PAIRS_PER_SUBSCHEMA per subschema of both. */
const MIN_PAIR_BUDGET = 10_000;
const PAIRS_PER_SUBSCHEMA = 64;

// (Paths are relative to the pair being compared here, so the message cannot say where.)
function tooComplex(original: CombinedNode, before: number, after: number, budget: number): CheckTooComplexError {
  return new CheckTooComplexError(
    `matching ${before} ${original.criterion} subschemas with ${after} would take more than ${budget} pairwise comparisons`,
  );
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

interface Subschema {
  readonly node: Node;
  readonly hash: number;
  /** Preference keys for the matching: the subschema itself, its title. */
  readonly keys: readonly string[];
}

/** Subschemas with structural duplicates removed, first occurrence kept. */
function distinct(nodes: readonly Node[]): Subschema[] {
  const seen = new ContentMap<Subschema, true>((s) => s.hash, (a, b) => sameSubschema(a.node, b.node));
  const out: Subschema[] = [];
  for (const node of nodes) {
    const hash = subschemaHash(node);
    if (seen.has({ node, hash, keys: [] })) continue;
    const key = `same:${hash}`;
    const title = node.common.title ?? deref(node).common.title;
    const subschema = { node, hash, keys: title === undefined ? [key] : [key, `title:${title}`] };
    seen.set(subschema, true);
    out.push(subschema);
  }
  return out;
}
