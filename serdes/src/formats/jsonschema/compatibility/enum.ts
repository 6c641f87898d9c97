/** `enum` may gain values (ENUM_ARRAY_EXTENDED); losing or swapping values, or changing `const`, breaks readers. */
import type { DiffContext } from './context.js';
import { jsonEquals, JsonValueMap } from '../json-value.js';
import type { ConstNode, EnumNode } from './model.js';

export function compareEnum(ctx: DiffContext, original: EnumNode, update: EnumNode): void {
  const grows = containsAll(valueSet(update), original);
  const shrinks = containsAll(valueSet(original), update);
  if (grows && shrinks) return;
  if (grows) ctx.add('ENUM_ARRAY_EXTENDED', 'enum');
  else if (shrinks) ctx.add('ENUM_ARRAY_NARROWED', 'enum');
  else ctx.add('ENUM_ARRAY_CHANGED', 'enum');
}

export function compareConst(ctx: DiffContext, original: ConstNode, update: ConstNode): void {
  if (!jsonEquals(original.value, update.value)) ctx.add('ENUM_ARRAY_CHANGED', 'const');
}

/** The enum's values as a set by content (built per comparison: kept on the node, it would double the memory a cached schema holds). */
function valueSet(node: EnumNode): JsonValueMap<true> {
  const set = new JsonValueMap<true>();
  for (const value of node.values) set.set(value, true);
  return set;
}

function containsAll(values: JsonValueMap<true>, wanted: EnumNode): boolean {
  return wanted.values.every((w) => values.has(w));
}
