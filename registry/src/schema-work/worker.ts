/** A pool worker (piscina): one SchemaProcessor per thread, configured by the pool through workerData. */
import { workerData } from 'node:worker_threads';
import type { SchemaLimits } from '@schemata/serdes';
import { SchemaProcessor } from './processor.js';
import type { WorkResult, WorkTask } from './types.js';

export interface WorkerConfig {
  limits: SchemaLimits | undefined;
  cacheSize: number;
}

const config = workerData as WorkerConfig;
const processor = new SchemaProcessor(config.limits, config.cacheSize);

export default function run(task: WorkTask): WorkResult<unknown> {
  return processor.run(task);
}
