/**
 * The registry and the console commands on a broker that wants TLS and SASL: a dedicated broker (its own
 * directory, started here through test/kafka/broker.mjs) with a SASL_SSL listener, a throwaway CA and
 * PLAIN + SCRAM-SHA-256 users. Registry processes on the Kafka store with KAFKA_CLIENT_CONFIG (Confluent's
 * `kafkastore.` keys) or SCHEMA_REGISTRY_KAFKASTORE_* variables register, serve, elect and forward, and
 * their audit sink delivers; a wrong password and an untrusted CA are refused with a clear log line and no
 * password anywhere; `serdes produce` / `serdes consume --command-config` round-trip records. Needs Java
 * (and Maven the first time, for the jars), like every dedicated-broker test; skipped loudly without it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/helpers.js';
import { freshTopic } from '../helpers/kafka.js';
import { startRegistryProcess, type RegistryProcess } from '../helpers/server-process.js';
import { makeCa, startBroker, stopBroker, type RunningBroker } from '../kafka/broker.mjs';

const REGISTRY_CLI = fileURLToPath(new URL('../../registry/dist/cli.js', import.meta.url));
const HAS_JAVA = spawnSync('java', ['-version']).status === 0 && spawnSync('keytool', ['-help']).status === 0;
if (!HAS_JAVA) console.warn('SKIPPED: registry and console over SASL_SSL: Java (java, keytool) is not installed, so no broker can be started');

const REGISTRY_PASSWORD = `reg-${randomBytes(6).toString('hex')}`;
const CONSOLE_PASSWORD = `con-${randomBytes(6).toString('hex')}`;
const WRONG_PASSWORD = `wrong-${randomBytes(6).toString('hex')}`;
const SECRETS = [REGISTRY_PASSWORD, CONSOLE_PASSWORD, WRONG_PASSWORD];
const JSON_TYPE = 'application/vnd.schemaregistry.v1+json';
const ORDER = { type: 'record', name: 'Order', namespace: 'secure', fields: [{ name: 'id', type: 'long' }, { name: 'item', type: 'string' }] };

const scram = (user: string, password: string) => `org.apache.kafka.common.security.scram.ScramLoginModule required username="${user}" password="${password}";`;
const plain = (user: string, password: string) => `org.apache.kafka.common.security.plain.PlainLoginModule required username="${user}" password="${password}";`;

async function call(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': JSON_TYPE },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

function expectNoSecret(text: string, what: string): void {
  for (const s of SECRETS) expect(text.includes(s), `${what} shows a password`).toBe(false);
}

/**
 * Starts the registry CLI, collects its output until `pattern` shows (or `timeoutMs` passes), then kills
 * it: for start-ups that must not succeed. Resolves with everything it printed and whether it listened.
 */
function watchRegistry(env: Record<string, string>, pattern: RegExp, timeoutMs = 60_000): Promise<{ output: string; listened: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [REGISTRY_CLI, '--port', '0', '--host', '127.0.0.1'], {
      env: { ...process.env, KAFKA_BOOTSTRAP_SERVERS: '', DATABASE_URL: '', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const finish = () => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      resolve({ output, listened: /listening on http/.test(output) });
    };
    const timer = setTimeout(finish, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (pattern.test(output)) finish();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', finish);
  });
}

