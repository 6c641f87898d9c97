#!/usr/bin/env node
/**
 * A real single-node Kafka (KRaft, combined broker + controller) for the tests and benchmarks, from the
 * repo's own files: Apache Kafka's jars come from Maven Central through `pom.xml` beside this file.
 *
 *   node test/kafka/broker.mjs start   # prints the bootstrap address once the broker answers
 *   node test/kafka/broker.mjs stop
 *
 * Environment: KAFKA_PORT (default 9092; 0 picks a free port), KAFKA_DIR (this instance's config, data,
 * log and pid file; default .kafka/broker), KAFKA_CACHE_DIR (the jars, reused when present; default
 * .kafka/libs). Restarting an instance directory keeps its data and ports (tests stop and restart a broker
 * to take it away and bring it back). Tests import `startBroker` / `stopBroker` from here.
 *
 * `startBroker({ secure: { users } })` (tests only) adds two listeners to a new instance directory: SASL_SSL
 * (SASL PLAIN and SCRAM-SHA-256 for each user; SCRAM credentials written by `StorageTool format
 * --add-scram`, as KRaft wants them) and SSL requiring a client certificate (one is made, in a PKCS#12
 * keystore). Certificates come from a throwaway CA made with keytool (Java's own, so nothing beyond the JDK
 * the broker needs); the broker's names 127.0.0.1 and localhost. The PLAINTEXT and controller listeners
 * stay as they are (readiness check, inter-broker and controller traffic).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const HOST = '127.0.0.1';

export const defaultDir = () => resolve(process.env.KAFKA_DIR ?? join(ROOT, '.kafka/broker'));
const cacheDir = () => resolve(process.env.KAFKA_CACHE_DIR ?? join(ROOT, '.kafka/libs'));

/** Kafka's jars in the cache directory, fetched with Maven the first time (about 45 jars, 43 MB). */
export function ensureLibs() {
  const libs = cacheDir();
  if (existsSync(join(libs, '.complete'))) return libs;
  const partial = `${libs}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  process.stderr.write(`fetching Apache Kafka jars with Maven into ${libs}\n`);
  const mvn = spawnSync(
    'mvn',
    ['-q', '-B', '-Dstyle.color=never', '-f', join(HERE, 'pom.xml'), 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${partial}`],
    { stdio: ['ignore', 2, 2] },
  );
  if (mvn.status !== 0) throw new Error(`mvn dependency:copy-dependencies failed (exit ${mvn.status ?? mvn.signal})`);
  writeFileSync(join(partial, '.complete'), `${readdirSync(partial).length} jars\n`);
  rmSync(libs, { recursive: true, force: true });
  mkdirSync(dirname(libs), { recursive: true });
  renameSync(partial, libs);
  return libs;
}

function freePort() {
  return new Promise((done, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, HOST, () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (srv.address());
      srv.close(() => done(port));
    });
  });
}

function java(libs, mainClass, args, options = {}) {
  return spawnSync('java', ['-Xmx256m', '-cp', `${libs}/*`, mainClass, ...args], { encoding: 'utf8', ...options });
}

function serverProperties(dir, port, controllerPort, secure) {
  const extra = secure ? `,SASL_SSL://${HOST}:${secure.port},SSL://${HOST}:${secure.sslPort}` : '';
  return `# Written by test/kafka/broker.mjs: one combined broker + controller for tests.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@${HOST}:${controllerPort}
listeners=PLAINTEXT://${HOST}:${port}${extra},CONTROLLER://${HOST}:${controllerPort}
advertised.listeners=PLAINTEXT://${HOST}:${port}${extra}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT${secure ? ',SASL_SSL:SASL_SSL,SSL:SSL' : ''}
log.dirs=${join(dir, 'data')}
num.partitions=1
auto.create.topics.enable=false
# A single node: internal topics with one replica and one partition (fast first use of groups/transactions).
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
group.initial.rebalance.delay.ms=0
${secure ? saslSslProperties(secure) : ''}`;
}

/**
 * SASL_SSL (PLAIN users from JAAS, SCRAM users from the metadata log) and SSL with client certificates
 * signed by the CA; both present the broker's PKCS#12 keystore.
 */
function saslSslProperties({ keystore, storePassword, caPem, users }) {
  const plainUsers = users.map((u) => `user_${u.name}=${JSON.stringify(u.password)}`).join(' ');
  const keystoreOf = (listener) => `listener.name.${listener}.ssl.keystore.type=PKCS12
listener.name.${listener}.ssl.keystore.location=${keystore}
listener.name.${listener}.ssl.keystore.password=${storePassword}
listener.name.${listener}.ssl.key.password=${storePassword}
`;
  return `# SASL_SSL and SSL for clients (the other listeners stay PLAINTEXT).
sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256
${keystoreOf('sasl_ssl')}listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required ${plainUsers};
listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
${keystoreOf('ssl')}listener.name.ssl.ssl.client.auth=required
listener.name.ssl.ssl.truststore.type=PEM
listener.name.ssl.ssl.truststore.location=${caPem}
`;
}

