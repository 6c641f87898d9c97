/**
 * The web UI (`/ui/`): the single-page application that `npm run build` writes to `dist/ui` (sources in
 * registry/ui/), served as static files by @fastify/static. The files are public (config.access), so the
 * page loads before anyone signs in; everything it shows comes from the registry's public REST API, called
 * from the browser with the user's own credentials, so it needs no access the user does not have.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RegistryError } from '../core/errors.js';
import { PUBLIC } from './access.js';

/** Where the build puts the application: `registry/dist/ui` (from `dist/http/` or, under vitest, `src/http/`). */
export const UI_ROOT = fileURLToPath(new URL('../../dist/ui/', import.meta.url));

/** The page may load only its own files and call only its own origin: no fonts, CDNs or trackers. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function uiHeaders(reply: FastifyReply): void {
  reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
  reply.header('x-content-type-options', 'nosniff');
  reply.header('referrer-policy', 'no-referrer');
}

/**
 * Installs `/ui/` (and `/ui`, redirected there). Also, on every route: a 401 answered to the page's own
 * calls (marked `X-Requested-With: XMLHttpRequest`) carries no `WWW-Authenticate` challenge, so the browser
 * does not open its own password dialog over the page's sign-in form (Spring Security's convention).
 */
export function installUi(app: FastifyInstance, root: string = UI_ROOT): void {
  app.addHook('onSend', async (req, reply, payload) => {
    if (reply.statusCode === 401 && req.headers['x-requested-with'] === 'XMLHttpRequest') reply.removeHeader('www-authenticate');
    return payload;
  });
  void app.register(async (child) => {
    await child.register(fastifyStatic, { root, serve: false, decorateReply: true });
    const built = () => {
      if (!existsSync(join(root, 'index.html'))) throw new RegistryError(404, `The web UI is not built: run npm run build (looked in ${root})`);
    };
    const index = (reply: FastifyReply) => {
      uiHeaders(reply);
      reply.header('cache-control', 'no-cache');
      return reply.sendFile('index.html', { cacheControl: false });
    };
    // The router ignores trailing slashes, so `/ui` reaches this route too: relative asset paths need `/ui/`.
    child.get('/ui', { config: PUBLIC }, (req: FastifyRequest, reply) => {
      built();
      const path = req.url.split('?', 1)[0]!;
      if (!path.endsWith('/')) return reply.redirect('/ui/', 301);
      return index(reply);
    });
    child.get('/ui/*', { config: PUBLIC }, (req: FastifyRequest<{ Params: { '*': string } }>, reply) => {
      built();
      const file = req.params['*'];
      if (file === '' || file === 'index.html') return index(reply);
      uiHeaders(reply);
      // Everything but index.html has a content hash in its name (Vite): cached for good.
      return reply.sendFile(file, { immutable: true, maxAge: '365d', dotfiles: 'ignore' });
    });
  });
}
