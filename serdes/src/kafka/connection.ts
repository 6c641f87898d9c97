/**
 * How a Kafka client reaches the brokers, from Kafka's own client settings (Java properties names):
 * security.protocol, SASL (PLAIN, SCRAM-SHA-256/512 from sasl.jaas.config or sasl.username/password), TLS
 * (PEM files, a PEM truststore, a PKCS#12 or PEM keystore), client.id, timeouts and retries, mapped to
 * kafkajs options. Shared by the console commands (`serdes produce/consume --command-config`) and the
 * registry's Kafka store and audit sink (`KAFKA_CLIENT_CONFIG`), so both read one vocabulary one way.
 *
 * Only the settings in SETTINGS are known; callers refuse any other key. JKS stores cannot be read by Node
 * and are refused with what to do instead. Every password (and the whole JAAS line) is handed to the
 * caller's secret collector, and no message built here contains one.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { KafkaConfig, SASLOptions } from 'kafkajs';

/** A setting refused (unknown, bad value, unreadable file); the message names the setting. */
export class KafkaConfigError extends Error {
  override readonly name = 'KafkaConfigError';
}

/** Where passwords go so that the caller can keep them out of everything it prints. */
export interface SecretCollector {
  add(value: string): void;
}

/** The kafkajs options the connection settings make (no brokers: each caller has its own source). */
export type KafkaConnection = Pick<KafkaConfig, 'clientId' | 'requestTimeout' | 'connectionTimeout' | 'retry' | 'ssl' | 'sasl'>;

export function intSetting(key: string, value: string, min = 0): number {
  if (!/^-?\d+$/.test(value.trim()) || Number(value) < min) throw new KafkaConfigError(`${key} must be an integer ≥ ${min}, got ${JSON.stringify(value)}`);
  return Number(value);
}

export function boolSetting(key: string, value: string): boolean {
  const v = value.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new KafkaConfigError(`${key} must be true or false, got ${JSON.stringify(value)}`);
}

interface Parts {
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

interface Target {
  kafka: KafkaConnection;
  parts: Parts;
  secrets: SecretCollector;
}

/** Sets one setting; `name` is the key as the user wrote it (with a prefix, say), for messages. */
type Apply = (t: Target, value: string, name: string) => void;

const SETTINGS: Record<string, Apply> = {
  'client.id': ({ kafka }, v) => {
    kafka.clientId = v;
  },
  'request.timeout.ms': ({ kafka }, v, name) => {
    kafka.requestTimeout = intSetting(name, v, 1);
  },
  'socket.connection.setup.timeout.ms': ({ kafka }, v, name) => {
    kafka.connectionTimeout = intSetting(name, v, 1);
  },
  retries: ({ kafka }, v, name) => {
    kafka.retry = { ...kafka.retry, retries: intSetting(name, v) };
  },
  'retry.backoff.ms': ({ kafka }, v, name) => {
    kafka.retry = { ...kafka.retry, initialRetryTime: intSetting(name, v, 1) };
  },
  'security.protocol': ({ parts }, v, name) => {
    const p = v.trim().toUpperCase();
    if (!['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'].includes(p)) {
      throw new KafkaConfigError(`${name} must be PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL, got ${JSON.stringify(v)}`);
    }
    parts.protocol = p;
  },
  'sasl.mechanism': ({ parts }, v, name) => {
    const m = v.trim().toUpperCase();
    if (!['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'].includes(m)) {
      throw new KafkaConfigError(`${name} must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512, got ${JSON.stringify(v)}`);
    }
    parts.mechanism = m;
  },
  'sasl.jaas.config': ({ parts, secrets }, v, name) => {
    secrets.add(v);
    const user = /\busername\s*=\s*"((?:[^"\\]|\\.)*)"/.exec(v);
    const pass = /\bpassword\s*=\s*"((?:[^"\\]|\\.)*)"/.exec(v);
    if (!user || !pass) {
      throw new KafkaConfigError(`${name} must give username="…" and password="…" (PlainLoginModule or ScramLoginModule)`);
    }
    parts.username = user[1]!.replace(/\\(.)/g, '$1');
    parts.password = pass[1]!.replace(/\\(.)/g, '$1');
    secrets.add(parts.password);
  },
  'sasl.username': ({ parts }, v) => {
    parts.username = v;
  },
  'sasl.password': ({ parts, secrets }, v) => {
    parts.password = v;
    secrets.add(v);
  },
  'ssl.ca.location': ({ parts }, v) => {
    parts.ca = v;
  },
  'ssl.truststore.location': ({ parts }, v) => {
    parts.truststoreLocation = v;
  },
  'ssl.truststore.type': ({ parts }, v) => {
    parts.truststoreType = v.trim().toUpperCase();
  },
  'ssl.truststore.password': ({ secrets }, v) => {
    secrets.add(v); // PEM truststores have no password; accepted so that Java configs load unchanged.
  },
  'ssl.certificate.location': ({ parts }, v) => {
    parts.cert = v;
  },
  'ssl.key.location': ({ parts }, v) => {
    parts.key = v;
  },
  'ssl.key.password': ({ parts, secrets }, v) => {
    parts.keyPassword = v;
    secrets.add(v);
  },
  'ssl.keystore.location': ({ parts }, v) => {
    parts.keystoreLocation = v;
  },
  'ssl.keystore.type': ({ parts }, v) => {
    parts.keystoreType = v.trim().toUpperCase();
  },
  'ssl.keystore.password': ({ parts, secrets }, v) => {
    parts.keystorePassword = v;
    secrets.add(v);
  },
  'ssl.endpoint.identification.algorithm': ({ parts }, v, name) => {
    const a = v.trim().toLowerCase();
    if (a !== '' && a !== 'https') throw new KafkaConfigError(`${name} must be https or empty (no host name check), got ${JSON.stringify(v)}`);
    parts.noHostnameCheck = a === '';
  },
};

