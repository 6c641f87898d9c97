/**
 * The shared black-box conformance suite (test/conformance/conformance.mjs), run as a child process against
 * a real server on each store. It must pass completely; its failures are printed when it does not.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceKafkaSkip, KAFKA_BOOTSTRAP_SERVERS } from '../helpers/kafka.js';
import { announcePostgresSkip, DATABASE_URL } from '../helpers/postgres.js';
import { startRegistry, type TestRegistry } from './server.js';

const SUITE = fileURLToPath(new URL('../conformance/conformance.mjs', import.meta.url));

function runSuite(url: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SUITE], { env: { ...process.env, REGISTRY_URL: url }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

function conformance(backend: 'pglite' | 'postgres' | 'kafka') {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startRegistry(backend);
  });
  afterAll(async () => {
    await registry?.close();
  });

  it('passes every check of the conformance suite', async () => {
    const { code, output } = await runSuite(registry.url);
    const summary = output.trim().split('\n').at(-1) ?? '';
    if (code !== 0) {
      // Only the failures (and the summary), so the reason is readable in the test log.
      const failures = output.split('\n').filter((l) => l.startsWith('FAIL') || l.startsWith('       '));
      console.log(`conformance on ${backend}: ${summary}\n${failures.join('\n')}`);
    }
    expect(summary).toMatch(/^\d+ passed, 0 failed$/);
    expect(code).toBe(0);
  }, 600_000);
}

describe('conformance suite on PGlite (in memory)', () => conformance('pglite'));

announcePostgresSkip('conformance suite on Postgres');
describe.skipIf(!DATABASE_URL)('conformance suite on Postgres', () => conformance('postgres'));

announceKafkaSkip('conformance suite on Kafka');
describe.skipIf(!KAFKA_BOOTSTRAP_SERVERS)('conformance suite on Kafka', () => conformance('kafka'));
