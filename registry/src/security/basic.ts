/**
 * HTTP Basic authentication against the users file. scrypt is deliberately slow, and Confluent's clients
 * send their credentials with every request, so a verified pair is remembered: keyed by an HMAC of the
 * name and password under a key drawn at start (nothing in memory can be turned back into a password
 * without that key), dropped whenever the users file is reloaded. Unknown users cost a full scrypt too, so
 * timing does not tell which names exist.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { LruCache } from '../core/cache.js';
import { hashPassword, parseHash, verifyPassword, type ScryptHash } from './passwords.js';
import { AuthenticationError, type Principal } from './principal.js';
import type { UserEntry } from './users-file.js';

const INVALID = 'Unauthorized: invalid user name or password';

export class BasicAuthenticator {
  private readonly cacheKey = randomBytes(32);
  private readonly verified = new LruCache<string, Principal>(10_000);
  private dummy: ScryptHash | undefined;
  private generation = 0;

  constructor(private readonly users: () => ReadonlyMap<string, UserEntry>) {}

  /** Forget verified credentials (the users file changed). */
  reset(): void {
    this.generation++;
    this.verified.clear();
  }

  /** `credentials`: what follows `Basic ` in the Authorization header. */
  async authenticate(credentials: string): Promise<Principal> {
    const decoded = Buffer.from(credentials.trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) throw new AuthenticationError('invalid', 'Unauthorized: malformed Basic credentials');
    const name = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    const key = createHmac('sha256', this.cacheKey).update(name).update('\u0000').update(password).digest('base64');
    const known = this.verified.get(key);
    if (known) return known;

    const generation = this.generation;
    const user = this.users().get(name);
    if (!user) {
      await verifyPassword(password, await this.dummyHash());
      throw new AuthenticationError('invalid', INVALID);
    }
    if (!(await verifyPassword(password, user.hash))) throw new AuthenticationError('invalid', INVALID);
    const principal: Principal = { name, groups: user.groups, method: 'basic' };
    // Remembered only if the users file was not reloaded while scrypt ran (the entry may be gone now).
    if (generation === this.generation) this.verified.set(key, principal);
    return principal;
  }

  private async dummyHash(): Promise<ScryptHash> {
    this.dummy ??= parseHash(await hashPassword(randomBytes(16).toString('hex')));
    return this.dummy!;
  }
}
