/**
 * The audit log, read back line by line after a known sequence of calls: every authentication result,
 * every refusal, every change with its outcome, as CloudEvents-style JSON lines; and no secret anywhere in
 * the file (passwords, Basic credentials, tokens, hashes).
 */
import { readFileSync } from 'node:fs';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../registry/src/security/audit.js';
import { JWT_DEFAULTS } from '../../registry/src/security/options.js';
import { basic, bearer, call, scratchDir, startSecureRegistry, usersFile } from './helpers.js';

const SECRET = 'audit-test-shared-secret-0123456789abcdef';
const ORDER = JSON.stringify({ type: 'record', name: 'Order', fields: [{ name: 'id', type: 'string' }] });

describe('audit log', () => {
  const scratch = scratchDir('audit');
  const auditPath = `${scratch.dir}/audit.log`;
  let events: AuditEvent[];
  let text: string;
  let token: string;
  let usersText: string;

  beforeAll(async () => {
    const users = await usersFile(`${scratch.dir}/users.json`, {
      writer: { password: 'writer-Secret-1' },
      reader: { password: 'reader-Secret-2' },
    });
    usersText = readFileSync(users, 'utf8');
    const bindings = scratch.file(
      'bindings.json',
      JSON.stringify({
        bindings: [
          { principals: ['writer', 'svc-admin'], operations: ['admin'], resources: ['*'] },
          { principals: ['reader'], operations: ['read'], resources: ['subject:*'] },
        ],
      }),
    );
    const reg = await startSecureRegistry('pglite', {
      authMethods: ['basic', 'bearer'],
      usersFile: users,
      jwt: { ...JWT_DEFAULTS, secretFile: scratch.file('secret', SECRET) },
      bindingsFile: bindings,
      auditLog: auditPath,
    });
    token = await new SignJWT({ sub: 'svc-admin' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('5m').sign(new TextEncoder().encode(SECRET));
    const steps: [string, string, Record<string, string>, unknown, number][] = [
      ['GET', '/subjects', {}, undefined, 401],
      ['GET', '/subjects', basic('writer', 'wrong-password-3'), undefined, 401],
      ['POST', '/subjects/orders-value/versions', basic('writer', 'writer-Secret-1'), { schema: ORDER }, 200],
      ['POST', '/subjects/orders-value/versions', basic('reader', 'reader-Secret-2'), { schema: ORDER }, 403],
      ['GET', '/subjects/orders-value/versions?secret=query-should-not-appear', basic('reader', 'reader-Secret-2'), undefined, 200],
      ['PUT', '/config', bearer(token), { compatibility: 'FULL' }, 200],
      ['DELETE', '/subjects/missing-subject', bearer(token), undefined, 404],
      ['GET', '/health/live', {}, undefined, 200],
      ['GET', '/subjects', bearer(`${token}x`), undefined, 401],
    ];
    for (const [method, path, headers, body, status] of steps) {
      const res = await call(reg.url, method, path, { headers, ...(body === undefined ? {} : { body }) });
      expect(res.status, `${method} ${path}: ${res.text}`).toBe(status);
    }
    await reg.close(); // flushes and closes the audit file
    text = readFileSync(auditPath, 'utf8');
    events = text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as AuditEvent);
  });
  afterAll(() => scratch.cleanup());

  it('is one CloudEvents-style JSON object per line', () => {
    expect(text.endsWith('\n')).toBe(true);
    const ids = new Set<string>();
    for (const e of events) {
      expect(e).toMatchObject({ specversion: '1.0', datacontenttype: 'application/json' });
      expect(e.source).toMatch(/^schemata\//);
      expect(e.type).toMatch(/^io\.schemata\.registry\.(authentication|authorization|change)$/);
      expect(Date.parse(e.time)).not.toBeNaN();
      expect(e.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(e.data.clientAddress).toBe('127.0.0.1');
      expect(e.data.requestId).not.toBe('');
      ids.add(e.id);
    }
    expect(ids.size).toBe(events.length);
  });

  it('holds exactly the expected events, in order', () => {
    const summary = events.map((e) => {
      const d = e.data;
      return [e.type.replace('io.schemata.registry.', ''), d.result, d.principal, d.authMethod, d.operation, d.resource, d.status ?? null, `${d.method} ${d.path}`];
    });
    expect(summary).toEqual([
      ['authentication', 'failure', null, null, null, null, 401, 'GET /subjects'],
      ['authentication', 'failure', null, null, null, null, 401, 'GET /subjects'],
      ['authentication', 'success', 'writer', 'basic', null, null, null, 'POST /subjects/orders-value/versions'],
      ['change', 'success', 'writer', 'basic', 'write', 'subject:orders-value', 200, 'POST /subjects/orders-value/versions'],
      ['authentication', 'success', 'reader', 'basic', null, null, null, 'POST /subjects/orders-value/versions'],
      ['authorization', 'denied', 'reader', 'basic', 'write', 'subject:orders-value', 403, 'POST /subjects/orders-value/versions'],
      ['authentication', 'success', 'reader', 'basic', null, null, null, 'GET /subjects/orders-value/versions'],
      ['authentication', 'success', 'svc-admin', 'bearer', null, null, null, 'PUT /config'],
      ['change', 'success', 'svc-admin', 'bearer', 'admin', 'global', 200, 'PUT /config'],
      ['authentication', 'success', 'svc-admin', 'bearer', null, null, null, 'DELETE /subjects/missing-subject'],
      ['change', 'failure', 'svc-admin', 'bearer', 'write', 'subject:missing-subject', 404, 'DELETE /subjects/missing-subject'],
      ['authentication', 'failure', null, null, null, null, 401, 'GET /subjects'],
    ]);
    expect(events[0]!.data.reason).toBe('Unauthorized: authentication required');
    expect(events[1]!.data.reason).toBe('Unauthorized: invalid user name or password');
    expect(events[5]!.subject).toBe('subject:orders-value');
    expect(events[5]!.data.reason).toBe('User is denied operation Write on Subject: orders-value');
    expect(events[3]!.data.route).toBe('/subjects/:subject/versions');
  });

  it('never holds a password, credentials, a token, a hash or a query string', () => {
    const secrets = [
      'writer-Secret-1',
      'reader-Secret-2',
      'wrong-password-3',
      Buffer.from('writer:writer-Secret-1').toString('base64'),
      Buffer.from('writer:wrong-password-3').toString('base64'),
      token,
      token.split('.')[2]!,
      SECRET,
      'query-should-not-appear',
      ...[...usersText.matchAll(/\$scrypt\$[^"]+/g)].map((m) => m[0].split('$').pop()!),
    ];
    for (const secret of secrets) expect(text.includes(secret), `audit log contains ${secret.slice(0, 12)}…`).toBe(false);
  });
});
