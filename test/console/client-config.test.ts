/**
 * `--command-config` / `--property` for `serdes produce` and `serdes consume`: Java properties parsing and
 * the mapping of Kafka's client settings (SASL, TLS, producer and consumer settings) to kafkajs options.
 * No broker here: the broker side of SASL/TLS is test/cluster/kafka-secure.test.ts.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientSettings } from '../../serdes/src/cli/kafka/client-config.js';
import { parseProperties } from '../../serdes/src/kafka/properties.js';
import { Secrets } from '../../serdes/src/cli/common.js';

describe('Java properties', () => {
  it('parses separators, comments, continuations and escapes as java.util.Properties does', () => {
    const text = [
      '# a comment',
      '! another',
      'security.protocol=SASL_SSL',
      'sasl.mechanism : SCRAM-SHA-512',
      'client.id serdes\\',
      '    -console',
      '  acks=all',
      'key\\=with\\:colon=v\\u00e9\\tx',
      'empty=',
      'sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \\',
      '  username="alice" \\',
      '  password="s3cr\\\\et";',
      'acks=1',
    ].join('\n');
    const p = parseProperties(text);
    expect(Object.fromEntries(p)).toEqual({
      'security.protocol': 'SASL_SSL',
      'sasl.mechanism': 'SCRAM-SHA-512',
      'client.id': 'serdes-console',
      acks: '1',
      'key=with:colon': 'vé\tx',
      empty: '',
      'sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="s3cr\\et";',
    });
  });
});

describe('Kafka client settings → kafkajs', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'console-config-'));
    await writeFile(path.join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n');
    await writeFile(path.join(dir, 'cert.pem'), 'CERT');
    await writeFile(path.join(dir, 'key.pem'), 'KEY');
    await writeFile(path.join(dir, 'ks.p12'), Buffer.from([1, 2, 3]));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const settings = (pairs: Record<string, string>, secrets = new Secrets()) => clientSettings(Object.entries(pairs), secrets);

  it('SASL_SSL with SCRAM from sasl.jaas.config and a PEM truststore; the password becomes a secret', () => {
    const secrets = new Secrets();
    const s = settings(
      {
        'security.protocol': 'SASL_SSL',
        'sasl.mechanism': 'SCRAM-SHA-512',
        'sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="p\\"w0rd";',
        'ssl.truststore.type': 'PEM',
        'ssl.truststore.location': path.join(dir, 'ca.pem'),
        'ssl.endpoint.identification.algorithm': '',
      },
      secrets,
    );
    expect(s.kafka.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'alice', password: 'p"w0rd' });
    const ssl = s.kafka.ssl as { ca: string; checkServerIdentity: () => unknown };
    expect(ssl.ca).toContain('BEGIN CERTIFICATE');
    expect(ssl.checkServerIdentity()).toBeUndefined();
    expect(secrets.redact('failed for p"w0rd')).toBe('failed for ***');
  });

  it('SASL_PLAINTEXT PLAIN from sasl.username/sasl.password: no TLS', () => {
    const s = settings({ 'security.protocol': 'SASL_PLAINTEXT', 'sasl.username': 'bob', 'sasl.password': 'hunter22' });
    expect(s.kafka.sasl).toEqual({ mechanism: 'plain', username: 'bob', password: 'hunter22' });
    expect(s.kafka.ssl).toBeUndefined();
  });

  it('SSL with a client certificate (PEM files, PKCS12 keystore) or with the system CAs', () => {
    const pem = settings({
      'security.protocol': 'SSL',
      'ssl.ca.location': path.join(dir, 'ca.pem'),
      'ssl.certificate.location': path.join(dir, 'cert.pem'),
      'ssl.key.location': path.join(dir, 'key.pem'),
      'ssl.key.password': 'kp',
    });
    expect(pem.kafka.ssl).toMatchObject({ cert: 'CERT', key: 'KEY', passphrase: 'kp' });
    expect(pem.kafka.sasl).toBeUndefined();
    const p12 = settings({ 'security.protocol': 'SSL', 'ssl.keystore.type': 'PKCS12', 'ssl.keystore.location': path.join(dir, 'ks.p12'), 'ssl.keystore.password': 'ksp' });
    expect(p12.kafka.ssl).toMatchObject({ pfx: Buffer.from([1, 2, 3]), passphrase: 'ksp' });
    expect(settings({ 'security.protocol': 'SSL' }).kafka.ssl).toBe(true);
  });

  it('producer and consumer settings', () => {
    const s = settings({
      'client.id': 'me',
      acks: 'all',
      'compression.type': 'gzip',
      'enable.idempotence': 'true',
      'request.timeout.ms': '5000',
      retries: '7',
      'group.id': 'g',
      'isolation.level': 'read_uncommitted',
      'fetch.max.bytes': '1024',
      'max.partition.fetch.bytes': '512',
      'fetch.max.wait.ms': '50',
    });
    expect(s.kafka).toMatchObject({ clientId: 'me', requestTimeout: 5000, retry: { retries: 7 } });
    expect(s.send).toEqual({ acks: -1, compression: 1 });
    expect(s.producer).toEqual({ idempotent: true });
    expect(s.consumer).toEqual({ groupId: 'g', readUncommitted: true, maxBytes: 1024, maxBytesPerPartition: 512, maxWaitTimeInMs: 50 });
  });

  it('refuses what it cannot honour, naming the setting', () => {
    expect(() => settings({ 'linger.ms': '5' })).toThrow(/unknown Kafka client setting "linger.ms" \(known: .*sasl.mechanism/);
    expect(() => settings({ 'sasl.mechanism': 'GSSAPI' })).toThrow(/sasl.mechanism must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512/);
    expect(() => settings({ 'security.protocol': 'SASL_SSL' })).toThrow(/needs credentials/);
    expect(() => settings({ 'security.protocol': 'SSL', 'ssl.truststore.location': '/x.jks' })).toThrow(/only PEM truststores/);
    expect(() => settings({ 'security.protocol': 'SSL', 'ssl.keystore.location': '/x.jks' })).toThrow(/JKS keystores cannot be read/);
    expect(() => settings({ 'ssl.ca.location': path.join(dir, 'ca.pem') })).toThrow(/security.protocol is PLAINTEXT/);
    expect(() => settings({ 'compression.type': 'zstd' })).toThrow(/none or gzip/);
    expect(() => settings({ acks: '2' })).toThrow(/acks must be/);
    expect(() => settings({ 'security.protocol': 'SSL', 'ssl.ca.location': path.join(dir, 'missing.pem') })).toThrow(/cannot read ssl.ca.location/);
  });
});
