/** Types of broker.mjs for the TypeScript tests. */
export interface BrokerOptions {
  /** Instance directory (config, data, logs, pid file); default .kafka/broker or KAFKA_DIR. */
  dir?: string;
  /** Only for a new instance directory; 0 picks a free port. */
  port?: number;
  timeoutMs?: number;
}
export interface RunningBroker {
  bootstrap: string;
  pid: number;
  dir: string;
}
export function defaultDir(): string;
export function ensureLibs(): string;
export function metadataAnswers(port: number, timeoutMs?: number): Promise<boolean>;
export function startBroker(options?: BrokerOptions): Promise<RunningBroker>;
export function stopBroker(options?: { dir?: string; graceMs?: number }): Promise<boolean>;
