/**
 * The stores the migration suites run on, as sources and as targets. Every ordered pair is tested.
 */
import { createStore, type Store } from '../../registry/src/store/index.js';
import { freshTopic, KAFKA_BOOTSTRAP_SERVERS, KAFKA_SKIP_REASON } from '../helpers/kafka.js';
import { DATABASE_URL, freshDatabase, POSTGRES_SKIP_REASON } from '../helpers/postgres.js';

export interface OpenedStore {
  store: Store;
  /** Closes the store and removes what it created (a fresh Postgres database). */
  close(): Promise<void>;
}

export interface StoreFactory {
  name: string;
  /** Why this store cannot run here, if it cannot (its suites are then skipped, and say so). */
  skipReason?: string | undefined;
  /** A new, empty, opened store. */
  open(label: string): Promise<OpenedStore>;
}

async function opened(store: Store, cleanup: () => Promise<void> = async () => {}): Promise<OpenedStore> {
  try {
    await store.open();
  } catch (e) {
    await store.close().catch(() => {});
    await cleanup();
    throw e;
  }
  return {
    store,
    async close() {
      await store.close();
      await cleanup();
    },
  };
}

export const STORES: StoreFactory[] = [
  { name: 'PGlite', open: async () => opened(await createStore({ dataDir: 'memory://' })) },
  {
    name: 'Kafka',
    skipReason: KAFKA_BOOTSTRAP_SERVERS ? undefined : KAFKA_SKIP_REASON,
    open: async (label) => {
      const store = await createStore({ kafkaBootstrapServers: KAFKA_BOOTSTRAP_SERVERS!, schemasTopic: freshTopic(label), dekRegistryTopic: freshTopic(`${label}-keys`) });
      const result = await opened(store);
      // A one-member election: this process is the primary, so imports (and HTTP writes) go through.
      await store.replication!.join('http://127.0.0.1:1/migration-test');
      return result;
    },
  },
  {
    name: 'Postgres',
    skipReason: DATABASE_URL ? undefined : POSTGRES_SKIP_REASON,
    open: async (label) => {
      const db = await freshDatabase(label);
      return opened(await createStore({ databaseUrl: db.url }), () => db.drop());
    },
  },
];

/** Says once, in the test output, which store variants of a suite are skipped and why. */
export function announceSkips(suite: string, factories: readonly StoreFactory[] = STORES): void {
  for (const f of factories) if (f.skipReason) console.warn(`SKIPPED: ${suite} on ${f.name}: ${f.skipReason}`);
}

/** Every ordered (source, target) pair, with why it is skipped when one of the two cannot run. */
export function storePairs(): { source: StoreFactory; target: StoreFactory; skipReason: string | undefined }[] {
  return STORES.flatMap((source) => STORES.map((target) => ({ source, target, skipReason: source.skipReason ?? target.skipReason })));
}
