/** Types of broker.mjs for the TypeScript tests. */
export interface BrokerUser {
  name: string;
  password: string;
}
export interface BrokerOptions {
  /** Instance directory (config, data, logs, pid file); default .kafka/broker or KAFKA_DIR. */
  dir?: string;
  /** Only for a new instance directory; 0 picks a free port. */
  port?: number;
  timeoutMs?: number;
  /**
   * Only for a new instance directory: also a SASL_SSL listener (each user may log in with PLAIN or
   * SCRAM-SHA-256) and an SSL listener that requires a client certificate; a throwaway CA signs the
   * broker's certificate (for 127.0.0.1 and localhost) and one client certificate.
   */
  secure?: { users: BrokerUser[] };
}
export interface RunningBroker {
  /** The PLAINTEXT listener. */
  bootstrap: string;
  pid: number;
  dir: string;
  /** The SASL_SSL listener and the PEM certificate of the CA that signed the broker's certificate. */
  saslSsl?: { bootstrap: string; ca: string };
  /** The SSL listener (client certificate required), its CA, and a client keystore (PKCS#12) it accepts. */
  ssl?: { bootstrap: string; ca: string; keystore: string; keystorePassword: string };
}
export function defaultDir(): string;
export function ensureLibs(): string;
export function metadataAnswers(port: number, timeoutMs?: number): Promise<boolean>;
/** A throwaway CA in `dir`: its PKCS#12 store and its PEM certificate (`pem`). */
export function makeCa(dir: string, name?: string): { store: string; storePassword: string; pem: string };
export function startBroker(options?: BrokerOptions): Promise<RunningBroker>;
export function stopBroker(options?: { dir?: string; graceMs?: number }): Promise<boolean>;
