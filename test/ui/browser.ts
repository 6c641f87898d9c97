/**
 * A real browser for the UI suites: Debian's Chromium (apt-get install chromium) driven by playwright-core
 * through `executablePath` (Playwright's own browser downloads are not used). Without Chromium the suites
 * print a SKIPPED line. Each page is watched for console errors, uncaught exceptions and requests to any
 * origin but the registry's; screenshots go to test/ui/artifacts/ (gitignored).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

/** CHROMIUM_PATH, when set, is the only place looked at; otherwise Debian's and the usual paths. */
const CANDIDATES = process.env.CHROMIUM_PATH ? [process.env.CHROMIUM_PATH] : ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The Chromium executable, or undefined when none is installed. */
export const CHROMIUM = CANDIDATES.find((p) => existsSync(p));

export const CHROMIUM_SKIP_REASON = 'no Chromium (apt-get install chromium, or set CHROMIUM_PATH); .ci/run installs it';

export function warnIfNoChromium(suite: string): void {
  if (!CHROMIUM) console.warn(`SKIPPED: ${suite}: ${CHROMIUM_SKIP_REASON}`);
}

export const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));

export async function launch(): Promise<Browser> {
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: CHROMIUM!, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'], timeout: 60_000 });
}

export interface Watched {
  /** Console errors and uncaught exceptions, as text. */
  errors: string[];
  /** Every request the page made to another origin than `origin`. */
  external: string[];
}

export function watch(page: Page, origin: string): Watched {
  const watched: Watched = { errors: [], external: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') watched.errors.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => watched.errors.push(`exception: ${e.message}`));
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(`${origin}/`) && !url.startsWith('data:')) watched.external.push(url);
  });
  return watched;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = `${ARTIFACTS}${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}
