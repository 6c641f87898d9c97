/**
 * `schema-registry export FILE` / `import FILE` end to end: the built command line
 * (`registry/dist/cli.js`, built by `npm test` / `tsc -b`) in child processes, stderr not a terminal, on
 * PGlite data directories (and Postgres with DATABASE_URL): progress lines, summaries, exit codes, stdin
 * and stdout, refusals. Argument parsing is checked directly too.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, HELP, loadConfig } from '../../registry/src/config.js';
import { createStore, type Store } from '../../registry/src/store/index.js';
import { announcePostgresSkip, DATABASE_URL, freshDatabase } from '../helpers/postgres.js';
import { body, exportText, populate, withRegistry } from './scenario.js';

const CLI = fileURLToPath(new URL('../../registry/dist/cli.js', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function collect(child: ReturnType<typeof spawn>): Promise<Run> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** DATABASE_URL and KAFKA_BOOTSTRAP_SERVERS cleared, so each run's store comes from its own flags (never the server's admin database). */
const ENV = { ...process.env, DATABASE_URL: '', KAFKA_BOOTSTRAP_SERVERS: '' };

const spawnCli = (args: string[], stdin: 'ignore' | 'pipe' = 'ignore') => spawn(process.execPath, [CLI, ...args], { env: ENV, stdio: [stdin, 'pipe', 'pipe'] });
const runCli = (args: string[]) => collect(spawnCli(args));

async function withDataDir<T>(dir: string, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await createStore({ dataDir: dir });
  try {
    await store.open();
    return await fn(store);
  } finally {
    await store.close();
  }
}

describe('export/import arguments', () => {
  it('takes one FILE (- for stdin/stdout) and --quiet, with the shared store flags', () => {
    expect(loadConfig(['export', 'out.ndjson', '--database-url', 'postgres://h/db'], {})).toMatchObject({
      command: 'export',
      migration: { file: 'out.ndjson', quiet: false },
      config: { databaseUrl: 'postgres://h/db' },
    });
    expect(loadConfig(['import', '-', '-q'], { DATA_DIR: '/srv/sr' })).toMatchObject({ command: 'import', migration: { file: '-', quiet: true }, config: { dataDir: '/srv/sr' } });
    expect(loadConfig(['serve'], {}).migration).toBeUndefined();
    expect(loadConfig(['export', '--help'], {}).help).toBe(true);
    expect(HELP).toMatch(/export FILE/);
    expect(HELP).toMatch(/import FILE/);
  });

  it('refuses a missing or extra FILE, and --quiet elsewhere', () => {
    const cases: [string[], RegExp][] = [
      [['export'], /export needs a FILE \(- for stdout\)/],
      [['import'], /import needs a FILE \(- for stdin\)/],
      [['import', 'a', 'b'], /unexpected arguments: b/],
      [['serve', '--quiet'], /--quiet applies to export and import only/],
    ];
    for (const [argv, message] of cases) {
      expect(() => loadConfig(argv, {}), argv.join(' ')).toThrow(ConfigError);
      expect(() => loadConfig(argv, {}), argv.join(' ')).toThrow(message);
    }
  });
});

