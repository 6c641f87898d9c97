/**
 * `unevaluatedProperties` / `unevaluatedItems`: each is open (absent, `true` or `{}`), closed (`false`)
 * or a schema. Opening up is `_ADDED` (closed → anything else) or `_EXTENDED` (schema → open); closing
 * is `_REMOVED` (→ false) or `_NARROWED` (open → schema); two schemas are compared.
 */
import type { DiffContext } from './context.js';
import { compare } from './diff.js';
import { isEmptySchema, type Node } from './model.js';

type Openness = 'open' | 'closed' | 'schema';

function openness(node: Node | undefined): Openness {
  if (node === undefined || isEmptySchema(node)) return 'open';
  return node.kind === 'false' ? 'closed' : 'schema';
}

/** `prefix` is `UNEVALUATED_PROPERTIES` or `UNEVALUATED_ITEMS`; the context is at the keyword. */
export function compareOpenness(ctx: DiffContext, prefix: string, original: Node | undefined, update: Node | undefined): void {
  const before = openness(original);
  const after = openness(update);
  if (before === after) {
    if (before === 'schema') compare(ctx, original, update);
  } else if (before === 'closed') {
    ctx.add(`${prefix}_ADDED`);
  } else if (after === 'closed') {
    ctx.add(`${prefix}_REMOVED`);
  } else {
    ctx.add(before === 'open' ? `${prefix}_NARROWED` : `${prefix}_EXTENDED`);
  }
}
