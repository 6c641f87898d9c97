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
  /** Kafka bootstrap servers: selects the Kafka store (the `_schemas` topic). */
  kafkaBootstrapServers?: string | undefined;
  /** The Kafka store's topic. */
  schemasTopic: string;
  /** Replication factor for the topic when the registry creates it. */
  topicReplicationFactor: number;
  /** The Kafka election's consumer group; undefined: `schemata-<topic>`. */
  kafkaGroupId?: string | undefined;
  /** The Kafka election's session timeout (bounds failover after a primary dies), milliseconds. */
  kafkaSessionTimeoutMs: number;
  /** The URL other registry processes forward writes to; undefined: the listen URL. */
  advertisedUrl?: string | undefined;
  /** Largest accepted request body, bytes (larger: 413). */
  bodyLimit: number;
  defaultCompatibility: CompatibilityLevel;
  logLevel: LogLevel;
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
  schemasTopic: '_schemas',
  topicReplicationFactor: 1,
  kafkaSessionTimeoutMs: 6000,
  bodyLimit: 16 * 1024 * 1024,
  defaultCompatibility: 'BACKWARD',
  logLevel: 'info',
};

export const HELP = `Usage: schema-registry [serve|migrate] [options]

A Confluent-compatible schema registry on PGlite (embedded), Postgres or a Kafka topic.

Commands:
  serve      run the HTTP server (default)
  migrate    apply database migrations (Kafka: create or check the schemas topic) and exit

Options (environment variable in brackets; flags win):
  --port <n>                    listen port [PORT] (default 8081; 0 picks a free port)
  --host <addr>                 listen address [HOST] (default 127.0.0.1)
  --database-url <url>          postgres://… selects Postgres [DATABASE_URL]
  --data-dir <dir>              PGlite data directory when no Postgres URL is given [DATA_DIR] (default ./data)
  --kafka-bootstrap-servers <h:p,…> selects the Kafka store [KAFKA_BOOTSTRAP_SERVERS]
  --schemas-topic <name>        the Kafka store's topic [SCHEMAS_TOPIC] (default _schemas)
  --topic-replication-factor <n> replication factor when creating the topic [KAFKA_TOPIC_REPLICATION_FACTOR] (default 1)
  --kafka-group-id <id>         consumer group electing the primary [KAFKA_GROUP_ID] (default schemata-<topic>)
  --kafka-session-timeout-ms <n> how long a silent primary keeps the role [KAFKA_SESSION_TIMEOUT_MS] (default 6000)
  --advertised-url <url>        where other registry processes forward writes [ADVERTISED_URL] (default: the listen URL)
  --body-limit <size>           largest request body, e.g. 16mb, 512kb, 1048576 [BODY_LIMIT] (default 16mb)
  --default-compatibility <lvl> server default compatibility level [DEFAULT_COMPATIBILITY] (default BACKWARD)
  --log-level <level>           ${LOG_LEVELS.join('|')} [LOG_LEVEL] (default info)
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

function parseCount(raw: string, source: string, min: number, max: number): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) throw new ConfigError(`${source} must be an integer from ${min} to ${max}, got "${raw}"`);
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
        'kafka-bootstrap-servers': { type: 'string' },
        'schemas-topic': { type: 'string' },
        'topic-replication-factor': { type: 'string' },
        'kafka-group-id': { type: 'string' },
        'kafka-session-timeout-ms': { type: 'string' },
        'advertised-url': { type: 'string' },
        'body-limit': { type: 'string' },
        'default-compatibility': { type: 'string' },
        'log-level': { type: 'string' },
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
  const kafka = pick('kafka-bootstrap-servers', 'KAFKA_BOOTSTRAP_SERVERS');
  if (kafka && databaseUrl) throw new ConfigError(`set either DATABASE_URL (${databaseUrl[1]}) or KAFKA_BOOTSTRAP_SERVERS (${kafka[1]}), not both`);
  if (kafka) {
    if (!/^[^\s,:]+:\d+(,[^\s,:]+:\d+)*$/.test(kafka[0])) throw new ConfigError(`${kafka[1]} must be host:port[,host:port…], got "${kafka[0]}"`);
    config.kafkaBootstrapServers = kafka[0];
  }
  const topic = pick('schemas-topic', 'SCHEMAS_TOPIC');
  if (topic) {
    if (!/^[\w.-]{1,249}$/.test(topic[0])) throw new ConfigError(`${topic[1]} must be a Kafka topic name (letters, digits, . _ -), got "${topic[0]}"`);
    config.schemasTopic = topic[0];
  }
  const replication = pick('topic-replication-factor', 'KAFKA_TOPIC_REPLICATION_FACTOR');
  if (replication) config.topicReplicationFactor = parseCount(...replication, 1, 32767);
  const groupId = pick('kafka-group-id', 'KAFKA_GROUP_ID');
  if (groupId) config.kafkaGroupId = groupId[0];
  const session = pick('kafka-session-timeout-ms', 'KAFKA_SESSION_TIMEOUT_MS');
  if (session) config.kafkaSessionTimeoutMs = parseCount(...session, 1000, 3_600_000);
  const advertised = pick('advertised-url', 'ADVERTISED_URL');
  if (advertised) {
    if (!/^https?:\/\/[^\s/]+\/?$/.test(advertised[0])) throw new ConfigError(`${advertised[1]} must be http(s)://host:port, got "${advertised[0]}"`);
    config.advertisedUrl = advertised[0].replace(/\/$/, '');
  }
  const bodyLimit = pick('body-limit', 'BODY_LIMIT');
  if (bodyLimit) config.bodyLimit = parseSize(...bodyLimit);
  const level = pick('default-compatibility', 'DEFAULT_COMPATIBILITY');
  if (level) config.defaultCompatibility = parseLevel(...level);
  const logLevel = pick('log-level', 'LOG_LEVEL');
  if (logLevel) config.logLevel = parseLogLevel(...logLevel);
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

/** How the store is named in logs: `kafka <servers> <topic>`, `postgres <masked url>` or `pglite <dir>`. */
export function describeStore(
  config: Pick<RegistryConfig, 'databaseUrl' | 'dataDir' | 'kafkaBootstrapServers'> & { schemasTopic?: string },
): string {
  if (config.kafkaBootstrapServers) return `kafka ${config.kafkaBootstrapServers} topic ${config.schemasTopic ?? DEFAULTS.schemasTopic}`;
  return config.databaseUrl ? `postgres ${maskUrl(config.databaseUrl)}` : `pglite ${config.dataDir}`;
}

/** The store options a configuration selects (serve and migrate create the same store). */
export function storeOptionsOf(config: RegistryConfig): StoreOptions {
  return {
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    kafkaBootstrapServers: config.kafkaBootstrapServers,
    schemasTopic: config.schemasTopic,
    topicReplicationFactor: config.topicReplicationFactor,
    kafkaGroupId: config.kafkaGroupId,
    kafkaSessionTimeoutMs: config.kafkaSessionTimeoutMs,
  };
}
