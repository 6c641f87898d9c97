/**
 * Where schema work runs. Small schemas are parsed and compared on the calling thread (a round trip to a
 * worker costs more than the work); anything larger goes to a pool of worker threads (piscina) so the
 * event loop keeps serving reads while it runs, under a time budget: past it the worker is terminated
 * (piscina stops the thread running an aborted task) and the caller gets a `budget` failure, not a stall.
 *
 * The budget counts from the moment the task is queued. Queue waits are bounded too, since every running
 * task is bounded by the same budget; inline work is bounded by `inlineBytes`, not by the clock.
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { CompatibilityIssue, CompatibilityOptions, SchemaLimits } from '@schemata/serdes';
import { SchemaProcessor } from './processor.js';
import { sourceSize, type PreparedText, type SchemaSource, type SchemaWork, type WorkResult, type WorkTask } from './types.js';
import type { WorkerConfig } from './worker.js';

export interface SchemaWorkOptions {
  /** Worker threads; 0 runs everything inline (no budget enforcement). Default: the machine's cores. */
  threads?: number;
  /** Wall-clock budget of one operation on a worker, ms. */
  budgetMs?: number;
  /** Sources (own text plus referenced texts) up to this many characters run inline. */
  inlineBytes?: number;
  /** Heap limit of each worker, MB: a schema that needs more fails alone instead of the process. */
  workerMemoryMb?: number;
  limits?: Readonly<SchemaLimits> | undefined;
  /** Parsed schemas cached per thread. */
  cacheSize?: number;
  /** Start the workers at once rather than on the first large schema (servers; tests leave it off). */
  warm?: boolean;
}

export const SCHEMA_WORK_DEFAULTS = {
  budgetMs: 10_000,
  inlineBytes: 16 * 1024,
  workerMemoryMb: 512,
  cacheSize: 2_000,
} as const;

/** The built worker module (tests run the registry from its sources; workers always load the build). */
function workerFile(): string {
  const here = new URL(import.meta.url);
  if (here.pathname.endsWith('.ts')) return new URL('../../dist/schema-work/worker.js', here).pathname;
  return new URL('./worker.js', here).pathname;
}

export class PooledSchemaWork implements SchemaWork {
  private readonly inline: SchemaProcessor;
  private pool: Piscina | undefined;
  private readonly threads: number;
  private readonly budgetMs: number;
  private readonly inlineBytes: number;

  constructor(private readonly options: SchemaWorkOptions = {}) {
    this.threads = options.threads ?? availableParallelism();
    this.budgetMs = options.budgetMs ?? SCHEMA_WORK_DEFAULTS.budgetMs;
    this.inlineBytes = options.inlineBytes ?? SCHEMA_WORK_DEFAULTS.inlineBytes;
    this.inline = new SchemaProcessor(options.limits, options.cacheSize ?? SCHEMA_WORK_DEFAULTS.cacheSize);
    if (options.warm && this.threads > 0) this.workers();
  }

  prepare(source: SchemaSource): Promise<WorkResult<PreparedText>> {
    return this.run({ op: 'prepare', source }, sourceSize(source));
  }

  backwardIssues(newer: SchemaSource, older: SchemaSource, options: CompatibilityOptions): Promise<WorkResult<CompatibilityIssue[]>> {
    return this.run({ op: 'backwardIssues', newer, older, options }, sourceSize(newer) + sourceSize(older));
  }

  formatted(source: SchemaSource, format: string): Promise<WorkResult<string | undefined>> {
    return this.run({ op: 'formatted', source, format }, sourceSize(source));
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.destroy();
  }

  private workers(): Piscina {
    this.pool ??= new Piscina({
      filename: workerFile(),
      minThreads: this.threads,
      maxThreads: this.threads,
      idleTimeout: Number.MAX_SAFE_INTEGER,
      // A 64 MB young generation: parsing large schemas allocates many short-lived objects, and V8's
      // default (16 MB) made it 2-3× slower through scavenges (measured on Avro records of 10k+ fields).
      resourceLimits: { maxOldGenerationSizeMb: this.options.workerMemoryMb ?? SCHEMA_WORK_DEFAULTS.workerMemoryMb, maxYoungGenerationSizeMb: 64 },
      workerData: {
        limits: this.options.limits,
        cacheSize: this.options.cacheSize ?? SCHEMA_WORK_DEFAULTS.cacheSize,
      } satisfies WorkerConfig,
    });
    return this.pool;
  }

  private async run<T>(task: WorkTask, size: number): Promise<WorkResult<T>> {
    if (this.threads === 0 || size <= this.inlineBytes) return this.inline.run(task) as WorkResult<T>;
    const signal = AbortSignal.timeout(this.budgetMs);
    try {
      return (await this.workers().run(task, { signal })) as WorkResult<T>;
    } catch (e) {
      if (signal.aborted) {
        return { ok: false, failure: { kind: 'budget', message: `Schema operation exceeded its time budget of ${this.budgetMs} ms (SCHEMA_WORK_TIMEOUT)` } };
      }
      // The worker died under the task (its heap limit, most likely); the pool replaces it.
      const detail = e instanceof Error ? e.message : String(e);
      return { ok: false, failure: { kind: 'budget', message: `Schema operation failed in its worker: ${detail}` } };
    }
  }
}
