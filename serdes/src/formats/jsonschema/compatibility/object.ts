/**
 * Object schemas. Whether adding or removing a property is safe depends on the content model:
 *
 * - open (no patternProperties, additionalProperties absent/true, unevaluatedProperties absent/true/{}):
 *   the old schema accepted the property with any value, so adding one is only safe with schema
 *   `{}`/`true` (OPTIONAL_/REQUIRED_[WITH_DEFAULT_]PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL otherwise);
 *   removing one from an open new schema is safe.
 * - partially open (a matching patternProperties schema, an additionalProperties schema, or with
 *   additionalProperties absent an unevaluatedProperties schema): safe iff the property's schema is
 *   compatible with the covering one (PROPERTY_ADDED/REMOVED_IS/NOT_COVERED_BY_…).
 * - closed: adding is safe unless required without a default; removing is only safe for a `false` schema.
 *
 * Plus `required`, dependencies, additional/unevaluated properties and min/maxProperties.
 */
import type { DiffContext } from './context.js';
import { compare } from './diff.js';
import { compareBound } from './number.js';
import { isEmptySchema, type Node, type ObjectNode } from './model.js';
import { compareOpenness } from './openness.js';
import { matches } from './patterns.js';

export function compareObjects(ctx: DiffContext, original: ObjectNode, update: ObjectNode): void {
  compareRequired(ctx, original, update);
  compareProperties(ctx, original, update);
  compareDependencies(ctx, original, update);
  compareAdditionalProperties(ctx, original, update);
  if (original.unevaluated !== undefined || update.unevaluated !== undefined) {
    ctx.at('unevaluatedProperties', () => compareOpenness(ctx, 'UNEVALUATED_PROPERTIES', original.unevaluated, update.unevaluated));
  }
  compareBound(ctx, 'maxProperties', 'MAX_PROPERTIES', original.maxProperties, update.maxProperties);
  compareBound(ctx, 'minProperties', 'MIN_PROPERTIES', original.minProperties, update.minProperties);
}

function compareRequired(ctx: DiffContext, original: ObjectNode, update: ObjectNode): void {
  ctx.at('required', () => {
    for (const name of original.properties.keys()) {
      const updated = update.properties.get(name);
      if (updated === undefined) continue;
      const was = original.required.has(name);
      const is = update.required.has(name);
      if (was && !is) ctx.add('REQUIRED_ATTRIBUTE_REMOVED', name);
      else if (!was && is) ctx.add(updated.common.hasDefault ? 'REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED' : 'REQUIRED_ATTRIBUTE_ADDED', name);
    }
  });
}

function compareProperties(ctx: DiffContext, original: ObjectNode, update: ObjectNode): void {
  ctx.at('properties', () => {
    // The old schema's properties in order, then the ones only the new schema has.
    for (const [name, before] of original.properties) {
      const after = update.properties.get(name);
      ctx.at(name, () => (after === undefined ? propertyRemoved(ctx, update, name, before) : compare(ctx, before, after)));
    }
    for (const [name, after] of update.properties) {
      if (!original.properties.has(name)) ctx.at(name, () => propertyAdded(ctx, original, update, name, after));
    }
  });
}

