/**
 * Typed configuration from environment variables and command-line flags (flags win). No dependency:
 * node:util parseArgs. Invalid values are reported as ConfigError with a message naming the setting.
 */
import { parseArgs } from 'node:util';
import { availableParallelism } from 'node:os';
import { COMPATIBILITY_LEVELS, DEFAULT_SCHEMA_LIMITS, type CompatibilityLevel, type SchemaLimits } from '@schemata/serdes';
import { loadSecurityConfig, SECURITY_FLAGS, SECURITY_HELP } from './security/config.js';
import { SECURITY_DEFAULTS, type SecurityConfig } from './security/options.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface RegistryConfig {
  port: number;
  host: string;
  /** `postgres://…`/`postgresql://…` selects Postgres; otherwise PGlite in `dataDir`. */
  databaseUrl?: string | undefined;
  dataDir: string;
  /** Largest accepted request body, bytes (larger: 413). */
  bodyLimit: number;
  /** Milliseconds a request body may take to arrive whole (then 408, or the connection is closed). */
  bodyTimeout: number;
  defaultCompatibility: CompatibilityLevel;
  logLevel: LogLevel;
  /** Worker threads for parsing and compatibility checks (0: all on the event loop). */
  schemaWorkers: number;
  /** Time budget of one schema operation on a worker, ms (422/42209 past it). */
  schemaWorkTimeoutMs: number;
  /** Largest schema text, characters (422/42209 past it). */
  maxSchemaSize: number;
  /** Largest resolved reference tree of one schema. */
  maxSchemaReferences: number;
  /** What one schema may hold (fields, branches, enum values, named types, depth). */
  schemaLimits: SchemaLimits;
  /** TLS, authentication, authorization, audit log, rate limits (src/security/). */
  security: SecurityConfig;
  /** Serve Prometheus metrics at `/metrics`. */
  metrics: boolean;
}

export type Command = 'serve' | 'migrate';

export interface Invocation {
  command: Command;
  help: boolean;
  config: RegistryConfig;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export const DEFAULTS: RegistryConfig = {
  port: 8081,
  host: '127.0.0.1',
  dataDir: './data',
  bodyLimit: 16 * 1024 * 1024,
  bodyTimeout: 60_000,
  defaultCompatibility: 'BACKWARD',
  logLevel: 'info',
  schemaWorkers: Math.min(availableParallelism(), 4),
  schemaWorkTimeoutMs: 10_000,
  maxSchemaSize: 8 * 1024 * 1024,
  maxSchemaReferences: 2_000,
  schemaLimits: { ...DEFAULT_SCHEMA_LIMITS },
  security: SECURITY_DEFAULTS,
  metrics: false,
};

/** The integer settings: config key (or schema limit), flag, environment variable, smallest value. */
const INTEGER_SETTINGS = [
  ['schemaWorkers', 'schema-workers', 'SCHEMA_WORKERS', 0],
  ['maxSchemaReferences', 'max-schema-references', 'MAX_SCHEMA_REFERENCES', 0],
  ['maxFields', 'max-schema-fields', 'MAX_SCHEMA_FIELDS', 1],
  ['maxBranches', 'max-schema-branches', 'MAX_SCHEMA_BRANCHES', 1],
  ['maxEnumValues', 'max-schema-enum-values', 'MAX_SCHEMA_ENUM_VALUES', 1],
  ['maxTypes', 'max-schema-types', 'MAX_SCHEMA_TYPES', 1],
  ['maxDepth', 'max-schema-depth', 'MAX_SCHEMA_DEPTH', 1],
] as const;

export const HELP = `Usage: schema-registry [serve|migrate] [options]

A Confluent-compatible schema registry on PGlite (embedded) or Postgres.

Commands:
  serve      run the HTTP server (default)
  migrate    apply database migrations and exit
  user       add or remove a user of HTTP Basic authentication (schema-registry user --help)

Options (environment variable in brackets; flags win):
  --port <n>                    listen port [PORT] (default 8081; 0 picks a free port)
  --host <addr>                 listen address [HOST] (default 127.0.0.1)
  --database-url <url>          postgres://… selects Postgres [DATABASE_URL]
  --data-dir <dir>              PGlite data directory when no Postgres URL is given [DATA_DIR] (default ./data)
  --body-limit <size>           largest request body, e.g. 16mb, 512kb, 1048576 [BODY_LIMIT] (default 16mb)
  --body-timeout <time>         time a request body may take to arrive, e.g. 60s, 500ms [BODY_TIMEOUT] (default 60s)
  --default-compatibility <lvl> server default compatibility level [DEFAULT_COMPATIBILITY] (default BACKWARD)
  --log-level <level>           ${LOG_LEVELS.join('|')} [LOG_LEVEL] (default info)
  --metrics                     serve Prometheus metrics at /metrics [METRICS=true] (default off)

Schema work (parsing and compatibility checks run on worker threads, each under a time budget):
  --schema-workers <n>          worker threads, 0 = none [SCHEMA_WORKERS] (default: cores, at most 4)
  --schema-work-timeout <time> budget of one parse or check, e.g. 10s, 500ms [SCHEMA_WORK_TIMEOUT] (default 10s)
  --max-schema-size <size>      largest schema text [MAX_SCHEMA_SIZE] (default 8mb)
  --max-schema-references <n>   largest resolved reference tree [MAX_SCHEMA_REFERENCES] (default 2000)
  --max-schema-fields <n>       fields of one record/message/object [MAX_SCHEMA_FIELDS] (default 10000)
  --max-schema-branches <n>     branches of one union/oneof/anyOf [MAX_SCHEMA_BRANCHES] (default 10000)
  --max-schema-enum-values <n>  values of one enum [MAX_SCHEMA_ENUM_VALUES] (default 10000)
  --max-schema-types <n>        named types in one schema [MAX_SCHEMA_TYPES] (default 10000)
  --max-schema-depth <n>        nesting depth [MAX_SCHEMA_DEPTH] (default 256)
  -h, --help                    show this help

${SECURITY_HELP}
Users: schema-registry user add <name> --users-file <file> [--group <g>]...  (password read from stdin)
       schema-registry user remove <name> --users-file <file>
`;

function parsePort(raw: string, source: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n > 65535) throw new ConfigError(`${source} must be a port number (0-65535), got "${raw}"`);
  return n;
}

