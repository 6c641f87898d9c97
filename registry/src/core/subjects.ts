/**
 * Qualified subject names (Confluent's QualifiedSubject): `[:.context:]name`.
 *
 * Only a leading `:.` starts a context (`:ctx:x` is a plain subject named `:ctx:x`); `:.:name` is the default
 * context and normalises to `name`; `:.ctx:` (empty name) names the context itself, which config and mode
 * paths use as the context-level scope; `:*:` is the all-contexts wildcard of subject prefixes.
 */
import { DEFAULT_CONTEXT, GLOBAL_SCOPE } from '../store/store.js';
import { invalidSubject } from './errors.js';
import { isStorable } from './storable.js';

export { DEFAULT_CONTEXT, GLOBAL_SCOPE };

/** The registry-wide context for config and mode (`:.__GLOBAL:`), consulted after subject and context. */
export const GLOBAL_CONTEXT = '.__GLOBAL';
export const GLOBAL_CONTEXT_SCOPE = `:${GLOBAL_CONTEXT}:`;
export const CONTEXT_WILDCARD = ':*:';

export interface QualifiedSubject {
  /** `.` or `.name`. */
  readonly context: string;
  /** The subject name within its context (may be empty). */
  readonly name: string;
  /** The stored key and the name clients see: bare in the default context, `:.ctx:name` otherwise. */
  readonly key: string;
}

/** The `:.ctx:` prefix of a context; empty for the default context. */
export function contextPrefix(context: string): string {
  return context === DEFAULT_CONTEXT ? '' : `:${context}:`;
}

export function qualify(context: string, name: string): QualifiedSubject {
  return { context, name, key: contextPrefix(context) + name };
}

/** Splits `[:.ctx:]name`. The wildcard prefix `:*:` is not a context and stays part of the name here. */
export function parseSubject(raw: string): QualifiedSubject {
  if (raw.startsWith(':.')) {
    const end = raw.indexOf(':', 2);
    if (end < 0) return qualify(raw.slice(1), '');
    return qualify(raw.slice(1, end), raw.slice(end + 1));
  }
  return qualify(DEFAULT_CONTEXT, raw);
}

// Java's Character.isISOControl: U+0000–U+001F and U+007F–U+009F.
// eslint-disable-next-line no-control-regex
const ISO_CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Confluent's isValidSubject: no ISO control characters, not `__GLOBAL`/`__EMPTY`, and not inside the
 * `:.__GLOBAL:` context unless the name is a config/mode scope. Empty names are valid (backward compatibility).
 * Also no unpaired surrogate (Java strings may hold one; no store here can: storable.ts).
 */
export function isValidSubject(raw: string, forConfigOrMode = false): boolean {
  if (ISO_CONTROL.test(raw) || !isStorable(raw)) return false;
  const qs = parseSubject(raw);
  if (qs.name === '__GLOBAL' || qs.name === '__EMPTY') return false;
  if (!forConfigOrMode && qs.context === GLOBAL_CONTEXT) return false;
  return true;
}

/** Parses a subject a client wants to write under; 42208 when the name is not valid. */
export function requireValidSubject(raw: string, forConfigOrMode = false): QualifiedSubject {
  if (!isValidSubject(raw, forConfigOrMode)) throw invalidSubject(raw);
  return parseSubject(raw);
}

/**
 * A reference names a subject relative to the referrer: an unqualified reference subject lives in the
 * referrer's context (QualifiedSubject.qualifySubjectWithParent).
 */
export function qualifyReference(referenceSubject: string, parentContext: string): QualifiedSubject {
  const qs = parseSubject(referenceSubject);
  return qs.context === DEFAULT_CONTEXT ? qualify(parentContext, qs.name) : qs;
}

/** `:.ctx:`, `.ctx` or `ctx` → `.ctx` (Confluent's normalizeContext), for the contexts resource. */
export function normalizeContextName(raw: string): string {
  let c = raw;
  if (c.startsWith(':')) c = c.slice(1);
  if (c.endsWith(':')) c = c.slice(0, -1);
  if (!c.startsWith('.')) c = `.${c}`;
  return c;
}

/**
 * What a config or mode path names: the global level (`/config`, `:.:`), a context (`:.ctx:`), the
 * registry-wide `:.__GLOBAL:`, or a subject. `chain` lists the scopes to consult, most specific first.
 */
export interface Scope {
  /** The key the store keeps the setting under. */
  readonly key: string;
  readonly kind: 'global' | 'context' | 'registry' | 'subject';
  /** The context the scope belongs to. */
  readonly context: string;
  /** The subject as clients named it (normalised), for messages. */
  readonly label: string;
  readonly chain: readonly string[];
}

export function globalScope(): Scope {
  return { key: GLOBAL_SCOPE, kind: 'global', context: DEFAULT_CONTEXT, label: '', chain: [GLOBAL_SCOPE, GLOBAL_CONTEXT_SCOPE] };
}

export function scopeOf(raw: string): Scope {
  const qs = parseSubject(raw);
  if (qs.name === '') {
    if (qs.context === DEFAULT_CONTEXT) return globalScope();
    const key = `:${qs.context}:`;
    if (qs.context === GLOBAL_CONTEXT) return { key, kind: 'registry', context: qs.context, label: key, chain: [key] };
    return { key, kind: 'context', context: qs.context, label: key, chain: [key, GLOBAL_CONTEXT_SCOPE] };
  }
  return subjectScope(qs);
}

export function subjectScope(qs: QualifiedSubject): Scope {
  const parent = qs.context === DEFAULT_CONTEXT ? GLOBAL_SCOPE : `:${qs.context}:`;
  return { key: qs.key, kind: 'subject', context: qs.context, label: qs.key, chain: [qs.key, parent, GLOBAL_CONTEXT_SCOPE] };
}

/** A subject-prefix filter as `/subjects` and `/schemas` understand it. */
export interface SubjectFilter {
  /** Restrict to one context; undefined = every context. */
  context?: string;
  /** The name prefix within the context(s). */
  namePrefix: string;
}

/**
 * `:*:` (Confluent's default for /subjects) or `:*:abc` match every context; `:.ctx:abc` one context; a plain
 * prefix (or the empty string) only the default context.
 */
export function subjectFilter(prefix: string): SubjectFilter {
  if (prefix.startsWith(CONTEXT_WILDCARD)) return { namePrefix: prefix.slice(CONTEXT_WILDCARD.length) };
  const qs = parseSubject(prefix);
  return { context: qs.context, namePrefix: qs.name };
}

/** Whether a stored subject key passes a filter. */
export function matchesFilter(key: string, filter: SubjectFilter): boolean {
  const qs = parseSubject(key);
  if (filter.context !== undefined && qs.context !== filter.context) return false;
  return qs.name.startsWith(filter.namePrefix);
}
