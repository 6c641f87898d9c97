/**
 * Follows the `_schemas` topic from offset 0, read_committed (a deposed primary's aborted transactions are
 * never seen), handing each record in order to `onRecord` and tracking the position (the offset after the
 * last record, commit markers included). kafkajs has no group-less assign(), so the reader consumes in a
 * consumer group of its own (a random id, nothing committed); records before the position are skipped, so
 * a rejoin that restarts from an earlier offset changes nothing.
 */
import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';

export interface ReaderOptions {
  topic: string;
  /** Called for each record, in offset order, before the position moves past it. */
  onRecord(message: KafkaMessage): void;
  /** Awaited before each batch is applied (the store holds batches while a write transaction runs). */
  beforeBatch(): Promise<void>;
  onError(message: string, err: unknown): void;
}

export class TopicReader {
  private consumer: Consumer | undefined;
  private next = 0;
  private waiters: { target: number; resolve: (ok: boolean) => void; timer: NodeJS.Timeout }[] = [];
  private stopped = false;
  private restartTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: ReaderOptions,
  ) {}

  /** The offset of the next record to read: everything before it has been applied. */
  position(): number {
    return this.next;
  }

  async start(): Promise<void> {
    this.stopped = false;
    // A start that failed half-way (connected, then could not subscribe) must not leave a second consumer running.
    void this.consumer?.disconnect().catch(() => {});
    const consumer = this.kafka.consumer({
      groupId: `schemata-reader-${this.options.topic}-${randomUUID()}`,
      readUncommitted: false,
      maxBytes: 16 << 20,
      maxBytesPerPartition: 16 << 20,
      maxWaitTimeInMs: 500,
      sessionTimeout: 30_000,
      retry: { retries: 5, initialRetryTime: 300, maxRetryTime: 3_000 },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.options.onError('Kafka topic reader stopped; restarting it', payload.error);
      if (!payload.restart) this.scheduleRestart(consumer);
    });
    // Batches that hold only commit markers or aborted records reach no handler, but move the position.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => this.advance(Number(payload.lastOffset) + 1));
    consumer.on(consumer.events.GROUP_JOIN, () => {
      if (this.next > 0) consumer.seek({ topic: this.options.topic, partition: 0, offset: String(this.next) });
    });
    await consumer.connect();
    await consumer.subscribe({ topic: this.options.topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        await this.options.beforeBatch();
        for (const message of batch.messages) {
          if (Number(message.offset) < this.next) continue;
          this.options.onRecord(message);
        }
        this.advance(Number(batch.lastOffset()) + 1);
      },
    });
  }

  private scheduleRestart(crashed: Consumer): void {
    if (this.stopped || this.restartTimer) return;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      void crashed.disconnect().catch(() => {});
      if (!this.stopped) this.start().catch((e: unknown) => {
        this.options.onError('Kafka topic reader could not restart; retrying', e);
        this.scheduleRestart(this.consumer!);
      });
    }, 1_000);
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
    clearTimeout(this.restartTimer);
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.resolve(false);
    }
    this.waiters = [];
    await this.consumer?.disconnect().catch(() => {});
  }
}
