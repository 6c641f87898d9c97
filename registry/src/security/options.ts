/** The security and operations settings (all off by default: no TLS, no authentication, no audit log). */
import type { KafkaTarget } from '../store/kafka/client.js';
import type { JwtOptions } from './jwt.js';
import type { TlsOptions } from './tls.js';

export const AUTH_METHODS = ['basic', 'bearer', 'mtls'] as const;
export type AuthMethodName = (typeof AUTH_METHODS)[number];

export interface SecurityConfig {
  tls?: TlsOptions | undefined;
  /** Authentication methods accepted; empty: authentication is off. */
  authMethods: AuthMethodName[];
  /** The users file for `basic`. */
  usersFile?: string | undefined;
  /** Token verification for `bearer`. */
  jwt?: JwtOptions | undefined;
  /** Role bindings; absent: every authenticated caller may do everything. */
  bindingsFile?: string | undefined;
  /** Audit log target: a file path, or `-`/`stdout`. Absent: no audit log. */
  auditLog?: string | undefined;
  /** Also (or only) send audit events to this topic of the Kafka store's cluster. */
  auditKafka?: (KafkaTarget & { topic: string }) | undefined;
  /** Requests per second per principal (per client address without authentication); 0: unlimited. */
  rateLimit: number;
  /** Requests a principal may make at once above the rate (default: one second's worth). */
  rateLimitBurst?: number | undefined;
  /** Failed authentications per minute per client address before further attempts get 429. */
  authFailureLimit: number;
  /** How often the users, bindings and JWKS files are checked for changes, ms (0: only on SIGHUP). */
  reloadPollMs: number;
}

export const SECURITY_DEFAULTS: SecurityConfig = {
  authMethods: [],
  rateLimit: 0,
  authFailureLimit: 30,
  reloadPollMs: 2_000,
};

export const JWT_DEFAULTS: Pick<JwtOptions, 'principalClaim' | 'groupsClaim' | 'clockToleranceSeconds'> = {
  principalClaim: 'sub',
  groupsClaim: 'groups',
  clockToleranceSeconds: 5,
};
