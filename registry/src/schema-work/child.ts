/**
 * A schema worker process (`SCHEMA_WORK_ISOLATION=process`): one SchemaProcessor, tasks in and results out
 * over the IPC channel, one at a time. The whole process runs at lower CPU priority, every thread of it:
 * V8's own helper threads (parallel scavenges, concurrent marking) included, which a worker thread shares
 * with the event loop and cannot lower. It exits when the registry does (the channel closes).
 */
import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';
import { SchemaProcessor } from './processor.js';
import type { WorkResult, WorkTask } from './types.js';
import type { WorkerConfig } from './worker.js';

export interface ChildRequest {
  id: number;
  task: WorkTask;
}

export interface ChildResponse {
  id: number;
  result: WorkResult<unknown>;
}

/** Lowers every thread of this process (Linux: nice is per thread; threads started later inherit it). */
function lowerPriority(niceness: number): void {
  if (niceness <= 0) return;
  try {
    for (const tid of readdirSync('/proc/self/task')) setPriority(Number(tid), niceness);
  } catch {
    try {
      setPriority(niceness);
    } catch {
      // Not allowed: the default priority.
    }
  }
}

const config = JSON.parse(process.env.SCHEMATA_WORKER_CONFIG ?? '{}') as WorkerConfig;
lowerPriority(config.niceness ?? 0);
const processor = new SchemaProcessor(config.limits, config.cacheSize);

process.on('message', (message: ChildRequest) => {
  const response: ChildResponse = { id: message.id, result: processor.run(message.task) };
  process.send!(response);
});
process.on('disconnect', () => process.exit(0));
