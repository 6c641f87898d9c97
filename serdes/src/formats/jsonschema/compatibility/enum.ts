/** `enum` may gain values (ENUM_ARRAY_EXTENDED); losing or swapping values, or changing `const`, breaks readers. */
import type { DiffContext } from './context.js';
import { jsonEquals, type ConstNode, type EnumNode } from './model.js';

export function compareEnum(ctx: DiffContext, original: EnumNode, update: EnumNode): void {
  const grows = containsAll(update.values, original.values);
  const shrinks = containsAll(original.values, update.values);
  if (grows && shrinks) return;
  if (grows) ctx.add('ENUM_ARRAY_EXTENDED', 'enum');
  else if (shrinks) ctx.add('ENUM_ARRAY_NARROWED', 'enum');
  else ctx.add('ENUM_ARRAY_CHANGED', 'enum');
}

export function compareConst(ctx: DiffContext, original: ConstNode, update: ConstNode): void {
  if (!jsonEquals(original.value, update.value)) ctx.add('ENUM_ARRAY_CHANGED', 'const');
}

function containsAll(values: readonly unknown[], wanted: readonly unknown[]): boolean {
  return wanted.every((w) => values.some((v) => jsonEquals(v, w)));
}
