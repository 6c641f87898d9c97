/**
 * The audit log's Kafka sink: each event as one record (key: the event's resource, so one subject's events
 * stay in order on one partition; value: the JSON line without its newline) on an audit topic of the Kafka
 * store's cluster. Requests never wait for Kafka: lines are queued and sent in batches by an idempotent,
 * acks=all producer; while the broker is away the queue holds up to `maxQueued` lines, then drops the oldest
 * and counts them (logged once the broker is back), so a dead broker cannot grow the heap without bound.
 * `close()` sends what is queued before it returns.
 */
import type { Producer } from 'kafkajs';
import { createKafkaClient, explainKafkaError, type Kafka, type KafkaTarget } from '../store/kafka/client.js';
import type { AuditEvent, AuditSink } from './audit.js';

export interface KafkaAuditOptions extends KafkaTarget {
  topic: string;
  /** Lines kept while the broker cannot take them (default 100,000). */
  maxQueued?: number;
  /** How long lines wait to be batched (default 200 ms). */
  lingerMs?: number;
  closeTimeoutMs?: number;
  onError(message: string, err?: unknown): void;
}

interface QueuedLine {
  key: string | null;
  value: string;
}

export class KafkaAuditSink implements AuditSink {
  private readonly kafka: Kafka;
  private producer: Producer | undefined;
  private queue: QueuedLine[] = [];
  private dropped = 0;
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> | undefined;
  private failing = false;
  private closed = false;

  constructor(private readonly options: KafkaAuditOptions) {
    this.kafka = createKafkaClient(options, { clientId: 'schemata-audit', retries: 3 });
  }

  write(line: string, event: AuditEvent): void {
    if (this.closed) return;
    this.queue.push({ key: event.subject ?? null, value: line.endsWith('\n') ? line.slice(0, -1) : line });
    const max = this.options.maxQueued ?? 100_000;
    if (this.queue.length > max) {
      this.dropped += this.queue.length - max;
      this.queue.splice(0, this.queue.length - max);
    }
    this.schedule(this.options.lingerMs ?? 200);
  }

  /** Sends what is queued, waiting at most `closeTimeoutMs` (default 5 s) for a broker that is away. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    const flush = (async () => {
      await this.sending;
      if (this.queue.length > 0) await this.send();
    })();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([flush, new Promise((resolve) => (timer = setTimeout(resolve, this.options.closeTimeoutMs ?? 5_000)))]);
    clearTimeout(timer);
    if (this.queue.length > 0) this.options.onError(`audit log: ${this.queue.length} events not sent to Kafka topic ${this.options.topic} at shutdown`);
    await this.producer?.disconnect().catch(() => {});
    this.producer = undefined;
  }

  private schedule(delayMs: number): void {
    if (this.timer || this.sending) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.sending = this.send().finally(() => {
        this.sending = undefined;
        // More arrived while sending, or the send failed: go again (after a pause when it failed).
        if (this.queue.length > 0 && !this.closed) this.schedule(this.failing ? 1_000 : 0);
      });
    }, delayMs);
    this.timer.unref();
  }

  /** Creates the topic with the broker's defaults when it is missing (and waits for its leaders). */
  private async ensureTopic(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      if ((await admin.listTopics()).includes(this.options.topic)) return;
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic: this.options.topic }] }).catch(async (e: unknown) => {
        // Another registry process created it at the same moment.
        if (!(await admin.listTopics()).includes(this.options.topic)) throw e;
      });
    } finally {
      await admin.disconnect().catch(() => {});
    }
  }

  private async send(): Promise<void> {
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    try {
      if (!this.producer) {
        await this.ensureTopic();
        const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
        await producer.connect();
        this.producer = producer;
      }
      await this.producer.send({ topic: this.options.topic, acks: -1, messages: batch });
      if (this.failing || this.dropped > 0) {
        this.options.onError(`audit log reaches Kafka topic ${this.options.topic} again${this.dropped > 0 ? `; ${this.dropped} events were dropped while it could not` : ''}`);
      }
      this.failing = false;
      this.dropped = 0;
    } catch (err) {
      // Put the batch back in front (it is retried), and report the first failure of a run only.
      this.queue = batch.concat(this.queue);
      if (!this.failing) this.options.onError(`audit log cannot write to Kafka topic ${this.options.topic}; events are queued: ${explainKafkaError(err, this.options.client)}`, err);
      this.failing = true;
      await this.producer?.disconnect().catch(() => {});
      this.producer = undefined;
    }
  }
}

/** Writes every line to each of the sinks (a file and Kafka at once). */
export class TeeAuditSink implements AuditSink {
  constructor(private readonly sinks: readonly AuditSink[]) {}

  write(line: string, event: AuditEvent): void {
    for (const s of this.sinks) s.write(line, event);
  }

  async close(): Promise<void> {
    await Promise.all(this.sinks.map((s) => s.close()));
  }
}
