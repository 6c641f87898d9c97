/**
 * HTTPS and mutual TLS over real sockets, with certificates made in the test: the server certificate is
 * verified by the client, client certificates are verified against the configured CA, and a verified
 * certificate's subject is the principal (RFC 2253 order) that role bindings name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rfc2253 } from '../../registry/src/security/mtls.js';
import { basic, call, certificateAuthority, scratchDir, startSecureRegistry, usersFile, type CertificateAuthority, type SecureRegistry } from './helpers.js';

const ORDER = JSON.stringify({ type: 'record', name: 'Order', fields: [{ name: 'id', type: 'string' }] });
const ALICE_DN = 'CN=alice,OU=payments,O=Acme,C=NL';

describe('TLS', () => {
  const scratch = scratchDir('tls');
  let ca: CertificateAuthority;
  let other: CertificateAuthority;
  let server: { key: string; cert: string };
  let alice: { key: string; cert: string };
  let mallory: { key: string; cert: string };
  let bob: { key: string; cert: string };

  beforeAll(() => {
    ca = certificateAuthority('Schemata Test CA');
    other = certificateAuthority('Some Other CA');
    server = ca.issue('localhost', 'server');
    alice = ca.issue('alice', 'client', [{ shortName: 'OU', value: 'payments' }]);
    bob = ca.issue('bob', 'client');
    mallory = other.issue('alice', 'client', [{ shortName: 'OU', value: 'payments' }]);
    scratch.file('server.crt', server.cert);
    scratch.file('server.key', server.key);
    scratch.file('ca.crt', ca.cert);
  });
  afterAll(() => scratch.cleanup());

  const tlsFiles = () => ({ certFile: `${scratch.dir}/server.crt`, keyFile: `${scratch.dir}/server.key`, caFile: `${scratch.dir}/ca.crt` });

  it('orders subject attributes as RFC 2253 does', () => {
    expect(rfc2253('C=NL\nO=Acme\nOU=payments\nCN=alice')).toBe(ALICE_DN);
  });

  describe('HTTPS without client certificates', () => {
    let reg: SecureRegistry;
    beforeAll(async () => {
      reg = await startSecureRegistry('pglite', { tls: { ...tlsFiles(), caFile: undefined, clientAuth: 'none' } });
    });
    afterAll(() => reg?.close());

    it('serves the API over TLS to a client trusting the CA', async () => {
      expect(reg.url.startsWith('https://')).toBe(true);
      const res = await call(reg.url, 'GET', '/subjects', { tls: { ca: ca.cert } });
      expect(res.status).toBe(200);
      expect(res.json).toEqual([]);
      const registered = await call(reg.url, 'POST', '/subjects/orders-value/versions', { body: { schema: ORDER }, tls: { ca: ca.cert } });
      expect(registered.status).toBe(200);
      expect(registered.json).toMatchObject({ id: 1 });
    });

    it('is refused by a client that does not trust the certificate, and speaks no plain HTTP', async () => {
      await expect(call(reg.url, 'GET', '/subjects')).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
      const plain = reg.url.replace('https://', 'http://');
      const res = await call(plain, 'GET', '/subjects').catch((e: Error) => e);
      // Node's TLS server answers a plain request with "400 Bad Request" or drops it: never the API.
      expect(res instanceof Error || res.status === 400).toBe(true);
    });
  });

  describe('mutual TLS required', () => {
    let reg: SecureRegistry;
    beforeAll(async () => {
      const bindings = scratch.file(
        'bindings-required.json',
        JSON.stringify({ bindings: [{ principals: [ALICE_DN], operations: ['write'], resources: ['subject:orders-*'] }] }),
      );
      reg = await startSecureRegistry('pglite', { tls: { ...tlsFiles(), clientAuth: 'required' }, authMethods: ['mtls'], bindingsFile: bindings });
    });
    afterAll(() => reg?.close());

    it("takes the verified certificate's subject as the principal", async () => {
      const registered = await call(reg.url, 'POST', '/subjects/orders-value/versions', { body: { schema: ORDER }, tls: { ca: ca.cert, ...alice } });
      expect(registered.status).toBe(200);
      const listed = await call(reg.url, 'GET', '/subjects', { tls: { ca: ca.cert, ...alice } });
      expect(listed.json).toEqual(['orders-value']);
      // bob's certificate verifies, but no binding names him.
      const denied = await call(reg.url, 'POST', '/subjects/orders-value/versions', { body: { schema: ORDER }, tls: { ca: ca.cert, ...bob } });
      expect(denied.status).toBe(403);
      expect(denied.json).toEqual({ error_code: 40301, message: 'User is denied operation Write on Subject: orders-value' });
      expect((await call(reg.url, 'GET', '/subjects', { tls: { ca: ca.cert, ...bob } })).json).toEqual([]);
    });

    it('fails the handshake without a certificate or with one from another CA', async () => {
      await expect(call(reg.url, 'GET', '/subjects', { tls: { ca: ca.cert } })).rejects.toThrow();
      await expect(call(reg.url, 'GET', '/subjects', { tls: { ca: ca.cert, ...mallory } })).rejects.toThrow();
    });

    it('leaves the health probes to any client that completes the handshake', async () => {
      expect((await call(reg.url, 'GET', '/health/ready', { tls: { ca: ca.cert, ...bob } })).status).toBe(200);
    });
  });

  describe('client certificates requested, Basic as the alternative', () => {
    let reg: SecureRegistry;
    beforeAll(async () => {
      const users = await usersFile(`${scratch.dir}/users.json`, { carol: { password: 'carol-pass' } });
      const bindings = scratch.file(
        'bindings-request.json',
        JSON.stringify({ bindings: [{ principals: [ALICE_DN, 'carol'], operations: ['read'], resources: ['subject:*'] }] }),
      );
      reg = await startSecureRegistry('pglite', {
        tls: { ...tlsFiles(), clientAuth: 'request' },
        authMethods: ['mtls', 'basic'],
        usersFile: users,
        bindingsFile: bindings,
      });
    });
    afterAll(() => reg?.close());

    it('accepts a trusted certificate, or Basic credentials without one', async () => {
      expect((await call(reg.url, 'GET', '/subjects', { tls: { ca: ca.cert, ...alice } })).status).toBe(200);
      expect((await call(reg.url, 'GET', '/subjects', { tls: { ca: ca.cert }, headers: basic('carol', 'carol-pass') })).status).toBe(200);
    });

    it('answers 401 to no credentials and to an untrusted certificate', async () => {
      const none = await call(reg.url, 'GET', '/subjects', { tls: { ca: ca.cert } });
      expect(none.status).toBe(401);
      expect(none.json).toEqual({ error_code: 401, message: 'Unauthorized: authentication required' });
      const untrusted = await call(reg.url, 'GET', '/subjects', { tls: { ca: ca.cert, ...mallory } });
      expect(untrusted.status).toBe(401);
      expect(untrusted.json).toEqual({ error_code: 401, message: 'Unauthorized: client certificate not trusted' });
    });
  });
});
