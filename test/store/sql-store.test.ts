import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { contentHash, guidOf } from '../../registry/src/core/identity.js';
import { createStore, type NewSchema, type Store, type StoreEvent } from '../../registry/src/store/index.js';
import { announceKafkaSkip, freshTopic, KAFKA_BOOTSTRAP_SERVERS } from '../helpers/kafka.js';
import { announcePostgresSkip, DATABASE_URL, freshDatabase } from '../helpers/postgres.js';

/** A schema with its real content hash and guid (the Kafka store computes them from the records it reads). */
function schema(context: string, text: string, extra: Partial<NewSchema> = {}): NewSchema {
  const content = { schemaType: 'AVRO' as const, schema: text, references: [], ...extra };
  const hash = contentHash(content);
  return { context, guid: guidOf(hash), hash, referenceTargets: [], ...content };
}

/** The same contract tests for every store: SQL (PGlite, Postgres) and Kafka. */
function storeContract(name: string, open: () => Promise<{ store: Store; cleanup(): Promise<void> }>) {
  describe(name, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    beforeAll(async () => {
      ({ store, cleanup } = await open());
      await store.open();
      await store.open(); // idempotent (SQL: migrations; Kafka: the catch-up)
      // Kafka: a one-member election makes this store the primary.
      await store.replication?.join('http://127.0.0.1:1');
    });
    afterAll(async () => {
      await store.close();
      await cleanup();
    });

    it('allocates ids per context, one past the largest ever, and finds schemas by id, hash and guid', async () => {
      // Each schema with a version: a Kafka topic holds schemas only as subject-versions.
      const put = (context: string, text: string, extra: Partial<NewSchema> = {}) =>
        store.write(async (tx) => {
          const id = await tx.insertSchema(schema(context, text, extra));
          const subject = context === '.' ? `alloc-${text}` : `:${context}:alloc-${text}`;
          await tx.insertVersion({ subject, context, version: 1, schemaId: id, deleted: false, ts: 1 });
          return id;
        });
      const a = await put('.', '"a"');
      const b = await put('.', '"b"');
      const c = await put('.ctx1', '"c"');
      expect([a, b, c]).toEqual([1, 2, 1]);
      expect((await store.schemaById('.', 2))?.schema).toBe('"b"');
      expect(await store.schemaById('.ctx1', 2)).toBeUndefined();
      expect(await store.schemaIdByHash('.', schema('.', '"a"').hash)).toBe(1);
      expect((await store.schemasByGuid(schema('.', '"c"').guid)).map((s) => [s.context, s.id])).toEqual([['.ctx1', 1]]);
      // An imported id raises the counter; the next allocated id follows it.
      expect(await put('.', '"imp"', { id: 50 })).toBe(50);
      expect(await put('.', '"d"')).toBe(51);
      expect(await store.maxSchemaId('.')).toBe(51);
    });

    it('keeps versions, soft deletes, purges and drops orphaned schemas but never reuses their ids', async () => {
      const id = await store.write(async (tx) => {
        const id = await tx.insertSchema(schema('.', '"v"', { metadata: { properties: { owner: 'x' } } }));
        await tx.insertVersion({ subject: 'sub-v', context: '.', version: 1, schemaId: id, deleted: false, ts: 1700000000000 });
        await tx.insertVersion({ subject: 'sub-v', context: '.', version: 2, schemaId: id, deleted: false, ts: 1700000000001 });
        return id;
      });
      const v1 = await store.subjectVersion('sub-v', 1);
      expect(v1?.schema.metadata).toEqual({ properties: { owner: 'x' } });
      expect(v1?.ts).toBe(1700000000000);
      await store.write((tx) => tx.markVersionDeleted('sub-v', 1));
      expect((await store.subjectVersions('sub-v')).map((v) => [v.version, v.deleted])).toEqual([
        [1, true],
        [2, false],
      ]);
      expect(await store.listSubjects({ subjectPrefix: 'sub-' })).toEqual([{ subject: 'sub-v', context: '.', deleted: false }]);
      await store.write((tx) => tx.purgeVersion('sub-v', 1));
      expect(await store.schemaById('.', id)).toBeDefined(); // version 2 still carries it
      await store.write((tx) => tx.purgeVersion('sub-v', 2));
      expect(await store.schemaById('.', id)).toBeUndefined();
      expect(await store.subjectVersions('sub-v')).toEqual([]);
      const next = await store.write((tx) => tx.insertSchema(schema('.', '"v2"')));
      expect(next).toBeGreaterThan(id);
    });

    it('answers referrers with their liveness', async () => {
      await store.write(async (tx) => {
        const base = await tx.insertSchema(schema('.', '"base"'));
        await tx.insertVersion({ subject: 'ref-base', context: '.', version: 1, schemaId: base, deleted: false, ts: 1 });
        const user = await tx.insertSchema(
          schema('.', '"user"', {
            references: [{ name: 'Base', subject: 'ref-base', version: 1 }],
            referenceTargets: [{ subject: 'ref-base', version: 1 }],
          }),
        );
        await tx.insertVersion({ subject: 'ref-user', context: '.', version: 1, schemaId: user, deleted: false, ts: 2 });
      });
      const refs = await store.referrers('ref-base', 1);
      expect(refs).toHaveLength(1);
      expect(refs[0]?.deleted).toBe(false);
      const user = await store.subjectVersion('ref-user', 1);
      expect(user?.schema.references).toEqual([{ name: 'Base', subject: 'ref-base', version: 1 }]);
      await store.write((tx) => tx.markVersionDeleted('ref-user', 1));
      expect((await store.referrers('ref-base', 1))[0]?.deleted).toBe(true);
    });

    it('lists versions by prefix and context, latest only on request', async () => {
      await store.write(async (tx) => {
        for (const [subject, context, n] of [
          ['lv-a', '.', 3],
          ['lv-b', '.', 1],
          [':.lvctx:lv-c', '.lvctx', 2],
        ] as const) {
          for (let v = 1; v <= n; v++) {
            const id = await tx.insertSchema(schema(context, `"${subject}-${v}"`));
            await tx.insertVersion({ subject, context, version: v, schemaId: id, deleted: v === n && subject === 'lv-a', ts: v });
          }
        }
      });
      const all = await store.listVersions({ subjectPrefix: 'lv-', includeDeleted: false, latestOnly: false });
      expect(all.map((v) => `${v.subject}/${v.version}`)).toEqual(['lv-a/1', 'lv-a/2', 'lv-b/1']);
      const latest = await store.listVersions({ subjectPrefix: 'lv-', includeDeleted: false, latestOnly: true });
      expect(latest.map((v) => `${v.subject}/${v.version}`)).toEqual(['lv-a/2', 'lv-b/1']);
      const withDeleted = await store.listVersions({ subjectPrefix: 'lv-', includeDeleted: true, latestOnly: true });
      expect(withDeleted.map((v) => `${v.subject}/${v.version}`)).toEqual(['lv-a/3', 'lv-b/1']);
      const ctx = await store.listVersions({ context: '.lvctx', includeDeleted: false, latestOnly: false });
      expect(ctx.map((v) => v.schema.schema)).toEqual(['":.lvctx:lv-c-1"', '":.lvctx:lv-c-2"']);
      expect(await store.contexts()).toEqual(expect.arrayContaining(['.', '.lvctx']));
    });

    it('stores, replaces and deletes config and mode by scope', async () => {
      await store.write((tx) => tx.setConfig('', { compatibilityLevel: 'FULL' }));
      await store.write((tx) => tx.setConfig('cfg-s', { compatibilityLevel: 'NONE', normalize: true }));
      await store.write((tx) => tx.setConfig('cfg-s', { compatibilityLevel: 'FORWARD' }));
      expect(await store.config('')).toEqual({ compatibilityLevel: 'FULL' });
      expect(await store.config('cfg-s')).toEqual({ compatibilityLevel: 'FORWARD' });
      await store.write((tx) => tx.setConfig('cfg-s', undefined));
      expect(await store.config('cfg-s')).toBeUndefined();
      await store.write((tx) => tx.setMode(':.m:', 'READONLY'));
      expect(await store.mode(':.m:')).toBe('READONLY');
      await store.write((tx) => tx.setMode(':.m:', undefined));
      expect(await store.mode(':.m:')).toBeUndefined();
    });

    it('lists every scope holding a config or a mode, both merged per scope, sorted', async () => {
      await store.write(async (tx) => {
        await tx.setConfig('ls-b', { compatibilityLevel: 'NONE' });
        await tx.setMode('ls-b', 'READONLY');
        await tx.setMode('ls-a', 'IMPORT');
      });
      const listed = (await store.listSettings()).filter((e) => e.scope.startsWith('ls-'));
      expect(listed).toEqual([
        { scope: 'ls-a', mode: 'IMPORT' },
        { scope: 'ls-b', config: { compatibilityLevel: 'NONE' }, mode: 'READONLY' },
      ]);
      await store.write(async (tx) => {
        await tx.setConfig('ls-b', undefined);
        await tx.setMode('ls-b', undefined);
        await tx.setMode('ls-a', undefined);
      });
      expect((await store.listSettings()).filter((e) => e.scope.startsWith('ls-'))).toEqual([]);
    });

    it('lists every context\'s id counter, emptied ones included, and raises a counter without ever lowering it', async () => {
      await store.write(async (tx) => {
        const id = await tx.insertSchema(schema('.ic-a', '"ic"', { id: 7 }));
        await tx.insertVersion({ subject: ':.ic-a:s', context: '.ic-a', version: 1, schemaId: id, deleted: true, ts: 1 });
      });
      await store.write((tx) => tx.purgeVersion(':.ic-a:s', 1));
      expect(await store.contexts()).not.toContain('.ic-a');
      const counters = async () => (await store.idCounters()).filter((c) => c.context.startsWith('.ic-'));
      expect(await counters()).toEqual([{ context: '.ic-a', maxId: 7 }]);
      await store.write(async (tx) => {
        await tx.raiseIdCounter('.ic-a', 5);
        await tx.raiseIdCounter('.ic-b', 12);
      });
      expect(await counters()).toEqual([
        { context: '.ic-a', maxId: 7 },
        { context: '.ic-b', maxId: 12 },
      ]);
      expect(await store.write((tx) => tx.insertSchema(schema('.ic-b', '"ic3"')))).toBe(13);
    });

    it('reads the settings of a scope chain, with or without a subject\'s versions, in one query', async () => {
      const chain = ['ss-s', ':.ss:', ':.__GLOBAL:', 'ss-"quoted",{}'];
      expect(await store.scopeSettings(chain)).toEqual([{}, {}, {}, {}]);
      await store.write(async (tx) => {
        await tx.setConfig('ss-s', { normalize: true });
        await tx.setMode(':.ss:', 'READONLY');
        await tx.setConfig(':.__GLOBAL:', { compatibilityLevel: 'NONE' });
        await tx.setMode(':.__GLOBAL:', 'IMPORT');
        await tx.setConfig('ss-"quoted",{}', { compatibilityLevel: 'FULL' });
        const id = await tx.insertSchema(schema('.', '"ss"'));
        // Inserted out of order: versions come back ascending.
        await tx.insertVersion({ subject: 'ss-s', context: '.', version: 2, schemaId: id, deleted: false, ts: 2 });
        await tx.insertVersion({ subject: 'ss-s', context: '.', version: 1, schemaId: id, deleted: true, ts: 1 });
        // Inside the transaction too, seeing its own writes.
        expect((await tx.subjectVersionsAndSettings('ss-s', chain)).settings[0]).toEqual({ config: { normalize: true } });
      });
      const settings = [
        { config: { normalize: true } },
        { mode: 'READONLY' },
        { config: { compatibilityLevel: 'NONE' }, mode: 'IMPORT' },
        { config: { compatibilityLevel: 'FULL' } },
      ];
      expect(await store.scopeSettings(chain)).toEqual(settings);
      const both = await store.subjectVersionsAndSettings('ss-s', chain);
      expect(both.settings).toEqual(settings);
      expect(both.versions).toEqual(await store.subjectVersions('ss-s'));
      expect(both.versions.map((v) => [v.version, v.deleted])).toEqual([
        [1, true],
        [2, false],
      ]);
      expect(await store.subjectVersionsAndSettings('ss-none', ['ss-none', ':.ss-none:'])).toEqual({ versions: [], settings: [{}, {}] });
    });

    it('rolls back everything a failed write transaction did', async () => {
      await expect(
        store.write(async (tx) => {
          await tx.insertSchema(schema('.rb', '"rolled-back"'));
          await tx.setConfig('rb', { compatibilityLevel: 'NONE' });
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await store.schemaIdByHash('.rb', schema('.rb', '"rolled-back"').hash)).toBeUndefined();
      expect(await store.config('rb')).toBeUndefined();
      expect(await store.maxSchemaId('.rb')).toBe(0);
    });

    it('serialises concurrent write transactions: no id handed out twice, no version lost', async () => {
      const n = 60;
      const ids = await Promise.all(
        Array.from({ length: n }, (_, i) =>
          store.write(async (tx) => {
            const versions = await tx.subjectVersions(':.race:race');
            const id = await tx.insertSchema(schema('.race', `"race-${i}"`));
            await tx.insertVersion({ subject: ':.race:race', context: '.race', version: versions.length + 1, schemaId: id, deleted: false, ts: i });
            return id;
          }),
        ),
      );
      expect(new Set(ids).size).toBe(n);
      expect((await store.subjectVersions(':.race:race')).map((v) => v.version)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    });
  });
}

storeContract('SqlStore on PGlite (in memory)', async () => ({ store: await createStore({ dataDir: 'memory://' }), cleanup: async () => {} }));

announcePostgresSkip('SqlStore on Postgres');
describe.skipIf(!DATABASE_URL)('Postgres', () => {
  storeContract('SqlStore on Postgres', async () => {
    const db = await freshDatabase('store');
    return { store: await createStore({ databaseUrl: db.url, poolSize: 8 }), cleanup: () => db.drop() };
  });
});

announceKafkaSkip('KafkaStore');
describe.skipIf(!KAFKA_BOOTSTRAP_SERVERS)('Kafka', () => {
  storeContract('KafkaStore on a fresh topic', async () => ({
    store: await createStore({ kafkaBootstrapServers: KAFKA_BOOTSTRAP_SERVERS!, schemasTopic: freshTopic('contract'), dekRegistryTopic: freshTopic('contract-keys') }),
    cleanup: async () => {},
  }));
});

describe.skipIf(!DATABASE_URL)('Postgres notifications between processes', () => {
  it('tells another store of hard deletes, and after its listening connection is killed, resyncs and hears again', async () => {
    const db = await freshDatabase('notify');
    const a = await createStore({ databaseUrl: db.url, poolSize: 2 });
    const b = await createStore({ databaseUrl: db.url, poolSize: 2 });
    try {
      await a.open();
      await b.open();
      const events: StoreEvent[] = [];
      b.onEvent((e) => events.push(e));
      const waitFor = async (pred: (e: StoreEvent) => boolean) => {
        for (let i = 0; i < 200 && !events.some(pred); i++) await new Promise((r) => setTimeout(r, 50));
        expect(events.some(pred)).toBe(true);
      };
      const purgeOne = async (text: string) => {
        const id = await a.write(async (tx) => {
          const id = await tx.insertSchema(schema('.', text));
          await tx.insertVersion({ subject: `n-${text}`, context: '.', version: 1, schemaId: id, deleted: true, ts: 1 });
          return id;
        });
        await a.write((tx) => tx.purgeVersion(`n-${text}`, 1));
        return id;
      };
      const first = await purgeOne('"one"');
      await waitFor((e) => e.kind === 'schemaPurged' && e.id === first);

      // Kill every LISTENing backend (b's and a's listeners): b must reconnect and announce a resync.
      const admin = new pg.Client({ connectionString: db.url });
      await admin.connect();
      const killed = await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'",
      );
      await admin.end();
      expect(killed.rowCount).toBeGreaterThanOrEqual(2);
      await waitFor((e) => e.kind === 'resync');

      const second = await purgeOne('"two"');
      await waitFor((e) => e.kind === 'schemaPurged' && e.id === second);
    } finally {
      await a.close();
      await b.close();
      await db.drop();
    }
  });
});
