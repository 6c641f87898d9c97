/** A pool worker (piscina): one SchemaProcessor per thread, configured by the pool through workerData. */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { workerData } from 'node:worker_threads';
import type { SchemaLimits } from '@schemata/serdes';
import { SchemaProcessor } from './processor.js';
import type { WorkResult, WorkTask } from './types.js';

export interface WorkerConfig {
  limits: SchemaLimits | undefined;
  cacheSize: number;
  /** How much lower than the main thread's this thread's CPU priority is (0: the same). */
  niceness?: number;
}

const config = workerData as WorkerConfig;

/**
 * Runs this thread below the event loop's priority (Linux: the nice value is per thread, and
 * /proc/thread-self names this thread's id), so a long check yields the CPU to reads on a busy machine.
 * Elsewhere, or without permission, the thread keeps the default priority.
 */
function lowerPriority(niceness: number): void {
  if (niceness <= 0) return;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, niceness);
  } catch {
    // Not Linux, or not allowed: the default priority.
  }
}
lowerPriority(config.niceness ?? 0);
const processor = new SchemaProcessor(config.limits, config.cacheSize);

export default function run(task: WorkTask): WorkResult<unknown> {
  return processor.run(task);
}
