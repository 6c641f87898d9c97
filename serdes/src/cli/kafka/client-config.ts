/**
 * Kafka client settings as Kafka's own tools take them (`--command-config FILE` in Java properties form,
 * `--property key=value`), mapped to kafkajs options. The connection settings (security.protocol, SASL, TLS,
 * client.id, timeouts, retries) are the shared ones of `@schemata/serdes/kafka` (../../kafka/connection.ts),
 * which the registry reads too; the producer and consumer settings are listed here. Any other key is
 * refused with the list, so a typo never goes unnoticed. Passwords are added to the command's Secrets so
 * that no message prints them.
 */
import type { ConsumerConfig, KafkaConfig, ProducerConfig } from 'kafkajs';
import { CliError } from '../common.js';
import type { Secrets } from '../common.js';
import { boolSetting as bool, CONNECTION_SETTINGS, ConnectionSettings, intSetting as int, isConnectionSetting, KafkaConfigError } from '../../kafka/connection.js';

/** kafkajs' CompressionTypes.GZIP (the only codec kafkajs carries itself). */
const GZIP = 1;

export interface ClientSettings {
  kafka: Omit<KafkaConfig, 'brokers'> & { brokers?: string[] };
  producer: ProducerConfig;
  consumer: Partial<ConsumerConfig>;
  /** Per-send options: acks (-1 all, 0, 1) and compression. */
  send: { acks?: number; compression?: number; timeout?: number };
}

type Apply = (s: ClientSettings, value: string) => void;

/** The producer and consumer settings (the connection settings come from the shared module). */
const SETTINGS: Record<string, Apply> = {
  'bootstrap.servers': (s, v) => {
    s.kafka.brokers = v.split(',').map((b) => b.trim()).filter(Boolean);
  },
  acks: (s, v) => {
    const a = v.trim().toLowerCase();
    if (a === 'all' || a === '-1') s.send.acks = -1;
    else if (a === '0' || a === '1') s.send.acks = Number(a);
    else throw new KafkaConfigError(`acks must be all, -1, 0 or 1, got ${JSON.stringify(v)}`);
  },
  'compression.type': (s, v) => {
    const c = v.trim().toLowerCase();
    if (c === 'gzip') s.send.compression = GZIP;
    else if (c === 'none') delete s.send.compression;
    else throw new KafkaConfigError(`compression.type must be none or gzip (the codecs kafkajs carries), got ${JSON.stringify(v)}`);
  },
  'enable.idempotence': (s, v) => {
    s.producer.idempotent = bool('enable.idempotence', v);
  },
  'delivery.timeout.ms': (s, v) => {
    s.send.timeout = int('delivery.timeout.ms', v, 1);
  },
  'max.in.flight.requests.per.connection': (s, v) => {
    const n = int('max.in.flight.requests.per.connection', v, 1);
    s.producer.maxInFlightRequests = n;
    s.consumer.maxInFlightRequests = n;
  },
  'group.id': (s, v) => {
    s.consumer.groupId = v;
  },
  'session.timeout.ms': (s, v) => {
    s.consumer.sessionTimeout = int('session.timeout.ms', v, 1);
  },
  'heartbeat.interval.ms': (s, v) => {
    s.consumer.heartbeatInterval = int('heartbeat.interval.ms', v, 1);
  },
  'fetch.max.wait.ms': (s, v) => {
    s.consumer.maxWaitTimeInMs = int('fetch.max.wait.ms', v);
  },
  'fetch.min.bytes': (s, v) => {
    s.consumer.minBytes = int('fetch.min.bytes', v, 1);
  },
  'fetch.max.bytes': (s, v) => {
    s.consumer.maxBytes = int('fetch.max.bytes', v, 1);
  },
  'max.partition.fetch.bytes': (s, v) => {
    s.consumer.maxBytesPerPartition = int('max.partition.fetch.bytes', v, 1);
  },
  'isolation.level': (s, v) => {
    const l = v.trim().toLowerCase();
    if (l !== 'read_committed' && l !== 'read_uncommitted') throw new KafkaConfigError(`isolation.level must be read_committed or read_uncommitted, got ${JSON.stringify(v)}`);
    s.consumer.readUncommitted = l === 'read_uncommitted';
  },
};

/** The setting names the console commands know. */
export const KNOWN_SETTINGS: readonly string[] = [...Object.keys(SETTINGS), ...CONNECTION_SETTINGS].sort();

/**
 * kafkajs settings from `pairs` (the command-config file first, then `--property` values, later ones
 * winning). Throws CliError for an unknown key or a bad value, naming it.
 */
export function clientSettings(pairs: Iterable<[string, string]>, secrets: Secrets): ClientSettings {
  const s: ClientSettings = { kafka: {}, producer: {}, consumer: {}, send: {} };
  const connection = new ConnectionSettings(secrets);
  try {
    for (const [key, value] of pairs) {
      if (isConnectionSetting(key)) {
        connection.set(key, value);
        continue;
      }
      const apply = Object.prototype.hasOwnProperty.call(SETTINGS, key) ? SETTINGS[key] : undefined;
      if (apply === undefined) throw new CliError(`unknown Kafka client setting ${JSON.stringify(key)} (known: ${KNOWN_SETTINGS.join(', ')})`);
      apply(s, value);
    }
    Object.assign(s.kafka, connection.build());
  } catch (e) {
    if (e instanceof KafkaConfigError) throw new CliError(e.message);
    throw e;
  }
  return s;
}
