/**
 * Configuration parsing (unit) and the built command line (`registry/dist/cli.js`, built by `npm test` /
 * `tsc -b`): help, bad flags, `migrate`, the ready line (secrets masked) and graceful shutdown.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, describeStore, loadConfig, maskUrl } from '../../registry/src/config.js';
import { createLogger, maskSecrets } from '../../registry/src/log.js';
import { announcePostgresSkip, DATABASE_URL, freshDatabase } from '../helpers/postgres.js';

const CLI = fileURLToPath(new URL('../../registry/dist/cli.js', import.meta.url));

describe('configuration', () => {
  it('has defaults', () => {
    expect(loadConfig([], {})).toEqual({
      command: 'serve',
      help: false,
      config: {
        port: 8081,
        host: '127.0.0.1',
        dataDir: './data',
        schemasTopic: '_schemas',
        topicReplicationFactor: 1,
        kafkaSessionTimeoutMs: 6000,
        bodyLimit: 16 * 1024 * 1024,
        bodyTimeout: 60_000,
        defaultCompatibility: 'BACKWARD',
        logLevel: 'info',
        schemaWorkers: Math.min(availableParallelism(), 4),
        schemaWorkTimeoutMs: 10_000,
        schemaWorkIsolation: 'process',
        maxSchemaSize: 8 * 1024 * 1024,
        maxSchemaReferences: 2_000,
        schemaLimits: { maxFields: 10_000, maxBranches: 10_000, maxEnumValues: 10_000, maxTypes: 10_000, maxDepth: 256 },
        security: { authMethods: [], rateLimit: 0, authFailureLimit: 30, reloadPollMs: 2_000 },
        metrics: false,
        dekRegistryTopic: '_dek_registry_keys',
        ui: true,
      },
    });
  });

  it('reads the schema work settings and limits', () => {
    const env = { SCHEMA_WORKERS: '0', SCHEMA_WORK_TIMEOUT: '250ms', SCHEMA_WORK_ISOLATION: 'thread', MAX_SCHEMA_FIELDS: '50', MAX_SCHEMA_SIZE: '1mb' };
    const config = loadConfig(['--max-schema-depth', '12', '--max-schema-references', '7'], env).config;
    expect(config).toMatchObject({ schemaWorkers: 0, schemaWorkTimeoutMs: 250, schemaWorkIsolation: 'thread', maxSchemaSize: 1024 * 1024, maxSchemaReferences: 7 });
    expect(loadConfig([], {}).config.schemaWorkIsolation).toBe('process');
    expect(config.schemaLimits).toEqual({ maxFields: 50, maxBranches: 10_000, maxEnumValues: 10_000, maxTypes: 10_000, maxDepth: 12 });
    // The defaults object itself is never changed by a load.
    expect(loadConfig([], {}).config.schemaLimits.maxFields).toBe(10_000);
  });

  it('reads the Kafka store settings', () => {
    const env = { KAFKA_BOOTSTRAP_SERVERS: 'k1:9092,k2:9093', SCHEMAS_TOPIC: 'my_schemas', KAFKA_TOPIC_REPLICATION_FACTOR: '3', KAFKA_SESSION_TIMEOUT_MS: '10000', DEK_REGISTRY_TOPIC: 'my_keys' };
    expect(loadConfig(['--advertised-url', 'http://sr-1:8081/', '--kafka-group-id', 'g'], env).config).toMatchObject({
      kafkaBootstrapServers: 'k1:9092,k2:9093',
      schemasTopic: 'my_schemas',
      dekRegistryTopic: 'my_keys',
      topicReplicationFactor: 3,
      kafkaSessionTimeoutMs: 10000,
      kafkaGroupId: 'g',
      advertisedUrl: 'http://sr-1:8081',
    });
    const bad: [string[], Record<string, string>, RegExp][] = [
      [[], { KAFKA_BOOTSTRAP_SERVERS: 'k1' }, /KAFKA_BOOTSTRAP_SERVERS must be host:port/],
      [['--schemas-topic', 'a/b'], {}, /--schemas-topic must be a Kafka topic name/],
      [[], { DEK_REGISTRY_TOPIC: 'a b' }, /DEK_REGISTRY_TOPIC must be a Kafka topic name/],
      [[], { KAFKA_TOPIC_REPLICATION_FACTOR: '0' }, /KAFKA_TOPIC_REPLICATION_FACTOR must be an integer/],
      [['--advertised-url', 'sr:8081'], {}, /--advertised-url must be http/],
      [[], { KAFKA_BOOTSTRAP_SERVERS: 'k:9092', DATABASE_URL: 'postgres://h/db' }, /either DATABASE_URL .* or KAFKA_BOOTSTRAP_SERVERS/],
    ];
    for (const [argv, e, message] of bad) expect(() => loadConfig(argv, e)).toThrow(message);
  });

  it('reads the environment, and flags win over it', () => {
    const env = { PORT: '9000', HOST: '0.0.0.0', DATA_DIR: '/var/lib/sr', BODY_LIMIT: '512kb', BODY_TIMEOUT: '5s', DEFAULT_COMPATIBILITY: 'full', LOG_LEVEL: 'WARN' };
    expect(loadConfig([], env).config).toMatchObject({ port: 9000, host: '0.0.0.0', dataDir: '/var/lib/sr', bodyLimit: 512 * 1024, bodyTimeout: 5000, defaultCompatibility: 'FULL', logLevel: 'warn' });
    const flags = ['migrate', '--port', '0', '--body-limit', '2mb', '--body-timeout', '250', '--database-url', 'postgresql://u@h/db', '--default-compatibility', 'NONE'];
    const inv = loadConfig(flags, env);
    expect(inv.command).toBe('migrate');
    expect(inv.config).toMatchObject({ port: 0, bodyLimit: 2 * 1024 * 1024, bodyTimeout: 250, databaseUrl: 'postgresql://u@h/db', defaultCompatibility: 'NONE', host: '0.0.0.0' });
  });

  it('rejects bad values and unknown flags with a ConfigError naming the setting', () => {
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['--port', 'http'], {}, /--port/],
      [[], { PORT: '70000' }, /PORT/],
      [[], { DATABASE_URL: 'mysql://x' }, /DATABASE_URL must start with postgres/],
      [['--body-limit', 'lots'], {}, /--body-limit/],
      [['--body-timeout', '1m'], {}, /--body-timeout/],
      [[], { BODY_TIMEOUT: '0s' }, /BODY_TIMEOUT/],
      [['--default-compatibility', 'SIDEWAYS'], {}, /--default-compatibility/],
      [['--log-level', 'loud'], {}, /--log-level/],
      [['--schema-work-timeout', '0'], {}, /--schema-work-timeout must be at least 1ms/],
      [['--schema-work-isolation', 'fiber'], {}, /--schema-work-isolation must be thread or process, got "fiber"/],
      [[], { MAX_SCHEMA_FIELDS: 'many' }, /MAX_SCHEMA_FIELDS/],
      [[], { SCHEMA_WORKERS: '-1' }, /SCHEMA_WORKERS/],
      [['--nope'], {}, /nope/],
      [['serve', 'extra'], {}, /unexpected/],
      [['launch'], {}, /unknown command/],
    ];
    for (const [argv, env, message] of cases) expect(() => loadConfig(argv, env), argv.join(' ')).toThrow(ConfigError), expect(() => loadConfig(argv, env)).toThrow(message);
  });

  it('never shows a database password', () => {
    expect(maskUrl('postgres://user:s3cret@db:5432/reg')).toBe('postgres://user:****@db:5432/reg');
    expect(maskUrl('postgres://user@db/reg')).toBe('postgres://user@db/reg');
    expect(describeStore({ databaseUrl: 'postgresql://a:b@h/d', dataDir: './data' })).toBe('postgres postgresql://a:****@h/d');
    expect(describeStore({ dataDir: './data' })).toBe('pglite ./data');
  });

  it('masks database passwords in logged errors', () => {
    expect(maskSecrets('cannot reach postgres://u:s3cret@db/reg, giving up')).toBe('cannot reach postgres://u:****@db/reg, giving up');
    const lines: string[] = [];
    const log = createLogger('error', { write: (line: string) => void lines.push(line) });
    log.error({ err: new Error('failed: postgresql://u:s3cret@db/reg') }, 'store error');
    log.warn('below the level');
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]!);
    expect(entry).toMatchObject({ msg: 'store error', err: { message: 'failed: postgresql://u:****@db/reg' } });
    expect(lines[0]).not.toContain('s3cret');
  });
});

function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // The store is what each test says: a Kafka broker in the environment (CI) must not select Kafka here.
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, KAFKA_BOOTSTRAP_SERVERS: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts `serve` on a free port and resolves with its ready line once printed. */
function serve(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [CLI, '--port', '0', ...args], {
    env: { ...process.env, KAFKA_BOOTSTRAP_SERVERS: '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  // 'close', not 'exit': the last log lines may still be in the pipe when 'exit' fires.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return new Promise<{ url: string; readyLine: string; output(): string; stop(): Promise<number | null> }>((resolve, reject) => {
    const onData = (c: Buffer) => {
      output += c.toString();
      const line = output.split('\n').find((l) => l.includes('listening on'));
      const url = line && /listening on (http:\/\/\S+)/.exec(line)?.[1];
      if (line && url) {
        resolve({
          url,
          readyLine: line,
          output: () => output,
          stop: () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => reject(new Error(`exited with ${code} before listening:\n${output}`)));
  });
}

describe('command line', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'schemata-cli-'));
    dirs.push(d);
    return d;
  };
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('prints help and exits 0', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: schema-registry \[serve\|migrate\]/);
    expect(stdout).toContain('--database-url');
  });

  it('exits 2 with a message on a bad flag', async () => {
    const { code, stderr } = await runCli(['--port', 'eighty']);
    expect(code).toBe(2);
    expect(stderr).toContain('--port must be a port number');
  });

  it('applies migrations and exits with `migrate`', async () => {
    const dir = tempDir();
    const { code, stdout } = await runCli(['migrate', '--data-dir', dir], { DATABASE_URL: '' });
    expect(code).toBe(0);
    expect(stdout).toContain(`migrations applied (store: pglite ${dir})`);
  }, 180_000); // a fresh on-disk PGlite takes a while to initialise

  it('serves, prints the ready line, and shuts down gracefully on SIGTERM', async () => {
    const dir = tempDir();
    const server = await serve(['--data-dir', dir], { DATABASE_URL: '' });
    expect(server.readyLine).toMatch(new RegExp(`^schema registry listening on http://127\\.0\\.0\\.1:\\d+ \\(store: pglite ${dir}\\)$`));
    expect((await fetch(`${server.url}/subjects`)).status).toBe(200);
    expect(await server.stop()).toBe(0);
    // The data directory's lock is released on a clean shutdown.
    expect(existsSync(join(dir, 'schemata.lock'))).toBe(false);
  }, 180_000);

  announcePostgresSkip('command line on Postgres (masked URL in the ready line)');
  it.skipIf(!DATABASE_URL)('masks the Postgres password in the ready line', async () => {
    const db = await freshDatabase('cli');
    const url = new URL(db.url);
    url.password = 'hunter2'; // the test server trusts local connections, so any password works
    try {
      const server = await serve([], { DATABASE_URL: url.toString(), LOG_LEVEL: 'info' });
      expect(server.readyLine).toContain('(store: postgres postgres://');
      expect(server.readyLine).toContain(':****@');
      expect(await server.stop()).toBe(0);
      // The application's own log lines (start-up, shutdown) follow the ready line, masked as well.
      expect(server.output()).toContain('"msg":"schema registry started"');
      expect(server.output()).toContain('"msg":"shut down"');
      expect(server.output()).not.toContain('hunter2');
    } finally {
      await db.drop();
    }
  });
});
