/**
 * The Store on a Kafka `_schemas` topic in Confluent's format (see records.ts).
 *
 * - Every process reads the topic to its end before `open()` resolves, then follows it (reader.ts); reads are
 *   served from the in-memory view (view.ts), also while the broker is away.
 * - One process, the primary, writes; it is elected through Kafka's group coordinator (election.ts).
 *   `write` elsewhere throws NotPrimaryError and the HTTP layer forwards the request to the primary.
 * - Before its first write, and after any failed write, the primary fences every other producer of the
 *   topic (writer.ts) and reads to the end offset, so it allocates ids from a view that holds every record
 *   ever committed. Writes are serialized in the process; each waits until the reader has applied its own
 *   records, so the next one sees them.
 * - The DEK registry's KEKs and DEKs live in a second topic, Confluent's `_dek_registry_keys`
 *   (key-records.ts), read the same way into a KeyView; a write transaction commits to both topics at once.
 */
import type { Message } from 'kafkajs';
import { operationTimeout, RegistryError, storeError } from '../../core/errors.js';
import { NotPrimaryError, type Replication, type Store, type StoreEvent, type StoreWriter } from '../store.js';
import { createKafkaClient, explainKafkaError, type Kafka } from './client.js';
import type { KafkaClientConfig } from './client-config.js';
import { Election, type Role } from './election.js';
import {
  decodeConfigValue,
  decodeDeleteSubjectValue,
  decodeKey,
  decodeModeValue,
  decodeSchemaValue,
  MalformedRecord,
} from './records.js';
import { decodeDekValue, decodeKekValue, decodeKeyRecordKey, DEFAULT_KEYS_TOPIC } from './key-records.js';
import { KeyView } from './key-view.js';
import { TopicReader, type TopicRecord } from './reader.js';
import { ensureSchemasTopic } from './topic.js';
import { KafkaTransaction } from './transaction.js';
import { ViewReader } from './view-reader.js';
import { RefusedRecord, SchemaView, type ViewRecord } from './view.js';
import { TransactionalWriter } from './writer.js';

export interface KafkaStoreOptions {
  /** `host:port[,host:port…]`. */
  bootstrapServers: string;
  /** TLS, SASL, client.id, timeouts (KAFKA_CLIENT_CONFIG); absent: plaintext. */
  client?: KafkaClientConfig | undefined;
  topic: string;
  /** The DEK registry's topic (default `_dek_registry_keys`, as Confluent's `dek.registry.topic`). */
  keysTopic?: string;
  replicationFactor: number;
  /** The election's consumer group (default `schemata-<topic>`). */
  groupId?: string;
  /** How long the group coordinator waits for a silent member (a killed primary) before electing anew. */
  sessionTimeoutMs: number;
  /** How long a write may take before it is answered 50002. */
  writeTimeoutMs?: number;
  onError?: (message: string, err: unknown) => void;
  onInfo?: (message: string) => void;
}

export const DEFAULT_SESSION_TIMEOUT_MS = 6_000;

export class KafkaStore extends ViewReader implements Store, Replication {
  readonly kind = 'kafka';
  readonly exclusive = false;
  readonly replication: Replication = this;
  private readonly listeners: ((event: StoreEvent) => void)[] = [];
  private readonly kafka: Kafka;
  private readonly reader: TopicReader;
  private readonly keysReader: TopicReader;
  private readonly keysTopic: string;
  private readonly writer: TransactionalWriter;
  private readonly election: Election;
  private opened: Promise<void> | undefined;
  /** Held while a write transaction has its records applied to the view: readers and the reader wait. */
  private gate: Promise<void> | undefined;
  /** Serializes this process's writes. */
  private writeChain: Promise<unknown> = Promise.resolve();
  /** The producer must fence and the view catch up before the next write (first write, after an error). */
  private mustSync = true;
  private closed = false;

  constructor(private readonly options: KafkaStoreOptions) {
    super(new SchemaView(), new KeyView());
    this.keysTopic = options.keysTopic ?? DEFAULT_KEYS_TOPIC;
    const onError = options.onError ?? (() => {});
    const target = { bootstrapServers: options.bootstrapServers, client: options.client };
    this.kafka = createKafkaClient(target, { clientId: 'schemata-registry' });
    this.view.onPurge = (context, id) => {
      for (const l of this.listeners) l({ kind: 'schemaPurged', context, id });
    };
    // Both readers hold their batches while a write transaction has its records applied to the views.
    const readerOf = (topic: string, onRecord: (r: TopicRecord) => void) =>
      new TopicReader(this.kafka, {
        topic,
        onRecord,
        beforeBatch: async () => {
          while (this.gate) await this.gate;
        },
        onError,
      });
    this.reader = readerOf(options.topic, (m) => this.applyMessage(m));
    this.keysReader = readerOf(this.keysTopic, (m) => this.applyKeyMessage(m));
    this.writer = new TransactionalWriter(this.kafka, {
      topic: options.topic,
      transactionalId: `schemata-${options.topic}`,
      transactionTimeoutMs: 10_000,
    });
    this.election = new Election((clientId) => createKafkaClient(target, { clientId, fixedClientId: true }), {
      groupId: options.groupId ?? `schemata-${options.topic}`,
      topic: options.topic,
      sessionTimeoutMs: options.sessionTimeoutMs,
      onRole: (role) => this.roleChanged(role),
      onError,
    });
  }

