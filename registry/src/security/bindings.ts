/**
 * The role bindings file, JSON: who (principals by name, or groups) may do what (operations) to which
 * resources.
 *
 *   { "bindings": [
 *       { "principals": ["alice"], "operations": ["admin"], "resources": ["*"] },
 *       { "groups": ["team-orders"], "operations": ["write"], "resources": ["subject:orders-*"] },
 *       { "principals": ["*"], "operations": ["read"], "resources": ["subject:public.*", "metrics"] } ] }
 *
 * Resources: `subject:NAME` (exact), `subject:PREFIX*`, `subject:*`; `context:NAME`, `context:PREFIX*`,
 * `context:*`; `global` (the registry-wide config and mode); `metrics`; `*` (everything). Subjects in a
 * context are named as the API names them (`subject::.team-a:*` is every subject of context `.team-a`).
 * Operations: `read`, `write`, `admin`, each including the ones before it. Principal `*` is any
 * authenticated caller. Anything not granted is denied; a file with an unknown key is refused whole.
 */
import { readFile } from 'node:fs/promises';
import { OPERATIONS, type Operation, type Resource } from '../http/access.js';
import { normalizeContextName } from '../core/subjects.js';
import type { Principal } from './principal.js';

/** A name pattern: everything, a prefix, or one exact name. */
export type NamePattern = { readonly all: true } | { readonly prefix: string } | { readonly exact: string };

export type ResourcePattern =
  | { readonly kind: 'subject' | 'context'; readonly name: NamePattern }
  | { readonly kind: 'global' | 'metrics' }
  | { readonly kind: 'any' };

export interface Binding {
  readonly principals: ReadonlySet<string>;
  readonly groups: ReadonlySet<string>;
  /** The strongest operation granted (it includes the weaker ones). */
  readonly level: number;
  readonly resources: readonly ResourcePattern[];
}

export class BindingsFileError extends Error {
  override readonly name = 'BindingsFileError';
}

export const levelOf = (operation: Operation): number => OPERATIONS.indexOf(operation);

export function matchesName(pattern: NamePattern, name: string): boolean {
  if ('all' in pattern) return true;
  if ('prefix' in pattern) return name.startsWith(pattern.prefix);
  return name === pattern.exact;
}

export function matchesResource(pattern: ResourcePattern, resource: Resource): boolean {
  if (pattern.kind === 'any') return true;
  if (pattern.kind !== resource.kind) return false;
  return !('name' in pattern) || matchesName(pattern.name, (resource as { name: string }).name);
}

export function appliesTo(binding: Binding, principal: Principal): boolean {
  return binding.principals.has('*') || binding.principals.has(principal.name) || principal.groups.some((g) => binding.groups.has(g));
}

function namePattern(raw: string, normalize: (name: string) => string): NamePattern {
  if (raw === '*') return { all: true };
  if (raw.endsWith('*')) {
    const prefix = raw.slice(0, -1);
    if (prefix.includes('*')) throw new BindingsFileError(`"*" may only end a name pattern: ${JSON.stringify(raw)}`);
    return { prefix: prefix === '' ? '' : normalize(prefix) };
  }
  if (raw.includes('*')) throw new BindingsFileError(`"*" may only end a name pattern: ${JSON.stringify(raw)}`);
  return { exact: normalize(raw) };
}

// `:.:orders` names `orders` (the default context), as the API normalises it.
const normalizeSubject = (name: string) => (name.startsWith(':.:') ? name.slice(3) : name);

export function parseResource(raw: string): ResourcePattern {
  if (raw === '*') return { kind: 'any' };
  if (raw === 'global' || raw === 'metrics') return { kind: raw };
  if (raw.startsWith('subject:')) return { kind: 'subject', name: namePattern(raw.slice(8), normalizeSubject) };
  if (raw.startsWith('context:')) return { kind: 'context', name: namePattern(raw.slice(8), normalizeContextName) };
  throw new BindingsFileError(`unknown resource ${JSON.stringify(raw)} (expected subject:…, context:…, global, metrics or *)`);
}

const KEYS = new Set(['principals', 'groups', 'operations', 'resources', 'description']);

function stringList(value: unknown, what: string): string[] {
  if (value === undefined) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
  throw new BindingsFileError(`${what} must be a string or a list of strings`);
}

function parseBinding(raw: unknown, index: number): Binding {
  const where = `binding ${index + 1}`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new BindingsFileError(`${where}: expected an object`);
  for (const key of Object.keys(raw)) if (!KEYS.has(key)) throw new BindingsFileError(`${where}: unknown key ${JSON.stringify(key)}`);
  const b = raw as Record<string, unknown>;
  const principals = stringList(b.principals, `${where}: "principals"`);
  const groups = stringList(b.groups, `${where}: "groups"`);
  if (principals.length === 0 && groups.length === 0) throw new BindingsFileError(`${where}: names no principal and no group`);
  const operations = stringList(b.operations, `${where}: "operations"`);
  if (operations.length === 0) throw new BindingsFileError(`${where}: grants no operation`);
  let level = -1;
  for (const op of operations) {
    const l = OPERATIONS.indexOf(op as Operation);
    if (l < 0) throw new BindingsFileError(`${where}: unknown operation ${JSON.stringify(op)} (expected ${OPERATIONS.join(', ')})`);
    level = Math.max(level, l);
  }
  const resources = stringList(b.resources, `${where}: "resources"`);
  if (resources.length === 0) throw new BindingsFileError(`${where}: names no resource`);
  try {
    return { principals: new Set(principals), groups: new Set(groups), level, resources: resources.map(parseResource) };
  } catch (e) {
    throw e instanceof BindingsFileError ? new BindingsFileError(`${where}: ${e.message}`) : e;
  }
}

export function parseBindings(text: string): Binding[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new BindingsFileError(`not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const list = (raw as { bindings?: unknown } | null)?.bindings;
  if (!Array.isArray(list)) throw new BindingsFileError('expected {"bindings": [...]}');
  return list.map(parseBinding);
}

export async function loadBindings(path: string): Promise<Binding[]> {
  try {
    return parseBindings(await readFile(path, 'utf8'));
  } catch (e) {
    if (e instanceof BindingsFileError) throw new BindingsFileError(`${path}: ${e.message}`);
    throw e;
  }
}
