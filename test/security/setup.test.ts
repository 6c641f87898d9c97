/**
 * Setting security up: the flags and variables (and their errors), `schema-registry user add` (run as a
 * process: it prints nothing secret and stores only a hash), bindings and users files refused when
 * malformed, reloaded without a restart (polled, and on SIGHUP to a real server process), and the rule
 * that a route without an access declaration cannot be registered.
 */
import { spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../registry/src/app.js';
import { ConfigError, HELP, loadConfig } from '../../registry/src/config.js';
import { parseBindings } from '../../registry/src/security/bindings.js';
import { Authorizer } from '../../registry/src/security/authorizer.js';
import { loadUsers } from '../../registry/src/security/users-file.js';
import { createStore } from '../../registry/src/store/index.js';
import { basic, call, scratchDir, startSecureRegistry, usersFile } from './helpers.js';

const CLI = fileURLToPath(new URL('../../registry/dist/cli.js', import.meta.url));

function run(args: string[], input: string, env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('security configuration', () => {
  it('is off by default', () => {
    expect(loadConfig([], {}).config.security).toEqual({ authMethods: [], rateLimit: 0, authFailureLimit: 30, reloadPollMs: 2_000 });
    expect(loadConfig([], {}).config.metrics).toBe(false);
  });

  it('reads flags and variables (flags win)', () => {
    const env = { AUTH: 'basic, bearer', USERS_FILE: '/etc/sr/users.json', JWT_JWKS_URL: 'https://idp/jwks', JWT_ISSUER: 'https://idp', METRICS: 'true', RATE_LIMIT: '50' };
    const flags = ['--tls-cert', 'c.pem', '--tls-key', 'k.pem', '--tls-ca', 'ca.pem', '--tls-client-auth', 'request', '--auth', 'basic,mtls,bearer'];
    flags.push('--bindings-file', 'b.json', '--audit-log', '-', '--jwt-groups-claim', 'roles', '--security-reload-interval', '0', '--auth-failure-limit', '7');
    const { config } = loadConfig(flags, env);
    expect(config.metrics).toBe(true);
    expect(config.security).toEqual({
      tls: { certFile: 'c.pem', keyFile: 'k.pem', caFile: 'ca.pem', clientAuth: 'request' },
      authMethods: ['basic', 'mtls', 'bearer'],
      usersFile: '/etc/sr/users.json',
      jwt: {
        secretFile: undefined,
        jwksFile: undefined,
        jwksUrl: 'https://idp/jwks',
        issuer: 'https://idp',
        audience: undefined,
        principalClaim: 'sub',
        groupsClaim: 'roles',
        clockToleranceSeconds: 5,
      },
      bindingsFile: 'b.json',
      auditLog: '-',
      rateLimit: 50,
      authFailureLimit: 7,
      reloadPollMs: 0,
    });
    expect(loadConfig(['--metrics'], {}).config.metrics).toBe(true);
  });

  it('refuses incomplete or contradictory settings, naming them', () => {
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['--tls-cert', 'c.pem'], {}, /TLS_KEY/],
      [['--tls-client-auth', 'required', '--tls-cert', 'c', '--tls-key', 'k'], {}, /TLS_CA/],
      [['--tls-client-auth', 'maybe', '--tls-cert', 'c', '--tls-key', 'k', '--tls-ca', 'a'], {}, /--tls-client-auth must be one of/],
      [['--tls-ca', 'ca.pem'], {}, /need TLS/],
      [['--auth', 'kerberos'], {}, /--auth must list some of basic, bearer, mtls/],
      [['--auth', 'basic'], {}, /USERS_FILE/],
      [['--auth', 'mtls'], {}, /TLS_CLIENT_AUTH/],
      [['--auth', 'bearer'], {}, /exactly one of JWT_SECRET_FILE/],
      [['--auth', 'bearer', '--jwt-secret-file', 's', '--jwt-jwks-url', 'https://x'], {}, /exactly one/],
      [['--auth', 'bearer', '--jwt-jwks-url', 'ftp://x'], {}, /http/],
      [['--bindings-file', 'b.json'], {}, /needs authentication/],
      [[], { RATE_LIMIT: 'lots' }, /RATE_LIMIT must be an integer/],
    ];
    for (const [argv, env, message] of cases) {
      let error: unknown;
      try {
        loadConfig(argv, env);
      } catch (e) {
        error = e;
      }
      expect(error, argv.join(' ')).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(message);
    }
  });

  it('documents every setting in --help', () => {
    for (const name of ['TLS_CERT', 'TLS_KEY', 'TLS_CA', 'TLS_CLIENT_AUTH', 'AUTH', 'USERS_FILE', 'JWT_SECRET_FILE', 'JWT_JWKS_FILE', 'JWT_JWKS_URL', 'JWT_ISSUER', 'JWT_AUDIENCE', 'JWT_PRINCIPAL_CLAIM', 'JWT_GROUPS_CLAIM', 'BINDINGS_FILE', 'AUDIT_LOG', 'RATE_LIMIT', 'RATE_LIMIT_BURST', 'AUTH_FAILURE_LIMIT', 'SECURITY_RELOAD_INTERVAL', 'METRICS']) {
      expect(HELP, name).toContain(`[${name}`);
    }
    expect(HELP).toContain('schema-registry user add');
  });
});

