/**
 * The registry's one way to build a kafkajs client: the Kafka store (readers, writer, admin), its election
 * and the audit sink all connect with the brokers and client settings (TLS, SASL, timeouts) configured
 * once, on top of the registry's own defaults (short connection timeout, a few retries, kafkajs' own
 * logging off: errors reach the registry's log through each caller).
 */
import kafkajs from 'kafkajs';
import type { KafkaClientConfig } from './client-config.js';

// kafkajs is CommonJS: its runtime values come through the default export.
const { Kafka, logLevel } = kafkajs;
export type Kafka = InstanceType<typeof Kafka>;

/** Where the registry's Kafka clients connect, and how. */
export interface KafkaTarget {
  /** `host:port[,host:port…]`. */
  bootstrapServers: string;
  /** TLS, SASL, client.id, timeouts (KAFKA_CLIENT_CONFIG); absent: plaintext with the defaults. */
  client?: KafkaClientConfig | undefined;
}

export interface ClientRole {
  /** The client id unless the settings give `client.id`. */
  clientId: string;
  /** The election's client id carries the member's URL: `client.id` must not replace it. */
  fixedClientId?: boolean;
  /** Retries of one request (default 5); `retries` in the settings wins. */
  retries?: number;
}

export function brokersOf(bootstrapServers: string): string[] {
  return bootstrapServers.split(',').map((b) => b.trim()).filter(Boolean);
}

export function createKafkaClient(target: KafkaTarget, role: ClientRole): Kafka {
  const settings = target.client?.connection() ?? {};
  return new Kafka({
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    ...settings,
    clientId: role.fixedClientId ? role.clientId : (settings.clientId ?? role.clientId),
    brokers: brokersOf(target.bootstrapServers),
    logLevel: logLevel.NOTHING,
    retry: { retries: role.retries ?? 5, initialRetryTime: 300, maxRetryTime: 3_000, ...settings.retry },
  });
}

/** Node's codes for a certificate the client does not trust (or that does not name the broker). */
const UNTRUSTED = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** OpenSSL's codes for the broker's alert that it wants a (different) client certificate. */
const CLIENT_CERT_REFUSED = new Set([
  'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
  'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
  'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN',
]);

const CLIENT_CERT_ALERT = /^ERR_SSL_.*ALERT_(BAD_CERTIFICATE|CERTIFICATE_REQUIRED|UNKNOWN_CA|CERTIFICATE_UNKNOWN)$/;

interface ErrorLike {
  name?: string;
  message?: string;
  code?: string;
  cause?: unknown;
  originalError?: unknown;
}

/** The error and the errors it wraps (kafkajs nests them in `originalError`, Node in `cause`). */
function chain(e: unknown): ErrorLike[] {
  const out: ErrorLike[] = [];
  for (let cur = e; cur && typeof cur === 'object' && out.length < 8; ) {
    const err = cur as ErrorLike;
    out.push(err);
    cur = err.originalError ?? err.cause;
  }
  return out;
}

/**
 * One line saying why Kafka could not be reached, naming the setting to look at when the cause is a refused
 * SASL login, an untrusted broker certificate or a refused client certificate (kafkajs buries them under
 * retry errors); passwords of the client settings masked.
 */
export function explainKafkaError(e: unknown, client?: KafkaClientConfig): string {
  const errors = chain(e);
  const where = client ? ` in ${client.source}` : ' (KAFKA_CLIENT_CONFIG)';
  const sasl = errors.find((x) => x.name === 'KafkaJSSASLAuthenticationError');
  const tls = errors.find((x) => x.code !== undefined && UNTRUSTED.has(x.code));
  // OpenSSL 3.x (Node 24) names the alert "ssl/tls alert …": its code then holds a slash (ERR_SSL_SSL/TLS_ALERT_…).
  const refusedCert = errors.find((x) => x.code !== undefined && (CLIENT_CERT_REFUSED.has(x.code) || CLIENT_CERT_ALERT.test(x.code)));
  let text: string;
  if (sasl) text = `Kafka refused the SASL login (${sasl.message ?? ''}): check sasl.mechanism and the user and password of sasl.jaas.config${where}`;
  else if (tls) text = `the broker's TLS certificate is not trusted (${tls.code}: ${tls.message ?? ''}): check ssl.truststore.location / ssl.ca.location${where}`;
  else if (refusedCert) text = `the broker refused the client certificate (${refusedCert.code}): check ssl.keystore.location or ssl.certificate.location and ssl.key.location${where}`;
  else text = errors.map((x) => x.message ?? String(x)).filter((m, i, all) => m !== '' && all.indexOf(m) === i).join(': ') || String(e);
  return client ? client.redact(text) : text;
}
