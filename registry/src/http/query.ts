/**
 * Query parameters as JAX-RS reads them: booleans are true only for "true" (any case), integers fall back
 * to their default when absent or malformed, a repeated parameter counts by its first value. Unknown and
 * empty parameters (`?a=1&&b=2`, kafkajs' `name=`) are simply never asked for.
 */
import type { Page } from '../core/types.js';

export type Query = Record<string, string | string[] | undefined>;

export function str(q: Query, name: string): string | undefined {
  const v = q[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Every value of a repeated parameter, in order. */
export function all(q: Query, name: string): string[] {
  const v = q[name];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

export function bool(q: Query, name: string): boolean {
  return str(q, name)?.toLowerCase() === 'true';
}

export function int(q: Query, name: string, fallback: number): number {
  const v = str(q, name);
  if (v === undefined || !/^-?\d{1,10}$/.test(v.trim())) return fallback;
  const n = Number(v);
  return n >= -(2 ** 31) && n < 2 ** 31 ? n : fallback;
}

/** `offset` (default 0) and `limit` (default -1: everything). */
export function page(q: Query): Page {
  return { offset: int(q, 'offset', 0), limit: int(q, 'limit', -1) };
}

export function isEmpty(q: Query): boolean {
  for (const _ in q) return false;
  return true;
}

/** True when the query has exactly one parameter. */
export function onlyKey(q: Query): boolean {
  let n = 0;
  for (const _ in q) if (++n > 1) return false;
  return n === 1;
}
