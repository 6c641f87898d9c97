/**
 * `SchemaLimits` for JSON schemas being registered: properties of one object schema (maxFields),
 * entries of one allOf/anyOf/oneOf (maxBranches), values of one `enum` (maxEnumValues), subschemas under
 * `definitions`/`$defs` of the schema and its references together (maxTypes), and JSON nesting depth
 * (maxDepth, below the format's own MAX_NESTING_DEPTH, which the reader enforces). Only schema positions
 * count: a `properties` inside a `default` or an `enum` value is data.
 */
import { checkLimit, type SchemaLimits } from '../format.js';
import { forEachChildSchema, isJsonObject, own, type JsonObject } from './drafts.js';
import { pointerAppend, pointerOf, type SchemaPath } from './uri.js';

/** A schema object met by the walk; its pointer is only spelled out for an error. */
interface Visit {
  readonly value: JsonObject;
  readonly path: SchemaPath | undefined;
}

const BRANCH_KEYWORDS = ['allOf', 'anyOf', 'oneOf'] as const;
const DEFINITION_KEYWORDS = ['definitions', '$defs'] as const;

/**
 * Checks the schema document's own bounds (all but maxTypes; `depth` as `readJsonDocument` tells it) and
 * returns how many definitions it holds. Throws SchemaLimitError.
 */
export function checkDocumentLimits(value: unknown, depth: number, limits: Readonly<SchemaLimits>): number {
  checkDepth(value, depth, limits);
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
  const stack: Visit[] = [{ value, path: undefined }];
  while (stack.length > 0) {
    const current = stack.pop()!;
    visit(current);
    forEachChildSchema(current.value, (child, keyword, name) => stack.push({ value: child, path: { parent: current.path, keyword, name } }));
  }
}

/** `'/properties/a/anyOf'`: the JSON pointer of a visited schema (or of one of its keywords). */
function where(visit: Visit, keyword?: string): string {
  return `'${pointerOf(visit.path, ...(keyword === undefined ? [] : [keyword])) || '/'}'`;
}

/** `depth`: the document's JSON nesting as the reader counts it (`{}` is 1 level). */
function checkDepth(value: unknown, depth: number, limits: Readonly<SchemaLimits>): void {
  if (depth <= limits.maxDepth) return;
  // Only a schema that is too deep pays for spelling out where.
  const at = pathToDepth(value, limits.maxDepth + 1).reduce(pointerAppend, '');
  checkLimit(limits, 'maxDepth', depth, `the schema (nested too deeply at '${at}')`);
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
