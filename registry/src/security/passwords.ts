/**
 * Password hashes: scrypt from node:crypto in a PHC-style string, `$scrypt$ln=16,r=8,p=1$<salt>$<hash>`
 * (base64, no padding). The parameters travel with each hash, so stronger ones can be chosen later without
 * invalidating stored hashes. Never a plain password anywhere.
 */
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) => scryptCallback(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))));

/**
 * N = 2^16, r = 8, p = 1: 64 MiB (128·N·r bytes) and about a tenth of a second per hash. OWASP asks for
 * 2^17; half of it keeps four concurrent verifications (libuv's default pool) at 256 MiB. A verified
 * password is cached (basic.ts), so a client pays this once, not per request.
 */
export const DEFAULT_COST = { ln: 16, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

export interface ScryptHash {
  ln: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

/** Parses a stored hash; undefined when the text is not one (a plain password, say). */
export function parseHash(text: string): ScryptHash | undefined {
  const m = PHC.exec(text);
  if (!m) return undefined;
  const [ln, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (ln < 10 || ln > 22 || r < 1 || p < 1) return undefined;
  const salt = Buffer.from(m[4]!, 'base64');
  const hash = Buffer.from(m[5]!, 'base64');
  if (salt.length < 8 || hash.length < 16) return undefined;
  return { ln, r, p, salt, hash };
}

const maxmem = (ln: number, r: number) => 256 * 2 ** ln * r;

export async function hashPassword(password: string, cost: { ln: number; r: number; p: number } = DEFAULT_COST): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const hash = await scrypt(password, salt, KEY_LENGTH, { N: 2 ** cost.ln, r: cost.r, p: cost.p, maxmem: maxmem(cost.ln, cost.r) });
  const b64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '');
  return `$scrypt$ln=${cost.ln},r=${cost.r},p=${cost.p}$${b64(salt)}$${b64(hash)}`;
}

/** Constant-time comparison of a password with a parsed hash. */
export async function verifyPassword(password: string, stored: ScryptHash): Promise<boolean> {
  const candidate = await scrypt(password, stored.salt, stored.hash.length, {
    N: 2 ** stored.ln,
    r: stored.r,
    p: stored.p,
    maxmem: maxmem(stored.ln, stored.r),
  });
  return timingSafeEqual(candidate, stored.hash);
}
