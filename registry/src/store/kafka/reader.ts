/**
 * Follows one partition of a topic (`_schemas`, `_dek_registry_keys`) from offset 0, read_committed (a
 * deposed primary's aborted transactions are never seen), handing each record in order to `onRecord` and
 * tracking the position (the offset after the last record, commit markers included).
 *
 * No consumer group: like Confluent's KafkaStoreReaderThread (which assigns the partition), the reader
 * sends fetch requests to the partition's leader itself, from the offset it holds. A group would cost a
 * join and sync at every start (and, on a broker with the default `group.initial.rebalance.delay.ms`,
 * three seconds' wait for other members) and heartbeats afterwards, for nothing: there is one partition
 * and every process reads all of it. kafkajs offers no public group-less fetch, so this uses its cluster
 * and batch classes (client.ts), which its consumer is built on.
 *
 * Records are read straight from the fetch response's bytes and applied one at a time (record-batches.ts);
 * kafkajs decodes the rare fetch that holds compressed or old-format batches. The first fetch is small, so
 * applying starts early; the next fetch is sent before a fetch's records are applied, so the broker's
 * answer travels meanwhile. Any failure (broker away, leader moved) is logged and the reader fetches again from its
 * position after a pause: the position only ever moves past applied records.
 */
import type { KafkaMessage } from 'kafkajs';
import { createBatch, createCluster, decodeRecordSet, fetchRaw, type FetchedPartition, type Kafka, type KafkaCluster, type PartitionBatch } from './client.js';
import { ReceiveBuffers, REUSE_FROM } from './fetch-receiver.js';
import { nextOffset, readRecordBatches, UnsupportedBatches } from './record-batches.js';

/** One record as the reader hands it over: its key and value as text (null: none). */
export interface TopicRecord {
  offset: number;
  /** Milliseconds since the epoch. */
  timestamp: number;
  key: string | null;
  value: string | null;
}

export interface ReaderOptions {
  topic: string;
  /** Called for each record, in offset order, before the position moves past it. */
  onRecord(record: TopicRecord): void;
  /** Awaited before each batch is applied (the store holds batches while a write transaction runs). */
  beforeBatch(): Promise<void>;
  onError(message: string, err: unknown): void;
}

/** Bytes one fetch may return (the broker still returns a first record batch larger than this whole). */
const FETCH_MAX_BYTES = 16 << 20;
/** The first fetch's: its records are applied while the larger second fetch travels. */
const FIRST_FETCH_MAX_BYTES = 1 << 20;
/** How long the broker holds a fetch that finds nothing new (the follower's delay is at most this). */
const FETCH_MAX_WAIT_MS = 500;
const RETRY_PAUSE_MS = 1_000;

interface Fetched {
  /** Where to fetch next: past the fetch's last record (markers and aborted records included). */
  next: number;
  /** Calls `each` with the fetch's committed records at or past the offset it was made from. */
  visit(each: (record: TopicRecord) => void): void;
  /** Called once the records were visited: the response's buffer may be reused. */
  done(): void;
}

const NOTHING: Fetched['visit'] = () => {};

export class TopicReader {
  private cluster: KafkaCluster | undefined;
  private next = 0;
  private fetches = 0;
  private waiters: { target: number; resolve: (ok: boolean) => void; timer: NodeJS.Timeout }[] = [];
  private stopped = false;
  private running: Promise<void> | undefined;
  private pause: { timer: NodeJS.Timeout; wake: () => void } | undefined;
  /** Where large fetch responses are assembled (fetch-receiver.ts): kept while catching up, then let go. */
  private readonly buffers = new ReceiveBuffers();

  constructor(
    private readonly kafka: Kafka,
    private readonly options: ReaderOptions,
  ) {}

  /** The offset of the next record to read: everything before it has been applied. */
  position(): number {
    return this.next;
  }

  /** Connects and loads the topic's metadata (throws while the broker is unreachable), then follows it. */
  async start(): Promise<void> {
    this.stopped = false;
    // A start that failed half-way must not leave a connection behind.
    await this.cluster?.disconnect().catch(() => {});
    const cluster = createCluster(this.kafka);
    this.cluster = cluster;
    await cluster.connect();
    await cluster.addTargetTopic(this.options.topic);
    this.running ??= this.follow().finally(() => (this.running = undefined));
  }

  private async follow(): Promise<void> {
    let pending: Promise<Fetched> | undefined;
    while (!this.stopped) {
      try {
        const fetched = await (pending ?? this.fetch(this.next));
        pending = undefined;
        if (this.stopped) break;
        // Ask for what follows before applying this batch (a failed request surfaces on its await).
        if (fetched.next > this.next) {
          pending = this.fetch(fetched.next);
          pending.catch(() => {});
        }
        await this.options.beforeBatch();
        const from = this.next;
        fetched.visit((r) => {
          if (r.offset >= from) this.options.onRecord(r);
        });
        fetched.done();
        this.advance(fetched.next);
      } catch (e) {
        pending = undefined;
        if (this.stopped) break;
        this.options.onError(`Kafka topic reader of ${this.options.topic} failed; reading again from offset ${this.next}`, e);
        await this.sleep(RETRY_PAUSE_MS);
        await this.cluster?.refreshMetadata().catch(() => {});
      }
    }
  }