function parseSize(raw: string, source: string): number {
  const m = /^(\d+)\s*(b|k|kb|kib|m|mb|mib)?$/i.exec(raw.trim());
  if (!m) throw new ConfigError(`${source} must be a size such as 16mb, 512kb or 1048576, got "${raw}"`);
  const unit = (m[2] ?? 'b').toLowerCase();
  const factor = unit.startsWith('m') ? 1024 * 1024 : unit.startsWith('k') ? 1024 : 1;
  const n = Number(m[1]) * factor;
  if (n < 1) throw new ConfigError(`${source} must be at least 1 byte`);
  return n;
}

function parseInteger(raw: string, source: string, min: number): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min) throw new ConfigError(`${source} must be an integer of at least ${min}, got "${raw}"`);
  return n;
}

function parseDuration(raw: string, source: string): number {
  const m = /^(\d+)\s*(ms|s)?$/i.exec(raw.trim());
  if (!m) throw new ConfigError(`${source} must be a time such as 60s or 500ms, got "${raw}"`);
  const n = Number(m[1]) * (m[2]?.toLowerCase() === 's' ? 1000 : 1);
  if (n < 1) throw new ConfigError(`${source} must be at least 1ms`);
  return n;
}

function parseLevel(raw: string, source: string): CompatibilityLevel {
  const level = COMPATIBILITY_LEVELS.find((l) => l === raw.toUpperCase());
  if (!level) throw new ConfigError(`${source} must be one of ${COMPATIBILITY_LEVELS.join(', ')}, got "${raw}"`);
  return level;
}

