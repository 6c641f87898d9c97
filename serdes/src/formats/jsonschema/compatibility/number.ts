/**
 * Numeric keywords. Upper limits may rise or go, lower limits may fall or go; `multipleOf` may be
 * removed or replaced by a divisor of the old value; integer → number is TYPE_EXTENDED, the reverse
 * TYPE_NARROWED.
 */
import type { DiffContext } from './context.js';
import type { NumberNode } from './model.js';

/** `<PREFIX>_ADDED/_REMOVED/_INCREASED/_DECREASED` for a numeric keyword, at `#/…/<keyword>`. */
export function compareBound(
  ctx: DiffContext,
  keyword: string,
  prefix: string,
  original: number | undefined,
  update: number | undefined,
): void {
  if (original === update) return;
  if (original === undefined) ctx.add(`${prefix}_ADDED`, keyword);
  else if (update === undefined) ctx.add(`${prefix}_REMOVED`, keyword);
  else if (original < update) ctx.add(`${prefix}_INCREASED`, keyword);
  else if (original > update) ctx.add(`${prefix}_DECREASED`, keyword);
}

export function compareNumbers(ctx: DiffContext, original: NumberNode, update: NumberNode): void {
  compareBound(ctx, 'maximum', 'MAXIMUM', original.maximum, update.maximum);
  compareBound(ctx, 'minimum', 'MINIMUM', original.minimum, update.minimum);
  compareBound(ctx, 'exclusiveMaximum', 'EXCLUSIVE_MAXIMUM', original.exclusiveMaximum, update.exclusiveMaximum);
  compareBound(ctx, 'exclusiveMinimum', 'EXCLUSIVE_MINIMUM', original.exclusiveMinimum, update.exclusiveMinimum);
  const o = original.multipleOf;
  const u = update.multipleOf;
  if (o !== u) {
    if (o === undefined) ctx.add('MULTIPLE_OF_ADDED', 'multipleOf');
    else if (u === undefined) ctx.add('MULTIPLE_OF_REMOVED', 'multipleOf');
    else if (isMultipleOf(u, o)) ctx.add('MULTIPLE_OF_EXPANDED', 'multipleOf');
    else if (isMultipleOf(o, u)) ctx.add('MULTIPLE_OF_REDUCED', 'multipleOf');
    else ctx.add('MULTIPLE_OF_CHANGED', 'multipleOf');
  }
  if (original.requiresInteger !== update.requiresInteger) {
    ctx.add(original.requiresInteger ? 'TYPE_EXTENDED' : 'TYPE_NARROWED');
  }
}

/** Whether `a` is an integer multiple of `b`, computed exactly on their decimal forms (0.3 of 0.1: yes). */
export function isMultipleOf(a: number, b: number): boolean {
  const x = toDecimal(a);
  const y = toDecimal(b);
  if (x === undefined || y === undefined || y.digits === 0n) return false;
  const scale = Math.max(x.scale, y.scale);
  const xs = x.digits * 10n ** BigInt(scale - x.scale);
  const ys = y.digits * 10n ** BigInt(scale - y.scale);
  return xs % ys === 0n;
}

function toDecimal(n: number): { digits: bigint; scale: number } | undefined {
  if (!Number.isFinite(n)) return undefined;
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(n));
  if (m === null) return undefined;
  const fraction = m[3] ?? '';
  let digits = BigInt(`${m[1]}${m[2]}${fraction}`);
  let scale = fraction.length - Number(m[4] ?? 0);
  if (scale < 0) {
    digits *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { digits, scale };
}