describe('schema-registry user', () => {
  const scratch = scratchDir('user-cli');
  afterAll(() => scratch.cleanup());

  it('adds a user with an scrypt hash, printing nothing secret; the server then accepts the password', async () => {
    const file = `${scratch.dir}/users.json`;
    const password = 'Correct horse battery staple 9!';
    const added = await run(['user', 'add', 'alice', '--users-file', file, '--group', 'platform'], `${password}\n`);
    expect(added).toEqual({ code: 0, stdout: `user alice added to ${file}\n`, stderr: '' });
    const stored = readFileSync(file, 'utf8');
    expect(stored).not.toContain(password);
    expect(JSON.parse(stored).users.alice).toEqual({ password: expect.stringMatching(/^\$scrypt\$ln=16,r=8,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/), groups: ['platform'] });
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const again = await run(['user', 'add', 'bob'], 'bob-password\n', { USERS_FILE: file });
    expect(again).toEqual({ code: 0, stdout: `user bob added to ${file}\n`, stderr: '' });
    const replaced = await run(['user', 'add', 'bob', '--users-file', file], 'bob-password-2\n');
    expect(replaced.stdout).toBe(`user bob updated in ${file}\n`);

    const reg = await startSecureRegistry('pglite', { authMethods: ['basic'], usersFile: file });
    try {
      expect((await call(reg.url, 'GET', '/subjects', { headers: basic('alice', password) })).status).toBe(200);
      expect((await call(reg.url, 'GET', '/subjects', { headers: basic('bob', 'bob-password-2') })).status).toBe(200);
      expect((await call(reg.url, 'GET', '/subjects', { headers: basic('bob', 'bob-password') })).status).toBe(401);
      expect((await call(reg.url, 'GET', '/subjects', { headers: basic('carol', 'x') })).status).toBe(401);
    } finally {
      await reg.close();
    }

    expect(await run(['user', 'remove', 'bob', '--users-file', file], '')).toEqual({ code: 0, stdout: `user bob removed from ${file}\n`, stderr: '' });
    expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')).users)).toEqual(['alice']);
  }, 180_000);

  it('refuses bad input', async () => {
    const file = `${scratch.dir}/bad.json`;
    expect((await run(['user', 'add', 'alice', '--users-file', file], '')).code).toBe(2);
    expect((await run(['user', 'add', 'al:ice', '--users-file', file], 'pw\n')).stderr).toMatch(/invalid user name/);
    expect((await run(['user', 'add', 'alice'], 'pw\n', { USERS_FILE: '' })).code).toBe(2);
    expect((await run(['user', 'frobnicate', 'alice', '--users-file', file], '')).code).toBe(2);
  });
});