  protected override ready(): Promise<void> | undefined {
    return this.gate;
  }

  /** Ensures the topic, reads it to its end offset; retries (logging) while the broker is unreachable. */
  open(): Promise<void> {
    this.opened ??= this.load();
    return this.opened;
  }

  private async load(): Promise<void> {
    // Each reader starts once: retrying both after one of them failed would leave the other running twice.
    const startedReaders = new Set<TopicReader>();
    while (!this.closed) {
      const admin = this.kafka.admin();
      try {
        await admin.connect();
        await Promise.all([this.options.topic, this.keysTopic].map((t) => ensureSchemasTopic(admin, t, this.options.replicationFactor)));
        await Promise.all(
          [this.reader, this.keysReader]
            .filter((r) => !startedReaders.has(r))
            .map(async (r) => {
              await r.start();
              startedReaders.add(r);
            }),
        );
        const started = Date.now();
        for (const [reader, topic] of [[this.reader, this.options.topic], [this.keysReader, this.keysTopic]] as const) {
          const end = await this.endOffset(admin, topic);
          while (!(await reader.waitFor(end, 5_000))) {
            this.options.onInfo?.(`reading ${topic}: at offset ${reader.position()} of ${end} (${Math.round((Date.now() - started) / 1000)} s)`);
          }
        }
        this.view.indexInBackground();
        return;
      } catch (e) {
        if ((e as Error).name === 'TopicConfigError') throw e;
        this.options.onError?.(`cannot load the schemas topic from ${this.options.bootstrapServers} yet; retrying: ${explainKafkaError(e, this.options.client)}`, e);
        await new Promise((r) => setTimeout(r, 1_000));
      } finally {
        await admin.disconnect().catch(() => {});
      }
    }
  }

  private async endOffset(admin: ReturnType<Kafka['admin']>, topic: string): Promise<number> {
    const [p] = await admin.fetchTopicOffsets(topic);
    return Number(p?.high ?? 0);
  }

  /** Decodes and applies one record; anything unreadable or conflicting is logged and skipped. */
  private applyMessage(m: TopicRecord): void {
    const ts = m.timestamp;
    try {
      const key = decodeKey(m.key);
      if (!key) {
        this.options.onError?.(`skipped a record with an unknown keytype at offset ${m.offset}`, undefined);
        return;
      }
      const raw = m.value || null; // an empty value is a tombstone too
      let record: ViewRecord;
      switch (key.keytype) {
        case 'SCHEMA':
          record = { key, value: raw && decodeSchemaValue(raw), ts };
          break;
        case 'CONFIG':
          record = { key, value: raw && decodeConfigValue(raw), ts };
          break;
        case 'MODE':
          record = { key, value: raw && decodeModeValue(raw), ts };
          break;
        case 'DELETE_SUBJECT':
          record = { key, value: raw && decodeDeleteSubjectValue(raw), ts };
          break;
        default:
          record = { key, value: raw, ts };
      }
      this.view.load(record);
    } catch (e) {
      if (!(e instanceof MalformedRecord || e instanceof RefusedRecord)) throw e;
      this.options.onError?.(`skipped the record at offset ${m.offset} of ${this.options.topic}: ${e.message}`, undefined);
    }
  }

  /** Decodes and applies one record of the keys topic; anything unreadable is logged and skipped. */
  private applyKeyMessage(m: TopicRecord): void {
    const ts = m.timestamp;
    try {
      const key = decodeKeyRecordKey(m.key);
      if (!key) return;
      const raw = m.value || null; // an empty value is a tombstone too
      if (key.type === 'KEK') this.keys.apply({ key, value: raw === null ? null : decodeKekValue(raw, ts) });
      else this.keys.apply({ key, value: raw === null ? null : decodeDekValue(raw, ts) });
    } catch (e) {
      if (!(e instanceof MalformedRecord)) throw e;
      this.options.onError?.(`skipped the record at offset ${m.offset} of ${this.keysTopic}: ${e.message}`, undefined);
    }
  }

  // ---- replication ---------------------------------------------------------------------------------

  position(): number {
    return this.reader.position();
  }

  waitFor(target: number, timeoutMs: number): Promise<boolean> {
    return this.reader.waitFor(target, timeoutMs);
  }

  /** Both topics' positions, `schemas.keys`. */
  token(): string {
    return `${this.reader.position()}.${this.keysReader.position()}`;
  }

  async waitForToken(token: string, timeoutMs: number): Promise<boolean> {
    const m = /^(\d+)(?:\.(\d+))?$/.exec(token);
    if (!m) return true;
    const [schemas, keys] = await Promise.all([
      this.reader.waitFor(Number(m[1]), timeoutMs),
      m[2] === undefined ? true : this.keysReader.waitFor(Number(m[2]), timeoutMs),
    ]);
    return schemas && keys;
  }

  join(url: string): Promise<void> {
    return this.election.join(url);
  }

