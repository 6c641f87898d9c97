/**
 * Kafka client settings as Kafka's own tools take them (`--command-config FILE` in Java properties form,
 * `--property key=value`), mapped to kafkajs options. Only the settings listed in SETTINGS are known; any
 * other key is refused with the list, so a typo never goes unnoticed. TLS material is read from PEM files
 * (or a PKCS#12 keystore); JKS stores cannot be read by Node and are refused with what to do instead.
 * Passwords are added to the command's Secrets so that no message prints them.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { ConsumerConfig, KafkaConfig, ProducerConfig, SASLOptions } from 'kafkajs';
import { CliError } from '../common.js';
import type { Secrets } from '../common.js';

/** kafkajs' CompressionTypes.GZIP (the only codec kafkajs carries itself). */
const GZIP = 1;

export interface ClientSettings {
  kafka: Omit<KafkaConfig, 'brokers'> & { brokers?: string[] };
  producer: ProducerConfig;
  consumer: Partial<ConsumerConfig>;
  /** Per-send options: acks (-1 all, 0, 1) and compression. */
  send: { acks?: number; compression?: number; timeout?: number };
}

type Apply = (s: ClientSettings, value: string, ctx: { secrets: Secrets; tls: TlsParts }) => void;

interface TlsParts {
  protocol?: string;
  mechanism?: string;
  username?: string;
  password?: string;
  ca?: string;
  truststoreType?: string;
  truststoreLocation?: string;
  cert?: string;
  key?: string;
  keyPassword?: string;
  keystoreType?: string;
  keystoreLocation?: string;
  keystorePassword?: string;
  noHostnameCheck?: boolean;
}

function int(key: string, value: string, min = 0): number {
  if (!/^-?\d+$/.test(value.trim()) || Number(value) < min) throw new CliError(`${key} must be an integer ≥ ${min}, got ${JSON.stringify(value)}`);
  return Number(value);
}

function bool(key: string, value: string): boolean {
  const v = value.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new CliError(`${key} must be true or false, got ${JSON.stringify(value)}`);
}

/** Every known setting, with what it sets. */
const SETTINGS: Record<string, Apply> = {
  'bootstrap.servers': (s, v) => {
    s.kafka.brokers = v.split(',').map((b) => b.trim()).filter(Boolean);
  },
  'client.id': (s, v) => {
    s.kafka.clientId = v;
  },
  'request.timeout.ms': (s, v) => {
    s.kafka.requestTimeout = int('request.timeout.ms', v, 1);
  },
  'socket.connection.setup.timeout.ms': (s, v) => {
    s.kafka.connectionTimeout = int('socket.connection.setup.timeout.ms', v, 1);
  },
  retries: (s, v) => {
    s.kafka.retry = { ...s.kafka.retry, retries: int('retries', v) };
  },
  'retry.backoff.ms': (s, v) => {
    s.kafka.retry = { ...s.kafka.retry, initialRetryTime: int('retry.backoff.ms', v, 1) };
  },
  'security.protocol': (_s, v, { tls }) => {
    const p = v.trim().toUpperCase();
    if (!['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'].includes(p)) {
      throw new CliError(`security.protocol must be PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL, got ${JSON.stringify(v)}`);
    }
    tls.protocol = p;
  },
  'sasl.mechanism': (_s, v, { tls }) => {
    const m = v.trim().toUpperCase();
    if (!['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'].includes(m)) {
      throw new CliError(`sasl.mechanism must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512, got ${JSON.stringify(v)}`);
    }
    tls.mechanism = m;
  },
  'sasl.jaas.config': (_s, v, { tls, secrets }) => {
    const user = /\busername\s*=\s*"((?:[^"\\]|\\.)*)"/.exec(v);
    const pass = /\bpassword\s*=\s*"((?:[^"\\]|\\.)*)"/.exec(v);
    if (!user || !pass) {
      throw new CliError('sasl.jaas.config must give username="…" and password="…" (PlainLoginModule or ScramLoginModule)');
    }
    tls.username = user[1]!.replace(/\\(.)/g, '$1');
    tls.password = pass[1]!.replace(/\\(.)/g, '$1');
    secrets.add(tls.password);
    secrets.add(v);
  },
  'sasl.username': (_s, v, { tls }) => {
    tls.username = v;
  },
  'sasl.password': (_s, v, { tls, secrets }) => {
    tls.password = v;
    secrets.add(v);
  },
  'ssl.ca.location': (_s, v, { tls }) => {
    tls.ca = v;
  },
  'ssl.truststore.location': (_s, v, { tls }) => {
    tls.truststoreLocation = v;
  },
  'ssl.truststore.type': (_s, v, { tls }) => {
    tls.truststoreType = v.trim().toUpperCase();
  },
  'ssl.truststore.password': (_s, v, { secrets }) => {
    secrets.add(v); // PEM truststores have no password; accepted so that Java configs load unchanged.
  },
  'ssl.certificate.location': (_s, v, { tls }) => {
    tls.cert = v;
  },
  'ssl.key.location': (_s, v, { tls }) => {
    tls.key = v;
  },
  'ssl.key.password': (_s, v, { tls, secrets }) => {
    tls.keyPassword = v;
    secrets.add(v);
  },
  'ssl.keystore.location': (_s, v, { tls }) => {
    tls.keystoreLocation = v;
  },
  'ssl.keystore.type': (_s, v, { tls }) => {
    tls.keystoreType = v.trim().toUpperCase();
  },
  'ssl.keystore.password': (_s, v, { tls, secrets }) => {
    tls.keystorePassword = v;
    secrets.add(v);
  },
  'ssl.endpoint.identification.algorithm': (_s, v, { tls }) => {
    tls.noHostnameCheck = v.trim() === '';
  },
  acks: (s, v) => {
    const a = v.trim().toLowerCase();
    if (a === 'all' || a === '-1') s.send.acks = -1;
    else if (a === '0' || a === '1') s.send.acks = Number(a);
    else throw new CliError(`acks must be all, -1, 0 or 1, got ${JSON.stringify(v)}`);
  },
  'compression.type': (s, v) => {
    const c = v.trim().toLowerCase();
    if (c === 'gzip') s.send.compression = GZIP;
    else if (c === 'none') delete s.send.compression;
    else throw new CliError(`compression.type must be none or gzip (the codecs kafkajs carries), got ${JSON.stringify(v)}`);
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
    if (l !== 'read_committed' && l !== 'read_uncommitted') throw new CliError(`isolation.level must be read_committed or read_uncommitted, got ${JSON.stringify(v)}`);
    s.consumer.readUncommitted = l === 'read_uncommitted';
  },
};

