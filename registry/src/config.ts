/**
 * Typed configuration from environment variables and command-line flags (flags win). No dependency:
 * node:util parseArgs. Invalid values are reported as ConfigError with a message naming the setting.
 */
import { parseArgs } from 'node:util';
import { availableParallelism } from 'node:os';
import { COMPATIBILITY_LEVELS, DEFAULT_SCHEMA_LIMITS, type CompatibilityLevel, type SchemaLimits } from '@schemata/serdes';
import { readFileSync } from 'node:fs';
import { Secret } from './core/dek-registry/secret.js';
import type { StoreOptions } from './store/index.js';
import { KafkaConfigError } from '@schemata/serdes/kafka';
import { loadKafkaClientConfig, type KafkaClientConfig } from './store/kafka/client-config.js';
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
  /** Kafka bootstrap servers: selects the Kafka store (the `_schemas` topic). */
  kafkaBootstrapServers?: string | undefined;
  /** TLS, SASL, client.id and timeouts of the registry's Kafka clients (prints without its passwords). */
  kafkaClient?: KafkaClientConfig | undefined;
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
  /** Milliseconds a request body may take to arrive whole (then 408, or the connection is closed). */
  bodyTimeout: number;
  defaultCompatibility: CompatibilityLevel;
  logLevel: LogLevel;
  /** Workers for parsing and compatibility checks (0: all on the event loop). */
  schemaWorkers: number;
  /** Time budget of one schema operation on a worker, ms (422/42209 past it). */
  schemaWorkTimeoutMs: number;
  /** Schema workers as child processes (the default) or as threads of this process. */
  schemaWorkIsolation: 'thread' | 'process';
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
  /** The DEK registry's Kafka topic (Confluent's `dek.registry.topic`). */
  dekRegistryTopic: string;
  /** The local KMS secret for shared KEKs of kmsType local-kms (masked when printed or logged). */
  localKmsSecret?: Secret | undefined;
  /** Serve the web UI at `/ui/`. */
  ui: boolean;
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
  schemasTopic: '_schemas',
  topicReplicationFactor: 1,
  kafkaSessionTimeoutMs: 6000,
  bodyLimit: 16 * 1024 * 1024,
  bodyTimeout: 60_000,
  defaultCompatibility: 'BACKWARD',
  logLevel: 'info',
  schemaWorkers: Math.min(availableParallelism(), 4),
  schemaWorkTimeoutMs: 10_000,
  schemaWorkIsolation: 'process',
  maxSchemaSize: 8 * 1024 * 1024,
  maxSchemaReferences: 2_000,
  schemaLimits: { ...DEFAULT_SCHEMA_LIMITS },
  security: SECURITY_DEFAULTS,
  metrics: false,
  dekRegistryTopic: '_dek_registry_keys',
  ui: true,
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
       schema-registry export|import FILE [--quiet] [options]

A Confluent-compatible schema registry on PGlite (embedded), Postgres or a Kafka topic.

Commands:
  serve          run the HTTP server (default)
  migrate        apply database migrations (Kafka: create or check the schemas topic) and exit
  export FILE    write the whole registry (ids, versions, soft deletes, references, metadata, rule sets,
                 configs, modes, contexts and id counters) to FILE (- for stdout), from the configured store
  import FILE    read an export (FILE, or - for stdin) into the configured store, ids preserved; refuses,
                 writing nothing, when the file is invalid or the store holds other data under its ids
                 (exit 1). A PGlite data directory is owned by one process: stop its server first.
  user           add or remove a user of HTTP Basic authentication (schema-registry user --help)