  private roleChanged(role: Role): void {
    if (!role.primary) {
      // A deposed primary drops its producer; were it to write anyway, the broker would refuse it.
      this.mustSync = true;
      void this.writer.reset();
    }
    this.options.onInfo?.(role.primary ? 'this process is the primary' : `the primary is ${role.primaryUrl ?? 'unknown'}`);
  }

  // ---- writes --------------------------------------------------------------------------------------

  write<T>(fn: (tx: StoreWriter) => Promise<T>): Promise<T> {
    const run = this.writeChain.then(() => this.writeOnce(fn));
    this.writeChain = run.catch(() => {});
    return run;
  }

  private async writeOnce<T>(fn: (tx: StoreWriter) => Promise<T>): Promise<T> {
    if (!this.election.role.primary) throw new NotPrimaryError(this.election.role.primaryUrl);
    const deadline = Date.now() + (this.options.writeTimeoutMs ?? 15_000);
    if (this.mustSync) await this.sync(deadline);

    const tx = new KafkaTransaction(this.view, this.keys);
    let release!: () => void;
    this.gate = new Promise((r) => (release = r));
    let result: T;
    try {
      result = await fn(tx);
    } finally {
      tx.undo();
      this.gate = undefined;
      release();
    }
    const raise = () => {
      for (const [context, maxId] of tx.raisedCounters) this.view.raiseMaxId(context, maxId);
    };
    if (tx.records.length === 0 && tx.keyRecords.length === 0) {
      raise();
      return result;
    }

    // A version's record carries its registration time as the record timestamp: the reader's `ts`.
    const toMessages = (records: typeof tx.records): Message[] => records.map((r) => ({ key: r.key, value: r.value, timestamp: String(r.timestamp) }));
    let last: number;
    let keysLast: number;
    try {
      [last, keysLast] = (await this.writer.commitTo([
        { topic: this.options.topic, messages: toMessages(tx.records) },
        { topic: this.keysTopic, messages: toMessages(tx.keyRecords) },
      ])) as [number, number];
    } catch (e) {
      this.mustSync = true;
      await this.writer.reset();
      if (isFenced(e)) this.deposed();
      throw storeError(`Error while writing to the Kafka topic ${this.options.topic}: ${kafkaMessage(e)}`);
    }
    const readBack = await Promise.all([
      this.reader.waitFor(last + 1, Math.max(1_000, deadline - Date.now())),
      this.keysReader.waitFor(keysLast + 1, Math.max(1_000, deadline - Date.now())),
    ]);
    if (!readBack.every(Boolean)) {
      this.mustSync = true;
      throw operationTimeout(`The write was committed to ${this.options.topic} but not read back in time`);
    }
    raise();
    return result;
  }

  /** Fences older producers, then reads to the end: the view then holds everything ever committed. */
  private async sync(deadline: number): Promise<void> {
    try {
      await withTimeout(this.writer.fence(), deadline - Date.now());
      const admin = this.kafka.admin();
      await admin.connect();
      try {
        for (const [reader, topic] of [[this.reader, this.options.topic], [this.keysReader, this.keysTopic]] as const) {
          const end = await this.endOffset(admin, topic);
          if (!(await reader.waitFor(end, Math.max(1, deadline - Date.now())))) throw new Error(`timed out reading to the end of ${topic}`);
        }
      } finally {
        await admin.disconnect().catch(() => {});
      }
      this.mustSync = false;
    } catch (e) {
      await this.writer.reset();
      if (e instanceof RegistryError) throw e;
      if (isFenced(e)) this.deposed();
      throw storeError(`Kafka is not available for writes (${this.options.bootstrapServers}): ${kafkaMessage(e)}`);
    }
  }

  /**
   * Another producer fenced ours: we are not the writer, whatever the last generation said. Stop writing and
   * rejoin the group, so the coordinator names a leader again (it may be us, if the other was a zombie).
   */
  private deposed(): void {
    this.election.stepDown();
    this.election.rejoin();
  }

  onEvent(listener: (event: StoreEvent) => void): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.election.stop();
    await this.writer.reset();
    await this.reader.stop();
    await this.keysReader.stop();
  }

  /** For logs and the benchmark. */
  stats(): ReturnType<SchemaView['size']> & ReturnType<KeyView['size']> & { position: number } {
    return { ...this.view.size(), ...this.keys.size(), position: this.reader.position() };
  }
}

function kafkaMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** True when the broker refused us because a newer producer holds the transactional id (kafkajs may wrap it). */
function isFenced(e: unknown, depth = 0): boolean {
  if (!e || typeof e !== 'object' || depth > 5) return false;
  const err = e as { type?: string; message?: string; cause?: unknown; originalError?: unknown };
  if (err.type === 'INVALID_PRODUCER_EPOCH' || err.type === 'PRODUCER_FENCED') return true;
  if (/fence|epoch/i.test(err.message ?? '')) return true;
  return isFenced(err.cause, depth + 1) || isFenced(err.originalError, depth + 1);
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(operationTimeout('Timed out waiting for Kafka')), Math.max(1, ms));
    }),
  ]);
}