  /** One fetch from `offset` at the partition's leader: the offset after it and its records. */
  private async fetch(offset: number): Promise<Fetched> {
    const cluster = this.cluster!;
    const { topic } = this.options;
    const maxBytes = this.fetches++ === 0 ? FIRST_FETCH_MAX_BYTES : FETCH_MAX_BYTES;
    await cluster.refreshMetadataIfNecessary();
    const leader = cluster.findTopicPartitionMetadata(topic).find((p) => p.partitionId === 0)?.leader;
    if (leader === undefined || leader < 0) throw new Error(`partition 0 of ${topic} has no leader`);
    const broker = await cluster.findBroker({ nodeId: String(leader) });
    const raw = await fetchRaw(broker, { topic, offset, maxBytes, maxWaitTime: FETCH_MAX_WAIT_MS, buffers: this.buffers });
    if (raw === null) return { next: offset, visit: NOTHING, done: this.caughtUp };
    if (raw === undefined) return this.fetchDecoded(broker, offset, maxBytes);
    const { records, abortedTransactions } = raw;
    // A small response means the reader has caught up: the kept buffers go. A large one's buffer is reused
    // once its records are strings (nothing points into it afterwards; kafkajs' decoding below copies).
    const done = records.length < REUSE_FROM ? this.caughtUp : () => this.buffers.release(records);
    try {
      const next = nextOffset(records, offset);
      return {
        next,
        visit: (each) => readRecordBatches(records, offset, abortedTransactions, (o, timestamp, key, value) => each({ offset: o, timestamp, key, value })),
        done,
      };
    } catch (e) {
      if (!(e instanceof UnsupportedBatches)) throw e;
      const messages = await decodeRecordSet(records);
      done();
      return decoded(createBatch(topic, offset, { partition: 0, highWatermark: raw.highWatermark, abortedTransactions, messages }), offset);
    }
  }

  private readonly caughtUp = () => this.buffers.trim();

  /** The same through kafkajs' own fetch and decoding (a broker that negotiated another Fetch version). */
  private async fetchDecoded(broker: Awaited<ReturnType<KafkaCluster['findBroker']>>, offset: number, maxBytes: number): Promise<Fetched> {
    const { topic } = this.options;
    const { responses } = (await broker.fetch({
      isolationLevel: 1, // READ_COMMITTED
      maxWaitTime: FETCH_MAX_WAIT_MS,
      minBytes: 1,
      maxBytes,
      topics: [{ topic, partitions: [{ partition: 0, fetchOffset: String(offset), maxBytes }] }],
    })) as { responses: { topicName: string; partitions: FetchedPartition[] }[] };
    const data = responses.find((r) => r.topicName === topic)?.partitions.find((p) => p.partition === 0);
    return data ? decoded(createBatch(topic, offset, data), offset) : { next: offset, visit: NOTHING, done: () => {} };
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.pause = undefined;
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.pause = { timer, wake };
    });
  }

  private advance(to: number): void {
    if (to <= this.next) return;
    this.next = to;
    const done = this.waiters.filter((w) => w.target <= to);
    if (done.length === 0) return;
    this.waiters = this.waiters.filter((w) => w.target > to);
    for (const w of done) {
      clearTimeout(w.timer);
      w.resolve(true);
    }
  }

  /** Resolves true once the position reaches `target`, false after `timeoutMs`. */
  waitFor(target: number, timeoutMs: number): Promise<boolean> {
    if (this.next >= target) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.timer !== timer);
        resolve(false);
      }, timeoutMs);
      this.waiters.push({ target, resolve, timer });
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.pause?.wake();
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.resolve(false);
    }
    this.waiters = [];
    await this.cluster?.disconnect().catch(() => {});
    await this.running;
    this.buffers.trim();
  }
}

/** A fetch kafkajs decoded: its committed records, and the offset after every record it returned. */
function decoded(batch: PartitionBatch, offset: number): Fetched {
  const raw = batch.messagesWithinOffset;
  return {
    next: raw.length > 0 ? Number(raw[raw.length - 1]!.offset) + 1 : offset,
    visit: (each) => {
      for (const m of batch.messages) each(topicRecordOf(m));
    },
    done: () => {},
  };
}

const topicRecordOf = (m: KafkaMessage): TopicRecord => ({
  offset: Number(m.offset),
  timestamp: Number(m.timestamp),
  key: m.key === null ? null : m.key.toString(),
  value: m.value === null ? null : m.value.toString(),
});
