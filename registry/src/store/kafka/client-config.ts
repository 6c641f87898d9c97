/**
 * The registry's Kafka client settings (TLS, SASL, client.id, timeouts) for the Kafka store, its election
 * and the audit sink: a Java properties file (`KAFKA_CLIENT_CONFIG` / `--kafka-client-config`) and
 * Confluent's Docker variables `SCHEMA_REGISTRY_KAFKASTORE_<SETTING>` (later wins). Keys are Kafka's client
 * setting names, bare (`security.protocol`) or with Confluent's `kafkastore.` prefix, so a fragment of a
 * Confluent `schema-registry.properties` loads unchanged. The vocabulary and its mapping to kafkajs are
 * shared with the console commands (`@schemata/serdes/kafka`).
 *
 * The result holds passwords: it prints as its source and the setting names only (JSON, inspect, strings).
 */
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { CONNECTION_SETTINGS, ConnectionSettings, isConnectionSetting, KafkaConfigError, parseProperties, type KafkaConnection } from '@schemata/serdes/kafka';

const PREFIX = 'kafkastore.';
const ENV_PREFIX = 'SCHEMA_REGISTRY_KAFKASTORE_';

/** Confluent's `kafkastore.*` settings that the registry takes elsewhere: where to put them. */
const ELSEWHERE: Record<string, string> = {
  'bootstrap.servers': 'KAFKA_BOOTSTRAP_SERVERS (--kafka-bootstrap-servers)',
  topic: 'SCHEMAS_TOPIC (--schemas-topic)',
  'topic.replication.factor': 'KAFKA_TOPIC_REPLICATION_FACTOR (--topic-replication-factor)',
  'group.id': 'KAFKA_GROUP_ID (--kafka-group-id)',
};

const MASK = '****';

/** Kafka client settings with their passwords; shows only where they came from and which keys were set. */
export class KafkaClientConfig {
  readonly #connection: KafkaConnection;
  readonly #secrets: readonly string[];

  constructor(
    /** Where the settings came from, e.g. `KAFKA_CLIENT_CONFIG /etc/sr/kafka.properties`. */
    readonly source: string,
    /** The setting names given (without values). */
    readonly keys: readonly string[],
    connection: KafkaConnection,
    secrets: readonly string[],
  ) {
    this.#connection = connection;
    this.#secrets = secrets;
  }

  /** The kafkajs options (with the credentials): only for the code that builds clients. */
  connection(): KafkaConnection {
    return this.#connection;
  }

  /** `text` with every password of these settings masked (for messages quoting a broker's answer). */
  redact(text: string): string {
    let out = text;
    for (const s of [...this.#secrets].sort((a, b) => b.length - a.length)) if (s.length > 0) out = out.split(s).join(MASK);
    return out;
  }

  toJSON(): { source: string; keys: readonly string[] } {
    return { source: this.source, keys: this.keys };
  }

  toString(): string {
    return `Kafka client settings from ${this.source}`;
  }

  [inspect.custom](): string {
    return `KafkaClientConfig(${this.source}: ${this.keys.join(', ')})`;
  }
}

/** One setting as given: the key as written, where it came from (for messages), the value. */
interface Given {
  name: string;
  where: string;
  value: string;
}

function settingOf(name: string): string {
  return name.startsWith(PREFIX) ? name.slice(PREFIX.length) : name;
}

function refuse(where: string, name: string, key: string): never {
  const elsewhere = ELSEWHERE[key];
  const hint = elsewhere !== undefined ? `: the registry takes it as ${elsewhere}` : ` (known, bare or with the ${PREFIX} prefix: ${CONNECTION_SETTINGS.join(', ')})`;
  throw new KafkaConfigError(`${where}: unknown Kafka client setting ${JSON.stringify(name)}${hint}`);
}

/**
 * `SCHEMA_REGISTRY_KAFKASTORE_SASL_JAAS_CONFIG` → `sasl.jaas.config` (Confluent's images map `_` to `.`).
 * An empty variable counts: `…_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM=` is how host name checks are turned off.
 */
function fromEnv(env: NodeJS.ProcessEnv): Given[] {
  return Object.keys(env)
    .filter((k) => k.startsWith(ENV_PREFIX) && env[k] !== undefined)
    .sort()
    .map((k) => ({ name: k, where: k, value: env[k]! }));
}

/**
 * The settings of `file` (`[path, how it was given]`, e.g. `['/x.properties', 'KAFKA_CLIENT_CONFIG']`) and
 * of the environment; undefined when neither gives any. Throws KafkaConfigError naming the setting (and
 * never its value when it is a password) for an unknown key, a bad value or an unreadable file.
 */
export function loadKafkaClientConfig(file: [string, string] | undefined, env: NodeJS.ProcessEnv): KafkaClientConfig | undefined {
  const given: Given[] = [];
  const sources: string[] = [];
  if (file) {
    let text: string;
    try {
      text = readFileSync(file[0], 'utf8');
    } catch (e) {
      throw new KafkaConfigError(`${file[1]}: cannot read ${file[0]} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    for (const [name, value] of parseProperties(text)) given.push({ name, where: `${file[1]} ${file[0]}`, value });
    sources.push(`${file[1]} ${file[0]}`);
  }
  const envGiven = fromEnv(env);
  if (envGiven.length > 0) sources.push(`${ENV_PREFIX}* variables`);
  if (given.length === 0 && envGiven.length === 0) return file ? new KafkaClientConfig(sources.join(', '), [], {}, []) : undefined;

  const secrets: string[] = [];
  const settings = new ConnectionSettings({ add: (v) => secrets.push(v) });
  const keys: string[] = [];
  for (const g of [...given, ...envGiven]) {
    const isEnv = g.where === g.name;
    const key = isEnv ? g.name.slice(ENV_PREFIX.length).toLowerCase().replace(/_/g, '.') : settingOf(g.name);
    if (!isConnectionSetting(key)) refuse(g.where, g.name, key);
    try {
      settings.set(key, g.value, g.name);
    } catch (e) {
      throw new KafkaConfigError(`${isEnv ? '' : `${g.where}: `}${(e as Error).message}`);
    }
    keys.push(g.name);
  }
  const where = sources.join(', ');
  try {
    return new KafkaClientConfig(where, keys, settings.build(), secrets);
  } catch (e) {
    throw new KafkaConfigError(`${where}: ${(e as Error).message}`);
  }
}
