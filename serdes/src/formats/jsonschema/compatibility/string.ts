/** String keywords: minLength/maxLength may only relax; a pattern may only be dropped. */
import type { DiffContext } from './context.js';
import type { StringNode } from './model.js';
import { compareBound } from './number.js';

export function compareStrings(ctx: DiffContext, original: StringNode, update: StringNode): void {
  compareBound(ctx, 'maxLength', 'MAX_LENGTH', original.maxLength, update.maxLength);
  compareBound(ctx, 'minLength', 'MIN_LENGTH', original.minLength, update.minLength);
  if (original.pattern === undefined && update.pattern !== undefined) ctx.add('PATTERN_ADDED', 'pattern');
  else if (original.pattern !== undefined && update.pattern === undefined) ctx.add('PATTERN_REMOVED', 'pattern');
  else if (original.pattern !== update.pattern) ctx.add('PATTERN_CHANGED', 'pattern');
}
