#!/usr/bin/env node
/**
 * Builds the web UI (registry/ui → registry/dist/ui) with Vite, as part of `npm run build`. Skipped when
 * the sources, this script and the lockfile hash as they did at the last build (so `npm start` and
 * `npm test` pay for it once). `--force` builds anyway.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const outDir = join(here, '..', 'dist', 'ui');
const stamp = join(outDir, '.build-hash');

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else yield path;
  }
}

const hash = createHash('sha256');
for (const path of [join(here, 'index.html'), join(here, 'build.mjs'), join(here, '..', '..', 'package-lock.json'), ...files(join(here, 'src'))]) {
  hash.update(path.slice(here.length)).update('\0').update(readFileSync(path)).update('\0');
}
const digest = hash.digest('hex');
if (!process.argv.includes('--force') && existsSync(stamp) && readFileSync(stamp, 'utf8') === digest && existsSync(join(outDir, 'index.html'))) {
  process.exit(0);
}

const { build } = await import('vite');
await build({
  root: here,
  base: './',
  configFile: false,
  logLevel: 'warn',
  // Preact's automatic JSX runtime; no framework plugin needed.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    // No inline polyfill script: the page's Content-Security-Policy allows only its own files.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 400,
  },
});
writeFileSync(stamp, digest);
process.stdout.write(`web UI built into ${outDir}\n`);