Options (environment variable in brackets; flags win):
  --port <n>                    listen port [PORT] (default 8081; 0 picks a free port)
  --host <addr>                 listen address [HOST] (default 127.0.0.1)
  --database-url <url>          postgres://… selects Postgres [DATABASE_URL]
  --data-dir <dir>              PGlite data directory when no Postgres URL is given [DATA_DIR] (default ./data)
  --kafka-bootstrap-servers <h:p,…> selects the Kafka store [KAFKA_BOOTSTRAP_SERVERS]
  --kafka-client-config <file>  Kafka client settings in Java properties form: security.protocol,
                                sasl.mechanism (PLAIN, SCRAM-SHA-256/512), sasl.jaas.config, ssl.* (PEM,
                                PKCS12), client.id, timeouts; bare or with Confluent's kafkastore. prefix
                                [KAFKA_CLIENT_CONFIG]; also [SCHEMA_REGISTRY_KAFKASTORE_<SETTING>] variables
                                (e.g. ..._SASL_JAAS_CONFIG), which win over the file
  --schemas-topic <name>        the Kafka store's topic [SCHEMAS_TOPIC] (default _schemas)
  --topic-replication-factor <n> replication factor when creating the topic [KAFKA_TOPIC_REPLICATION_FACTOR] (default 1)
  --kafka-group-id <id>         consumer group electing the primary [KAFKA_GROUP_ID] (default schemata-<topic>)
  --kafka-session-timeout-ms <n> how long a silent primary keeps the role [KAFKA_SESSION_TIMEOUT_MS] (default 6000)
  --dek-registry-topic <name>   the Kafka store's DEK registry topic [DEK_REGISTRY_TOPIC] (default _dek_registry_keys)
  --advertised-url <url>        where other registry processes forward writes [ADVERTISED_URL] (default: the listen URL)
  --body-limit <size>           largest request body, e.g. 16mb, 512kb, 1048576 [BODY_LIMIT] (default 16mb)
  --body-timeout <time>         time a request body may take to arrive, e.g. 60s, 500ms [BODY_TIMEOUT] (default 60s)
  --default-compatibility <lvl> server default compatibility level [DEFAULT_COMPATIBILITY] (default BACKWARD)
  --log-level <level>           ${LOG_LEVELS.join('|')} [LOG_LEVEL] (default info)
  --metrics                     serve Prometheus metrics at /metrics [METRICS=true] (default off)
  --ui-enabled <bool>           serve the web UI at /ui/ [UI_ENABLED] (default true)
  -q, --quiet                   export/import: no progress or summary on stderr

DEK registry (client-side field encryption; the registry unwraps keys only for shared KEKs):
  [LOCAL_KMS_SECRET]            the secret of the local KMS (kmsType local-kms); never logged
  --local-kms-secret-file <f>   read that secret from a file instead [LOCAL_KMS_SECRET_FILE]

Schema work (parsing and compatibility checks run on workers, each under a time budget):
  --schema-workers <n>          workers, 0 = none [SCHEMA_WORKERS] (default: cores, at most 4)
  --schema-work-timeout <time> budget of one parse or check, e.g. 10s, 500ms [SCHEMA_WORK_TIMEOUT] (default 10s)
  --schema-work-isolation <thread|process> workers as threads or child processes [SCHEMA_WORK_ISOLATION] (default process)
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

function parseCount(raw: string, source: string, min: number, max: number): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) throw new ConfigError(`${source} must be an integer from ${min} to ${max}, got "${raw}"`);
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

function parseBoolean(raw: string, source: string): boolean {
  if (/^(true|1|yes|on)$/i.test(raw.trim())) return true;
  if (/^(false|0|no|off)$/i.test(raw.trim())) return false;
  throw new ConfigError(`${source} must be true or false, got "${raw}"`);
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
        'kafka-client-config': { type: 'string' },
        'schemas-topic': { type: 'string' },
        'topic-replication-factor': { type: 'string' },
        'kafka-group-id': { type: 'string' },
        'kafka-session-timeout-ms': { type: 'string' },
        'advertised-url': { type: 'string' },
        'dek-registry-topic': { type: 'string' },
        'local-kms-secret-file': { type: 'string' },
        'body-limit': { type: 'string' },
        'body-timeout': { type: 'string' },
        'default-compatibility': { type: 'string' },
        'log-level': { type: 'string' },
        'max-schema-size': { type: 'string' },
        'schema-work-timeout': { type: 'string' },
        'schema-work-isolation': { type: 'string' },
        ...Object.fromEntries(INTEGER_SETTINGS.map(([, flag]) => [flag, { type: 'string' as const }])),
        quiet: { type: 'boolean', short: 'q' },
        ...SECURITY_FLAGS,
        metrics: { type: 'boolean' },
        'ui-enabled': { type: 'string' },
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
  const kafka = pick('kafka-bootstrap-servers', 'KAFKA_BOOTSTRAP_SERVERS');
  if (kafka && databaseUrl) throw new ConfigError(`set either DATABASE_URL (${databaseUrl[1]}) or KAFKA_BOOTSTRAP_SERVERS (${kafka[1]}), not both`);
  if (kafka) {
    if (!/^[^\s,:]+:\d+(,[^\s,:]+:\d+)*$/.test(kafka[0])) throw new ConfigError(`${kafka[1]} must be host:port[,host:port…], got "${kafka[0]}"`);
    config.kafkaBootstrapServers = kafka[0];
  }
  config.kafkaClient = kafkaClientConfig(pick('kafka-client-config', 'KAFKA_CLIENT_CONFIG'), env, config.kafkaBootstrapServers);
  const topicName = (flag: string, envName: string): string | undefined => {
    const topic = pick(flag, envName);
    if (topic && !/^[\w.-]{1,249}$/.test(topic[0])) throw new ConfigError(`${topic[1]} must be a Kafka topic name (letters, digits, . _ -), got "${topic[0]}"`);
    return topic?.[0];
  };
  config.schemasTopic = topicName('schemas-topic', 'SCHEMAS_TOPIC') ?? config.schemasTopic;
  config.dekRegistryTopic = topicName('dek-registry-topic', 'DEK_REGISTRY_TOPIC') ?? config.dekRegistryTopic;
  config.localKmsSecret = localKmsSecret(pick('local-kms-secret-file', 'LOCAL_KMS_SECRET_FILE'), env.LOCAL_KMS_SECRET);
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
  const bodyTimeout = pick('body-timeout', 'BODY_TIMEOUT');
  if (bodyTimeout) config.bodyTimeout = parseDuration(...bodyTimeout);
  const level = pick('default-compatibility', 'DEFAULT_COMPATIBILITY');
  if (level) config.defaultCompatibility = parseLevel(...level);
  const logLevel = pick('log-level', 'LOG_LEVEL');
  if (logLevel) config.logLevel = parseLogLevel(...logLevel);
  const workTimeout = pick('schema-work-timeout', 'SCHEMA_WORK_TIMEOUT');
  if (workTimeout) config.schemaWorkTimeoutMs = parseDuration(...workTimeout);
  const isolation = pick('schema-work-isolation', 'SCHEMA_WORK_ISOLATION');
  if (isolation) {
    if (isolation[0] !== 'thread' && isolation[0] !== 'process') throw new ConfigError(`${isolation[1]} must be thread or process, got "${isolation[0]}"`);
    config.schemaWorkIsolation = isolation[0];
  }
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
  const kafkaTarget = config.kafkaBootstrapServers ? { bootstrapServers: config.kafkaBootstrapServers, client: config.kafkaClient } : undefined;
  config.security = loadSecurityConfig(pick, { integer: parseInteger, duration: parseDuration, error: (m) => new ConfigError(m) }, kafkaTarget);
  config.metrics = values.metrics === true || /^(true|1|yes)$/i.test(env.METRICS ?? '');
  const ui = pick('ui-enabled', 'UI_ENABLED');
  if (ui) config.ui = parseBoolean(...ui);
  return { command, help: values.help === true, config, ...(migration ? { migration } : {}) };
}

