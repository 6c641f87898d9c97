/**
 * The security settings from flags and environment variables (flags win), for src/config.ts: the flag
 * list for parseArgs, the help text, and the validated SecurityConfig. The value parsers are src/config.ts's,
 * passed in.
 */
import type { KafkaTarget } from '../store/kafka/client.js';
import { CLIENT_AUTH_MODES, type ClientAuth } from './tls.js';
import { AUTH_METHODS, JWT_DEFAULTS, SECURITY_DEFAULTS, type AuthMethodName, type SecurityConfig } from './options.js';

/** Returns the flag's value, else the environment variable's, each with its name for messages. */
export type Pick = (flag: string, envName: string) => [string, string] | undefined;

export interface ValueParsers {
  integer(raw: string, source: string, min: number): number;
  duration(raw: string, source: string): number;
  error(message: string): Error;
}

const FLAGS = [
  'tls-cert',
  'tls-key',
  'tls-ca',
  'tls-client-auth',
  'auth',
  'users-file',
  'jwt-secret-file',
  'jwt-jwks-file',
  'jwt-jwks-url',
  'jwt-issuer',
  'jwt-audience',
  'jwt-principal-claim',
  'jwt-groups-claim',
  'bindings-file',
  'audit-log',
  'audit-kafka-topic',
  'rate-limit',
  'rate-limit-burst',
  'auth-failure-limit',
  'security-reload-interval',
] as const;

/** The flags, for parseArgs. */
export const SECURITY_FLAGS = Object.fromEntries(FLAGS.map((f) => [f, { type: 'string' as const }]));

const envOf = (flag: string) => flag.toUpperCase().replace(/-/g, '_');

export const SECURITY_HELP = `Security (everything off by default; see README "Security"):
  --tls-cert <file>             serve HTTPS with this certificate (PEM) [TLS_CERT]
  --tls-key <file>              ... and this private key (PEM) [TLS_KEY]
  --tls-ca <file>               CA bundle client certificates must chain to [TLS_CA]
  --tls-client-auth <mode>      none|request|required client certificates [TLS_CLIENT_AUTH] (default none)
  --auth <methods>              comma list of basic,bearer,mtls; authentication off when empty [AUTH]
  --users-file <file>           users and scrypt hashes for basic (add with: schema-registry user add) [USERS_FILE]
  --jwt-secret-file <file>      HMAC secret of bearer tokens (HS256/384/512) [JWT_SECRET_FILE]
  --jwt-jwks-file <file>        JWKS of the token issuer's public keys [JWT_JWKS_FILE]
  --jwt-jwks-url <url>          ... or its URL [JWT_JWKS_URL]
  --jwt-issuer <iss>            required "iss" of tokens [JWT_ISSUER]
  --jwt-audience <aud>          required "aud" of tokens [JWT_AUDIENCE]
  --jwt-principal-claim <name>  claim naming the principal [JWT_PRINCIPAL_CLAIM] (default sub)
  --jwt-groups-claim <name>     claim listing groups, dotted for nested [JWT_GROUPS_CLAIM] (default groups)
  --bindings-file <file>        role bindings; without it every authenticated caller may do everything [BINDINGS_FILE]
  --audit-log <file|->          audit log as JSON lines to a file or stdout (-) [AUDIT_LOG]
  --audit-kafka-topic <topic>   also send audit events to this topic (Kafka store only) [AUDIT_KAFKA_TOPIC]
  --rate-limit <n>              requests per second per principal (per address without auth), 0 = off [RATE_LIMIT] (default 0)
  --rate-limit-burst <n>        requests allowed at once above the rate [RATE_LIMIT_BURST] (default: the rate)
  --auth-failure-limit <n>      failed authentications per minute per address before 429 [AUTH_FAILURE_LIMIT] (default 30)
  --security-reload-interval <time>  how often users/bindings/JWKS files are checked, 0 = on SIGHUP only [SECURITY_RELOAD_INTERVAL] (default 2s)
`;

function parseList<T extends string>(raw: string, allowed: readonly T[], source: string, error: (m: string) => Error): T[] {
  const items = raw
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '' && s !== 'none');
  for (const item of items) if (!allowed.includes(item as T)) throw error(`${source} must list some of ${allowed.join(', ')}, got "${item}"`);
  return [...new Set(items as T[])];
}

