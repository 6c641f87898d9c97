/**
 * The web UI's serving, without a browser: `/ui/` and its assets are public even with authentication on,
 * carry a Content-Security-Policy that keeps the page on its own origin, `/ui` redirects to `/ui/`, files
 * outside the build are not served, UI_ENABLED=false (and buildApp by default) serves nothing, and a 401
 * answered to the page's own calls has no WWW-Authenticate challenge while other clients still get one.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../registry/src/config.js';
import { UI_ROOT } from '../../registry/src/http/ui.js';
import { call as plainCall, startRegistry, type TestRegistry } from '../registry/server.js';
import { basic, call, scratchDir, startSecureRegistry, usersFile, type SecureRegistry } from '../security/helpers.js';

const XHR = { 'x-requested-with': 'XMLHttpRequest' };

describe('UI_ENABLED', () => {
  it('is on by default, off with UI_ENABLED=false or --ui-enabled=false, and refuses other values', () => {
    expect(loadConfig([], {}).config.ui).toBe(true);
    expect(loadConfig([], { UI_ENABLED: 'false' }).config.ui).toBe(false);
    expect(loadConfig([], { UI_ENABLED: '0' }).config.ui).toBe(false);
    expect(loadConfig(['--ui-enabled=false'], { UI_ENABLED: 'true' }).config.ui).toBe(false);
    expect(loadConfig(['--ui-enabled', 'true'], { UI_ENABLED: 'false' }).config.ui).toBe(true);
    expect(() => loadConfig([], { UI_ENABLED: 'maybe' })).toThrow(ConfigError);
    expect(() => loadConfig([], { UI_ENABLED: 'maybe' })).toThrow(/UI_ENABLED must be true or false, got "maybe"/);
  });
});

describe('serving /ui/', () => {
  let on: TestRegistry;
  let off: TestRegistry;
  beforeAll(async () => {
    // `npm test` builds the UI first (npm run build); without it this suite has nothing to serve.
    expect(existsSync(join(UI_ROOT, 'index.html')), `${UI_ROOT}index.html (run npm run build)`).toBe(true);
    on = await startRegistry('pglite', { ui: true, schemaWork: { threads: 0 } });
    off = await startRegistry('pglite', { schemaWork: { threads: 0 } });
  });
  afterAll(async () => {
    await on?.close();
    await off?.close();
  });

  it('serves index.html with a same-origin Content-Security-Policy, and the hashed assets it names', async () => {
    const res = await fetch(`${on.url}/ui/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    const html = await res.text();
    const assets = [...html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(2);
    expect(assets.sort()).toEqual(readdirSync(join(UI_ROOT, 'assets')).map((f) => `assets/${f}`).sort());
    // Nothing the page loads names another origin.
    expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
    for (const asset of assets) {
      const a = await fetch(`${on.url}/ui/${asset}`);
      expect(a.status).toBe(200);
      expect(a.headers.get('cache-control')).toContain('immutable');
      const body = await a.text();
      expect(body.length).toBeGreaterThan(1000);
      expect(body).not.toMatch(/https?:\/\/(fonts\.|cdn|unpkg|jsdelivr)/);
    }
  });

  it('redirects /ui to /ui/ (relative asset paths need the slash)', async () => {
    const res = await fetch(`${on.url}/ui`, { redirect: 'manual' });
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('/ui/');
  });

  it('serves nothing outside the build: missing files and dot-dot paths are 404', async () => {
    for (const path of ['/ui/nope.js', '/ui/../package.json', '/ui/%2e%2e/%2e%2e/package.json', '/ui/.build-hash']) {
      const res = await plainCall(on.url, 'GET', path);
      expect(res.status, path).toBe(404);
      expect(res.text, path).not.toContain('"name"');
    }
  });

  it('is absent without the ui option (buildApp) and the API answers as before', async () => {
    expect((await plainCall(off.url, 'GET', '/ui/')).status).toBe(404);
    expect((await plainCall(off.url, 'GET', '/subjects')).json).toEqual([]);
    expect((await plainCall(on.url, 'GET', '/subjects')).json).toEqual([]);
  });
});

describe('/ui/ with authentication on', () => {
  let secure: SecureRegistry;
  let files: ReturnType<typeof scratchDir>;
  beforeAll(async () => {
    files = scratchDir('ui-auth');
    const users = await usersFile(files.file('users.json', ''), { alice: { password: 'wonderland' } });
    secure = await startSecureRegistry('pglite', { authMethods: ['basic'], usersFile: users }, { ui: true });
  });
  afterAll(async () => {
    await secure?.close();
    files?.cleanup();
  });

  it('loads the page and its assets without credentials', async () => {
    const page = await call(secure.url, 'GET', '/ui/');
    expect(page.status).toBe(200);
    const asset = /src="\.\/(assets\/[^"]+\.js)"/.exec(page.text)?.[1];
    expect(asset).toBeDefined();
    expect((await call(secure.url, 'GET', `/ui/${asset}`)).status).toBe(200);
  });

  it("keeps the API closed; the page's own calls get 401 without a challenge, others with one", async () => {
    const plain = await call(secure.url, 'GET', '/subjects');
    expect(plain.status).toBe(401);
    expect(plain.headers['www-authenticate']).toContain('Basic');
    const fromPage = await call(secure.url, 'GET', '/subjects', { headers: XHR });
    expect(fromPage.status).toBe(401);
    expect(fromPage.json).toEqual({ error_code: 401, message: 'Unauthorized: authentication required' });
    expect(fromPage.headers['www-authenticate']).toBeUndefined();
    const signedIn = await call(secure.url, 'GET', '/subjects', { headers: { ...XHR, ...basic('alice', 'wonderland') } });
    expect(signedIn.status).toBe(200);
    expect(signedIn.json).toEqual([]);
  });
});