/** The local KMS secret: from a file (trailing newline dropped) or LOCAL_KMS_SECRET; errors never show it. */
function localKmsSecret(file: [string, string] | undefined, fromEnv: string | undefined): Secret | undefined {
  if (file) {
    let text: string;
    try {
      text = readFileSync(file[0], 'utf8').replace(/\r?\n$/, '');
    } catch (e) {
      throw new ConfigError(`${file[1]}: cannot read ${file[0]} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (text === '') throw new ConfigError(`${file[1]}: ${file[0]} is empty`);
    return new Secret(text);
  }
  return fromEnv !== undefined && fromEnv !== '' ? new Secret(fromEnv) : undefined;
}

/** The Kafka client settings (file and SCHEMA_REGISTRY_KAFKASTORE_* variables); they need the Kafka store. */
function kafkaClientConfig(file: [string, string] | undefined, env: NodeJS.ProcessEnv, bootstrapServers: string | undefined): KafkaClientConfig | undefined {
  let client: KafkaClientConfig | undefined;
  try {
    client = loadKafkaClientConfig(file, env);
  } catch (e) {
    if (e instanceof KafkaConfigError) throw new ConfigError(e.message);
    throw e;
  }
  if (client && !bootstrapServers) throw new ConfigError(`${client.source} needs the Kafka store (KAFKA_BOOTSTRAP_SERVERS)`);
  return client;
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
  config: Pick<RegistryConfig, 'databaseUrl' | 'dataDir' | 'kafkaBootstrapServers'> & { schemasTopic?: string; kafkaClient?: KafkaClientConfig | undefined },
): string {
  if (config.kafkaBootstrapServers) {
    const client = config.kafkaClient ? `, client settings from ${config.kafkaClient.source}` : '';
    return `kafka ${config.kafkaBootstrapServers} topic ${config.schemasTopic ?? DEFAULTS.schemasTopic}${client}`;
  }
  return config.databaseUrl ? `postgres ${maskUrl(config.databaseUrl)}` : `pglite ${config.dataDir}`;
}

/** What the configuration selects as the store, for every command that opens one (serve, migrate, export, import). */
export function storeOptionsOf(config: RegistryConfig): StoreOptions {
  return {
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    kafkaBootstrapServers: config.kafkaBootstrapServers,
    kafkaClient: config.kafkaClient,
    schemasTopic: config.schemasTopic,
    dekRegistryTopic: config.dekRegistryTopic,
    topicReplicationFactor: config.topicReplicationFactor,
    kafkaGroupId: config.kafkaGroupId,
    kafkaSessionTimeoutMs: config.kafkaSessionTimeoutMs,
  };
}
