/**
 * Registry processes on one Kafka topic, with faults: concurrent registrations through every node, the
 * primary killed (SIGKILL) or paused (SIGSTOP) mid-stream, the broker taken away and brought back. What must
 * hold every time: no id given to two schemas, no acknowledged registration lost, dense versions, and
 * read-your-writes on the node that answered. Needs KAFKA_BOOTSTRAP_SERVERS (and Java/Maven for the
 * dedicated broker of the broker-down test, as `npm run kafka:start` does).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startBroker, stopBroker } from '../kafka/broker.mjs';
import { announceKafkaSkip, freshTopic, KAFKA_BOOTSTRAP_SERVERS } from '../helpers/kafka.js';
import { startRegistryProcess, type RegistryProcess } from '../helpers/server-process.js';

const JSON_TYPE = 'application/vnd.schemaregistry.v1+json';

async function call(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  try {
    const res = await fetch(base + path, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': JSON_TYPE },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(40_000),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  } catch (e) {
    return { status: 0, json: { message: String(e) } };
  }
}

const record = (name: string) => JSON.stringify({ type: 'record', name, namespace: 'race', fields: [{ name: 'f', type: 'string' }] });

interface Ack {
  subject: string;
  schema: string;
  id: number;
  version: number;
  /** When the registration was sent and when it was answered (before the read-back). */
  sent: number;
  at: number;
}

/**
 * Registers `schema` through `node`; on success checks read-your-writes there and returns the ack. A node
 * the test killed between the answer and the read-back (`killed()`) cannot be read back: its ack still
 * counts, and must be present on the others afterwards.
 */
async function register(node: string, subject: string, schema: string, killed = () => false): Promise<Ack | { status: number; body: unknown }> {
  const sent = Date.now();
  const r = await call(node, 'POST', `/subjects/${subject}/versions`, { schema });
  if (r.status !== 200) return { status: r.status, body: r.json };
  const at = Date.now();
  const back = await call(node, 'GET', `/subjects/${subject}/versions/${r.json.version}`);
  if (!(back.status === 0 && killed())) {
    expect(back.status, `read-your-writes on ${node}`).toBe(200);
    expect(back.json.id).toBe(r.json.id);
  }
  return { subject, schema, id: r.json.id, version: r.json.version, sent, at };
}

const isAck = (r: Ack | { status: number }): r is Ack => 'id' in r;

/** Every stored version (through one node): no id for two schemas, versions dense, every ack present. */
async function checkConsistency(node: string, subjects: string[], acks: Ack[]): Promise<void> {
  const schemaById = new Map<number, string>();
  for (const subject of subjects) {
    const versions = (await call(node, 'GET', `/subjects/${subject}/versions`)).json as number[] | { error_code: number };
    if (!Array.isArray(versions)) continue;
    expect(versions).toEqual(versions.map((_, i) => i + 1));
    for (const v of versions) {
      const got = (await call(node, 'GET', `/subjects/${subject}/versions/${v}`)).json;
      const seen = schemaById.get(got.id);
      if (seen !== undefined) expect(got.schema, `id ${got.id} given to two schemas`).toBe(seen);
      schemaById.set(got.id, got.schema);
    }
  }
  for (const a of acks) {
    const got = (await call(node, 'GET', `/subjects/${a.subject}/versions/${a.version}`)).json;
    expect(got?.id, `acknowledged ${a.subject} v${a.version} lost`).toBe(a.id);
    expect(JSON.parse(got.schema)).toEqual(JSON.parse(a.schema));
  }
}

async function startNodes(env: Record<string, string>, count: number): Promise<RegistryProcess[]> {
  // The first to join the election's group is its leader, hence the primary: start it alone first.
  const first = await startRegistryProcess(env);
  return [first, ...(await Promise.all(Array.from({ length: count - 1 }, () => startRegistryProcess(env))))];
}

