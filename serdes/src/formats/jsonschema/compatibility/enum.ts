/** `enum` may gain values (ENUM_ARRAY_EXTENDED); losing or swapping values, or changing `const`, breaks readers. */
import type { DiffContext } from './context.js';
import { ContentMap, jsonEquals } from '../json-value.js';
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

const valueSets = new WeakMap<EnumNode, ContentMap<unknown, true>>();

/** The enum's values as a set by content (a node is compared with many others: built once). */
function valueSet(node: EnumNode): ContentMap<unknown, true> {
  let set = valueSets.get(node);
  if (set === undefined) {
    valueSets.set(node, (set = new ContentMap()));
    for (const value of node.values) set.set(value, true);
  }
  return set;
}

function containsAll(values: ContentMap<unknown, true>, wanted: EnumNode): boolean {
  return wanted.values.every((w) => values.has(w));
}
