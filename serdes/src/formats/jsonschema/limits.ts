/**
 * `SchemaLimits` for JSON schemas being registered: properties of one object schema (maxFields),
 * entries of one allOf/anyOf/oneOf (maxBranches), values of one `enum` (maxEnumValues), subschemas under
 * `definitions`/`$defs` of the schema and its references together (maxTypes), and JSON nesting depth
 * (maxDepth, below the format's own MAX_NESTING_DEPTH, which the reader enforces). Only schema positions
 * count: a `properties` inside a `default` or an `enum` value is data.
 */
import { checkLimit, type SchemaLimits } from '../format.js';
import { childSchemas, isJsonObject, own, type JsonObject } from './drafts.js';
import { pointerAppend } from './uri.js';

/** A schema object met by the walk; its pointer is only spelled out for an error. */
interface Visit {
  readonly value: JsonObject;
  readonly parent?: Visit;
  readonly tokens: readonly string[];
}

const BRANCH_KEYWORDS = ['allOf', 'anyOf', 'oneOf'] as const;
const DEFINITION_KEYWORDS = ['definitions', '$defs'] as const;

/**
 * Checks the schema document's own bounds (all but maxTypes) and returns how many definitions it holds.
 * Throws SchemaLimitError.
 */
export function checkDocumentLimits(value: unknown, limits: Readonly<SchemaLimits>): number {
  checkDepth(value, limits);
  let definitions = 0;
  walk(value, (visit) => {
    const schema = visit.value;
    const properties = own(schema, 'properties');
    if (isJsonObject(properties)) {
      checkLimit(limits, 'maxFields', Object.keys(properties).length, `the object schema at ${where(visit)}`);
    }
    for (const keyword of BRANCH_KEYWORDS) {
      const branches = own(schema, keyword);
      if (Array.isArray(branches)) checkLimit(limits, 'maxBranches', branches.length, `the ${keyword} at ${where(visit, keyword)}`);
    }
    const values = own(schema, 'enum');
    if (Array.isArray(values)) checkLimit(limits, 'maxEnumValues', values.length, `the enum at ${where(visit, 'enum')}`);
    definitions += countOwnDefinitions(schema);
  });
  return definitions;
}

/** Subschemas under `definitions`/`$defs` anywhere in a schema document. */
export function countDefinitions(value: unknown): number {
  let definitions = 0;
  walk(value, (visit) => (definitions += countOwnDefinitions(visit.value)));
  return definitions;
}

function countOwnDefinitions(schema: JsonObject): number {
  let count = 0;
  for (const keyword of DEFINITION_KEYWORDS) {
    const map = own(schema, keyword);
    if (isJsonObject(map)) count += Object.keys(map).length;
  }
  return count;
}

function walk(value: unknown, visit: (visit: Visit) => void): void {
  if (!isJsonObject(value)) return;
  const stack: Visit[] = [{ value, tokens: [] }];
  while (stack.length > 0) {
    const current = stack.pop()!;
    visit(current);
    for (const [child, tokens] of childSchemas(current.value)) stack.push({ value: child, parent: current, tokens });
  }
}

/** `'/properties/a/anyOf'`: the JSON pointer of a visited schema (or of one of its keywords). */
function where(visit: Visit, keyword?: string): string {
  const tokens: string[] = keyword === undefined ? [] : [keyword];
  for (let v: Visit | undefined = visit; v !== undefined; v = v.parent) tokens.unshift(...v.tokens);
  return `'${tokens.reduce(pointerAppend, '') || '/'}'`;
}

/** JSON nesting depth, counted as the reader counts it (`{}` is 1 level). */
function checkDepth(value: unknown, limits: Readonly<SchemaLimits>): void {
  let deepest = 0;
  const pending: Array<[unknown, number]> = [[value, 1]];
  while (pending.length > 0) {
    const [node, depth] = pending.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > deepest) deepest = depth;
    for (const child of Array.isArray(node) ? node : Object.values(node)) pending.push([child, depth + 1]);
  }
  if (deepest <= limits.maxDepth) return;
  // Only a schema that is too deep pays for spelling out where.
  const at = pathToDepth(value, limits.maxDepth + 1).reduce(pointerAppend, '');
  checkLimit(limits, 'maxDepth', deepest, `the schema (nested too deeply at '${at}')`);
}

/** The tokens leading to the first container at nesting level `level`. */
function pathToDepth(root: unknown, level: number): string[] {
  const pending: Array<{ node: unknown; depth: number; path: string[] }> = [{ node: root, depth: 1, path: [] }];
  while (pending.length > 0) {
    const { node, depth, path } = pending.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth === level) return path;
    const entries: Array<[string, unknown]> = Array.isArray(node) ? node.map((v, i) => [String(i), v]) : Object.entries(node);
    for (const [token, child] of entries.reverse()) pending.push({ node: child, depth: depth + 1, path: [...path, token] });
  }
  return [];
}
