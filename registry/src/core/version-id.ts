/** Version path segments (Confluent's rest/VersionId): 1..2^31-1, `latest` or -1 (= latest). */
import { invalidVersion } from './errors.js';

export const LATEST = -1;
const MAX_VERSION = 2 ** 31 - 1;

/** A concrete version number, or LATEST; 42202 for anything else (0, other negatives, non-numbers). */
export function parseVersionId(raw: string): number {
  if (raw === 'latest') return LATEST;
  if (/^-?\d{1,10}$/.test(raw)) {
    const n = Number(raw);
    if (n === LATEST || (n >= 1 && n <= MAX_VERSION)) return n;
  }
  throw invalidVersion(raw);
}