/** The connection setting names, sorted. */
export const CONNECTION_SETTINGS: readonly string[] = Object.keys(SETTINGS).sort();

export function isConnectionSetting(key: string): boolean {
  return Object.prototype.hasOwnProperty.call(SETTINGS, key);
}

/**
 * Collects connection settings one by one (later ones win) and builds the kafkajs options from them,
 * checking that they fit together (TLS files without TLS, SASL without credentials, …).
 */
export class ConnectionSettings {
  private readonly target: Target;
  /** How each key was written, for messages about settings given together. */
  private readonly names = new Map<string, string>();

  constructor(secrets: SecretCollector) {
    this.target = { kafka: {}, parts: {}, secrets };
  }

  /** Applies `key` (a name in CONNECTION_SETTINGS); `name` is how the user wrote it. */
  set(key: string, value: string, name = key): void {
    const apply = isConnectionSetting(key) ? SETTINGS[key] : undefined;
    if (apply === undefined) throw new KafkaConfigError(`unknown Kafka connection setting ${JSON.stringify(name)}`);
    this.names.set(key, name);
    apply(this.target, value, name);
  }

  private name(key: string): string {
    return this.names.get(key) ?? key;
  }

  /** The kafkajs options; throws KafkaConfigError when the settings do not fit together or a file is unreadable. */
  build(): KafkaConnection {
    const { kafka, parts } = this.target;
    const out: KafkaConnection = { ...kafka };
    const protocol = parts.protocol ?? (parts.mechanism !== undefined || parts.username !== undefined ? 'SASL_PLAINTEXT' : 'PLAINTEXT');
    const protocolName = this.name('security.protocol');
    if (protocol === 'SSL' || protocol === 'SASL_SSL') {
      const o = this.tlsOptions();
      out.ssl = Object.keys(o).length > 0 ? o : true;
    } else if (parts.ca !== undefined || parts.cert !== undefined || parts.keystoreLocation !== undefined || parts.truststoreLocation !== undefined) {
      throw new KafkaConfigError(`TLS files are set but ${protocolName} is ${protocol}: set ${protocolName}=SSL or SASL_SSL`);
    }
    if (protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL') {
      if (parts.username === undefined || parts.password === undefined) {
        throw new KafkaConfigError(`${protocolName} ${protocol} needs credentials: ${this.name('sasl.jaas.config')} (or sasl.username and sasl.password)`);
      }
      const mechanism = (parts.mechanism ?? 'PLAIN').toLowerCase() as 'plain' | 'scram-sha-256' | 'scram-sha-512';
      out.sasl = { mechanism, username: parts.username, password: parts.password } as SASLOptions;
    } else if (parts.username !== undefined || parts.mechanism !== undefined) {
      throw new KafkaConfigError(`SASL settings are set but ${protocolName} is ${protocol}: set ${protocolName}=SASL_PLAINTEXT or SASL_SSL`);
    }
    return out;
  }

  private read(key: string, file: string): string;
  private read(key: string, file: string, binary: true): Buffer;
  private read(key: string, file: string, binary?: true): string | Buffer {
    try {
      return binary ? readFileSync(file) : readFileSync(file, 'utf8');
    } catch (e) {
      throw new KafkaConfigError(`cannot read ${this.name(key)} ${file}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private tlsOptions(): ConnectionOptions {
    const t = this.target.parts;
    const o: ConnectionOptions = {};
    if (t.truststoreLocation !== undefined) {
      if (t.truststoreType !== 'PEM') {
        throw new KafkaConfigError(
          `${this.name('ssl.truststore.location')}: only PEM truststores can be read here (set ssl.truststore.type=PEM, or give the CA certificates as ssl.ca.location); JKS and PKCS12 truststores: export them with keytool -exportcert -rfc`,
        );
      }
      o.ca = this.read('ssl.truststore.location', t.truststoreLocation);
    }
    if (t.ca !== undefined) o.ca = this.read('ssl.ca.location', t.ca);
    if (t.keystoreLocation !== undefined) {
      if (t.keystoreType === 'PKCS12') {
        o.pfx = this.read('ssl.keystore.location', t.keystoreLocation, true);
        if (t.keystorePassword !== undefined) o.passphrase = t.keystorePassword;
      } else if (t.keystoreType === 'PEM') {
        const pem = this.read('ssl.keystore.location', t.keystoreLocation);
        o.cert = pem;
        o.key = pem;
        if (t.keyPassword !== undefined) o.passphrase = t.keyPassword;
      } else {
        throw new KafkaConfigError(
          `${this.name('ssl.keystore.location')}: set ssl.keystore.type to PKCS12 or PEM (JKS keystores cannot be read by Node: convert with keytool -importkeystore -deststoretype PKCS12)`,
        );
      }
    }
    if (t.cert !== undefined) o.cert = this.read('ssl.certificate.location', t.cert);
    if (t.key !== undefined) o.key = this.read('ssl.key.location', t.key);
    if (t.keyPassword !== undefined && o.pfx === undefined) o.passphrase = t.keyPassword;
    if (t.noHostnameCheck) o.checkServerIdentity = () => undefined;
    return o;
  }
}
