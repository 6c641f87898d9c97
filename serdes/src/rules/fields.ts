/**
 * What the format field walkers share: copy-on-write of records and arrays (a transform never changes
 * the caller's object; it gets a changed copy), and applying a field transform at a leaf.
 */
import type { FieldContext, FieldTransform, RuleContext } from './context.js';
import { ruleAppliesTo } from './context.js';
import { RuleConditionError } from './registry.js';

/** A shallow copy keeping the prototype (avsc records, protobufjs messages stay what they are). */
export function cloneRecord<T extends object>(record: T): T {
  if (Array.isArray(record)) return record.slice() as T;
  return Object.assign(Object.create(Object.getPrototypeOf(record) as object | null) as T, record);
}

/** The leaf step: the transform runs when the rule has no tags or shares one with the field. */
export function transformLeaf(ctx: RuleContext, field: FieldContext | null, transform: FieldTransform, value: unknown): unknown {
  if (field !== null && ruleAppliesTo(ctx.rule, field.tags)) return transform.transform(ctx, field, value);
  return value;
}

/**
 * The result of visiting field `name` of `record`: for a CONDITION rule, fails when `failed(result)`; for
 * a TRANSFORM, the record with the new value (copied on first change, `copy` tracks it).
 */
export function settle(
  ctx: RuleContext,
  record: Record<string, unknown>,
  name: string,
  before: unknown,
  after: unknown,
  failed: (v: unknown) => boolean,
  copy: { out: Record<string, unknown> | null },
): void {
  if (ctx.rule.kind === 'CONDITION') {
    if (failed(after)) throw new RuleConditionError(ctx.rule);
    return;
  }
  if (after === before) return;
  copy.out ??= cloneRecord(record);
  copy.out[name] = after;
}

export async function awaited(v: unknown): Promise<unknown> {
  return v instanceof Promise ? await v : v;
}
