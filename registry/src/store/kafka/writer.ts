/**
 * The primary's write path: an idempotent, acks=all, transactional producer whose `transactionalId` is the
 * same in every registry process of the topic. Initialising it (InitProducerId) bumps the id's epoch at the
 * broker's transaction coordinator, which aborts any transaction an older producer left open and makes every
 * later request of an older producer fail (INVALID_PRODUCER_EPOCH / PRODUCER_FENCED). So a deposed primary,
 * however long it was paused and whatever it believes, can no longer commit a record: fencing is done by the
 * broker, not by timeouts.
 */
import type { Kafka, Message, Producer } from 'kafkajs';

export interface WriterOptions {
  topic: string;
  transactionalId: string;
  /** The broker aborts a transaction left open longer than this (a primary that stopped mid-write). */
  transactionTimeoutMs: number;
}

export class TransactionalWriter {
  private producer: Producer | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: WriterOptions,
  ) {}

  get ready(): boolean {
    return this.producer !== undefined;
  }

  /**
   * Creates the producer and initialises its transactional id, fencing every older producer of the id
   * (and aborting what they left open). After this resolves, no other process can commit.
   */
  async fence(): Promise<void> {
    await this.reset();
    const producer = this.kafka.producer({
      transactionalId: this.options.transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: this.options.transactionTimeoutMs,
      allowAutoTopicCreation: false,
      retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2_000 },
    });
    await producer.connect();
    // kafkajs initialises the producer id with the first transaction; an empty one fences without writing.
    const tx = await producer.transaction();
    await tx.abort();
    this.producer = producer;
  }

  /** Commits the records in one transaction; resolves with the offset of the last record. */
  async commit(records: Message[]): Promise<number> {
    const [last] = await this.commitTo([{ topic: this.options.topic, messages: records }]);
    return last!;
  }

  /**
   * Commits records to several topics (one partition each) in one transaction; resolves with the offset
   * of the last record of each batch, in order (-1 for an empty batch).
   */
  async commitTo(batches: readonly { topic: string; messages: Message[] }[]): Promise<number[]> {
    const producer = this.producer;
    if (!producer) throw new Error('the producer is not initialised');
    const sent = batches.filter((b) => b.messages.length > 0);
    const tx = await producer.transaction();
    try {
      const meta = await tx.sendBatch({ acks: -1, topicMessages: sent });
      await tx.commit();
      return batches.map((b) => {
        const m = meta.find((x) => x.topicName === b.topic);
        return b.messages.length === 0 || !m ? -1 : Number(m.baseOffset) + b.messages.length - 1;
      });
    } catch (e) {
      await tx.abort().catch(() => {});
      throw e;
    }
  }

  /** Drops the producer (after an error its state is unknown; the next write fences afresh). */
  async reset(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect().catch(() => {});
  }
}
