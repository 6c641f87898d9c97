/**
 * The structural diff of two typed schemas (original = the older schema, update = the newer one),
 * restating Confluent's JSON Schema `SchemaDiff` rules:
 *
 * - no original: SCHEMA_ADDED; no update: SCHEMA_REMOVED; references are followed first.
 * - A non-union original against a union update: a singleton union is compared with its member; an
 *   anyOf/oneOf containing a member compatible with the original is SUM_TYPE_EXTENDED.
 * - A union original against a non-union update: a singleton union is compared with its member; an
 *   allOf with a member compatible with the update is PRODUCT_TYPE_NARROWED.
 * - Otherwise different schema kinds are TYPE_CHANGED, except that anything may become `{}`/`true`,
 *   `false` may become anything, and two `connect.type: bytes` schemas are left alone.
 * - Same kinds: ID/TITLE/DESCRIPTION/DEFAULT_CHANGED, then the kind's own rules.
 *
 * Each (original, update) pair is compared once per run and memoized. When only incompatible differences
 * are wanted (the backward check), structurally identical ref-free subschemas are skipped outright (the
 * registry checks a new version against many earlier ones, which mostly share their subschemas with it).
 * A pair met again while it is being compared (recursive schemas) is first assumed compatible; if it
 * then turns out incompatible the run is repeated with that knowledge until nothing changes (a greatest
 * fixed point), so a recursive structure can neither loop forever nor hide an incompatibility.
 */
import { compareArrays } from './array.js';
import { compareCombined } from './combined.js';
import { DiffContext, PairMap, SharedState } from './context.js';
import { compareConst, compareEnum } from './enum.js';
import type { Difference } from './kinds.js';
import { jsonEquals } from '../json-value.js';
import { deref, isConnectBytes, isEmptySchema, structurallyEqual, type Node } from './model.js';
import { compareNot } from './not.js';
import { compareNumbers } from './number.js';
import { compareObjects } from './object.js';
import { compareStrings } from './string.js';

const MAX_ROUNDS = 16;

/** All differences between `original` and `update`, judged (where a branch needs it) with `compatible`. */
export function diffNodes(original: Node, update: Node, compatible: ReadonlySet<string>, incompatibleOnly = false): Difference[] {
  const assumed = new PairMap<readonly Difference[]>();
  for (let round = 1; ; round++) {
    const shared = new SharedState(compatible, assumed, incompatibleOnly);
    const ctx = new DiffContext(shared);
    compare(ctx, original, update);
    if (round >= MAX_ROUNDS) return ctx.diffs;
    let changed = false;
    for (const [a, b] of shared.cycles.pairs()) {
      const actual = shared.memo.get(a, b);
      if (actual === undefined) continue;
      if (shared.isCompatible(assumed.get(a, b) ?? []) && !shared.isCompatible(actual)) {
        assumed.set(a, b, actual);
        changed = true;
      }
    }
    if (!changed) return ctx.diffs;
  }
}

/** Compares two (possibly absent) schemas at the context's current path. */
export function compare(ctx: DiffContext, original: Node | undefined, update: Node | undefined): void {
  if (original === undefined && update === undefined) return;
  if (original === undefined) {
    ctx.add('SCHEMA_ADDED');
    return;
  }
  if (update === undefined) {
    ctx.add('SCHEMA_REMOVED');
    return;
  }
  ctx.addRelative(comparePair(ctx.shared, deref(original), deref(update)));
}

const NO_DIFFERENCES: readonly Difference[] = Object.freeze([]);

function comparePair(shared: SharedState, original: Node, update: Node): readonly Difference[] {
  if (shared.incompatibleOnly) {
    // Unchanged subschemas (most of them, between versions of one subject) cost one string comparison.
    if (structurallyEqual(original, update)) return NO_DIFFERENCES;
  }
  const cached = shared.memo.get(original, update);
  if (cached !== undefined) return cached;
  if (shared.inProgress.get(original, update)) {
    shared.cycles.set(original, update, true);
    return shared.assumed.get(original, update) ?? [];
  }
  shared.inProgress.set(original, update, true);
  try {
    const ctx = new DiffContext(shared);
    compareResolved(ctx, original, update);
    shared.memo.set(original, update, ctx.diffs);
    return ctx.diffs;
  } finally {
    shared.inProgress.delete(original, update);
  }
}

function compareResolved(ctx: DiffContext, original: Node, update: Node): void {
  if (original.kind !== 'combined' && update.kind === 'combined') {
    if (update.subschemas.length === 1) {
      if (tryCompare(ctx, original, update.subschemas[0]!)) return;
    } else if (update.criterion !== 'allOf') {
      for (const member of update.subschemas) {
        if (tryCompare(ctx, original, member)) {
          ctx.add('SUM_TYPE_EXTENDED');
          return;
        }
      }
    }
  } else if (original.kind === 'combined' && update.kind !== 'combined') {
    if (original.subschemas.length === 1) {
      if (tryCompare(ctx, original.subschemas[0]!, update)) return;
    } else if (original.criterion === 'allOf') {
      for (const member of original.subschemas) {
        if (tryCompare(ctx, member, update)) {
          ctx.add('PRODUCT_TYPE_NARROWED');
          return;
        }
      }
    }
  }

  if (original.kind !== update.kind) {
    if (original.kind === 'false' || isEmptySchema(update)) return;
    if (isConnectBytes(original) && isConnectBytes(update)) return;
    ctx.add('TYPE_CHANGED');
    return;
  }

  const o = original.common;
  const u = update.common;
  if (o.id !== u.id) ctx.add('ID_CHANGED');
  if (o.title !== u.title) ctx.add('TITLE_CHANGED');
  if (o.description !== u.description) ctx.add('DESCRIPTION_CHANGED');
  if (o.hasDefault !== u.hasDefault || !jsonEquals(o.defaultValue, u.defaultValue)) ctx.add('DEFAULT_CHANGED');

  switch (original.kind) {
    case 'string':
      return compareStrings(ctx, original, update as typeof original);
    case 'number':
      return compareNumbers(ctx, original, update as typeof original);
    case 'const':
      return compareConst(ctx, original, update as typeof original);
    case 'enum':
      return compareEnum(ctx, original, update as typeof original);
    case 'combined':
      return compareCombined(ctx, original, update as typeof original);
    case 'not':
      return compareNot(ctx, original, update as typeof original);
    case 'object':
      return compareObjects(ctx, original, update as typeof original);
    case 'array':
      return compareArrays(ctx, original, update as typeof original);
    default:
      return;
  }
}

/** Compares in a branch; when the branch is compatible its differences are kept and true returned. */
function tryCompare(ctx: DiffContext, original: Node, update: Node): boolean {
  const branch = ctx.sub();
  compare(branch, original, update);
  if (!branch.isCompatible()) return false;
  ctx.addAll(branch.diffs);
  return true;
}