/** `kafka`: the Kafka store's cluster and client settings, where an audit topic goes (none: no audit topic). */
export function loadSecurityConfig(pick: Pick, parse: ValueParsers, kafka?: KafkaTarget): SecurityConfig {
  const get = (flag: (typeof FLAGS)[number]) => pick(flag, envOf(flag));
  const value = (flag: (typeof FLAGS)[number]) => get(flag)?.[0];
  const config: SecurityConfig = { ...SECURITY_DEFAULTS, authMethods: [] };

  const cert = value('tls-cert');
  const key = value('tls-key');
  const ca = value('tls-ca');
  const clientAuthRaw = get('tls-client-auth');
  let clientAuth: ClientAuth = 'none';
  if (clientAuthRaw) {
    const mode = CLIENT_AUTH_MODES.find((m) => m === clientAuthRaw[0].toLowerCase());
    if (!mode) throw parse.error(`${clientAuthRaw[1]} must be one of ${CLIENT_AUTH_MODES.join(', ')}, got "${clientAuthRaw[0]}"`);
    clientAuth = mode;
  }
  if ((cert === undefined) !== (key === undefined)) throw parse.error('TLS needs both a certificate (TLS_CERT) and a key (TLS_KEY)');
  if (cert && key) config.tls = { certFile: cert, keyFile: key, caFile: ca, clientAuth };
  else if (clientAuth !== 'none' || ca) throw parse.error('client certificates (TLS_CLIENT_AUTH, TLS_CA) need TLS (TLS_CERT and TLS_KEY)');
  if (clientAuth !== 'none' && !ca) throw parse.error(`TLS_CLIENT_AUTH=${clientAuth} needs a CA bundle (TLS_CA)`);

  const auth = get('auth');
  if (auth) config.authMethods = parseList<AuthMethodName>(auth[0], AUTH_METHODS, auth[1], parse.error);
  const methods = new Set(config.authMethods);
  config.usersFile = value('users-file');
  if (methods.has('basic') && !config.usersFile) throw parse.error('AUTH=basic needs a users file (USERS_FILE)');
  if (methods.has('mtls') && clientAuth === 'none') throw parse.error('AUTH=mtls needs client certificates (TLS_CLIENT_AUTH=request or required)');

  const keySources = (['jwt-secret-file', 'jwt-jwks-file', 'jwt-jwks-url'] as const).filter((f) => value(f) !== undefined);
  if (methods.has('bearer')) {
    if (keySources.length !== 1) throw parse.error('AUTH=bearer needs exactly one of JWT_SECRET_FILE, JWT_JWKS_FILE or JWT_JWKS_URL');
    const url = value('jwt-jwks-url');
    if (url !== undefined && !/^https?:\/\//.test(url)) throw parse.error('JWT_JWKS_URL must be an http:// or https:// URL');
    config.jwt = {
      ...JWT_DEFAULTS,
      secretFile: value('jwt-secret-file'),
      jwksFile: value('jwt-jwks-file'),
      jwksUrl: url,
      issuer: value('jwt-issuer'),
      audience: value('jwt-audience'),
      principalClaim: value('jwt-principal-claim') ?? JWT_DEFAULTS.principalClaim,
      groupsClaim: value('jwt-groups-claim') ?? JWT_DEFAULTS.groupsClaim,
    };
  }

  config.bindingsFile = value('bindings-file');
  if (config.bindingsFile && methods.size === 0) throw parse.error('BINDINGS_FILE needs authentication (AUTH) to know who is calling');
  config.auditLog = value('audit-log');
  const auditTopic = get('audit-kafka-topic');
  if (auditTopic) {
    if (!kafka) throw parse.error(`${auditTopic[1]} needs the Kafka store (KAFKA_BOOTSTRAP_SERVERS)`);
    if (!/^[A-Za-z0-9._-]{1,249}$/.test(auditTopic[0])) throw parse.error(`${auditTopic[1]} must be a Kafka topic name (letters, digits, . _ -), got "${auditTopic[0]}"`);
    config.auditKafka = { topic: auditTopic[0], bootstrapServers: kafka.bootstrapServers, ...(kafka.client ? { client: kafka.client } : {}) };
  }

  const rate = get('rate-limit');
  if (rate) config.rateLimit = parse.integer(rate[0], rate[1], 0);
  const burst = get('rate-limit-burst');
  if (burst) config.rateLimitBurst = parse.integer(burst[0], burst[1], 1);
  const failures = get('auth-failure-limit');
  if (failures) config.authFailureLimit = parse.integer(failures[0], failures[1], 1);
  const reload = get('security-reload-interval');
  if (reload) config.reloadPollMs = reload[0].trim() === '0' ? 0 : parse.duration(reload[0], reload[1]);
  return config;
}
