/**
 * Text a store can hold. Postgres `text` cannot hold U+0000 (nor can `jsonb` hold `\u0000`), and an
 * unpaired UTF-16 surrogate has no UTF-8 form: node's encoder would silently store U+FFFD instead, changing
 * the data without an error. Such strings never reach a store: writes refuse them with a 4xx chosen by the
 * caller (42208 for subjects, 42201 for schemas, 42210 for rule sets), and reads of them find nothing
 * (StorableStore), since nothing stored can hold one. The rule is the core's, so every store (SQL, Kafka)
 * gives the same answers.
 */
import type { RegistryError } from './errors.js';

// With the `u` flag a well-formed surrogate pair is one code point, so \p{Cs} matches only unpaired halves.
// eslint-disable-next-line no-control-regex
const UNSTORABLE = /[\u0000\p{Cs}]/u;

export const UNSTORABLE_DESCRIPTION = 'a NUL character or an unpaired UTF-16 surrogate, which cannot be stored';

export function isStorable(s: string): boolean {
  return !UNSTORABLE.test(s);
}

/** True when every string in a JSON-like value (object keys included) is storable. */
export function isStorableValue(value: unknown): boolean {
  if (typeof value === 'string') return isStorable(value);
  if (Array.isArray(value)) return value.every(isStorableValue);
  if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) if (!isStorable(k) || !isStorableValue(v)) return false;
  }
  return true;
}

/** Throws `fail()` unless every string in `value` is storable (the caller picks Confluent's error code). */
export function requireStorable(value: unknown, fail: (reason: string) => RegistryError): void {
  if (!isStorableValue(value)) throw fail(UNSTORABLE_DESCRIPTION);
}
