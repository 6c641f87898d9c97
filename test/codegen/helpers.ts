/**
 * Helpers for the codegen and CLI suites: scratch directories inside the repo (test/.tmp, gitignored, so
 * generated code resolves `@schemata/serdes` through the workspace link), compiling generated code with
 * the repo's tsc under strict settings; the real registry of the serdes suites (helpers there).
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll } from 'vitest';
import { RegistryClient } from '@schemata/serdes';
import { withRegistry, type TestRegistry } from '../serdes/helpers.js';

export type { TestRegistry };

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const FIXTURES = path.join(REPO, 'test/fixtures/codegen');
const TSC = path.join(REPO, 'node_modules/.bin/tsc');

const scratch: string[] = [];

/** A fresh directory under test/.tmp (removed by `removeScratchDirs`). */
export async function scratchDir(prefix: string): Promise<string> {
  const base = path.join(REPO, 'test/.tmp');
  await mkdir(base, { recursive: true });
  const dir = await mkdtemp(path.join(base, `${prefix}-`));
  scratch.push(dir);
  return dir;
}

/** Removes the scratch directories made so far (keep them with KEEP_TMP=1 to look at generated code). */
export async function removeScratchDirs(): Promise<void> {
  if (process.env.KEEP_TMP) return;
  const dirs = scratch.splice(0);
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
}

/**
 * Compiles `files` of `dir` with the repo's tsc and a tsconfig stricter than the repo's (strict,
 * noUnusedLocals/Parameters, noUncheckedIndexedAccess, exactOptionalPropertyTypes). Returns tsc's exit
 * code and output.
 */
export async function compile(dir: string, files: string[]): Promise<{ code: number; output: string }> {
  await writeFile(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          lib: ['ES2022'],
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noUnusedLocals: true,
          noUnusedParameters: true,
          noUncheckedIndexedAccess: true,
          exactOptionalPropertyTypes: true,
          noImplicitReturns: true,
          noEmit: true,
          skipLibCheck: true,
          types: ['node'],
        },
        files,
      },
      null,
      2,
    ),
  );
  const r = spawnSync(TSC, ['-p', dir], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

/** Imports a generated TypeScript module (vitest transpiles it). */
export function importModule<T = Record<string, unknown>>(file: string): Promise<T> {
  return import(pathToFileURL(file).href) as Promise<T>;
}

/**
 * The registry of a codegen suite, and a client to it that never caches latest versions, handed to
 * `ready` before the first test; the scratch directories are removed after the suite.
 */
export function codegenSuite(ready: (registry: TestRegistry, client: RegistryClient) => void): void {
  withRegistry((registry) => ready(registry, new RegistryClient({ baseUrls: registry.url, latestCacheTtlMs: 0 })));
  afterAll(() => removeScratchDirs());
}
