/**
 * The Postgres read batcher, over a real database (PGlite here, so it runs everywhere; the Postgres store
 * contract in sql-store.test.ts runs the same reads through it on Postgres): reads of one event-loop turn
 * share a query and get what separate queries would give; a read never joins a query already sent, so
 * it sees every write committed before it was asked; errors reach every caller of the batch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlClient } from '../../registry/src/store/sql/driver.js';
import { PGliteDriver } from '../../registry/src/store/sql/pglite-driver.js';
import { VersionsAndSettingsBatcher } from '../../registry/src/store/sql/read-batcher.js';
import { SqlStore } from '../../registry/src/store/sql/sql-store.js';

/** A SqlClient that counts queries and can hold them until released. */
class CountingClient implements SqlClient {
  queries = 0;
  hold: Promise<void> | undefined;
  fail: Error | undefined;
  constructor(private readonly inner: SqlClient) {}
  async query<R>(sql: string, params?: readonly unknown[], name?: string): Promise<R[]> {
    this.queries++;
    if (this.fail) throw this.fail;
    const rows = this.inner.query<R>(sql, params, name); // sent now…
    if (this.hold) await this.hold; // …answered later
    return rows;
  }
}

describe('VersionsAndSettingsBatcher', () => {
  let driver: PGliteDriver;
  let store: SqlStore;
  const chain = (s: string) => [s, ':.:'];

  const addVersion = (subject: string, version: number, text: string, deleted = false) =>
    store.write(async (tx) => {
      const id = await tx.insertSchema({ context: '.', guid: `g-${text}`, schemaType: 'AVRO', schema: text, references: [], hash: `h-${text}`, referenceTargets: [] });
      await tx.insertVersion({ subject, context: '.', version, schemaId: id, deleted, ts: 1_700_000_000_000 + version });
    });

  beforeAll(async () => {
    driver = await PGliteDriver.open('memory://');
    store = new SqlStore(driver); // on PGlite the store itself does not batch: it is the reference here
    await store.open();
    await addVersion('b-one', 1, '"1a"');
    await addVersion('b-one', 2, '"1b"', true);
    await addVersion('b-two', 1, '"2a"');
    await store.write((tx) => tx.setConfig('b-two', { compatibilityLevel: 'FULL' }));
    await store.write((tx) => tx.setMode('b-one', 'READONLY'));
    await store.write((tx) => tx.setConfig(':.:', { compatibilityLevel: 'NONE' }));
  });
  afterAll(() => store.close());

  it('answers reads of one turn with one query, each as its own query would', async () => {
    const client = new CountingClient(driver);
    const batcher = new VersionsAndSettingsBatcher(client);
    const subjects = ['b-one', 'b-two', 'b-none', 'b-one'];
    const batched = await Promise.all(subjects.map((s) => batcher.read(s, chain(s))));
    expect(client.queries).toBe(1);
    const separate = await Promise.all(subjects.map((s) => store.subjectVersionsAndSettings(s, chain(s))));
    expect(batched).toEqual(separate);
    expect(batched[0]!.versions.map((v) => [v.version, v.deleted])).toEqual([[1, false], [2, true]]);
    expect(batched[1]!.settings).toEqual([{ config: { compatibilityLevel: 'FULL' } }, { config: { compatibilityLevel: 'NONE' } }]);
    expect(batched[2]).toEqual({ versions: [], settings: [{}, { config: { compatibilityLevel: 'NONE' } }] });
  });

  it('gives every caller values of its own', async () => {
    const batcher = new VersionsAndSettingsBatcher(driver);
    const [a, b] = await Promise.all([batcher.read('b-two', chain('b-two')), batcher.read('b-two', chain('b-two'))]);
    a!.versions[0]!.deleted = true;
    a!.settings[0]!.config!.compatibilityLevel = 'NONE';
    expect(b!.versions[0]!.deleted).toBe(false);
    expect(b!.settings[0]!.config!.compatibilityLevel).toBe('FULL');
  });

  it('never adds a read to a query already sent: a later read sees a write committed meanwhile', async () => {
    const client = new CountingClient(driver);
    const batcher = new VersionsAndSettingsBatcher(client);
    let release!: () => void;
    client.hold = new Promise((r) => (release = r));
    const early = batcher.read('b-late', chain('b-late'));
    await new Promise((r) => setImmediate(r)); // the early read's query is now sent (and held)
    expect(client.queries).toBe(1);
    await addVersion('b-late', 1, '"late"');
    const later = batcher.read('b-late', chain('b-late'));
    release();
    client.hold = undefined;
    expect((await later).versions.map((v) => v.version)).toEqual([1]);
    expect(client.queries).toBe(2);
    // The early read was asked before the write; its query may or may not see it, but it is answered.
    expect((await early).versions.length).toBeLessThanOrEqual(1);
  });

  it('splits a large burst into queries of at most 256 subjects', async () => {
    const client = new CountingClient(driver);
    const batcher = new VersionsAndSettingsBatcher(client);
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => batcher.read(`burst-${i}`, chain(`burst-${i}`))));
    expect(client.queries).toBe(2);
    expect(results.every((r) => r.versions.length === 0)).toBe(true);
  });

  it('rejects every read of a batch whose query failed, and works again after', async () => {
    const client = new CountingClient(driver);
    const batcher = new VersionsAndSettingsBatcher(client);
    client.fail = new Error('connection lost');
    const reads = ['b-one', 'b-two'].map((s) => batcher.read(s, chain(s)));
    for (const r of reads) await expect(r).rejects.toThrow('connection lost');
    client.fail = undefined;
    expect((await batcher.read('b-two', chain('b-two'))).versions).toHaveLength(1);
  });
});
