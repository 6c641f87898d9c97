/**
 * KMS secrets never leak: not into the log (a real registry process at LOG_LEVEL=trace, through shared-KEK
 * DEK generation, unwrapping and KMS failures answered 50070), not into any answer, not through the
 * configuration object when printed or serialised.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../registry/src/config.js';
import { startRegistryProcess, type RegistryProcess } from '../helpers/server-process.js';
import { call } from './server.js';

const SERVER_SECRET = 'server-secret-9c1e7d';
const KEK_SECRET = 'kek-props-secret-4b2f';
const OTHER_SECRET = 'replaced-secret-77aa';
const KEKS = '/dek-registry/v1/keks';

describe('KMS secrets', () => {
  let dir: string;
  let proc: RegistryProcess;
  let output = '';
  const bodies: string[] = [];
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await call(proc.url, method, path, body === undefined ? {} : { body });
    bodies.push(res.text);
    return res;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dek-secrets-'));
    const file = join(dir, 'secret');
    writeFileSync(file, `${SERVER_SECRET}\n`);
    proc = await startRegistryProcess({ DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'trace', LOCAL_KMS_SECRET_FILE: file });
    proc.child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    proc.child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  }, 90_000);
  afterAll(async () => {
    await proc?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('are used but never logged nor answered', async () => {
    // The server's secret (from the file): a shared KEK without one of its own.
    expect((await api('POST', KEKS, { name: 'srv', kmsType: 'local-kms', kmsKeyId: 'srv', shared: true })).status).toBe(200);
    const dek = await api('POST', `${KEKS}/srv/deks/a-value`, {});
    expect(dek.status).toBe(200);
    expect(typeof dek.json.keyMaterial).toBe('string');
    // A KEK carrying its own secret in kmsProps (Confluent's local KMS allows it): stored, used, never shown.
    const kek = await api('POST', KEKS, { name: 'own', kmsType: 'local-kms', kmsKeyId: 'own', shared: true, kmsProps: { secret: KEK_SECRET, note: 'n' } });
    expect(kek.json.kmsProps).toEqual({ note: 'n' });
    const own = await api('POST', `${KEKS}/own/deks/b-value`, {});
    expect(own.status).toBe(200);
    expect((await api('GET', `${KEKS}/own/deks/b-value`)).json.keyMaterial).toBe(own.json.keyMaterial);
    // An update without the secret keeps it (the DEK still unwraps); one with another secret cannot unwrap: 50070.
    expect((await api('PUT', `${KEKS}/own`, { kmsProps: { note: 'm' } })).json.kmsProps).toEqual({ note: 'm' });
    expect((await api('GET', `${KEKS}/own/deks/b-value`)).json.keyMaterial).toBe(own.json.keyMaterial);
    expect((await api('PUT', `${KEKS}/own`, { kmsProps: { note: 'm', secret: OTHER_SECRET } })).status).toBe(200);
    const broken = await api('GET', `${KEKS}/own/deks/b-value`);
    expect({ status: broken.status, code: broken.json.error_code }).toEqual({ status: 500, code: 50070 });
    // A shared KEK on a KMS the registry has no driver for: 50070, logged as a 5xx.
    expect((await api('POST', KEKS, { name: 'cloud', kmsType: 'aws-kms', kmsKeyId: 'arn:k', shared: true, kmsProps: { 'secret.access.key': KEK_SECRET } })).status).toBe(200);
    expect((await api('POST', `${KEKS}/cloud/deks/c-value`, {})).status).toBe(500);

    await new Promise((r) => setTimeout(r, 300));
    // The log is not empty: the 5xx answers were logged, with their request lines.
    expect(output).toContain('request failed');
    expect(output).toContain('/dek-registry/v1/keks/own/deks/b-value');
    for (const secret of [SERVER_SECRET, KEK_SECRET, OTHER_SECRET]) {
      expect(output).not.toContain(secret);
      for (const body of bodies) expect(body).not.toContain(secret);
    }
  });

  it('the configured secret prints and serialises as a mask', () => {
    const { config } = loadConfig([], { LOCAL_KMS_SECRET: SERVER_SECRET });
    expect(config.localKmsSecret?.reveal()).toBe(SERVER_SECRET);
    for (const shown of [JSON.stringify(config), inspect(config, { depth: 10 }), `${config.localKmsSecret}`, String(config.localKmsSecret)]) {
      expect(shown).not.toContain(SERVER_SECRET);
    }
    expect(() => loadConfig([], { LOCAL_KMS_SECRET_FILE: join(tmpdir(), 'no-such-secret-file') })).toThrow(/LOCAL_KMS_SECRET_FILE: cannot read/);
  });
});
