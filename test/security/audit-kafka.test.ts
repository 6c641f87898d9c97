/**
 * The audit log's Kafka sink, on the real broker: a registry on the Kafka store with both a file and an
 * audit topic gets the same events on both, in the same order, each record keyed by the event's resource
 * and holding no secret; the setting is refused without the Kafka store; and with the broker unreachable
 * requests are still answered at once and close() gives up within its bound.
 */
import { readFileSync } from 'node:fs';
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../registry/src/config.js';
import type { AuditEvent } from '../../registry/src/security/audit.js';
import { KafkaAuditSink } from '../../registry/src/security/audit-kafka.js';
import { announceKafkaSkip, freshTopic, KAFKA_BOOTSTRAP_SERVERS } from '../helpers/kafka.js';
import { basic, call, scratchDir, startSecureRegistry, usersFile } from './helpers.js';

const ORDER = JSON.stringify({ type: 'record', name: 'Order', fields: [{ name: 'id', type: 'string' }] });
const PASSWORD = 'kafka-audit-Secret-1';

announceKafkaSkip('audit log to a Kafka topic');

async function readTopic(topic: string, count: number): Promise<{ key: string | null; value: string }[]> {
  const kafka = new kafkajs.Kafka({ clientId: 'audit-test', brokers: KAFKA_BOOTSTRAP_SERVERS!.split(','), logLevel: kafkajs.logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `audit-test-${Date.now()}` });
  const out: { key: string | null; value: string }[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${out.length} of ${count} audit records arrived`)), 30_000);
    void consumer.run({
      eachMessage: async ({ message }) => {
        out.push({ key: message.key?.toString() ?? null, value: message.value!.toString() });
        if (out.length >= count) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  return out;
}

describe.skipIf(!KAFKA_BOOTSTRAP_SERVERS)('audit log to a Kafka topic (Kafka store)', () => {
  const scratch = scratchDir('audit-kafka');
  const auditPath = `${scratch.dir}/audit.log`;
  const topic = freshTopic('audit');
  let fileEvents: AuditEvent[];
  let records: { key: string | null; value: string }[];
  let usersText: string;

  beforeAll(async () => {
    const users = await usersFile(`${scratch.dir}/users.json`, { alice: { password: PASSWORD } });
    usersText = readFileSync(users, 'utf8');
    const reg = await startSecureRegistry('kafka', {
      authMethods: ['basic'],
      usersFile: users,
      auditLog: auditPath,
      auditKafka: { topic, bootstrapServers: KAFKA_BOOTSTRAP_SERVERS! },
    });
    const steps: [string, string, Record<string, string>, unknown, number][] = [
      ['GET', '/subjects', basic('alice', 'not-the-password'), undefined, 401],
      ['POST', '/subjects/orders-value/versions', basic('alice', PASSWORD), { schema: ORDER }, 200],
      ['PUT', '/config/orders-value', basic('alice', PASSWORD), { compatibility: 'FULL' }, 200],
      ['DELETE', '/subjects/orders-value/versions/1', basic('alice', PASSWORD), undefined, 200],
    ];
    for (const [method, path, headers, body, status] of steps) {
      const res = await call(reg.url, method, path, { headers, ...(body === undefined ? {} : { body }) });
      expect(res.status, `${method} ${path}: ${res.text}`).toBe(status);
    }
    await reg.close(); // flushes both sinks
    fileEvents = readFileSync(auditPath, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as AuditEvent);
    records = await readTopic(topic, fileEvents.length);
  }, 90_000);
  afterAll(() => scratch.cleanup());

  it('sends every event of the file to the topic, in order, as the same JSON', () => {
    expect(fileEvents.length).toBeGreaterThanOrEqual(7); // 4 authentications + 3 changes
    expect(records.map((r) => JSON.parse(r.value) as AuditEvent)).toEqual(fileEvents);
    expect(fileEvents.filter((e) => e.type.endsWith('change')).map((e) => e.data.result)).toEqual(['success', 'success', 'success']);
  });

  it('keys each record by the event resource', () => {
    for (const r of records) {
      const event = JSON.parse(r.value) as AuditEvent;
      expect(r.key).toBe(event.subject ?? null);
    }
    expect(records.some((r) => r.key === 'subject:orders-value')).toBe(true);
  });

  it('holds no password or hash', () => {
    const all = records.map((r) => r.value).join('\n');
    expect(all).not.toContain(PASSWORD);
    expect(all).not.toContain('not-the-password');
    const hashes = [...usersText.matchAll(/"(\$?scrypt[^"]+)"/g)].map((m) => m[1]!);
    for (const h of hashes) expect(all).not.toContain(h);
    expect(all).not.toMatch(/Basic [A-Za-z0-9+/=]{8,}/);
  });
});

describe('audit log to a Kafka topic: settings and an absent broker', () => {
  it('is refused without the Kafka store, and needs a valid topic name', () => {
    expect(() => loadConfig(['--audit-kafka-topic', 'audit'], {})).toThrow(/needs the Kafka store/);
    expect(() => loadConfig(['--kafka-bootstrap-servers', '127.0.0.1:9', '--audit-kafka-topic', 'a b'], {})).toThrow(/topic name/);
    const ok = loadConfig([], { KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:9', AUDIT_KAFKA_TOPIC: '_audit' });
    expect(ok.config.security.auditKafka).toEqual({ topic: '_audit', bootstrapServers: '127.0.0.1:9' });
  });

  it('queues while the broker is away, and close() gives up within its bound, saying what was not sent', async () => {
    const errors: string[] = [];
    // Port 9 on loopback: nothing listens there, so every connection is refused.
    const sink = new KafkaAuditSink({ bootstrapServers: '127.0.0.1:9', topic: 'audit', lingerMs: 10, closeTimeoutMs: 1_500, maxQueued: 5, onError: (m) => errors.push(m) });
    // write() is synchronous: lines are queued (at most maxQueued), never sent inline.
    for (let i = 0; i < 20; i++) sink.write(`{"n":${i}}\n`, { subject: `subject:s${i}` } as AuditEvent);
    await new Promise((r) => setTimeout(r, 200));
    const closing = performance.now();
    await sink.close();
    expect(performance.now() - closing).toBeLessThan(5_000);
    expect(errors.some((m) => /cannot write to Kafka topic audit/.test(m) || /not sent to Kafka topic audit/.test(m))).toBe(true);
  }, 20_000);
});
