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
 * The next fetch is sent before a batch is applied, so the broker's answer travels while the records are
 * applied. Any failure (broker away, leader moved) is logged and the reader fetches again from its
 * position after a pause: the position only ever moves past applied records.
 */
import type { KafkaMessage } from 'kafkajs';
import { createBatch, createCluster, type FetchedPartition, type Kafka, type KafkaCluster } from './client.js';

export interface ReaderOptions {
  topic: string;
  /** Called for each record, in offset order, before the position moves past it. */
  onRecord(message: KafkaMessage): void;
  /** Awaited before each batch is applied (the store holds batches while a write transaction runs). */
  beforeBatch(): Promise<void>;
  onError(message: string, err: unknown): void;
}

/** Bytes one fetch may return (the broker still returns a first record batch larger than this whole). */
const FETCH_MAX_BYTES = 16 << 20;
/** How long the broker holds a fetch that finds nothing new (the follower's delay is at most this). */
const FETCH_MAX_WAIT_MS = 500;
const RETRY_PAUSE_MS = 1_000;

interface Fetched {
  messages: KafkaMessage[];
  /** The offset after the last record the fetch returned (filtered ones included): where to fetch next. */
  next: number;
}

export class TopicReader {
  private cluster: KafkaCluster | undefined;
  private next = 0;
  private waiters: { target: number; resolve: (ok: boolean) => void; timer: NodeJS.Timeout }[] = [];
  private stopped = false;
  private running: Promise<void> | undefined;
  private pause: { timer: NodeJS.Timeout; wake: () => void } | undefined;

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
        for (const message of fetched.messages) {
          if (Number(message.offset) < this.next) continue;
          this.options.onRecord(message);
        }
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

  /** One fetch from `offset` at the partition's leader: the records to apply and the offset after them. */
  private async fetch(offset: number): Promise<Fetched> {
    const cluster = this.cluster!;
    const { topic } = this.options;
    await cluster.refreshMetadataIfNecessary();
    const leader = cluster.findTopicPartitionMetadata(topic).find((p) => p.partitionId === 0)?.leader;
    if (leader === undefined || leader < 0) throw new Error(`partition 0 of ${topic} has no leader`);
    const broker = await cluster.findBroker({ nodeId: String(leader) });
    const { responses } = (await broker.fetch({
      isolationLevel: 1, // READ_COMMITTED
      maxWaitTime: FETCH_MAX_WAIT_MS,
      minBytes: 1,
      maxBytes: FETCH_MAX_BYTES,
      topics: [{ topic, partitions: [{ partition: 0, fetchOffset: String(offset), maxBytes: FETCH_MAX_BYTES }] }],
    })) as { responses: { topicName: string; partitions: FetchedPartition[] }[] };
    const data = responses.find((r) => r.topicName === topic)?.partitions.find((p) => p.partition === 0);
    if (!data) return { messages: [], next: offset };
    const batch = createBatch(topic, offset, data);
    // Raw records at or past `offset` (aborted ones and commit markers included) move the position.
    const raw = batch.messagesWithinOffset;
    const next = raw.length > 0 ? Number(raw[raw.length - 1]!.offset) + 1 : offset;
    return { messages: batch.messages, next };
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
  }
}