function keytool(args) {
  const r = spawnSync('keytool', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`keytool ${args[0]} failed (exit ${r.status ?? r.error?.message}):\n${r.stdout}${r.stderr}`);
}

/**
 * A throwaway certificate authority in `dir`: `ca.p12` (its key) and `ca.pem` (its certificate, what a
 * client trusts). Tests make a second one to show that a broker signed by another CA is refused.
 */
export function makeCa(dir, name = 'schemata-test-ca') {
  mkdirSync(dir, { recursive: true });
  const storePassword = 'test-ca-store';
  const store = join(dir, 'ca.p12');
  const pem = join(dir, 'ca.pem');
  rmSync(store, { force: true });
  keytool(['-genkeypair', '-alias', 'ca', '-keyalg', 'RSA', '-keysize', '2048', '-dname', `CN=${name}`, '-ext', 'bc:c', '-validity', '30',
    '-storetype', 'PKCS12', '-keystore', store, '-storepass', storePassword]);
  keytool(['-exportcert', '-rfc', '-alias', 'ca', '-keystore', store, '-storepass', storePassword, '-file', pem]);
  return { store, storePassword, pem };
}

/**
 * A PKCS#12 keystore `<name>.p12` in `dir`: a key and a certificate for `cn` signed by `ca` (with the
 * subject alternative names `san`, e.g. `IP:127.0.0.1,DNS:localhost`), and the CA's certificate.
 */
function makeKeystore(dir, ca, name, cn, san) {
  const storePassword = `test-${name}-store`;
  const keystore = join(dir, `${name}.p12`);
  const csr = join(dir, `${name}.csr`);
  const crt = join(dir, `${name}.crt`);
  rmSync(keystore, { force: true });
  const store = ['-storetype', 'PKCS12', '-keystore', keystore, '-storepass', storePassword];
  keytool(['-genkeypair', '-alias', name, '-keyalg', 'RSA', '-keysize', '2048', '-dname', `CN=${cn}`, '-validity', '30', ...store]);
  keytool(['-certreq', '-alias', name, '-file', csr, ...store]);
  keytool(['-gencert', '-alias', 'ca', '-keystore', ca.store, '-storepass', ca.storePassword, '-infile', csr, '-outfile', crt, '-rfc',
    ...(san ? ['-ext', `SAN=${san}`] : []), '-validity', '30']);
  keytool(['-importcert', '-noprompt', '-alias', 'ca', '-file', ca.pem, ...store]);
  keytool(['-importcert', '-alias', name, '-file', crt, ...store]);
  return { keystore, storePassword };
}

const LOG4J2 = (dir) => `status = warn
appender.file.type = File
appender.file.name = file
appender.file.fileName = ${join(dir, 'broker.log')}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.file.ref = file
logger.kafka.name = kafka
logger.kafka.level = warn
logger.apache.name = org.apache.kafka
logger.apache.level = warn
`;

function readPid(dir) {
  try {
    return Number(readFileSync(join(dir, 'broker.pid'), 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function configuredPort(dir) {
  const m = /^listeners=PLAINTEXT:\/\/[^:]+:(\d+)/m.exec(readFileSync(join(dir, 'server.properties'), 'utf8'));
  return Number(m?.[1]);
}

/** The SASL_SSL and SSL listeners of an instance directory, its CA and the client keystore, if it has them. */
function configuredSecure(dir) {
  const props = readFileSync(join(dir, 'server.properties'), 'utf8');
  const sasl = /^listeners=.*SASL_SSL:\/\/([^:,]+:\d+)/m.exec(props);
  const ssl = /^listeners=.*[=,]SSL:\/\/([^:,]+:\d+)/m.exec(props);
  if (!sasl || !ssl) return {};
  const ca = join(dir, 'tls', 'ca.pem');
  return {
    saslSsl: { bootstrap: sasl[1], ca },
    ssl: { bootstrap: ssl[1], ca, keystore: join(dir, 'tls', 'client.p12'), keystorePassword: 'test-client-store' },
  };
}

/**
 * One Metadata request (v4, which Kafka 4 still serves) over a raw socket: true when the broker answers
 * with at least one broker in the cluster, i.e. it is up and registered with its controller.
 */
export function metadataAnswers(port, timeoutMs = 2000) {
  return new Promise((done) => {
    const clientId = Buffer.from('schemata-broker-script');
    const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length + 4 + 1);
    let o = body.writeInt16BE(3, 0); // api key: Metadata
    o = body.writeInt16BE(4, o); // api version
    o = body.writeInt32BE(1, o); // correlation id
    o = body.writeInt16BE(clientId.length, o);
    o += clientId.copy(body, o);
    o = body.writeInt32BE(-1, o); // topics: null = all
    body.writeInt8(0, o); // allow_auto_topic_creation
    const size = Buffer.alloc(4);
    size.writeInt32BE(body.length);
    const socket = connect({ host: HOST, port });
    let received = Buffer.alloc(0);
    const finish = (ok) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write(Buffer.concat([size, body])));
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4 || received.length < 4 + received.readInt32BE(0)) return;
      // size, correlation id, throttle time, brokers array length
      finish(received.length >= 16 && received.readInt32BE(4) === 1 && received.readInt32BE(12) >= 1);
    });
  });
}