/** The setting names the console commands know. */
export const KNOWN_SETTINGS: readonly string[] = Object.keys(SETTINGS).sort();

function readPem(what: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${what} ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function tlsOptions(t: TlsParts): ConnectionOptions {
  const o: ConnectionOptions = {};
  if (t.truststoreLocation !== undefined) {
    if (t.truststoreType !== 'PEM') {
      throw new CliError(
        `ssl.truststore.location: only PEM truststores can be read here (set ssl.truststore.type=PEM, or give the CA certificates as ssl.ca.location); JKS and PKCS12 truststores: export them with keytool -exportcert -rfc`,
      );
    }
    o.ca = readPem('ssl.truststore.location', t.truststoreLocation);
  }
  if (t.ca !== undefined) o.ca = readPem('ssl.ca.location', t.ca);
  if (t.keystoreLocation !== undefined) {
    if (t.keystoreType === 'PKCS12') {
      try {
        o.pfx = readFileSync(t.keystoreLocation);
      } catch (e) {
        throw new CliError(`cannot read ssl.keystore.location ${t.keystoreLocation}: ${e instanceof Error ? e.message : String(e)}`);
      }
      if (t.keystorePassword !== undefined) o.passphrase = t.keystorePassword;
    } else if (t.keystoreType === 'PEM') {
      const pem = readPem('ssl.keystore.location', t.keystoreLocation);
      o.cert = pem;
      o.key = pem;
      if (t.keyPassword !== undefined) o.passphrase = t.keyPassword;
    } else {
      throw new CliError('ssl.keystore.location: set ssl.keystore.type to PKCS12 or PEM (JKS keystores cannot be read by Node: convert with keytool -importkeystore -deststoretype PKCS12)');
    }
  }
  if (t.cert !== undefined) o.cert = readPem('ssl.certificate.location', t.cert);
  if (t.key !== undefined) o.key = readPem('ssl.key.location', t.key);
  if (t.keyPassword !== undefined && o.pfx === undefined) o.passphrase = t.keyPassword;
  if (t.noHostnameCheck) o.checkServerIdentity = () => undefined;
  return o;
}

/**
 * kafkajs settings from `pairs` (the command-config file first, then `--property` values, later ones
 * winning). Throws CliError for an unknown key or a bad value, naming it.
 */
export function clientSettings(pairs: Iterable<[string, string]>, secrets: Secrets): ClientSettings {
  const s: ClientSettings = { kafka: {}, producer: {}, consumer: {}, send: {} };
  const tls: TlsParts = {};
  for (const [key, value] of pairs) {
    const apply = Object.prototype.hasOwnProperty.call(SETTINGS, key) ? SETTINGS[key] : undefined;
    if (apply === undefined) throw new CliError(`unknown Kafka client setting ${JSON.stringify(key)} (known: ${KNOWN_SETTINGS.join(', ')})`);
    apply(s, value, { secrets, tls });
  }
  const protocol = tls.protocol ?? (tls.mechanism !== undefined || tls.username !== undefined ? 'SASL_PLAINTEXT' : 'PLAINTEXT');
  if (protocol === 'SSL' || protocol === 'SASL_SSL') {
    const o = tlsOptions(tls);
    s.kafka.ssl = Object.keys(o).length > 0 ? o : true;
  } else if (tls.ca !== undefined || tls.cert !== undefined || tls.keystoreLocation !== undefined || tls.truststoreLocation !== undefined) {
    throw new CliError(`TLS files are set but security.protocol is ${protocol}: set security.protocol=SSL or SASL_SSL`);
  }
  if (protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL') {
    if (tls.username === undefined || tls.password === undefined) {
      throw new CliError(`security.protocol ${protocol} needs credentials: sasl.jaas.config (or sasl.username and sasl.password)`);
    }
    const mechanism = (tls.mechanism ?? 'PLAIN').toLowerCase() as 'plain' | 'scram-sha-256' | 'scram-sha-512';
    s.kafka.sasl = { mechanism, username: tls.username, password: tls.password } as SASLOptions;
  } else if (tls.username !== undefined || tls.mechanism !== undefined) {
    throw new CliError(`SASL settings are set but security.protocol is ${protocol}: set security.protocol=SASL_PLAINTEXT or SASL_SSL`);
  }
  return s;
}
