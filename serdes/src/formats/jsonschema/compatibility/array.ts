/**
 * Array schemas: the list form (`items` as one schema, at `#/items`), the tuple form (`items: [..]` or
 * 2020-12 `prefixItems`, at `#/items/<i>`), additional/unevaluated items and the size keywords.
 *
 * Tuple positions added or removed are judged by content model like object properties: open
 * (additionalItems absent/true and unevaluatedItems absent/true/{}), partially open (an
 * additionalItems schema, or with additionalItems absent an unevaluatedItems schema) or closed.
 */
import type { DiffContext } from './context.js';
import { compare } from './diff.js';
import { compareBound } from './number.js';
import { isEmptySchema, type ArrayNode, type Node } from './model.js';
import { compareOpenness } from './openness.js';

export function compareArrays(ctx: DiffContext, original: ArrayNode, update: ArrayNode): void {
  ctx.at('items', () => compare(ctx, original.allItems, update.allItems));
  compareTuples(ctx, original, update);
  compareAdditionalItems(ctx, original, update);
  if (original.unevaluated !== undefined || update.unevaluated !== undefined) {
    ctx.at('unevaluatedItems', () => compareOpenness(ctx, 'UNEVALUATED_ITEMS', original.unevaluated, update.unevaluated));
  }
  compareBound(ctx, 'maxItems', 'MAX_ITEMS', original.maxItems, update.maxItems);
  compareBound(ctx, 'minItems', 'MIN_ITEMS', original.minItems, update.minItems);
  if (original.uniqueItems !== update.uniqueItems) ctx.add(original.uniqueItems ? 'UNIQUE_ITEMS_REMOVED' : 'UNIQUE_ITEMS_ADDED', 'uniqueItems');
  compareBound(ctx, 'maxContains', 'MAX_CONTAINS', original.maxContains, update.maxContains);
  compareBound(ctx, 'minContains', 'MIN_CONTAINS', original.minContains, update.minContains);
}

function compareTuples(ctx: DiffContext, original: ArrayNode, update: ArrayNode): void {
  const before = original.itemSchemas ?? [];
  const after = update.itemSchemas ?? [];
  const common = Math.min(before.length, after.length);
  for (let i = 0; i < common; i++) ctx.at(`items/${i}`, () => compare(ctx, before[i], after[i]));
  for (let i = common; i < before.length; i++) ctx.at(`items/${i}`, () => itemRemoved(ctx, update, before[i]!));
  for (let i = common; i < after.length; i++) ctx.at(`items/${i}`, () => itemAdded(ctx, original, after[i]!));
}

function itemRemoved(ctx: DiffContext, update: ArrayNode, before: Node): void {
  if (isOpenContentModel(update)) {
    ctx.add('ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL');
    return;
  }
  const covering = coveringSchema(update);
  if (covering !== undefined) {
    const branch = ctx.sub();
    compare(branch, before, covering);
    ctx.addAll(branch.diffs);
    ctx.add(branch.isCompatible() ? 'ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL' : 'ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL');
    return;
  }
  ctx.add(before.kind === 'false' ? 'ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL' : 'ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL');
}

function itemAdded(ctx: DiffContext, original: ArrayNode, after: Node): void {
  if (isOpenContentModel(original)) {
    ctx.add(isEmptySchema(after) ? 'ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL' : 'ITEM_ADDED_TO_OPEN_CONTENT_MODEL');
    return;
  }
  const covering = coveringSchema(original);
  if (covering !== undefined) {
    const branch = ctx.sub();
    compare(branch, covering, after);
    ctx.addAll(branch.diffs);
    ctx.add(branch.isCompatible() ? 'ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL' : 'ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL');
    return;
  }
  ctx.add('ITEM_ADDED_TO_CLOSED_CONTENT_MODEL');
}

function compareAdditionalItems(ctx: DiffContext, original: ArrayNode, update: ArrayNode): void {
  ctx.at('additionalItems', () => {
    if (original.permitsAdditionalItems !== update.permitsAdditionalItems) {
      ctx.add(original.permitsAdditionalItems ? 'ADDITIONAL_ITEMS_REMOVED' : 'ADDITIONAL_ITEMS_ADDED');
    } else if (original.additionalItemsSchema === undefined && update.additionalItemsSchema !== undefined) {
      ctx.add('ADDITIONAL_ITEMS_NARROWED');
    } else if (original.additionalItemsSchema !== undefined && update.additionalItemsSchema === undefined) {
      ctx.add('ADDITIONAL_ITEMS_EXTENDED');
    } else {
      compare(ctx, original.additionalItemsSchema, update.additionalItemsSchema);
    }
  });
}

function isOpenContentModel(schema: ArrayNode): boolean {
  if (!schema.permitsAdditionalItems || schema.additionalItemsSchema !== undefined) return false;
  return schema.unevaluated === undefined || isEmptySchema(schema.unevaluated);
}

function coveringSchema(schema: ArrayNode): Node | undefined {
  if (schema.additionalItemsSchema !== undefined) return schema.additionalItemsSchema;
  if (schema.permitsAdditionalItems && schema.unevaluated !== undefined && schema.unevaluated.kind !== 'false' && !isEmptySchema(schema.unevaluated)) {
    return schema.unevaluated;
  }
  return undefined;
}
