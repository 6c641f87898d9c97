/**
 * The lanes schema work runs in beyond the event loop: each lane runs one task at a time, keeps its own
 * parse cache, and is stopped and replaced when a task outlives its budget or dies.
 *
 * - ThreadLane: a worker thread (a one-thread piscina pool); cheap to reach, but it shares the process's V8
 *   helper threads and allocator with the event loop.
 * - ProcessLane: a child process (`child.ts`) over IPC; its helper threads run at its own lowered priority
 *   too, so a long check disturbs reads less, and a crash or heap exhaustion stays in the child.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { Piscina } from 'piscina';
import type { ChildRequest, ChildResponse } from './child.js';
import type { WorkResult, WorkTask } from './types.js';
import type { WorkerConfig } from './worker.js';

export interface Lane {
  /** Rejects when `signal` aborts (the task is stopped) or the lane dies under the task. */
  run(task: WorkTask, signal: AbortSignal): Promise<WorkResult<unknown>>;
  close(): Promise<void>;
}

export interface LaneOptions {
  config: WorkerConfig;
  /** Heap limit, MB: a schema that needs more fails alone. */
  memoryMb: number;
}

/** A built module of this folder (tests run the registry from its sources; lanes always load the build). */
function builtFile(name: string): string {
  const here = new URL(import.meta.url);
  if (here.pathname.endsWith('.ts')) return new URL(`../../dist/schema-work/${name}`, here).pathname;
  return new URL(`./${name}`, here).pathname;
}

// A 64 MB young generation: parsing large schemas allocates many short-lived objects, and V8's default
// (16 MB) made it 2-3× slower through scavenges (measured on Avro records of 10k+ fields).
const YOUNG_MB = 64;

export class ThreadLane implements Lane {
  private readonly pool: Piscina;

  constructor(options: LaneOptions) {
    this.pool = new Piscina({
      filename: builtFile('worker.js'),
      minThreads: 1,
      maxThreads: 1,
      idleTimeout: Number.MAX_SAFE_INTEGER,
      resourceLimits: { maxOldGenerationSizeMb: options.memoryMb, maxYoungGenerationSizeMb: YOUNG_MB },
      workerData: options.config,
    });
  }

  run(task: WorkTask, signal: AbortSignal): Promise<WorkResult<unknown>> {
    return this.pool.run(task, { signal }) as Promise<WorkResult<unknown>>;
  }

  close(): Promise<void> {
    return this.pool.destroy();
  }
}

interface Pending {
  id: number;
  task: WorkTask;
  signal: AbortSignal;
  resolve(result: WorkResult<unknown>): void;
  reject(error: Error): void;
}

export class ProcessLane implements Lane {
  private child: ChildProcess | undefined;
  private running: Pending | undefined;
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: LaneOptions) {
    this.spawn();
  }

  run(task: WorkTask, signal: AbortSignal): Promise<WorkResult<unknown>> {
    if (this.closed) return Promise.reject(new Error('schema work is closed'));
    return new Promise((resolve, reject) => {
      const pending: Pending = { id: this.nextId++, task, signal, resolve, reject };
      const onAbort = () => {
        if (this.running === pending) this.kill(); // its exit settles it
        else {
          const i = this.queue.indexOf(pending);
          if (i >= 0) this.queue.splice(i, 1);
          reject(new Error('aborted'));
        }
      };
      if (signal.aborted) return reject(new Error('aborted'));
      signal.addEventListener('abort', onAbort, { once: true });
      const settle = <A>(fn: (a: A) => void) => (a: A) => {
        signal.removeEventListener('abort', onAbort);
        fn(a);
      };
      pending.resolve = settle(resolve);
      pending.reject = settle(reject);
      this.queue.push(pending);
      this.next();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(new Error('schema work is closed'));
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    // The idle child is unref'd: without this, a registry shutting down could run out of other work and
    // end while it waits here, skipping whatever its shutdown does after closing the workers.
    child.ref();
    child.kill('SIGKILL');
    await exited;
  }

  private spawn(): ChildProcess {
    const child = fork(builtFile('child.js'), [], {
      execArgv: [`--max-old-space-size=${this.options.memoryMb}`, `--max-semi-space-size=${YOUNG_MB / 2}`],
      // Only its configuration: the registry's environment (database URL, KMS secret…) stays out of it.
      env: { SCHEMATA_WORKER_CONFIG: JSON.stringify(this.options.config) },
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.on('message', (message: ChildResponse) => {
      const p = this.running;
      if (!p || p.id !== message.id) return;
      this.running = undefined;
      child.channel?.unref();
      p.resolve(message.result);
      this.next();
    });
    child.once('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      const p = this.running;
      this.running = undefined;
      p?.reject(new Error(`the schema worker process exited (${signal ?? `code ${code}`})`));
      if (!this.closed) this.next();
    });
    // A send to a process that just died fails here as well as through 'exit'.
    child.on('error', () => {});
    // An idle child must not keep the registry's event loop alive (its channel is ref'd only while busy).
    child.unref();
    child.channel?.unref();
    this.child = child;
    return child;
  }

  private next(): void {
    if (this.running || this.closed) return;
    const p = this.queue.shift();
    if (!p) return;
    this.running = p;
    const child = this.child ?? this.spawn();
    child.channel?.ref();
    const request: ChildRequest = { id: p.id, task: p.task };
    child.send(request);
  }

  private kill(): void {
    this.child?.kill('SIGKILL');
  }
}
