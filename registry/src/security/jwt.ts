/**
 * Bearer tokens: JWTs verified with `jose` against a shared secret (HS256/384/512), a JWKS file (reloaded
 * when it changes) or a JWKS URL (fetched and cached by jose, refetched for an unknown `kid`). Issuer and
 * audience are checked when configured, expiry always (a token without `exp` is refused). The principal
 * and its groups come from configurable claims; a dotted claim name walks into objects
 * (`realm_access.roles`), and a groups claim may be a list or a space-separated string (`scope`).
 */
import { readFile } from 'node:fs/promises';
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { AuthenticationError, type Principal } from './principal.js';
import { ReloadableFile, type ReloadListener } from './reloadable.js';

export interface JwtOptions {
  /** A file holding the HMAC secret (at least 32 bytes; surrounding whitespace ignored). */
  secretFile?: string | undefined;
  jwksFile?: string | undefined;
  jwksUrl?: string | undefined;
  issuer?: string | undefined;
  audience?: string | undefined;
  /** Default `sub`. */
  principalClaim: string;
  /** Default `groups`. */
  groupsClaim: string;
  /** Seconds of clock skew accepted on `exp` and `nbf`. */
  clockToleranceSeconds: number;
}

const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'];
const PUBLIC_KEY_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

/** The value at a dotted claim path. */
function claim(payload: JWTPayload, path: string): unknown {
  let value: unknown = payload;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function groupsOf(value: unknown): string[] {
  if (typeof value === 'string') return value.split(/\s+/).filter((g) => g !== '');
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === 'string');
  return [];
}

async function readSecret(path: string): Promise<Uint8Array> {
  const secret = (await readFile(path, 'utf8')).trim();
  if (Buffer.byteLength(secret) < 32) throw new Error(`${path}: a JWT secret must be at least 32 bytes`);
  return new TextEncoder().encode(secret);
}

async function loadJwks(path: string): Promise<JWTVerifyGetKey> {
  const jwks = JSON.parse(await readFile(path, 'utf8')) as JSONWebKeySet;
  if (!Array.isArray(jwks?.keys)) throw new Error(`${path}: a JWKS document needs a "keys" list`);
  return createLocalJWKSet(jwks);
}

function failure(err: unknown): AuthenticationError {
  if (err instanceof errors.JWTExpired) return new AuthenticationError('invalid', 'Unauthorized: token expired');
  if (err instanceof errors.JWTClaimValidationFailed) return new AuthenticationError('invalid', `Unauthorized: token claim "${err.claim}" check failed`);
  return new AuthenticationError('invalid', 'Unauthorized: invalid token');
}

export class JwtAuthenticator {
  private constructor(
    private readonly options: JwtOptions,
    private readonly key: () => Uint8Array | JWTVerifyGetKey,
    private readonly algorithms: string[],
    private readonly file?: ReloadableFile<JWTVerifyGetKey>,
  ) {}

  static async create(options: JwtOptions, listener: ReloadListener, pollMs: number): Promise<JwtAuthenticator> {
    if (options.secretFile) {
      const secret = await readSecret(options.secretFile);
      return new JwtAuthenticator(options, () => secret, HMAC_ALGORITHMS);
    }
    if (options.jwksFile) {
      const file = await ReloadableFile.open(options.jwksFile, loadJwks, listener, pollMs);
      return new JwtAuthenticator(options, () => file.current, PUBLIC_KEY_ALGORITHMS, file);
    }
    if (options.jwksUrl) {
      const remote = createRemoteJWKSet(new URL(options.jwksUrl), { cacheMaxAge: 10 * 60_000, cooldownDuration: 30_000 });
      return new JwtAuthenticator(options, () => remote, PUBLIC_KEY_ALGORITHMS);
    }
    throw new Error('bearer authentication needs a JWT secret file, a JWKS file or a JWKS URL');
  }

  /** `token`: what follows `Bearer ` in the Authorization header. */
  async authenticate(token: string): Promise<Principal> {
    const o = this.options;
    let payload: JWTPayload;
    try {
      const key = this.key();
      const verifyOptions = {
        algorithms: this.algorithms,
        requiredClaims: ['exp'],
        clockTolerance: o.clockToleranceSeconds,
        ...(o.issuer ? { issuer: o.issuer } : {}),
        ...(o.audience ? { audience: o.audience } : {}),
      };
      // jose's overloads take a key or a key-resolving function, not their union.
      ({ payload } = typeof key === 'function' ? await jwtVerify(token.trim(), key, verifyOptions) : await jwtVerify(token.trim(), key, verifyOptions));
    } catch (err) {
      throw failure(err);
    }
    const name = claim(payload, o.principalClaim);
    if (typeof name !== 'string' || name === '') throw new AuthenticationError('invalid', `Unauthorized: token has no "${o.principalClaim}" claim`);
    return { name, groups: groupsOf(claim(payload, o.groupsClaim)), method: 'bearer' };
  }

  /** Reloads the JWKS file, if that is where the keys come from. */
  async reload(): Promise<void> {
    await this.file?.reload();
  }

  close(): void {
    this.file?.close();
  }
}
