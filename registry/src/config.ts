/**
 * Typed configuration from environment variables and command-line flags (flags win). No dependency:
 * node:util parseArgs. Invalid values are reported as ConfigError with a message naming the setting.
 */
import { parseArgs } from 'node:util';
import { COMPATIBILITY_LEVELS, type CompatibilityLevel } from '@schemata/serdes';
import type { StoreOptions } from './store/index.js';

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
  defaultCompatibility: CompatibilityLevel;
  logLevel: LogLevel;
}

export type Command = 'serve' | 'migrate' | 'export' | 'import';

/** What `export FILE` / `import FILE` add to the shared configuration. */
export interface MigrationArgs {
  /** The export file; `-` for stdout (export) or stdin (import). */
  file: string;
  /** No progress and no summary on stderr (errors still go there). */
  quiet: boolean;
}

export interface Invocation {
  command: Command;
  help: boolean;
  config: RegistryConfig;
  /** Present for `export` and `import` only. */
  migration?: MigrationArgs;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export const DEFAULTS: RegistryConfig = {
  port: 8081,
  host: '127.0.0.1',
  dataDir: './data',
  bodyLimit: 16 * 1024 * 1024,
  defaultCompatibility: 'BACKWARD',
  logLevel: 'info',
};

export const HELP = `Usage: schema-registry [serve|migrate] [options]
       schema-registry export|import FILE [--quiet] [options]

A Confluent-compatible schema registry on PGlite (embedded) or Postgres.

Commands:
  serve          run the HTTP server (default)
  migrate        apply database migrations and exit
  export FILE    write the whole registry (ids, versions, soft deletes, references, metadata, rule sets,
                 configs, modes, contexts and id counters) to FILE (- for stdout), from the configured store
  import FILE    read an export (FILE, or - for stdin) into the configured store, ids preserved; refuses,
                 writing nothing, when the file is invalid or the store holds other data under its ids
                 (exit 1). A PGlite data directory is owned by one process: stop its server first.

Options (environment variable in brackets; flags win):
  --port <n>                    listen port [PORT] (default 8081; 0 picks a free port)
  --host <addr>                 listen address [HOST] (default 127.0.0.1)
  --database-url <url>          postgres://… selects Postgres [DATABASE_URL]
  --data-dir <dir>              PGlite data directory when no Postgres URL is given [DATA_DIR] (default ./data)
  --body-limit <size>           largest request body, e.g. 16mb, 512kb, 1048576 [BODY_LIMIT] (default 16mb)
  --default-compatibility <lvl> server default compatibility level [DEFAULT_COMPATIBILITY] (default BACKWARD)
  --log-level <level>           ${LOG_LEVELS.join('|')} [LOG_LEVEL] (default info)
  -q, --quiet                   export/import: no progress or summary on stderr
  -h, --help                    show this help
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
        'default-compatibility': { type: 'string' },
        'log-level': { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new ConfigError(e instanceof Error ? e.message : String(e));
  }
  const { values, positionals } = parsed;
  const command = positionals[0] ?? 'serve';
  if (command !== 'serve' && command !== 'migrate' && command !== 'export' && command !== 'import') {
    throw new ConfigError(`unknown command "${command}" (expected serve, migrate, export or import)`);
  }
  const migrating = command === 'export' || command === 'import';
  if (!migrating && positionals.length > 1) throw new ConfigError(`unexpected arguments: ${positionals.slice(1).join(' ')}`);
  if (!migrating && values.quiet) throw new ConfigError('--quiet applies to export and import only');
  const migration = migrating ? migrationArgs(command, positionals, values) : undefined;

  /** The flag if given, else the environment variable, each with its name for error messages. */
  const pick = (flag: keyof typeof values, envName: string): [string, string] | undefined => {
    const fromFlag = values[flag];
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
  const level = pick('default-compatibility', 'DEFAULT_COMPATIBILITY');
  if (level) config.defaultCompatibility = parseLevel(...level);
  const logLevel = pick('log-level', 'LOG_LEVEL');
  if (logLevel) config.logLevel = parseLogLevel(...logLevel);
  return { command, help: values.help === true, config, ...(migration ? { migration } : {}) };
}

/** `export|import FILE`; undefined only with --help, which needs no FILE. */
function migrationArgs(command: string, positionals: readonly string[], values: { quiet?: boolean | undefined; help?: boolean | undefined }): MigrationArgs | undefined {
  if (positionals.length > 2) throw new ConfigError(`unexpected arguments: ${positionals.slice(2).join(' ')}`);
  const file = positionals[1];
  if (file === undefined || file === '') {
    if (values.help) return undefined;
    throw new ConfigError(`${command} needs a FILE (- for ${command === 'export' ? 'stdout' : 'stdin'})`);
  }
  return { file, quiet: values.quiet === true };
}

/** What the configuration selects as the store, for every command that opens one (serve, migrate, export, import). */
export function storeOptionsOf(config: RegistryConfig): StoreOptions {
  return { databaseUrl: config.databaseUrl, dataDir: config.dataDir };
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