describe('users and bindings files', () => {
  const scratch = scratchDir('files');
  afterAll(() => scratch.cleanup());

  it('refuses a users file with a plain password or a malformed entry', { timeout: 180_000 }, async () => {
    const plain = scratch.file('plain.json', JSON.stringify({ users: { alice: { password: 'hunter2' } } }));
    await expect(loadUsers(plain)).rejects.toThrow(/must be an scrypt hash/);
    await expect(startSecureRegistry('pglite', { authMethods: ['basic'], usersFile: plain })).rejects.toThrow(/must be an scrypt hash/);
    const groups = scratch.file('groups.json', JSON.stringify({ users: { alice: { password: '$scrypt$ln=10,r=8,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA', groups: 'x' } } }));
    await expect(loadUsers(groups)).rejects.toThrow(/"groups" must be a list/);
  });

  it('refuses malformed bindings with a message naming the binding', () => {
    const cases: [unknown, RegExp][] = [
      [{}, /expected \{"bindings"/],
      [{ bindings: [{ principals: ['a'], operations: ['read'], resources: ['subject:*'], role: 'x' }] }, /binding 1: unknown key "role"/],
      [{ bindings: [{ operations: ['read'], resources: ['subject:*'] }] }, /names no principal/],
      [{ bindings: [{ principals: ['a'], operations: ['delete'], resources: ['subject:*'] }] }, /unknown operation "delete"/],
      [{ bindings: [{ principals: ['a'], operations: ['read'], resources: ['topic:x'] }] }, /unknown resource "topic:x"/],
      [{ bindings: [{ principals: ['a'], operations: ['read'], resources: ['subject:a*b'] }] }, /may only end a name pattern/],
    ];
    for (const [doc, message] of cases) expect(() => parseBindings(JSON.stringify(doc))).toThrow(message);
  });

  it('match subjects exactly, by prefix or all; operations include the weaker ones', () => {
    const authorizer = new Authorizer(() =>
      parseBindings(
        JSON.stringify({
          bindings: [
            { principals: ['p'], operations: ['write'], resources: ['subject:orders-*', 'subject:exact', 'subject::.:plain'] },
            { groups: ['g'], operations: 'admin', resources: ['context:.team-*'] },
          ],
        }),
      ),
    );
    const p = { name: 'p', groups: [], method: 'basic' as const };
    const g = { name: 'someone', groups: ['g'], method: 'bearer' as const };
    const may = (who: typeof p | typeof g, operation: 'read' | 'write' | 'admin', resource: { kind: 'subject' | 'context'; name: string }) =>
      authorizer.allows(who, { operation, resource });
    expect(may(p, 'read', { kind: 'subject', name: 'orders-value' })).toBe(true);
    expect(may(p, 'write', { kind: 'subject', name: 'orders-value' })).toBe(true);
    expect(may(p, 'admin', { kind: 'subject', name: 'orders-value' })).toBe(false);
    expect(may(p, 'write', { kind: 'subject', name: 'exact' })).toBe(true);
    expect(may(p, 'write', { kind: 'subject', name: 'exact2' })).toBe(false);
    expect(may(p, 'write', { kind: 'subject', name: 'plain' })).toBe(true);
    expect(may(p, 'read', { kind: 'subject', name: ':.ctx:orders-value' })).toBe(false);
    expect(may(g, 'admin', { kind: 'context', name: '.team-a' })).toBe(true);
    expect(may(g, 'read', { kind: 'context', name: '.other' })).toBe(false);
    const scope = authorizer.readScope(g);
    expect(scope.allSubjects).toBe(false);
    expect(scope.visibility?.context('.team-b')).toBe(true);
    expect(scope.visibility?.subject(':.team-b:x')).toBe(false);
  });

  it('are reloaded when they change, without a restart; a broken file keeps the bindings in force', async () => {
    const users = await usersFile(`${scratch.dir}/users-reload.json`, { alice: { password: 'alice-pw' } });
    const bindings = scratch.file('reload.json', JSON.stringify({ bindings: [{ principals: ['alice'], operations: ['read'], resources: ['subject:*'] }] }));
    const reg = await startSecureRegistry('pglite', { authMethods: ['basic'], usersFile: users, bindingsFile: bindings, reloadPollMs: 50 });
    const put = () => call(reg.url, 'PUT', '/config', { body: { compatibility: 'FULL' }, headers: basic('alice', 'alice-pw') });
    const eventually = async (check: () => Promise<boolean>) => {
      for (let i = 0; i < 200; i++) {
        if (await check()) return true;
        await new Promise((r) => setTimeout(r, 50));
      }
      return false;
    };
    try {
      expect((await put()).status).toBe(403);
      writeFileSync(bindings, JSON.stringify({ bindings: [{ principals: ['alice'], operations: ['admin'], resources: ['*'] }] }));
      expect(await eventually(async () => (await put()).status === 200)).toBe(true);
      writeFileSync(bindings, '{"bindings": [ oops');
      await new Promise((r) => setTimeout(r, 500));
      expect((await put()).status).toBe(200);
      // A new password in the users file applies too (the cache of verified passwords is dropped).
      await usersFile(users, { alice: { password: 'alice-pw-2' } });
      expect(await eventually(async () => (await call(reg.url, 'GET', '/subjects', { headers: basic('alice', 'alice-pw') })).status === 401)).toBe(true);
      expect((await call(reg.url, 'GET', '/subjects', { headers: basic('alice', 'alice-pw-2') })).status).toBe(200);
    } finally {
      await reg.close();
    }
  }, 180_000);

  it('are reloaded on SIGHUP by a server process', async () => {
    const users = await usersFile(`${scratch.dir}/users-hup.json`, { alice: { password: 'alice-pw' } });
    const bindings = scratch.file('hup.json', JSON.stringify({ bindings: [{ principals: ['alice'], operations: ['read'], resources: ['subject:*'] }] }));
    const { startRegistryProcess } = await import('../helpers/server-process.js');
    const proc = await startRegistryProcess({
      DATA_DIR: 'memory://',
      AUTH: 'basic',
      USERS_FILE: users,
      BINDINGS_FILE: bindings,
      SECURITY_RELOAD_INTERVAL: '0',
      SCHEMA_WORKERS: '0',
    });
    try {
      const put = () => call(proc.url, 'PUT', '/config', { body: { compatibility: 'FULL' }, headers: basic('alice', 'alice-pw') });
      expect((await put()).status).toBe(403);
      writeFileSync(bindings, JSON.stringify({ bindings: [{ principals: ['alice'], operations: ['admin'], resources: ['*'] }] }));
      // Polling is off: only the signal reloads.
      await new Promise((r) => setTimeout(r, 300));
      expect((await put()).status).toBe(403);
      proc.child.kill('SIGHUP');
      let status = 0;
      for (let i = 0; i < 100 && status !== 200; i++) {
        await new Promise((r) => setTimeout(r, 50));
        status = (await put()).status;
      }
      expect(status).toBe(200);
    } finally {
      await proc.stop();
    }
  }, 180_000);
});

describe('access declarations', () => {
  it('a route without one cannot be registered', { timeout: 180_000 }, async () => {
    const store = await createStore({ dataDir: 'memory://' });
    const app = await buildApp({ store, ownsStore: true, schemaWork: { threads: 0 } });
    try {
      expect(() => app.get('/undeclared', async () => 'x')).toThrow(/route GET \/undeclared declares no access/);
      expect(() => app.get('/declared', { config: { access: { kind: 'authenticated' } } }, async () => 'x')).not.toThrow();
    } finally {
      await app.close();
    }
  });
});
