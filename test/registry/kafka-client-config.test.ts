/**
 * KAFKA_CLIENT_CONFIG / --kafka-client-config and the SCHEMA_REGISTRY_KAFKASTORE_* variables: keys bare or
 * with Confluent's `kafkastore.` prefix, what is refused (naming the setting), and that the passwords never
 * show in messages or in the printed configuration. The broker side is test/cluster/kafka-secure.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, storeOptionsOf } from '../../registry/src/config.js';
import { explainKafkaError } from '../../registry/src/store/kafka/client.js';

const CLI = fileURLToPath(new URL('../../registry/dist/cli.js', import.meta.url));
const PASSWORD = 'Pw-kafka-9f3c1e';
const JAAS = `org.apache.kafka.common.security.scram.ScramLoginModule required username="registry" password="${PASSWORD}";`;
const dir = mkdtempSync(join(tmpdir(), 'kafka-client-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CA = join(dir, 'ca.pem');
writeFileSync(CA, '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n');

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const KAFKA = { KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:9093' };

describe('Kafka client settings of the registry', () => {
  it('takes a Confluent schema-registry.properties fragment (kafkastore. prefix) and bare keys alike', () => {
    const confluent = file(
      'confluent.properties',
      [
        '# pasted from schema-registry.properties',
        'kafkastore.security.protocol=SASL_SSL',
        'kafkastore.sasl.mechanism=SCRAM-SHA-256',
        `kafkastore.sasl.jaas.config=${JAAS.replace(/\\/g, '\\\\')}`,
        'kafkastore.ssl.truststore.type=PEM',
        `kafkastore.ssl.truststore.location=${CA}`,
        'kafkastore.ssl.truststore.password=changeit',
        'client.id=sr-eu-1',
        'request.timeout.ms=20000',
      ].join('\n'),
    );
    const { config } = loadConfig(['--kafka-client-config', confluent], KAFKA);
    const c = config.kafkaClient!.connection();
    expect(c.sasl).toEqual({ mechanism: 'scram-sha-256', username: 'registry', password: PASSWORD });
    expect((c.ssl as { ca: string }).ca).toContain('BEGIN CERTIFICATE');
    expect(c).toMatchObject({ clientId: 'sr-eu-1', requestTimeout: 20_000 });
    // The store and the audit sink get the same settings.
    expect(storeOptionsOf(config).kafkaClient).toBe(config.kafkaClient);
    const audited = loadConfig([], { ...KAFKA, KAFKA_CLIENT_CONFIG: confluent, AUDIT_KAFKA_TOPIC: '_audit' }).config;
    expect(audited.security.auditKafka?.client?.connection().sasl).toEqual(c.sasl);

    // Printed, logged or serialised, the configuration shows where the settings came from, never a password.
    for (const shown of [JSON.stringify(config), inspect(config, { depth: 10 }), String(config.kafkaClient), JSON.stringify(audited)]) {
      expect(shown).not.toContain(PASSWORD);
      expect(shown).not.toContain('changeit');
    }
    expect(JSON.stringify(config.kafkaClient)).toContain('kafkastore.sasl.jaas.config');

    const bare = file('bare.properties', `security.protocol=SASL_PLAINTEXT\nsasl.username=alice\nsasl.password=${PASSWORD}\n`);
    expect(loadConfig([], { ...KAFKA, KAFKA_CLIENT_CONFIG: bare }).config.kafkaClient!.connection()).toEqual({
      sasl: { mechanism: 'plain', username: 'alice', password: PASSWORD },
    });
  });

  it('SCHEMA_REGISTRY_KAFKASTORE_* variables (as Confluent’s images take them) win over the file', () => {
    const f = file('plain.properties', 'security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\nsasl.username=alice\nsasl.password=from-file\n');
    const { config } = loadConfig(['--kafka-client-config', f], {
      ...KAFKA,
      SCHEMA_REGISTRY_KAFKASTORE_SASL_MECHANISM: 'SCRAM-SHA-512',
      SCHEMA_REGISTRY_KAFKASTORE_SASL_JAAS_CONFIG: JAAS,
      SCHEMA_REGISTRY_KAFKASTORE_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM: '',
      SCHEMA_REGISTRY_KAFKASTORE_SSL_CA_LOCATION: CA,
    });
    expect(config.kafkaClient!.connection().sasl).toEqual({ mechanism: 'scram-sha-512', username: 'registry', password: PASSWORD });
    // An empty variable is a value: no host name check, as Confluent's images read it.
    expect((config.kafkaClient!.connection().ssl as { checkServerIdentity?: () => unknown }).checkServerIdentity?.()).toBeUndefined();
    expect((config.kafkaClient!.connection().ssl as { checkServerIdentity?: unknown }).checkServerIdentity).toBeTypeOf('function');
    expect(config.kafkaClient!.source).toBe(`--kafka-client-config ${f}, SCHEMA_REGISTRY_KAFKASTORE_* variables`);
    // Variables alone are enough.
    const env = loadConfig([], { ...KAFKA, SCHEMA_REGISTRY_KAFKASTORE_SECURITY_PROTOCOL: 'SSL' }).config.kafkaClient!;
    expect(env.connection().ssl).toBe(true);
    expect(loadConfig([], KAFKA).config.kafkaClient).toBeUndefined();
  });

  it('refuses unknown keys, bad values, unreadable files and a missing Kafka store, naming the setting and never a password', () => {
    const refused = (env: Record<string, string>, args: string[] = []): string => {
      try {
        loadConfig(args, env);
      } catch (e) {
        const message = (e as Error).message;
        expect(message).not.toContain(PASSWORD);
        return message;
      }
      throw new Error('accepted');
    };
    const withFile = (name: string, text: string) => refused({ ...KAFKA, KAFKA_CLIENT_CONFIG: file(name, text) });
    expect(withFile('typo.properties', 'kafkastore.sasl.mechanizm=PLAIN')).toMatch(/unknown Kafka client setting "kafkastore.sasl.mechanizm" \(known, bare or with the kafkastore. prefix: .*sasl.jaas.config/);
    expect(withFile('topic.properties', 'kafkastore.topic=_schemas')).toMatch(/"kafkastore.topic": the registry takes it as SCHEMAS_TOPIC/);
    expect(withFile('servers.properties', 'kafkastore.bootstrap.servers=SASL_SSL://k:9093')).toMatch(/as KAFKA_BOOTSTRAP_SERVERS/);
    expect(withFile('mech.properties', 'kafkastore.sasl.mechanism=GSSAPI')).toMatch(/kafkastore.sasl.mechanism must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512, got "GSSAPI"/);
    expect(withFile('proto.properties', 'security.protocol=TLS')).toMatch(/^KAFKA_CLIENT_CONFIG .*proto.properties: security.protocol must be/);
    expect(withFile('timeout.properties', 'kafkastore.request.timeout.ms=soon')).toMatch(/kafkastore.request.timeout.ms must be an integer/);
    // A JAAS line without a user: the message names the setting and quotes nothing of the line.
    expect(withFile('jaas.properties', `sasl.jaas.config=PlainLoginModule required password="${PASSWORD}";`)).toMatch(/sasl.jaas.config must give username=/);
    expect(withFile('nocreds.properties', 'kafkastore.security.protocol=SASL_SSL')).toMatch(/kafkastore.security.protocol SASL_SSL needs credentials/);
    expect(withFile('jks.properties', `security.protocol=SSL\nssl.truststore.location=/etc/kafka/truststore.jks\nssl.truststore.password=${PASSWORD}`)).toMatch(/only PEM truststores/);
    expect(withFile('missing-ca.properties', `security.protocol=SSL\nkafkastore.ssl.ca.location=${join(dir, 'nope.pem')}`)).toMatch(/cannot read kafkastore.ssl.ca.location .*nope.pem/);
    expect(refused({ ...KAFKA, KAFKA_CLIENT_CONFIG: join(dir, 'absent.properties') })).toBe(`KAFKA_CLIENT_CONFIG: cannot read ${join(dir, 'absent.properties')} (ENOENT)`);
    expect(refused({ ...KAFKA, SCHEMA_REGISTRY_KAFKASTORE_TOPIC: '_schemas' })).toMatch(/SCHEMA_REGISTRY_KAFKASTORE_TOPIC: unknown Kafka client setting .*SCHEMAS_TOPIC/);
    expect(refused({ ...KAFKA, SCHEMA_REGISTRY_KAFKASTORE_SASL_MECHANISM: 'OAUTHBEARER' })).toMatch(/^SCHEMA_REGISTRY_KAFKASTORE_SASL_MECHANISM must be PLAIN/);
    expect(refused({ KAFKA_CLIENT_CONFIG: file('ok.properties', 'security.protocol=SSL') })).toMatch(/needs the Kafka store \(KAFKA_BOOTSTRAP_SERVERS\)/);
  });

  it('the command line exits 2 with the refusal (no password) before touching Kafka', () => {
    const f = file('cli.properties', `sasl.jaas.config=${JAAS}\nkafkastore.linger.ms=5\n`);
    const r = spawnSync(process.execPath, [CLI, '--kafka-client-config', f], { env: { ...process.env, ...KAFKA, DATABASE_URL: '' }, encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown Kafka client setting "kafkastore.linger.ms"');
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
  });

  it('explains a refused login, an untrusted certificate and a refused client certificate under kafkajs’ retry errors, with passwords masked', () => {
    const { config } = loadConfig([], { ...KAFKA, SCHEMA_REGISTRY_KAFKASTORE_SECURITY_PROTOCOL: 'SASL_SSL', SCHEMA_REGISTRY_KAFKASTORE_SASL_JAAS_CONFIG: JAAS });
    const client = config.kafkaClient!;
    const sasl = Object.assign(new Error('retries exceeded'), {
      originalError: Object.assign(new Error(`SASL PLAIN authentication failed: bad password ${PASSWORD}`), { name: 'KafkaJSSASLAuthenticationError' }),
    });
    const saslText = explainKafkaError(sasl, client);
    expect(saslText).toMatch(/^Kafka refused the SASL login \(SASL PLAIN authentication failed: bad password \*\*\*\*\): check .*sasl.jaas.config in SCHEMA_REGISTRY_KAFKASTORE_\* variables$/);
    const tls = Object.assign(new Error('Connection error: self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' });
    expect(explainKafkaError(new Error('outer', { cause: tls }), client)).toMatch(/^the broker's TLS certificate is not trusted \(SELF_SIGNED_CERT_IN_CHAIN: .*\): check ssl.truststore.location/);
    const alert = Object.assign(new Error('Connection error: …sslv3 alert bad certificate…'), { code: 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE' });
    expect(explainKafkaError(alert, client)).toMatch(/^the broker refused the client certificate \(ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE\): check ssl.keystore.location/);
    expect(explainKafkaError(Object.assign(new Error('a'), { originalError: new Error('b') }))).toBe('a: b');
  });
});
