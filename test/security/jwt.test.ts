/**
 * Bearer tokens signed in the test with jose: HS256 against a secret file, RS256 against a JWKS file
 * (rotated and reloaded without a restart), ES256 against a JWKS URL served by a local HTTP server. Issuer,
 * audience, expiry and signature are checked; principal and groups come from configurable claims.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JWT_DEFAULTS } from '../../registry/src/security/options.js';
import { bearer, call, scratchDir, startSecureRegistry, type SecureRegistry } from './helpers.js';

const SECRET = 'a-shared-secret-of-at-least-32-bytes!!';
const ISSUER = 'https://issuer.test';
const AUDIENCE = 'schema-registry';

type SigningKey = Parameters<SignJWT['sign']>[0];

function token(key: SigningKey, alg: string, claims: JWTPayload, options: { exp?: string | number | null; iss?: string; aud?: string; kid?: string } = {}): Promise<string> {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg, ...(options.kid ? { kid: options.kid } : {}) }).setIssuedAt();
  if (options.exp !== null) jwt.setExpirationTime(options.exp ?? '5m');
  if (options.iss !== undefined) jwt.setIssuer(options.iss);
  if (options.aud !== undefined) jwt.setAudience(options.aud);
  return jwt.sign(key);
}

const bindingsFor = (scratch: ReturnType<typeof scratchDir>, name: string) =>
  scratch.file(
    name,
    JSON.stringify({
      bindings: [
        { groups: ['platform'], operations: ['admin'], resources: ['*'] },
        { principals: ['svc-orders'], operations: ['read'], resources: ['subject:orders-*'] },
      ],
    }),
  );

describe('bearer tokens', () => {
  const scratch = scratchDir('jwt');
  afterAll(() => scratch.cleanup());

  describe('HS256 with a secret file, issuer and audience', () => {
    let reg: SecureRegistry;
    const key = new TextEncoder().encode(SECRET);
    beforeAll(async () => {
      reg = await startSecureRegistry('pglite', {
        authMethods: ['bearer'],
        jwt: { ...JWT_DEFAULTS, secretFile: scratch.file('secret', `${SECRET}\n`), issuer: ISSUER, audience: AUDIENCE },
        bindingsFile: bindingsFor(scratch, 'bindings-hs.json'),
      });
    });
    afterAll(() => reg?.close());

    it('accepts a valid token; groups from the groups claim grant access', async () => {
      const admin = await token(key, 'HS256', { sub: 'ops-1', groups: ['platform'] }, { iss: ISSUER, aud: AUDIENCE });
      expect((await call(reg.url, 'PUT', '/config', { body: { compatibility: 'FULL' }, headers: bearer(admin) })).status).toBe(200);
      const reader = await token(key, 'HS256', { sub: 'svc-orders' }, { iss: ISSUER, aud: AUDIENCE });
      expect((await call(reg.url, 'GET', '/subjects', { headers: bearer(reader) })).status).toBe(200);
      const denied = await call(reg.url, 'PUT', '/config', { body: { compatibility: 'NONE' }, headers: bearer(reader) });
      expect(denied.status).toBe(403);
      expect(denied.json.error_code).toBe(40301);
    });

    it('refuses wrong issuer, wrong audience, expiry, no expiry, a bad signature and other algorithms', async () => {
      const cases: [Promise<string>, string][] = [
        [token(key, 'HS256', { sub: 'x' }, { iss: 'https://evil.test', aud: AUDIENCE }), 'Unauthorized: token claim "iss" check failed'],
        [token(key, 'HS256', { sub: 'x' }, { iss: ISSUER, aud: 'other' }), 'Unauthorized: token claim "aud" check failed'],
        [token(key, 'HS256', { sub: 'x' }, { iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) - 60 }), 'Unauthorized: token expired'],
        [token(key, 'HS256', { sub: 'x' }, { iss: ISSUER, aud: AUDIENCE, exp: null }), 'Unauthorized: token claim "exp" check failed'],
        [token(new TextEncoder().encode('another-secret-of-at-least-32-bytes!!'), 'HS256', { sub: 'x' }, { iss: ISSUER, aud: AUDIENCE }), 'Unauthorized: invalid token'],
        [token(key, 'HS256', { groups: ['platform'] }, { iss: ISSUER, aud: AUDIENCE }), 'Unauthorized: token has no "sub" claim'],
        [Promise.resolve('not.a.token'), 'Unauthorized: invalid token'],
      ];
      const { privateKey } = await generateKeyPair('RS256');
      cases.push([token(privateKey, 'RS256', { sub: 'x' }, { iss: ISSUER, aud: AUDIENCE }), 'Unauthorized: invalid token']);
      // alg "none": an unsigned token.
      const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'ops-1', groups: ['platform'], exp: 9999999999 })).toString('base64url')}.`;
      cases.push([Promise.resolve(unsigned), 'Unauthorized: invalid token']);
      for (const [t, message] of cases) {
        const res = await call(reg.url, 'GET', '/subjects', { headers: bearer(await t) });
        expect({ status: res.status, body: res.json }).toEqual({ status: 401, body: { error_code: 401, message } });
        expect(res.headers['www-authenticate']).toBe('Bearer realm="schema-registry"');
      }
    });

    it('refuses a secret shorter than 32 bytes at start-up', async () => {
      await expect(
        startSecureRegistry('pglite', { authMethods: ['bearer'], jwt: { ...JWT_DEFAULTS, secretFile: scratch.file('short', 'too-short') } }),
      ).rejects.toThrow(/at least 32 bytes/);
    }, 180_000);
  });

  describe('RS256 with a JWKS file, rotated without a restart', () => {
    let reg: SecureRegistry | undefined;
    afterAll(() => reg?.close());

    it('verifies against the file and follows a key rotation on reload', async () => {
      const jwksPath = `${scratch.dir}/jwks.json`;
      const first = await generateKeyPair('RS256');
      const second = await generateKeyPair('RS256');
      const jwk = async (k: Parameters<typeof exportJWK>[0], kid: string) => ({ ...(await exportJWK(k)), kid, alg: 'RS256', use: 'sig' });
      writeFileSync(jwksPath, JSON.stringify({ keys: [await jwk(first.publicKey, 'k1')] }));
      reg = await startSecureRegistry('pglite', {
        authMethods: ['bearer'],
        jwt: { ...JWT_DEFAULTS, jwksFile: jwksPath },
        bindingsFile: bindingsFor(scratch, 'bindings-rs.json'),
        reloadPollMs: 0,
      });
      const old = await token(first.privateKey, 'RS256', { sub: 'ops', groups: 'platform other' }, { kid: 'k1' });
      const fresh = await token(second.privateKey, 'RS256', { sub: 'ops', groups: ['platform'] }, { kid: 'k2' });
      expect((await call(reg.url, 'GET', '/config', { headers: bearer(old) })).status).toBe(200);
      expect((await call(reg.url, 'GET', '/config', { headers: bearer(fresh) })).status).toBe(401);

      writeFileSync(jwksPath, JSON.stringify({ keys: [await jwk(second.publicKey, 'k2')] }));
      await reg.app.reloadSecurity();
      expect((await call(reg.url, 'GET', '/config', { headers: bearer(fresh) })).status).toBe(200);
      expect((await call(reg.url, 'GET', '/config', { headers: bearer(old) })).status).toBe(401);

      // A broken file is not taken: the keys in force stay.
      writeFileSync(jwksPath, '{"keys": [');
      await reg.app.reloadSecurity();
      expect((await call(reg.url, 'GET', '/config', { headers: bearer(fresh) })).status).toBe(200);
    }, 180_000);
  });

  describe('ES256 with a JWKS URL and custom claims', () => {
    let reg: SecureRegistry;
    let jwksServer: Server;
    let fetches = 0;
    let keys: Awaited<ReturnType<typeof generateKeyPair>>;

    beforeAll(async () => {
      keys = await generateKeyPair('ES256');
      const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(keys.publicKey)), kid: 'es-1', alg: 'ES256', use: 'sig' }] });
      jwksServer = createServer((req, res) => {
        fetches++;
        res.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
      });
      await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
      const port = (jwksServer.address() as AddressInfo).port;
      reg = await startSecureRegistry('pglite', {
        authMethods: ['bearer'],
        jwt: { ...JWT_DEFAULTS, jwksUrl: `http://127.0.0.1:${port}/jwks.json`, principalClaim: 'preferred_username', groupsClaim: 'realm_access.roles' },
        bindingsFile: bindingsFor(scratch, 'bindings-es.json'),
      });
    });
    afterAll(async () => {
      await reg?.close();
      await new Promise((resolve) => jwksServer?.close(resolve));
    });

    it('fetches the key set once and reads principal and groups from nested claims', async () => {
      const t = await token(keys.privateKey, 'ES256', { sub: 'uuid-1', preferred_username: 'ops', realm_access: { roles: ['platform'] } }, { kid: 'es-1' });
      for (let i = 0; i < 3; i++) expect((await call(reg.url, 'PUT', '/mode', { body: { mode: 'READWRITE' }, headers: bearer(t) })).status).toBe(200);
      expect(fetches).toBe(1);
      const noGroups = await token(keys.privateKey, 'ES256', { preferred_username: 'ops' }, { kid: 'es-1' });
      expect((await call(reg.url, 'PUT', '/mode', { body: { mode: 'READWRITE' }, headers: bearer(noGroups) })).status).toBe(403);
      const unknownKid = await token((await generateKeyPair('ES256')).privateKey, 'ES256', { preferred_username: 'ops' }, { kid: 'es-2' });
      expect((await call(reg.url, 'GET', '/subjects', { headers: bearer(unknownKid) })).status).toBe(401);
    });
  });
});