function propertyRemoved(ctx: DiffContext, update: ObjectNode, name: string, before: Node): void {
  // Only the new schema's content model matters: can it still read data that has the property?
  if (isOpenContentModel(update)) {
    ctx.add('PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL');
    return;
  }
  const covering = coveringSchema(update, name);
  if (covering !== undefined) {
    const branch = ctx.sub();
    compare(branch, before, covering);
    ctx.addAll(branch.diffs);
    ctx.add(
      branch.isCompatible()
        ? 'PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL'
        : 'PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
    );
    return;
  }
  ctx.add(before.kind === 'false' ? 'PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL' : 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL');
}

function propertyAdded(ctx: DiffContext, original: ObjectNode, update: ObjectNode, name: string, after: Node): void {
  // Only the old schema's content model matters: what could data written with it hold under this name?
  const required = update.required.has(name);
  if (isOpenContentModel(original)) {
    if (isEmptySchema(after)) ctx.add('PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL');
    else if (!required) ctx.add('OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL');
    else if (after.common.hasDefault) ctx.add('REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL');
    else ctx.add('REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL');
    return;
  }
  const covering = coveringSchema(original, name);
  if (covering !== undefined) {
    const branch = ctx.sub();
    compare(branch, covering, after);
    ctx.addAll(branch.diffs);
    ctx.add(
      branch.isCompatible()
        ? 'PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL'
        : 'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
    );
  }
  // Closed and partially open models alike: data written without the property must still be readable.
  if (!required) ctx.add('OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL');
  else if (after.common.hasDefault) ctx.add('REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL');
  else ctx.add('REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL');
}

function compareDependencies(ctx: DiffContext, original: ObjectNode, update: ObjectNode): void {
  const none = (node: ObjectNode): boolean => node.propertyDependencies.size === 0 && node.schemaDependencies.size === 0;
  if (none(original) && none(update)) return;
  ctx.at('dependencies', () => {
    const arrays = new Set([...original.propertyDependencies.keys(), ...update.propertyDependencies.keys()]);
    for (const name of arrays) {
      const before = original.propertyDependencies.get(name);
      const after = update.propertyDependencies.get(name);
      if (after === undefined) ctx.add('DEPENDENCY_ARRAY_REMOVED', name);
      else if (before === undefined) ctx.add('DEPENDENCY_ARRAY_ADDED', name);
      else {
        const grows = [...before].every((p) => after.has(p));
        const shrinks = [...after].every((p) => before.has(p));
        if (grows && shrinks) continue;
        ctx.add(grows ? 'DEPENDENCY_ARRAY_EXTENDED' : shrinks ? 'DEPENDENCY_ARRAY_NARROWED' : 'DEPENDENCY_ARRAY_CHANGED', name);
      }
    }
    const schemas = new Set([...original.schemaDependencies.keys(), ...update.schemaDependencies.keys()]);
    for (const name of schemas) {
      const before = original.schemaDependencies.get(name);
      const after = update.schemaDependencies.get(name);
      if (after === undefined) ctx.add('DEPENDENCY_SCHEMA_REMOVED', name);
      else if (before === undefined) ctx.add('DEPENDENCY_SCHEMA_ADDED', name);
      else ctx.at(name, () => compare(ctx, before, after));
    }
  });
}

function compareAdditionalProperties(ctx: DiffContext, original: ObjectNode, update: ObjectNode): void {
  ctx.at('additionalProperties', () => {
    if (original.permitsAdditional !== update.permitsAdditional) {
      ctx.add(update.permitsAdditional ? 'ADDITIONAL_PROPERTIES_ADDED' : 'ADDITIONAL_PROPERTIES_REMOVED');
    } else if (original.additionalSchema === undefined && update.additionalSchema !== undefined) {
      ctx.add('ADDITIONAL_PROPERTIES_NARROWED');
    } else if (original.additionalSchema !== undefined && update.additionalSchema === undefined) {
      ctx.add('ADDITIONAL_PROPERTIES_EXTENDED');
    } else {
      compare(ctx, original.additionalSchema, update.additionalSchema);
    }
  });
}

/** Any property name was allowed with any value. */
export function isOpenContentModel(schema: ObjectNode): boolean {
  return (
    schema.patternProperties.length === 0 &&
    schema.permitsAdditional &&
    schema.additionalSchema === undefined &&
    (schema.unevaluated === undefined || isEmptySchema(schema.unevaluated))
  );
}

/** The schema that governed a property not listed in `properties`, if any did. */
function coveringSchema(schema: ObjectNode, name: string): Node | undefined {
  for (const { pattern, schema: covering } of schema.patternProperties) {
    if (matches(pattern, name)) return covering;
  }
  if (schema.additionalSchema !== undefined) return schema.additionalSchema;
  if (schema.permitsAdditional && schema.unevaluated !== undefined && schema.unevaluated.kind !== 'false' && !isEmptySchema(schema.unevaluated)) {
    return schema.unevaluated;
  }
  return undefined;
}
