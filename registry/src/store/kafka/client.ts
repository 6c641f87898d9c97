/**
 * The registry's one way to build a kafkajs client: the Kafka store (readers, writer, admin), its election
 * and the audit sink all connect with the brokers and client settings (TLS, SASL, timeouts) configured
 * once, on top of the registry's own defaults (short connection timeout, a few retries, kafkajs' own
 * logging off: errors reach the registry's log through each caller).
 */
import { createRequire } from 'node:module';
import kafkajs, { type Cluster, type KafkaMessage } from 'kafkajs';
import type { KafkaClientConfig } from './client-config.js';
import { receiveInto, type ReceiveBuffers } from './fetch-receiver.js';
import type { AbortedTransaction } from './record-batches.js';

// kafkajs is CommonJS: its runtime values come through the default export.
const { Kafka, logLevel } = kafkajs;
export type Kafka = InstanceType<typeof Kafka>;
export type KafkaCluster = Cluster;

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

// ---- group-less reading (reader.ts) ----------------------------------------------------------------
// kafkajs has no public API to fetch a partition without a consumer group. Its consumer is built on a
// Cluster (connections, metadata) that each client creates through a private factory, and on Batch, which
// drops aborted transactions' records and commit markers from a fetch response. kafkajs 2.2.4 is its last
// release (the lockfile pins it), so these internals do not move; both are checked when first used.

const CREATE_CLUSTER = 'private:Kafka:createCluster';

/** A cluster of `kafka`'s brokers and settings (TLS, SASL, timeouts) that fetches read_committed. */
export function createCluster(kafka: Kafka): KafkaCluster {
  const key = Object.getOwnPropertySymbols(kafka).find((s) => s.description === CREATE_CLUSTER);
  const factory = key && (kafka as unknown as Record<symbol, unknown>)[key];
  if (typeof factory !== 'function') throw new Error(`this kafkajs has no ${CREATE_CLUSTER}: the Kafka store's reader needs kafkajs 2.2.x`);
  return factory({ metadataMaxAge: 300_000, allowAutoTopicCreation: false, isolationLevel: 1 }) as KafkaCluster;
}

/** The part of a partition's fetch response kafkajs' Batch reads. */
export interface FetchedPartition {
  partition: number;
  highWatermark: string;
  abortedTransactions: unknown[];
  messages: KafkaMessage[];
}

export interface PartitionBatch {
  /** The records to apply: committed, no commit markers. */
  messages: KafkaMessage[];
  /** Every record the fetch returned at or past the requested offset (markers and aborted ones too). */
  messagesWithinOffset: KafkaMessage[];
}

const require = createRequire(import.meta.url);
let BatchClass: (new (topic: string, fetchedOffset: string, data: FetchedPartition) => PartitionBatch) | undefined;

export function createBatch(topic: string, fetchedOffset: number, data: FetchedPartition): PartitionBatch {
  BatchClass ??= require('kafkajs/src/consumer/batch') as NonNullable<typeof BatchClass>;
  return new BatchClass(topic, String(fetchedOffset), data);
}

// ---- fetching without decoding (reader.ts, record-batches.ts) ----------------------------------------
// The reader sends kafkajs' own Fetch request through the broker's connection pool, with a response
// decoder of its own that leaves each partition's record set as bytes (Fetch v11, the version kafkajs
// uses with any broker since Kafka 2.3); errors are still raised by kafkajs' response parser.

/** One partition of a Fetch response, its records undecoded. */
export interface RawPartition {
  partition: number;
  errorCode: number;
  highWatermark: string;
  abortedTransactions: AbortedTransaction[];
  /** The record set's bytes (a view into the response). */
  records: Buffer;
}

export interface FetchArgs {
  topic: string;
  offset: number;
  maxBytes: number;
  maxWaitTime: number;
  /** Where large responses are assembled (the caller releases `records` once read); absent: kafkajs' framing. */
  buffers?: ReceiveBuffers;
}

interface ProtocolRequest {
  request: { apiVersion: number };
  response: { decode(raw: Buffer): Promise<unknown>; parse(data: unknown): Promise<unknown> };
}

interface BrokerInternals {
  lookupRequest(apiKey: number, definition: unknown): (args: Record<string, unknown>) => ProtocolRequest;
  connectionPool: { getConnectionByRequest(request: ProtocolRequest): Promise<{ send(request: ProtocolRequest): Promise<unknown> }> };
  disconnect(): Promise<void>;
}

