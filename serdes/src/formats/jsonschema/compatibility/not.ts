/** `not`: the negated schema may only get stricter (which lets more values through): NOT_TYPE_NARROWED. */
import type { DiffContext } from './context.js';
import { compare } from './diff.js';
import type { NotNode } from './model.js';

export function compareNot(ctx: DiffContext, original: NotNode, update: NotNode): void {
  ctx.at('not', () => {
    const branch = ctx.sub();
    // Reversed: what the new `not` excludes must already have been excluded by the old one.
    compare(branch, update.mustNotMatch, original.mustNotMatch);
    ctx.add(branch.isCompatible() ? 'NOT_TYPE_NARROWED' : 'NOT_TYPE_EXTENDED');
  });
}
