/**
 * The `export FILE` and `import FILE` commands: files and standard streams, the store the shared
 * configuration selects (the same as `serve`), progress on stderr, exit codes (0 done, 1 refused or
 * failed; usage errors exit 2 before this runs).
 */
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { describeStore, storeOptionsOf, type MigrationArgs, type RegistryConfig } from '../config.js';
import { maskSecrets } from '../log.js';
import { createStore } from '../store/index.js';
import { NotPrimaryError, type Store } from '../store/store.js';
import { MigrationError } from './errors.js';
import { exportRegistry } from './export.js';
import { importRegistry } from './import.js';
import { LineWriter } from './ndjson.js';
import { progressFor, type Progress } from './progress.js';

const STDIO = '-';

/** Where a primary elected for an import would be told to forward writes: nowhere (the import is brief). */
const IMPORT_MEMBER_URL = 'http://schema-registry-import.invalid';

async function withStore<T>(config: RegistryConfig, fn: (store: Store) => Promise<T>, forWrites = false): Promise<T> {
  // Kafka retries until the broker answers: say why meanwhile (a refused login, an untrusted certificate).
  const store = await createStore({ ...storeOptionsOf(config), onError: (message) => process.stderr.write(`schema-registry: ${maskSecrets(message)}\n`) });
  try {
    await store.open();
    // Kafka: writes need this process to be the elected primary; with a registry running on the topic it
    // is not, and the import is refused rather than raced.
    if (forWrites && store.replication) await store.replication.join(IMPORT_MEMBER_URL);
    return await fn(store);
  } catch (e) {
    if (e instanceof NotPrimaryError) {
      throw new MigrationError(
        `another process is the primary of the schemas topic${e.primaryUrl ? ` (${e.primaryUrl})` : ''}: stop the registries on it before importing`,
      );
    }
    throw e;
  } finally {
    await store.close();
  }
}

async function runExport(args: MigrationArgs, config: RegistryConfig, progress: Progress): Promise<void> {
  const toStdout = args.file === STDIO;
  // A file is written under a temporary name and renamed once complete: FILE is never a partial export.
  const partial = toStdout ? undefined : join(dirname(args.file), `.${basename(args.file)}.${process.pid}.partial`);
  // Opened before the store, so a bad path fails without touching the registry.
  const handle = partial ? await open(partial, 'wx') : undefined;
  const writer = new LineWriter(handle ? handle.createWriteStream() : process.stdout);
  try {
    const summary = await withStore(config, (store) => exportRegistry(store, writer, progress));
    await writer.close(!toStdout);
    if (partial) await rename(partial, args.file);
    progress.say(
      `exported ${summary.contexts} contexts, ${summary.schemas} schemas, ${summary.versions} versions (${summary.deletedVersions} soft-deleted), ` +
        `${summary.settings} settings${keysPart(summary)} from ${describeStore(config)} to ${toStdout ? 'stdout' : args.file}`,
    );
  } catch (e) {
    if (partial) {
      await writer.close().catch(() => {});
      await rm(partial, { force: true });
    }
    throw e;
  }
}

async function runImport(args: MigrationArgs, config: RegistryConfig, progress: Progress): Promise<void> {
  const fromStdin = args.file === STDIO;
  if (fromStdin && process.stdin.isTTY) throw new MigrationError('import - reads the export from stdin, which is a terminal: pipe or redirect a file into it');
  // Opened before the store, so a missing file fails without touching the registry.
  const handle = fromStdin ? undefined : await open(args.file, 'r');
  const stat = await handle?.stat();
  const input = handle ? handle.createReadStream() : process.stdin;
  try {
    const summary = await withStore(config, (store) => importRegistry(store, { input, size: stat?.isFile() ? stat.size : undefined }, progress), true);
    progress.say(
      `imported ${summary.contexts} contexts, ${summary.schemas} schemas (${summary.schemasPresent} already present), ` +
        `${summary.versions} versions (${summary.versionsPresent} already present), ${summary.settings} settings${keysPart(summary)} ` +
        `from ${fromStdin ? 'stdin' : args.file} into ${describeStore(config)}`,
    );
  } finally {
    if (handle) input.destroy();
  }
}

/** `, 2 KEKs, 5 DEKs` when the DEK registry holds any (nothing otherwise: most registries have none). */
const keysPart = (s: { keks: number; deks: number }) => (s.keks + s.deks > 0 ? `, ${s.keks} KEKs, ${s.deks} DEKs` : '');

/** Runs `export` or `import`; answers the exit code. */
export async function runMigration(command: 'export' | 'import', args: MigrationArgs, config: RegistryConfig): Promise<number> {
  const progress = progressFor(process.stderr, args.quiet);
  try {
    await (command === 'export' ? runExport(args, config, progress) : runImport(args, config, progress));
    return 0;
  } catch (e) {
    // The message alone (a refusal, a file or store error); the stack too when debugging.
    const withStack = e instanceof Error && !(e instanceof MigrationError) && (config.logLevel === 'debug' || config.logLevel === 'trace');
    const detail = e instanceof Error ? (withStack ? (e.stack ?? e.message) : e.message) : String(e);
    process.stderr.write(`schema-registry ${command}: ${maskSecrets(detail)}\n`);
    return 1;
  }
}