interface KafkajsDecoder {
  readInt16(): number;
  readInt32(): number;
  readInt64(): { toString(): string };
  readString(): string;
  readBytes(length: number): Buffer;
  readArray<T>(reader: (d: KafkajsDecoder) => T): T[];
}

const RAW_FETCH_VERSION = 11;
let fetchInternals: { Fetch: unknown; apiKey: number; parse(data: unknown): Promise<unknown>; Decoder: new (b: Buffer) => KafkajsDecoder } | undefined;

function internals(): NonNullable<typeof fetchInternals> {
  fetchInternals ??= {
    Fetch: (require('kafkajs/src/protocol/requests') as { requests: { Fetch: unknown } }).requests.Fetch,
    apiKey: (require('kafkajs/src/protocol/requests/apiKeys') as { Fetch: number }).Fetch,
    parse: (require('kafkajs/src/protocol/requests/fetch/v11/response') as { parse(data: unknown): Promise<unknown> }).parse,
    Decoder: require('kafkajs/src/protocol/decoder') as new (b: Buffer) => KafkajsDecoder,
  };
  return fetchInternals;
}

const EMPTY = Buffer.alloc(0);

/** Fetch v11's response with each record set left as bytes. */
async function decodeRawFetch(raw: Buffer): Promise<unknown> {
  const d = new (internals().Decoder)(raw);
  const throttleTime = d.readInt32();
  const errorCode = d.readInt16();
  const sessionId = d.readInt32();
  const responses = d.readArray((t) => ({
    topicName: t.readString(),
    partitions: t.readArray((p): RawPartition => {
      const partition = p.readInt32();
      const errorCode = p.readInt16();
      const highWatermark = p.readInt64().toString();
      p.readInt64(); // last stable offset
      p.readInt64(); // log start offset
      const abortedTransactions = p.readArray((a) => ({ producerId: a.readInt64().toString(), firstOffset: a.readInt64().toString() }));
      p.readInt32(); // preferred read replica
      const size = p.readInt32();
      return { partition, errorCode, highWatermark, abortedTransactions, records: size > 0 ? p.readBytes(size) : EMPTY };
    }),
  }));
  return { throttleTime: 0, clientSideThrottleTime: throttleTime, errorCode, sessionId, responses };
}

/**
 * Fetches partition 0 of a topic from `broker` (read_committed). Undefined when the broker negotiated a
 * Fetch version other than v11: the caller then uses kafkajs' own fetch.
 */
export async function fetchRaw(broker: unknown, args: FetchArgs): Promise<RawPartition | null | undefined> {
  const b = broker as BrokerInternals;
  const { Fetch, apiKey, parse } = internals();
  const protocol = b.lookupRequest(apiKey, Fetch)({
    isolationLevel: 1, // READ_COMMITTED
    maxWaitTime: args.maxWaitTime,
    minBytes: 1,
    maxBytes: args.maxBytes,
    topics: [{ topic: args.topic, partitions: [{ partition: 0, fetchOffset: String(args.offset), maxBytes: args.maxBytes }] }],
  });
  if (protocol.request.apiVersion !== RAW_FETCH_VERSION) return undefined;
  protocol.response = { decode: decodeRawFetch, parse };
  let data: { responses: { topicName: string; partitions: RawPartition[] }[] };
  try {
    // What the pool's send does, with the connection's large responses assembled in the reader's buffers.
    const connection = await b.connectionPool.getConnectionByRequest(protocol);
    if (args.buffers) receiveInto(connection, args.buffers);
    data = (await connection.send(protocol)) as typeof data;
  } catch (e) {
    // As kafkajs' Broker does: a closed connection is dropped, the next request reconnects.
    if ((e as Error).name === 'KafkaJSConnectionClosedError') await b.disconnect();
    throw e;
  }
  return data.responses.find((r) => r.topicName === args.topic)?.partitions.find((p) => p.partition === 0) ?? null;
}

/** kafkajs' decoding of a record set (the reader's fallback for batches record-batches.ts does not read). */
export function decodeRecordSet(records: Buffer): Promise<KafkaMessage[]> {
  const decodeMessages = require('kafkajs/src/protocol/requests/fetch/v4/decodeMessages') as (d: KafkajsDecoder) => Promise<KafkaMessage[]>;
  const sized = Buffer.allocUnsafe(4 + records.length);
  sized.writeInt32BE(records.length, 0);
  records.copy(sized, 4);
  return decodeMessages(new (internals().Decoder)(sized));
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