/**
 * Starts the broker of instance directory `dir` in the background (formatting it the first time) and
 * resolves with its bootstrap address once it answers a metadata request. `port` applies only to a new
 * instance directory (0: a free one); an existing directory keeps its ports.
 */
export async function startBroker({ dir = defaultDir(), port = Number(process.env.KAFKA_PORT ?? 9092), timeoutMs = 90_000, secure } = {}) {
  const libs = ensureLibs();
  mkdirSync(dir, { recursive: true });
  const running = readPid(dir);
  if (running && alive(running)) throw new Error(`a broker already runs from ${dir} (pid ${running}); stop it first`);
  const props = join(dir, 'server.properties');
  if (!existsSync(join(dir, 'data', 'meta.properties'))) {
    const brokerPort = port === 0 ? await freePort() : port;
    let tls;
    const scram = [];
    if (secure) {
      const ca = makeCa(join(dir, 'tls'));
      const broker = makeKeystore(join(dir, 'tls'), ca, 'broker', HOST, `IP:${HOST},DNS:localhost`);
      makeKeystore(join(dir, 'tls'), ca, 'client', 'schemata-test-client');
      tls = { ...broker, caPem: ca.pem, port: await freePort(), sslPort: await freePort(), users: secure.users };
      for (const u of secure.users) scram.push('--add-scram', `SCRAM-SHA-256=[name=${u.name},password=${u.password}]`);
    }
    writeFileSync(props, serverProperties(dir, brokerPort, await freePort(), tls));
    const uuid = java(libs, 'kafka.tools.StorageTool', ['random-uuid']);
    if (uuid.status !== 0) throw new Error(`StorageTool random-uuid failed:\n${uuid.stderr}`);
    // controller.quorum.voters is set, so no --standalone.
    const format = java(libs, 'kafka.tools.StorageTool', ['format', '-t', uuid.stdout.trim(), '-c', props, ...scram]);
    if (format.status !== 0) throw new Error(`StorageTool format failed:\n${format.stdout}${format.stderr}`);
  }
  writeFileSync(join(dir, 'log4j2.properties'), LOG4J2(dir));
  const brokerPort = configuredPort(dir);
  const out = openSync(join(dir, 'broker.out'), 'a');
  const child = spawn(
    'java',
    ['-Xmx512m', '-Xms128m', `-Dlog4j2.configurationFile=${join(dir, 'log4j2.properties')}`, '-cp', `${libs}/*`, 'kafka.Kafka', props],
    { detached: true, stdio: ['ignore', out, out] },
  );
  child.unref();
  writeFileSync(join(dir, 'broker.pid'), `${child.pid}\n`);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive(child.pid)) break;
    if (await metadataAnswers(brokerPort)) {
      return { bootstrap: `${HOST}:${brokerPort}`, pid: child.pid, dir, ...configuredSecure(dir) };
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const tail = (f) => (existsSync(f) ? readFileSync(f, 'utf8').split('\n').slice(-30).join('\n') : '');
  if (alive(child.pid)) process.kill(child.pid, 'SIGKILL');
  throw new Error(`Kafka did not answer on ${HOST}:${brokerPort}:\n${tail(join(dir, 'broker.out'))}\n${tail(join(dir, 'broker.log'))}`);
}

/** Stops the broker of `dir` (SIGTERM, SIGKILL after `graceMs`) and waits until it has exited. */
export async function stopBroker({ dir = defaultDir(), graceMs = 30_000 } = {}) {
  const pid = readPid(dir);
  if (!pid || !alive(pid)) {
    rmSync(join(dir, 'broker.pid'), { force: true });
    return false;
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  while (alive(pid)) await new Promise((r) => setTimeout(r, 50));
  rmSync(join(dir, 'broker.pid'), { force: true });
  return true;
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const command = process.argv[2];
  try {
    if (command === 'start') {
      const { bootstrap, pid, dir } = await startBroker();
      process.stderr.write(`kafka broker running (pid ${pid}, ${dir})\n`);
      // Last line of stdout, alone: `export KAFKA_BOOTSTRAP_SERVERS=$(npm run -s kafka:start)`.
      process.stdout.write(`${bootstrap}\n`);
    } else if (command === 'stop') {
      const stopped = await stopBroker();
      process.stderr.write(stopped ? 'kafka broker stopped\n' : 'no kafka broker was running\n');
    } else {
      process.stderr.write('usage: broker.mjs start|stop\n');
      process.exitCode = 2;
    }
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  }
}