describe('export and import commands', () => {
  let dir: string;
  let src: string;
  let file: string;
  let versions: number;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'schemata-migration-'));
    src = join(dir, 'src');
    file = join(dir, 'registry.ndjson');
    await withDataDir(src, (store) => withRegistry(store, populate));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('exports a PGlite data directory, with plain progress lines and a summary on stderr', async () => {
    const run = await runCli(['export', file, '--data-dir', src]);
    expect(run.stderr).not.toMatch(/\x1b\[/); // no terminal escapes when stderr is not a TTY
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('');
    const text = readFileSync(file, 'utf8');
    versions = count(text, 'version');
    const defaultContext = text.split('\n').filter((l) => l.startsWith('{"type":"version"') && !l.includes('"subject":":.')).length;
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toContain(`exported ${defaultContext}/${defaultContext} versions`);
    expect(lines).toContain('exported 2/2 versions in context .ctx');
    const softDeleted = text.split('\n').filter((l) => l.startsWith('{"type":"version"') && l.includes('"deleted":true')).length;
    expect(softDeleted).toBeGreaterThan(0);
    expect(lines.at(-1)).toMatch(new RegExp(`^exported 3 contexts, ${count(text, 'schema')} schemas, ${versions} versions \\(${softDeleted} soft-deleted\\), ${count(text, 'setting')} settings, ${count(text, 'kek')} KEKs, ${count(text, 'dek')} DEKs from pglite .+ to ${file}$`));
    expect(JSON.parse(text.split('\n')[0]!)).toMatchObject({ format: 'schemata-export', version: 1, source: 'embedded' });
    expect(readdirSync(dir).filter((f) => f.includes('partial'))).toEqual([]);
  });

  it('imports into a new data directory, then refuses the same file over conflicting data (exit 1)', async () => {
    const dst = join(dir, 'dst');
    const run = await runCli(['import', file, '--data-dir', dst]);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stderr.trimEnd().split('\n');
    const total = versions + count(readFileSync(file, 'utf8'), 'schema');
    expect(lines).toContain(`imported ${total}/${total} schemas and versions`);
    expect(lines.at(-1)).toMatch(new RegExp(`^imported 3 contexts, \\d+ schemas \\(0 already present\\), ${versions} versions \\(0 already present\\), \\d+ settings, 3 KEKs, 3 DEKs from ${file} into pglite ${dst}$`));
    expect(body(await withDataDir(dst, exportText))).toBe(body(readFileSync(file, 'utf8')));

    const again = await runCli(['import', file, '--data-dir', dst, '--quiet']);
    expect(again).toMatchObject({ code: 0, stderr: '', stdout: '' });

    const other = join(dir, 'other');
    await withDataDir(other, (store) => withRegistry(store, (url) => fetch(`${url}/subjects/x/versions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"schema":"\\"bytes\\""}' })));
    const before = await withDataDir(other, exportText);
    const refused = await runCli(['import', file, '--data-dir', other]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/schema-registry import: refusing to import: \d+ conflicts? with the target \(nothing was written\):\n {2}- schema 1 in context \.: the target holds a different schema under this id/);
    expect(body(await withDataDir(other, exportText))).toBe(body(before));
  });

  it('pipes an export on stdout into an import on stdin', async () => {
    const dst = join(dir, 'piped');
    const exporter = spawnCli(['export', '-', '--data-dir', src, '--quiet']);
    const importer = spawnCli(['import', '-', '--data-dir', dst], 'pipe');
    exporter.stdout!.pipe(importer.stdin!);
    const [exported, imported] = await Promise.all([collect(exporter), collect(importer)]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stderr).toMatch(/imported 3 contexts, .* from stdin into pglite/);
    expect(body(await withDataDir(dst, exportText))).toBe(body(readFileSync(file, 'utf8')));
  });

  it('refuses a malformed file (exit 1, line number) and a missing one, changing nothing', async () => {
    const bad = join(dir, 'bad.ndjson');
    writeFileSync(bad, readFileSync(file, 'utf8').replace('"type":"version"', '"type":"version","x":1'));
    const dst = join(dir, 'untouched');
    const run = await runCli(['import', bad, '--data-dir', dst]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^schema-registry import: line \d+: version must NOT have additional properties \("x"\)\n$/m);
    expect(await withDataDir(dst, (store) => store.listVersions({ includeDeleted: true, latestOnly: false }))).toEqual([]);

    const missing = await runCli(['import', join(dir, 'nope.ndjson'), '--data-dir', dst]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/schema-registry import: ENOENT: no such file or directory/);
  });

  const hasScript = existsSync('/usr/bin/script');
  if (!hasScript) console.warn('SKIPPED: export progress bar on a terminal: script(1) (util-linux) is not installed');
  it.skipIf(!hasScript)('draws a bar on a terminal (a real pseudo-terminal, through script(1))', async () => {
    const quote = (a: string) => `'${a.replace(/'/g, "'\\''")}'`;
    const command = [process.execPath, CLI, 'export', join(dir, 'tty.ndjson'), '--data-dir', src].map(quote).join(' ');
    const run = await collect(spawn('/usr/bin/script', ['-qec', command, '/dev/null'], { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] }));
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/\x1b\[/); // redrawn in place
    expect(run.stdout).toMatch(/exported \[[^\]]+\] (\d+)\/\1 versions \| 100%/);
    expect(run.stdout).toMatch(/exported 3 contexts, /);
    expect(body(readFileSync(join(dir, 'tty.ndjson'), 'utf8'))).toBe(body(readFileSync(file, 'utf8')));
  });

  it('refuses to open a PGlite data directory another process owns', async () => {
    // This test process holds the directory, as a running server would.
    await withDataDir(src, async () => {
      const run = await runCli(['export', join(dir, 'locked.ndjson'), '--data-dir', src]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`is in use by process ${process.pid}`);
    });
    expect(existsSync(join(dir, 'locked.ndjson'))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('partial'))).toEqual([]);
  });

  it('exits 2 on usage errors', async () => {
    for (const args of [['export'], ['import', 'a', 'b'], ['export', 'f', '--bogus']]) {
      const run = await runCli(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(/Run schema-registry --help for usage/);
    }
  });

  announcePostgresSkip('export/import commands on Postgres');
  it.skipIf(!DATABASE_URL)('imports into Postgres and exports it back, the same file', async () => {
    const db = await freshDatabase('migration_cli');
    try {
      const imported = await runCli(['import', file, '--database-url', db.url]);
      expect(imported.code, imported.stderr).toBe(0);
      expect(imported.stderr).toMatch(/into postgres postgres:\/\//);
      const back = join(dir, 'from-postgres.ndjson');
      const exported = await runCli(['export', back, '--database-url', db.url]);
      expect(exported.code, exported.stderr).toBe(0);
      expect(body(readFileSync(back, 'utf8'))).toBe(body(readFileSync(file, 'utf8')));
    } finally {
      await db.drop();
    }
  });
});

/** Lines of one type in an export. */
function count(text: string, type: string): number {
  return text.split('\n').filter((l) => l.startsWith(`{"type":"${type}"`)).length;
}
