import type { KafkaClientConfig } from './kafka/client-config.js';
import { KafkaStore, DEFAULT_SESSION_TIMEOUT_MS } from './kafka/kafka-store.js';
import { PGliteDriver } from './sql/pglite-driver.js';
import { PostgresDriver } from './sql/postgres-driver.js';
import { SqlStore } from './sql/sql-store.js';
import type { Store } from './store.js';

export * from './store.js';

export interface StoreOptions {
  /** `postgres://…` or `postgresql://…` selects Postgres. */
  databaseUrl?: string;
  /** PGlite data directory (default `./data`); `memory://` for an in-memory database. */
  dataDir?: string;
  /** Kafka bootstrap servers (`host:port,…`): selects the Kafka store (wins over the SQL options). */
  kafkaBootstrapServers?: string;
  /** The Kafka store's client settings: TLS, SASL, client.id, timeouts (KAFKA_CLIENT_CONFIG). */
  kafkaClient?: KafkaClientConfig | undefined;
  /** The Kafka store's topic (default `_schemas`). */
  schemasTopic?: string;
  /** The Kafka store's DEK registry topic (default `_dek_registry_keys`). */
  dekRegistryTopic?: string;
  /** Replication factor of the topic when the store creates it (default 1). */
  topicReplicationFactor?: number;
  /** The Kafka election's consumer group (default `schemata-<topic>`). */
  kafkaGroupId?: string;
  /** The Kafka election's session timeout: how long a silent primary keeps the role (default 6000 ms). */
  kafkaSessionTimeoutMs?: number;
  /** Start-up progress of the Kafka store (topic catch-up, elections). */
  onInfo?: (message: string) => void;
  /** Postgres connection pool size. */
  poolSize?: number;
  /**
   * Errors the store recovers from or cannot report to a caller (Postgres: a pooled connection lost, the
   * notification listener's connection lost). Default: ignored.
   */
  onError?: (message: string, err: unknown) => void;
}

export function isPostgresUrl(url: string | undefined): url is string {
  return url !== undefined && /^postgres(ql)?:\/\//.test(url);
}

/** Creates (but does not open) the store the options select. */
export async function createStore(options: StoreOptions = {}): Promise<Store> {
  if (options.kafkaBootstrapServers) {
    return new KafkaStore({
      bootstrapServers: options.kafkaBootstrapServers,
      client: options.kafkaClient,
      topic: options.schemasTopic ?? '_schemas',
      ...(options.dekRegistryTopic ? { keysTopic: options.dekRegistryTopic } : {}),
      replicationFactor: options.topicReplicationFactor ?? 1,
      sessionTimeoutMs: options.kafkaSessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS,
      ...(options.kafkaGroupId ? { groupId: options.kafkaGroupId } : {}),
      ...(options.onError ? { onError: options.onError } : {}),
      ...(options.onInfo ? { onInfo: options.onInfo } : {}),
    });
  }
  if (isPostgresUrl(options.databaseUrl)) return new SqlStore(new PostgresDriver(options.databaseUrl, options.poolSize, options.onError));
  if (options.databaseUrl) throw new Error('DATABASE_URL must start with postgres:// or postgresql://');
  return new SqlStore(await PGliteDriver.open(options.dataDir ?? './data'));
}