describe.skipIf(!HAS_JAVA)('registry and console over SASL_SSL (dedicated broker)', { timeout: 240_000 }, () => {
  let work: string;
  let broker: RunningBroker;
  let secure: { bootstrap: string; ca: string };
  let configFile: string;
  const running: RegistryProcess[] = [];
  const topic = freshTopic('secure');
  const keysTopic = freshTopic('secure-keys');
  const auditTopic = freshTopic('secure-audit');

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'schemata-secure-'));
    broker = await startBroker({
      dir: join(work, 'broker'),
      port: 0,
      secure: {
        users: [
          { name: 'registry', password: REGISTRY_PASSWORD },
          { name: 'console', password: CONSOLE_PASSWORD },
        ],
      },
    });
    secure = broker.saslSsl!;
    // A fragment of Confluent's schema-registry.properties, as users paste it.
    configFile = join(work, 'kafkastore.properties');
    writeFileSync(
      configFile,
      [
        'kafkastore.security.protocol=SASL_SSL',
        'kafkastore.sasl.mechanism=SCRAM-SHA-256',
        `kafkastore.sasl.jaas.config=${scram('registry', REGISTRY_PASSWORD)}`,
        'kafkastore.ssl.truststore.type=PEM',
        `kafkastore.ssl.truststore.location=${secure.ca}`,
        '',
      ].join('\n'),
    );
  }, 180_000);

  afterAll(async () => {
    await Promise.all(running.map((r) => r.stop()));
    if (broker) await stopBroker({ dir: broker.dir });
    rmSync(work, { recursive: true, force: true });
  });

  const storeEnv = () => ({ KAFKA_BOOTSTRAP_SERVERS: secure.bootstrap, SCHEMAS_TOPIC: topic, DEK_REGISTRY_TOPIC: keysTopic });

  /** A kafkajs client built by hand (not through the code under test) for checking what reached the broker. */
  const checker = () =>
    new kafkajs.Kafka({
      clientId: 'secure-test',
      brokers: [secure.bootstrap],
      ssl: { ca: [readFileSync(secure.ca, 'utf8')] },
      sasl: { mechanism: 'scram-sha-256', username: 'console', password: CONSOLE_PASSWORD },
      logLevel: kafkajs.logLevel.NOTHING,
    });

  it('the broker refuses plaintext clients on its SASL_SSL listener (the test would prove nothing otherwise)', async () => {
    const kafka = new kafkajs.Kafka({ clientId: 'secure-test', brokers: [secure.bootstrap], logLevel: kafkajs.logLevel.NOTHING, connectionTimeout: 2_000, retry: { retries: 0 } });
    const admin = kafka.admin();
    await expect(admin.connect().then(() => admin.listTopics())).rejects.toThrow();
    await admin.disconnect().catch(() => {});
  });

  it('registry processes over SASL_SSL: register and serve, a second process (PLAIN, from variables) loads and forwards, the audit sink delivers', async () => {
    const first = await startRegistryProcess({ ...storeEnv(), KAFKA_CLIENT_CONFIG: configFile, AUDIT_KAFKA_TOPIC: auditTopic });
    running.push(first);
    const registered = await call(first.url, 'POST', '/subjects/orders-value/versions', { schema: JSON.stringify(ORDER) });
    expect(registered.status, JSON.stringify(registered.json)).toBe(200);
    const id = registered.json.id as number;
    expect((await call(first.url, 'GET', `/schemas/ids/${id}`)).json.schema).toBe(JSON.stringify(ORDER));

    // Confluent's Docker variables, bare keys, PLAIN and the CA as ssl.ca.location.
    const second = await startRegistryProcess({
      ...storeEnv(),
      SCHEMA_REGISTRY_KAFKASTORE_SECURITY_PROTOCOL: 'SASL_SSL',
      SCHEMA_REGISTRY_KAFKASTORE_SASL_MECHANISM: 'PLAIN',
      SCHEMA_REGISTRY_KAFKASTORE_SASL_JAAS_CONFIG: plain('registry', REGISTRY_PASSWORD),
      SCHEMA_REGISTRY_KAFKASTORE_SSL_CA_LOCATION: secure.ca,
    });
    running.push(second);
    const loaded = await call(second.url, 'GET', '/subjects/orders-value/versions/1');
    expect(loaded.status).toBe(200);
    expect(loaded.json.id).toBe(id);
    // A write through the second process goes to the primary (elected over SASL_SSL) and back.
    const v2 = { ...ORDER, fields: [...ORDER.fields, { name: 'note', type: 'string', default: '' }] };
    const forwarded = await call(second.url, 'POST', '/subjects/orders-value/versions', { schema: JSON.stringify(v2) });
    expect(forwarded.status, JSON.stringify(forwarded.json)).toBe(200);
    expect((await call(first.url, 'GET', '/subjects/orders-value/versions/2')).json.id).toBe(forwarded.json.id);

    // The audit topic, read over SASL_SSL by a client of the test's own: the registration is there.
    const consumer = checker().consumer({ groupId: `secure-audit-${randomBytes(4).toString('hex')}` });
    await consumer.connect();
    await consumer.subscribe({ topic: auditTopic, fromBeginning: true });
    const events: { type: string; subject?: string }[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no registration among ${events.length} audit events`)), 30_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          events.push(JSON.parse(message.value!.toString()) as { type: string; subject?: string });
          if (events.some((e) => e.subject === 'subject:orders-value')) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    await consumer.disconnect();
    expectNoSecret(JSON.stringify(events), 'the audit topic');
  });

  it('export over SASL_SSL (the export/import commands use the same settings)', () => {
    const out = join(work, 'export.ndjson');
    const r = spawnSync(process.execPath, [REGISTRY_CLI, 'export', out, '--quiet'], {
      env: { ...process.env, DATABASE_URL: '', ...storeEnv(), KAFKA_CLIENT_CONFIG: configFile },
      encoding: 'utf8',
      timeout: 90_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const exported = readFileSync(out, 'utf8');
    expect(exported).toContain('orders-value');
    expect(exported).toContain('note'); // version 2, registered through the second process
    expectNoSecret(exported + r.stdout + r.stderr, 'export');
  });

  it('a wrong password: the registry does not start and says that Kafka refused the login, without the password', async () => {
    const bad = join(work, 'wrong.properties');
    writeFileSync(bad, readFileSync(configFile, 'utf8').replace(REGISTRY_PASSWORD, WRONG_PASSWORD));
    const { output, listened } = await watchRegistry({ ...storeEnv(), KAFKA_CLIENT_CONFIG: bad }, /Kafka refused the SASL login/);
    expect(listened).toBe(false);
    expect(output).toMatch(/Kafka refused the SASL login \(.*\): check sasl.mechanism and the user and password of sasl.jaas.config in KAFKA_CLIENT_CONFIG .*wrong.properties/);
    expectNoSecret(output, 'the registry log');
  });

  it('a broker certificate from a CA the registry does not trust: refused, saying so', async () => {
    const other = makeCa(join(work, 'other-ca'), 'some-other-ca');
    const { output, listened } = await watchRegistry(
      {
        ...storeEnv(),
        KAFKA_CLIENT_CONFIG: configFile,
        SCHEMA_REGISTRY_KAFKASTORE_SSL_TRUSTSTORE_LOCATION: other.pem,
      },
      /TLS certificate is not trusted/,
    );
    expect(listened).toBe(false);
    expect(output).toMatch(/the broker's TLS certificate is not trusted \([A-Z_]+: .*\): check ssl.truststore.location/);
    expectNoSecret(output, 'the registry log');
  });

  it('SSL with a client certificate from a PKCS#12 keystore: loads the topic; without the certificate the broker refuses', async () => {
    const ssl = broker.ssl!;
    const withCert = join(work, 'mtls.properties');
    writeFileSync(
      withCert,
      [
        'kafkastore.security.protocol=SSL',
        'kafkastore.ssl.keystore.type=PKCS12',
        `kafkastore.ssl.keystore.location=${ssl.keystore}`,
        `kafkastore.ssl.keystore.password=${ssl.keystorePassword}`,
        `kafkastore.ssl.ca.location=${ssl.ca}`,
        '',
      ].join('\n'),
    );
    const env = { ...storeEnv(), KAFKA_BOOTSTRAP_SERVERS: ssl.bootstrap };
    const node = await startRegistryProcess({ ...env, KAFKA_CLIENT_CONFIG: withCert });
    running.push(node);
    expect((await call(node.url, 'GET', '/subjects/orders-value/versions')).json).toEqual([1, 2]);

    const withoutCert = join(work, 'no-cert.properties');
    writeFileSync(withoutCert, `security.protocol=SSL\nssl.ca.location=${ssl.ca}\n`);
    const { output, listened } = await watchRegistry({ ...env, KAFKA_CLIENT_CONFIG: withoutCert }, /refused the client certificate/);
    expect(listened).toBe(false);
    expect(output).toMatch(/retrying: the broker refused the client certificate \(ERR_SSL_[A-Z0-9_/]+\): check ssl.keystore.location/);
    expect(output).not.toContain(ssl.keystorePassword);
  });

  it('serdes produce / consume with --command-config over SASL_SSL round-trip records; a wrong password fails clearly', async () => {
    const registry = running[0]!.url;
    const commandConfig = join(work, 'client.properties');
    writeFileSync(
      commandConfig,
      [
        'security.protocol=SASL_SSL',
        'sasl.mechanism=SCRAM-SHA-256',
        `sasl.jaas.config=${scram('console', CONSOLE_PASSWORD)}`,
        'ssl.truststore.type=PEM',
        `ssl.truststore.location=${secure.ca}`,
        '',
      ].join('\n'),
    );
    const schemaFile = join(work, 'order.avsc');
    writeFileSync(schemaFile, JSON.stringify(ORDER));
    const records = freshTopic('secure-console');
    const common = ['--bootstrap-servers', secure.bootstrap, '--command-config', commandConfig, '--registry', registry];
    const produced = await runCli(['produce', records, ...common, '--value-schema', schemaFile, '--create-topic', '--json'], {
      input: '{"id":1,"item":"apple"}\n{"id":2,"item":"pear"}\n',
    });
    expect(produced.code, produced.stderr).toBe(0);
    expect(produced.json).toMatchObject({ ok: true, produced: 2 });
    const consumed = await runCli(['consume', records, ...common, '--from-beginning', '--exit-at-end']);
    expect(consumed.code, consumed.stderr).toBe(0);
    expect(consumed.stdout.trim().split('\n').map((l) => JSON.parse(l))).toEqual([
      { id: 1, item: 'apple' },
      { id: 2, item: 'pear' },
    ]);

    const wrong = await runCli(['consume', records, ...common, '--property', `sasl.jaas.config=${scram('console', WRONG_PASSWORD)}`, '--from-beginning', '--exit-at-end']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/SASL|authentication/i);
    for (const r of [produced, consumed, wrong]) expectNoSecret(r.stdout + r.stderr, 'serdes output');
  });
});