function parseLogLevel(raw: string, source: string): LogLevel {
  const level = LOG_LEVELS.find((l) => l === raw.toLowerCase());
  if (!level) throw new ConfigError(`${source} must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
  return level;
}

/** Reads the command line and environment into an Invocation; throws ConfigError on bad input. */
export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Invocation {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'database-url': { type: 'string' },
        'data-dir': { type: 'string' },
        'body-limit': { type: 'string' },
        'body-timeout': { type: 'string' },
        'default-compatibility': { type: 'string' },
        'log-level': { type: 'string' },
        'max-schema-size': { type: 'string' },
        'schema-work-timeout': { type: 'string' },
        ...Object.fromEntries(INTEGER_SETTINGS.map(([, flag]) => [flag, { type: 'string' as const }])),
        ...SECURITY_FLAGS,
        metrics: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new ConfigError(e instanceof Error ? e.message : String(e));
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) throw new ConfigError(`unexpected arguments: ${positionals.slice(1).join(' ')}`);
  const command = positionals[0] ?? 'serve';
  if (command !== 'serve' && command !== 'migrate') throw new ConfigError(`unknown command "${command}" (expected serve or migrate)`);

  /** The flag if given, else the environment variable, each with its name for error messages. */
  const flags: Record<string, string | boolean | undefined> = values;
  const pick = (flag: string, envName: string): [string, string] | undefined => {
    const fromFlag = flags[flag];
    if (typeof fromFlag === 'string') return [fromFlag, `--${flag}`];
    const fromEnv = env[envName];
    return fromEnv !== undefined && fromEnv !== '' ? [fromEnv, envName] : undefined;
  };

  const config: RegistryConfig = { ...DEFAULTS };
  const port = pick('port', 'PORT');
  if (port) config.port = parsePort(...port);
  const host = pick('host', 'HOST');
  if (host) config.host = host[0];
  const databaseUrl = pick('database-url', 'DATABASE_URL');
  if (databaseUrl) {
    if (!/^postgres(ql)?:\/\//.test(databaseUrl[0])) throw new ConfigError(`${databaseUrl[1]} must start with postgres:// or postgresql://`);
    config.databaseUrl = databaseUrl[0];
  }
  const dataDir = pick('data-dir', 'DATA_DIR');
  if (dataDir) config.dataDir = dataDir[0];
  const bodyLimit = pick('body-limit', 'BODY_LIMIT');
  if (bodyLimit) config.bodyLimit = parseSize(...bodyLimit);
  const bodyTimeout = pick('body-timeout', 'BODY_TIMEOUT');
  if (bodyTimeout) config.bodyTimeout = parseDuration(...bodyTimeout);
  const level = pick('default-compatibility', 'DEFAULT_COMPATIBILITY');
  if (level) config.defaultCompatibility = parseLevel(...level);
  const logLevel = pick('log-level', 'LOG_LEVEL');
  if (logLevel) config.logLevel = parseLogLevel(...logLevel);
  const workTimeout = pick('schema-work-timeout', 'SCHEMA_WORK_TIMEOUT');
  if (workTimeout) config.schemaWorkTimeoutMs = parseDuration(...workTimeout);
  const maxSchemaSize = pick('max-schema-size', 'MAX_SCHEMA_SIZE');
  if (maxSchemaSize) config.maxSchemaSize = parseSize(...maxSchemaSize);
  config.schemaLimits = { ...DEFAULTS.schemaLimits };
  for (const [key, flag, envName, min] of INTEGER_SETTINGS) {
    const raw = pick(flag, envName);
    if (!raw) continue;
    const n = parseInteger(raw[0], raw[1], min);
    if (key in config.schemaLimits) config.schemaLimits[key as keyof SchemaLimits] = n;
    else config[key as 'schemaWorkers' | 'maxSchemaReferences'] = n;
  }
  config.security = loadSecurityConfig(pick, { integer: parseInteger, duration: parseDuration, error: (m) => new ConfigError(m) });
  config.metrics = values.metrics === true || /^(true|1|yes)$/i.test(env.METRICS ?? '');
  return { command, help: values.help === true, config };
}

/** A URL with its password replaced, safe to log. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '****';
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:****@');
  }
}

/** How the store is named in logs: `postgres <masked url>` or `pglite <dir>`. */
export function describeStore(config: Pick<RegistryConfig, 'databaseUrl' | 'dataDir'>): string {
  return config.databaseUrl ? `postgres ${maskUrl(config.databaseUrl)}` : `pglite ${config.dataDir}`;
}
