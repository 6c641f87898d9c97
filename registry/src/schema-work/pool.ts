/**
 * Where schema work runs. Small schemas are parsed and compared on the calling thread (a round trip to a
 * worker costs more than the work); anything larger goes to a pool of lanes (lanes.ts: child processes, or
 * worker threads with `isolation: 'thread'`) so the event loop keeps serving reads while it runs, under a
 * time budget: past it the lane's worker is stopped and replaced and the caller gets a `budget` failure,
 * not a stall.
 *
 * The budget counts from the moment the task is queued. Queue waits are bounded too, since every running
 * task is bounded by the same budget; inline work is bounded by `inlineBytes`, not by the clock.
 */
import { availableParallelism } from 'node:os';
import type { CompatibilityIssue, CompatibilityOptions, SchemaLimits } from '@schemata/serdes';
import { SchemaProcessor } from './processor.js';
import { sourceSize, type PreparedText, type SchemaSource, type SchemaWork, type WorkResult, type WorkTask } from './types.js';
import { ProcessLane, ThreadLane, type Lane } from './lanes.js';

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
  /** How far below the event loop the workers' CPU priority is (Linux nice value; 0: the same). */
  niceness?: number;
  /** Worker threads, or child processes (their GC threads are lowered too; a crash stays in the child). */
  isolation?: 'thread' | 'process';
}

export const SCHEMA_WORK_DEFAULTS = {
  budgetMs: 10_000,
  inlineBytes: 16 * 1024,
  workerMemoryMb: 512,
  cacheSize: 2_000,
  niceness: 10,
  isolation: 'process',
} as const;

export class PooledSchemaWork implements SchemaWork {
  private readonly inline: SchemaProcessor;
  /** One lane per worker, so a task can go to the worker that already parsed its schemas. */
  private lanes: Lane[] | undefined;
  private readonly inFlight: number[] = [];
  /** The worker whose parse cache holds a source (a registration's candidate is prepared, then checked). */
  private readonly home = new WeakMap<SchemaSource, number>();
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
    return this.run({ op: 'prepare', source }, [source]);
  }

  backwardIssues(newer: SchemaSource, older: SchemaSource, options: CompatibilityOptions): Promise<WorkResult<CompatibilityIssue[]>> {
    return this.run({ op: 'backwardIssues', newer, older, options }, [newer, older]);
  }

  formatted(source: SchemaSource, format: string): Promise<WorkResult<string | undefined>> {
    return this.run({ op: 'formatted', source, format }, [source]);
  }

  async close(): Promise<void> {
    const lanes = this.lanes ?? [];
    this.lanes = undefined;
    await Promise.all(lanes.map((l) => l.close()));
  }

  private workers(): Lane[] {
    this.lanes ??= Array.from({ length: this.threads }, () => {
      this.inFlight.push(0);
      const options = {
        memoryMb: this.options.workerMemoryMb ?? SCHEMA_WORK_DEFAULTS.workerMemoryMb,
        config: {
          limits: this.options.limits,
          cacheSize: this.options.cacheSize ?? SCHEMA_WORK_DEFAULTS.cacheSize,
          niceness: this.options.niceness ?? SCHEMA_WORK_DEFAULTS.niceness,
        },
      };
      return (this.options.isolation ?? SCHEMA_WORK_DEFAULTS.isolation) === 'process' ? new ProcessLane(options) : new ThreadLane(options);
    });
    return this.lanes;
  }

  /** The idle worker that already parsed one of `sources`, else the least busy one. */
  private pick(sources: readonly SchemaSource[]): number {
    for (const s of sources) {
      const home = this.home.get(s);
      if (home !== undefined && this.inFlight[home] === 0) return home;
    }
    let best = 0;
    for (let i = 1; i < this.inFlight.length; i++) if (this.inFlight[i]! < this.inFlight[best]!) best = i;
    return best;
  }

  private async run<T>(task: WorkTask, sources: readonly SchemaSource[]): Promise<WorkResult<T>> {
    let size = 0;
    for (const s of sources) size += sourceSize(s);
    if (this.threads === 0 || size <= this.inlineBytes) return this.inline.run(task) as WorkResult<T>;
    const lanes = this.workers();
    const i = this.pick(sources);
    const signal = AbortSignal.timeout(this.budgetMs);
    this.inFlight[i]!++;
    try {
      const result = (await lanes[i]!.run(task, signal)) as WorkResult<T>;
      for (const s of sources) this.home.set(s, i);
      return result;
    } catch (e) {
      if (signal.aborted) {
        return { ok: false, failure: { kind: 'budget', message: `Schema operation exceeded its time budget of ${this.budgetMs} ms (SCHEMA_WORK_TIMEOUT)` } };
      }
      // The worker died under the task (its heap limit, most likely); the pool replaces it.
      const detail = e instanceof Error ? e.message : String(e);
      return { ok: false, failure: { kind: 'budget', message: `Schema operation failed in its worker: ${detail}` } };
    } finally {
      this.inFlight[i]!--;
    }
  }
}
