/** URI and JSON-pointer helpers for `$id` / `$ref` resolution. Nothing here touches the network. */
import { isJsonObject, own } from './drafts.js';

/** The base URI of a document that has no `$id` (Confluent's in-memory base). */
export const DEFAULT_BASE_URI = 'mem://input/';

/** RFC 3986 resolution of `ref` against the absolute `base`; `ref` itself when that is impossible. */
export function resolveUri(base: string, ref: string): string {
  try {
    return new URL(ref, base).href;
  } catch {
    try {
      return new URL(ref).href;
    } catch {
      return ref;
    }
  }
}

/** `[uri-without-fragment, fragment]`; the fragment is undefined when there is no `#`. */
export function splitFragment(ref: string): [string, string | undefined] {
  const i = ref.indexOf('#');
  return i < 0 ? [ref, undefined] : [ref.slice(0, i), ref.slice(i + 1)];
}

export function withoutFragment(uri: string): string {
  return splitFragment(uri)[0];
}

function decodeFragment(fragment: string): string {
  try {
    return decodeURIComponent(fragment);
  } catch {
    return fragment;
  }
}

/**
 * Evaluates a URI-fragment JSON pointer (`/definitions/a~1b`) against `root`.
 * Returns undefined when some step does not exist.
 */
export function evaluatePointer(root: unknown, fragment: string): unknown {
  const pointer = decodeFragment(fragment);
  if (pointer === '') return root;
  if (!pointer.startsWith('/')) return undefined;
  let current: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) {
      if (!/^(0|[1-9][0-9]*)$/.test(token)) return undefined;
      current = current[Number(token)];
    } else if (isJsonObject(current)) {
      current = own(current, token);
    } else {
      return undefined;
    }
    if (current === undefined) return undefined;
  }
  return current;
}

/** A plain-name fragment (an anchor), decoded. */
export function anchorName(fragment: string): string {
  return decodeFragment(fragment);
}

/** Appends a token to a JSON pointer. */
export function pointerAppend(pointer: string, token: string | number): string {
  const t = String(token);
  return `${pointer}/${t.includes('~') || t.includes('/') ? t.replace(/~/g, '~0').replace(/\//g, '~1') : t}`;
}

/**
 * The way from a document's root to a schema object met in a walk, as links (a walk over a large schema
 * then builds no pointer strings); `pointerOf` spells it out when an error needs it.
 */
export interface SchemaPath {
  readonly parent: SchemaPath | undefined;
  readonly keyword: string;
  readonly name: string | undefined;
}

/** The JSON pointer of `path` (undefined: the root), with `more` tokens appended. */
export function pointerOf(path: SchemaPath | undefined, ...more: string[]): string {
  const tokens: string[] = [];
  for (let p = path; p !== undefined; p = p.parent) {
    if (p.name !== undefined) tokens.push(p.name);
    tokens.push(p.keyword);
  }
  return [...tokens.reverse(), ...more].reduce(pointerAppend, '');
}