announceKafkaSkip('registry processes on one Kafka topic');
describe.skipIf(!KAFKA_BOOTSTRAP_SERVERS)('registry processes on one Kafka topic', { timeout: 240_000 }, () => {
  const running: RegistryProcess[] = [];
  afterAll(async () => {
    // Killed outright: graceful shutdown is not under test here, and a process whose broker is gone would
    // spend its grace period retrying.
    await Promise.all(
      running.map((n) => new Promise<void>((done) => (n.child.exitCode !== null || n.child.signalCode !== null ? done() : (n.child.once('exit', () => done()), n.child.kill('SIGKILL'))))),
    );
  }, 60_000);

  it('three processes: concurrent registrations through every node give unique ids, dense versions, read-your-writes', async () => {
    const env = { KAFKA_BOOTSTRAP_SERVERS: KAFKA_BOOTSTRAP_SERVERS!, SCHEMAS_TOPIC: freshTopic('three') };
    const nodes = await startNodes(env, 3);
    running.push(...nodes);
    const subjects = ['k-a', 'k-b', 'k-c'];
    for (const s of subjects) expect((await call(nodes[1]!.url, 'PUT', `/config/${s}`, { compatibility: 'NONE' })).status).toBe(200);
    const jobs = subjects.flatMap((s, si) => Array.from({ length: 30 }, (_, i) => ({ s, schema: record(`K${si}_${i}`), node: nodes[(si + i) % 3]!.url })));
    const results = await Promise.all(jobs.map((j) => register(j.node, j.s, j.schema)));
    expect(results.filter((r) => !isAck(r))).toEqual([]);
    const acks = results.filter(isAck);
    expect(new Set(acks.map((a) => a.id)).size).toBe(acks.length);
    for (const n of nodes) await checkConsistency(n.url, subjects, acks);
  });

  it('DEK registry: KEK and DEK writes through a follower are forwarded, read back there at once, and seen by every node', async () => {
    const env = {
      KAFKA_BOOTSTRAP_SERVERS: KAFKA_BOOTSTRAP_SERVERS!,
      SCHEMAS_TOPIC: freshTopic('dek'),
      DEK_REGISTRY_TOPIC: freshTopic('dek-keys'),
      LOCAL_KMS_SECRET: 'cluster-secret',
    };
    const [primary, follower] = await startNodes(env, 2);
    running.push(primary!, follower!);
    const keks = '/dek-registry/v1/keks';
    // Every write goes through the follower and is read back from it right away (read-your-writes).
    expect((await call(follower!.url, 'POST', keks, { name: 'ck', kmsType: 'local-kms', kmsKeyId: 'ck', shared: true })).status).toBe(200);
    expect((await call(follower!.url, 'GET', `${keks}/ck`)).json).toMatchObject({ name: 'ck', shared: true });
    const created = await call(follower!.url, 'POST', `${keks}/ck/deks/orders-value`, {});
    expect(created.status).toBe(200);
    const back = await call(follower!.url, 'GET', `${keks}/ck/deks/orders-value`);
    expect(back.json).toMatchObject({ encryptedKeyMaterial: created.json.encryptedKeyMaterial, keyMaterial: created.json.keyMaterial });
    // Errors from the primary come back as they are.
    expect((await call(follower!.url, 'POST', `${keks}/ck/deks/orders-value`, {})).json.error_code).toBe(40971);
    expect((await call(follower!.url, 'DELETE', `${keks}/ck/deks/orders-value`)).status).toBe(204);
    expect((await call(follower!.url, 'GET', `${keks}/ck/deks`)).json).toEqual([]);
    // The primary holds the same state (it unwraps with its own copy of the secret).
    expect((await call(primary!.url, 'GET', `${keks}/ck/deks/orders-value?deleted=true`)).json).toMatchObject({ deleted: true, keyMaterial: created.json.keyMaterial });
  });

  it('SIGKILL of the primary mid-stream: another takes over, no acknowledged registration lost, no id given twice', async () => {
    const env = { KAFKA_BOOTSTRAP_SERVERS: KAFKA_BOOTSTRAP_SERVERS!, SCHEMAS_TOPIC: freshTopic('kill') };
    const nodes = await startNodes(env, 3);
    running.push(...nodes);
    const survivors = nodes.slice(1).map((n) => n.url);
    expect((await call(survivors[0]!, 'PUT', '/config', { compatibility: 'NONE' })).status).toBe(200);
    const acks: Ack[] = [];
    let killedAt = 0;
    let failures = 0;
    const deadline = Date.now() + 25_000;
    let i = 0;
    // Two writers through the followers, one through the primary (until it dies).
    const writer = async (via: () => string, lane: number) => {
      while (Date.now() < deadline && acks.filter((a) => a.sent > killedAt && killedAt > 0).length < 20) {
        const n = i++;
        const node = via();
        const r = await register(node, `kill-${lane}`, record(`X${n}`), () => killedAt > 0 && node === nodes[0]!.url);
        if (isAck(r)) acks.push(r);
        else {
          failures++;
          await new Promise((res) => setTimeout(res, 100));
        }
      }
    };
    const killer = (async () => {
      await new Promise((r) => setTimeout(r, 2_000));
      killedAt = Date.now();
      nodes[0]!.child.kill('SIGKILL');
    })();
    await Promise.all([writer(() => survivors[0]!, 0), writer(() => survivors[1]!, 1), writer(() => (killedAt ? survivors[0]! : nodes[0]!.url), 2), killer]);
    // Only registrations sent after the kill count: one the old primary answered just before dying says nothing.
    const firstAfter = acks.filter((a) => a.sent > killedAt).sort((a, b) => a.at - b.at)[0];
    expect(firstAfter, 'no write succeeded after the primary was killed').toBeDefined();
    const failoverMs = firstAfter!.at - killedAt;
    console.log(`failover after SIGKILL of the primary: first registration sent after the kill acknowledged ${failoverMs} ms after it (${failures} requests failed meanwhile, ${acks.length} acknowledged)`);
    expect(failoverMs).toBeLessThan(20_000);
    expect(new Set(acks.map((a) => a.id)).size).toBe(acks.length);
    for (const n of survivors) await checkConsistency(n, ['kill-0', 'kill-1', 'kill-2'], acks);
  });

  it('a paused primary (SIGSTOP, then SIGCONT after a new primary wrote) cannot write', async () => {
    const env = { KAFKA_BOOTSTRAP_SERVERS: KAFKA_BOOTSTRAP_SERVERS!, SCHEMAS_TOPIC: freshTopic('pause') };
    const nodes = await startNodes(env, 2);
    running.push(...nodes);
    const [old, other] = nodes as [RegistryProcess, RegistryProcess];
    expect((await call(other.url, 'PUT', '/config', { compatibility: 'NONE' })).status).toBe(200);
    const acks: Ack[] = [];
    const first = await register(other.url, 'pause', record('P0'));
    expect(isAck(first)).toBe(true);
    acks.push(first as Ack);
    old.child.kill('SIGSTOP');
    // Writes through the other node succeed once it is elected (session timeout) and has fenced.
    let n = 1;
    for (let r = await register(other.url, 'pause', record(`P${n}`)); ; r = await register(other.url, 'pause', record(`P${n}`))) {
      if (isAck(r)) {
        acks.push(r);
        n++;
        break;
      }
      await new Promise((res) => setTimeout(res, 500));
    }
    old.child.kill('SIGCONT');
    // The old primary answers at once, before its group membership has caught up: forwarded or refused,
    // never a write of its own.
    const zombie = await Promise.all([0, 1, 2].map((k) => register(old.url, 'pause', record(`Z${k}`))));
    for (const z of zombie) if (isAck(z)) acks.push(z);
    acks.push(...[await register(other.url, 'pause', record('P-after'))].filter(isAck));
    expect(new Set(acks.map((a) => a.id)).size).toBe(acks.length);
    await checkConsistency(other.url, ['pause'], acks);
    // The resumed process's own reader rejoins its group first; it converges on the same state.
    const last = Math.max(...acks.map((a) => a.version));
    for (let t = 0; t < 60 && (await call(old.url, 'GET', `/subjects/pause/versions/${last}`)).status !== 200; t++) await new Promise((r) => setTimeout(r, 500));
    await checkConsistency(old.url, ['pause'], acks);
  });

  it('broker down at start-up and mid-run: reads served from memory, writes 5xx in Confluent’s shape, recovery when it returns', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'schemata-broker-'));
    try {
      const broker = await startBroker({ dir, port: 0 });
      const env = { KAFKA_BOOTSTRAP_SERVERS: broker.bootstrap, SCHEMAS_TOPIC: freshTopic('down') };
      const node = await startRegistryProcess(env);
      running.push(node);
      const a = await register(node.url, 'down', record('D0'));
      expect(isAck(a)).toBe(true);

      await stopBroker({ dir });
      const read = await call(node.url, 'GET', `/schemas/ids/${(a as Ack).id}`);
      expect(read.status).toBe(200);
      // A new subject: nothing to check compatibility against, so the write must reach Kafka.
      const write = await call(node.url, 'POST', '/subjects/down-2/versions', { schema: record('D1') });
      expect(write.status).toBeGreaterThanOrEqual(500);
      expect([50001, 50002, 50003, 50004]).toContain(write.json.error_code);
      expect(typeof write.json.message).toBe('string');

      // Start-up without a broker: the process waits for it (not ready), then loads and serves.
      const late = startRegistryProcess(env);
      await new Promise((r) => setTimeout(r, 2_000));
      await startBroker({ dir });
      const second = await late;
      running.push(second);
      expect((await call(second.url, 'GET', `/schemas/ids/${(a as Ack).id}`)).status).toBe(200);

      let recovered: Ack | undefined;
      for (let t = 0; t < 60 && !recovered; t++) {
        const r = await register(node.url, 'down-2', record('D1'));
        if (isAck(r)) recovered = r;
        else await new Promise((res) => setTimeout(res, 1_000));
      }
      expect(recovered, 'writes did not recover after the broker returned').toBeDefined();
      await checkConsistency(node.url, ['down', 'down-2'], [a as Ack, recovered!]);
      // The other process follows the topic: it converges on the same state (read-your-writes is promised
      // on the node that answered, not at once on every node).
      for (let t = 0; t < 60 && (await call(second.url, 'GET', `/subjects/down-2/versions/${recovered!.version}`)).status !== 200; t++) {
        await new Promise((r) => setTimeout(r, 500));
      }
      await checkConsistency(second.url, ['down', 'down-2'], [a as Ack, recovered!]);
    } finally {
      await stopBroker({ dir });
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
