/**
 * Summaries of V8 CPU profiles (`node --cpu-prof`): where the server's time goes, by category, by
 * function (self time) and by project function (inclusive time), as percentages of all samples.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from './processes.mjs';
import { printTable } from './table.mjs';

/** The newest .cpuprofile in a directory. */
export function latestProfile(dir) {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort();
  if (files.length === 0) throw new Error(`no .cpuprofile in ${dir}`);
  return join(dir, files[files.length - 1]);
}

const CATEGORIES = [
  ['(idle)', (f) => f.functionName === '(idle)'],
  ['(garbage collector)', (f) => f.functionName === '(garbage collector)'],
  ['(program/native)', (f) => f.functionName === '(program)' || f.url === ''],
  ['registry core', (f) => f.url.includes('/registry/dist/core/')],
  ['registry http', (f) => f.url.includes('/registry/dist/http/') || f.url.includes('/registry/dist/app')],
  ['registry store', (f) => f.url.includes('/registry/dist/store/')],
  ['serdes formats', (f) => f.url.includes('/serdes/dist/')],
  ['pglite', (f) => f.url.includes('@electric-sql/pglite') || f.url.startsWith('wasm://')],
  ['pg driver', (f) => /node_modules\/(pg|pg-protocol|pg-pool)\//.test(f.url)],
  ['fastify + deps', (f) => /node_modules\/(fastify|@fastify|find-my-way|avvio|light-my-request|fast-json-stringify|secure-json-parse|pino|toad-cache|fast-querystring|content-type|process-warning|abstract-logging)/.test(f.url)],
  ['node http/net/streams', (f) => /^node:(_http|http|net|stream|internal\/(streams|http|net|stream_base|js_stream))/.test(f.url) || /node:internal\/(streams|http|net|stream_base_commons)/.test(f.url)],
  ['node other', (f) => f.url.startsWith('node:')],
  ['other', () => true],
];

const categoryOf = (frame) => CATEGORIES.find(([, test]) => test(frame))[0];

function frameKey(f) {
  const url = f.url ? (f.url.startsWith('file://') ? relative(ROOT, new URL(f.url).pathname) : f.url) : '';
  return `${f.functionName || '(anonymous)'} ${url}${url ? `:${f.lineNumber + 1}` : ''}`;
}

/** The monotonic clock V8 stamps profiles with (CLOCK_MONOTONIC, microseconds), for `window`. */
export const monotonicMicros = () => Number(process.hrtime.bigint() / 1000n);

/**
 * Reads a profile into { total, byCategory, self, inclusive } (values in microseconds). `window`
 * ({ from, to } from monotonicMicros() in any process of this machine) keeps only the samples taken
 * during it, e.g. a measured load run without the server's start-up.
 */
export function analyseProfile(file, window) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  const inclusive = new Map();
  const byCategory = new Map();
  let total = 0;
  let busy = 0;
  let t = profile.startTime;
  let inWindow = 0;
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i] ?? 0;
    if (window && (t < window.from || t > window.to)) return;
    inWindow++;
    const dt = profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0;
    const node = nodes.get(id);
    total += dt;
    const cat = categoryOf(node.callFrame);
    byCategory.set(cat, (byCategory.get(cat) ?? 0) + dt);
    if (cat === '(idle)') return;
    busy += dt;
    const key = frameKey(node.callFrame);
    self.set(key, (self.get(key) ?? 0) + dt);
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const k = frameKey(nodes.get(cur).callFrame);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
    }
  });
  if (window && inWindow === 0) {
    process.stderr.write(`profile: no samples inside the window; summarising the whole profile\n`);
    return analyseProfile(file);
  }
  return { total, busy, byCategory, self, inclusive, windowed: Boolean(window) };
}

const share = (v, of) => `${((100 * v) / of).toFixed(1)}%`;

/** Prints the summary: categories, top self-time functions, top inclusive project functions. */
export function printProfile(file, { top = 15, out = process.stdout, window, categories = true } = {}) {
  const a = analyseProfile(file, window);
  out.write(
    `\nprofile ${file}: ${(a.total / 1e6).toFixed(1)} s sampled${a.windowed ? ' during the measured run' : ''}, ${share(a.busy, a.total)} busy\n`,
  );
  out.write('shares below are of busy (non-idle) time\n\n');
  if (categories) {
    const cats = [...a.byCategory].filter(([k]) => k !== '(idle)').sort((x, y) => y[1] - x[1]);
    printTable(['category (self time)', 'share'], cats.map(([k, v]) => [k, share(v, a.busy)]), out);
    out.write('\n');
  }
  const selfTop = [...a.self].sort((x, y) => y[1] - x[1]).slice(0, top);
  printTable(['function (self time)', 'share'], selfTop.map(([k, v]) => [k, share(v, a.busy)]), out);
  out.write('\n');
  const ours = [...a.inclusive]
    .filter(([k]) => /(registry|serdes)\/dist\//.test(k))
    .sort((x, y) => y[1] - x[1])
    .slice(0, top);
  printTable(['project function (inclusive)', 'share'], ours.map(([k, v]) => [k, share(v, a.busy)]), out);
  return a;
}
