/** Who is calling, as the authenticators establish it and the authorizer sees it. */
export type AuthMethod = 'basic' | 'bearer' | 'mtls' | 'none';

export interface Principal {
  /** The user name, the token's principal claim, or the client certificate's subject (RFC 2253 order). */
  readonly name: string;
  /** Groups from the users file or the token's groups claim (never from a certificate). */
  readonly groups: readonly string[];
  readonly method: AuthMethod;
}

/** The caller when authentication is off: every request is this principal. */
export const ANONYMOUS: Principal = { name: 'ANONYMOUS', groups: [], method: 'none' };

/** Why authentication failed: `missing` (no credentials) or `invalid`; the reason is safe to show and log. */
export class AuthenticationError extends Error {
  override readonly name = 'AuthenticationError';
  constructor(
    readonly kind: 'missing' | 'invalid',
    message: string,
  ) {
    super(message);
  }
}
