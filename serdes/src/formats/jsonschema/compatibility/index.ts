/**
 * JSON Schema compatibility as Confluent checks it: a structural diff from the older schema to the
 * newer one; the change is backward compatible when every difference is in the compatible set of the
 * policy (STRICT by default, or LENIENT).
 */
import type { CompatibilityIssue } from '../../format.js';
import { diffNodes } from './diff.js';
import { compatibleChanges, describeDifference, type CompatibilityPolicy, type Difference } from './kinds.js';
import type { Node } from './model.js';

export {
  COMPATIBLE_CHANGES_LENIENT,
  COMPATIBLE_CHANGES_STRICT,
  compatibleChanges,
  describeDifference,
  type CompatibilityPolicy,
  type Difference,
} from './kinds.js';
export { ModelBuilder, type Node } from './model.js';

/** Anything that can hand out its typed model (a parsed `JsonSchema`). */
export interface HasModel {
  model(): Node;
}

/** Every difference (compatible or not) from `original` (older) to `update` (newer). */
export function diffJsonSchemas(original: HasModel, update: HasModel, policy: CompatibilityPolicy = 'STRICT'): Difference[] {
  return diffNodes(original.model(), update.model(), compatibleChanges(policy));
}

/** The differences that make `newer` unable to read data written with `older`; empty when compatible. */
export function backwardIncompatibilities(newer: HasModel, older: HasModel, policy: CompatibilityPolicy = 'STRICT'): CompatibilityIssue[] {
  const compatible = compatibleChanges(policy);
  return diffNodes(older.model(), newer.model(), compatible, true)
    .filter((d) => !compatible.has(d.type))
    .map((d) => ({ type: d.type, path: d.path, message: describeDifference(d) }));
}
