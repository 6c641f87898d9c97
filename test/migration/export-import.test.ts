/**
 * Export and import between real stores (every ordered pair of test/migration/stores.ts: PGlite and, with
 * DATABASE_URL, Postgres), the source populated through the HTTP API. Round trips keep ids, versions,
 * deleted flags, references (`referencedby`), configs, modes, contexts and id counters; a conflicting or
 * malformed import is refused and leaves the target exactly as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store, StoreWriter } from '../../registry/src/store/index.js';
import { enc, expectStatus } from '../helpers/live-registry.js';
import { body, exportText, ImportConflict, importText, InvalidExportFile, populate, snapshot, withRegistry, type ScenarioFacts } from './scenario.js';
import { announceSkips, STORES, storePairs, type OpenedStore, type StoreFactory } from './stores.js';

announceSkips('export/import');

interface Source {
  opened: OpenedStore;
  facts: ScenarioFacts;
  exported: string;
  view: Record<string, unknown>;
}

const sources = new Map<string, Source>();

/** One populated source per store kind, shared by the pairs that read from it. */
async function sourceOf(factory: StoreFactory): Promise<Source> {
  let source = sources.get(factory.name);
  if (!source) {
    const opened = await factory.open(`export_src_${factory.name}`);
    const facts = await withRegistry(opened.store, populate);
    source = { opened, facts, exported: await exportText(opened.store), view: await withRegistry(opened.store, snapshot) };
    sources.set(factory.name, source);
  }
  return source;
}

afterAll(async () => {
  for (const s of sources.values()) await s.opened.close();
});

/** A fresh target store for one test, closed afterwards. */
async function withTarget<T>(factory: StoreFactory, label: string, fn: (store: Store) => Promise<T>): Promise<T> {
  const opened = await factory.open(label);
  try {
    return await fn(opened.store);
  } finally {
    await opened.close();
  }
}

const lines = (text: string) => text.trimEnd().split('\n');

describe('export/import round trips', () => {
  for (const { source, target, skipReason } of storePairs()) {
    it.skipIf(skipReason)(`${source.name} → file → ${target.name}: same ids, versions, deletes, references, settings, counters`, async () => {
      const src = await sourceOf(source);
      // The file holds what the scenario made (a sanity check that the comparison below is not vacuous).
      expect(src.exported).toContain('"type":"context","context":".emptied"');
      expect(src.exported).toMatch(/"deleted":true/);
      expect(src.exported).toMatch(/"referenceTargets":\[\{"subject":"common","version":2\}\]/);
      expect(src.exported).toMatch(/"referenceTargets":\[\{"subject":":\.ctx:pay","version":1\}\]/);

      await withTarget(target, `export_dst_${source.name}_${target.name}`, async (store) => {
        const summary = await importText(store, src.exported);
        expect(summary).toMatchObject({ schemasPresent: 0, versionsPresent: 0 });
        expect(summary.versions).toBe(lines(src.exported).filter((l) => l.includes('"type":"version"')).length);

        // Byte for byte the same file back (ordering is part of the format), and the same API answers.
        expect(body(await exportText(store))).toBe(body(src.exported));
        expect(await withRegistry(store, snapshot)).toEqual(src.view);
        expect(await store.idCounters()).toEqual(await src.opened.store.idCounters());
        expect(await store.listSettings()).toEqual(await src.opened.store.listSettings());

        // New registrations get ids past every imported and every permanently deleted one.
        await withRegistry(store, async (url) => {
          for (const [context, hardDeleted] of Object.entries(src.facts.hardDeletedIds)) {
            const subject = context === '.' ? 'fresh' : `:${context}:fresh`;
            const res = await expectStatus(url, 'POST', `/subjects/${enc(subject)}/versions`, 200, { schema: JSON.stringify({ type: 'fixed', name: 'F', size: 3 }) });
            const above = Math.max(hardDeleted, context === '.' ? src.facts.importedId : 0) + 1;
            expect(res.body.id, `new id in context ${context}`).toBe(above);
          }
        });
      });
    });
  }
});

describe.each(STORES.map((f) => [f.name, f] as const))('import into %s', (_name, factory) => {
  const skip = factory.skipReason;

  it.skipIf(skip)('is idempotent: importing the same file again writes nothing and changes nothing', async () => {
    const src = await sourceOf(STORES[0]!);
    await withTarget(factory, 'export_again', async (store) => {
      await importText(store, src.exported);
      const before = await exportText(store);
      const again = await importText(store, src.exported);
      expect(again).toMatchObject({ schemas: 0, versions: 0, settings: 0 });
      expect(again.schemasPresent).toBeGreaterThan(0);
      expect(again.versionsPresent).toBeGreaterThan(0);
      expect(body(await exportText(store))).toBe(body(before));
    });
  });

  it.skipIf(skip)('refuses to import over different content under the same ids, versions or scopes, and writes nothing', async () => {
    const src = await sourceOf(STORES[0]!);
    await withTarget(factory, 'export_conflict', async (store) => {
      await withRegistry(store, async (url) => {
        await expectStatus(url, 'PUT', '/config', 200, { compatibility: 'NONE' });
        // Id 1 identical (the same schema as the file's id 1), id 2 different, under a subject-version the file also holds.
        await expectStatus(url, 'POST', '/subjects/common/versions', 200, { schema: JSON.stringify({ type: 'record', name: 'Common', fields: [{ name: 'a', type: 'int' }] }) });
        await expectStatus(url, 'POST', '/subjects/common/versions', 200, { schema: JSON.stringify({ type: 'record', name: 'Other', fields: [] }) });
        await expectStatus(url, 'PUT', '/config', 200, { compatibility: 'FULL' });
      });
      const before = await exportText(store);
      const counters = await store.idCounters();
      const refused = await importText(store, src.exported).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(refused).toBeInstanceOf(ImportConflict);
      const conflicts = (refused as ImportConflict).conflicts;
      expect(conflicts).toContain('schema 2 in context .: the target holds a different schema under this id');
      expect(conflicts.some((c) => c.startsWith('config of scope "": the target holds {"compatibilityLevel":"FULL"}'))).toBe(true);
      expect(conflicts).not.toContain('schema 1 in context .: the target holds a different schema under this id');
      expect((refused as Error).message).toMatch(/^refusing to import: \d+ conflicts with the target \(nothing was written\)/);
      expect(body(await exportText(store))).toBe(body(before));
      expect(await store.idCounters()).toEqual(counters);
    });
  });

  it.skipIf(skip)('refuses a subject-version holding another id or another deleted flag', async () => {
    // The file: s v1 → id 1 ("string"), d v1 → id 2 ("int", soft-deleted).
    const file = await withTarget(STORES[0]!, 'export_version_conflict_src', async (src) => {
      await withRegistry(src, async (url) => {
        await expectStatus(url, 'POST', '/subjects/s/versions', 200, { schema: '"string"' });
        await expectStatus(url, 'POST', '/subjects/d/versions', 200, { schema: '"int"' });
        await expectStatus(url, 'DELETE', '/subjects/d/versions/1', 200);
      });
      return exportText(src);
    });
    await withTarget(factory, 'export_version_conflict', async (store) => {
      // The target: ids 1 and 2 hold the same schemas as in the file, but s v1 carries id 2 and d v1 is live.
      await withRegistry(store, async (url) => {
        await expectStatus(url, 'POST', '/subjects/a/versions', 200, { schema: '"string"' });
        await expectStatus(url, 'POST', '/subjects/s/versions', 200, { schema: '"int"' });
        await expectStatus(url, 'POST', '/subjects/d/versions', 200, { schema: '"int"' });
      });
      const before = await exportText(store);
      const refused = (await importText(store, file).catch((e: unknown) => e)) as ImportConflict;
      expect(refused).toBeInstanceOf(ImportConflict);
      expect(refused.conflicts).toEqual([
        'version 1 of subject "d": soft-deleted in the file, live in the target',
        'version 1 of subject "s": the target holds id 2, the file id 1',
      ]);
      expect(body(await exportText(store))).toBe(body(before));
    });
  });

  it.skipIf(skip)('refuses a KEK or DEK the target holds differently, and skips identical ones', async () => {
    const keks = '/dek-registry/v1/keks';
    const file = await withTarget(STORES[0]!, 'export_key_conflict_src', async (src) => {
      await withRegistry(src, async (url) => {
        await expectStatus(url, 'POST', keks, 200, { name: 'same', kmsType: 'aws-kms', kmsKeyId: 'a' });
        await expectStatus(url, 'POST', keks, 200, { name: 'other', kmsType: 'aws-kms', kmsKeyId: 'b' });
        await expectStatus(url, 'POST', `${keks}/same/deks/s`, 200, { encryptedKeyMaterial: 'QUFB' });
      });
      return exportText(src);
    });
    expect(lines(file).at(-1)).toMatch(/"keks":2,"deks":1\}$/);
    await withTarget(factory, 'export_key_conflict', async (store) => {
      await withRegistry(store, async (url) => {
        await expectStatus(url, 'POST', keks, 200, { name: 'same', kmsType: 'aws-kms', kmsKeyId: 'a' });
        await expectStatus(url, 'POST', keks, 200, { name: 'other', kmsType: 'aws-kms', kmsKeyId: 'changed' });
        await expectStatus(url, 'POST', `${keks}/same/deks/s`, 200, { encryptedKeyMaterial: 'QkJC' });
      });
      const before = await exportText(store);
      const refused = (await importText(store, file).catch((e: unknown) => e)) as ImportConflict;
      expect(refused).toBeInstanceOf(ImportConflict);
      expect(refused.conflicts).toEqual([
        'KEK "other": the target holds a different KEK under this name',
        'DEK AES256_GCM version 1 of subject "s" under KEK "same": the target holds different key material or another deleted flag',
      ]);
      expect(body(await exportText(store))).toBe(body(before));
    });
  });

  it.skipIf(skip)('rolls back everything when a write fails half-way (no partial import)', async () => {
    const src = await sourceOf(STORES[0]!);
    await withTarget(factory, 'export_rollback', async (store) => {
      await withRegistry(store, (url) => expectStatus(url, 'POST', `/subjects/${enc(':.other:existing')}/versions`, 200, { schema: '"bytes"' }));
      const before = await exportText(store);
      const counters = await store.idCounters();
      // Fault injection around the real store: nothing in the real write path fails on demand once the file
      // has been validated, so the tenth version insert throws here, after schemas and versions were written.
      let inserts = 0;
      const failing: Store = Object.create(store, {
        write: {
          value: <T>(fn: (tx: StoreWriter) => Promise<T>) =>
            store.write((tx) =>
              fn(
                new Proxy(tx, {
                  get(target, prop, receiver) {
                    if (prop === 'insertVersion') {
                      return async (...args: Parameters<StoreWriter['insertVersion']>) => {
                        if (++inserts === 10) throw new Error('injected failure');
                        return target.insertVersion(...args);
                      };
                    }
                    const value: unknown = Reflect.get(target, prop, receiver);
                    return typeof value === 'function' ? value.bind(target) : value;
                  },
                }),
              ),
            ),
        },
      });
      await expect(importText(failing, src.exported)).rejects.toThrow('injected failure');
      expect(inserts).toBe(10);
      expect(body(await exportText(store))).toBe(body(before));
      expect(await store.idCounters()).toEqual(counters);
    });
  });

  describe('refuses a malformed file before writing anything', () => {
    let opened: OpenedStore | undefined;
    let valid: string;
    let before: string;
    beforeAll(async () => {
      if (skip) return;
      valid = (await sourceOf(STORES[0]!)).exported;
      opened = await factory.open('export_malformed');
      await withRegistry(opened.store, (url) => expectStatus(url, 'POST', `/subjects/${enc(':.other:existing')}/versions`, 200, { schema: '"bytes"' }));
      before = await exportText(opened.store);
    });
    afterAll(async () => {
      await opened?.close();
    });

    const edit = (text: string, fn: (lines: string[]) => string[]) => `${fn(lines(text)).join('\n')}\n`;
    const firstIndex = (ls: string[], needle: string) => ls.findIndex((l) => l.includes(needle));
    const withEndCount = (ls: string[], kind: string, delta: number) =>
      ls.map((l) => (l.startsWith('{"type":"end"') ? l.replace(new RegExp(`"${kind}":(\\d+)`), (_m, n: string) => `"${kind}":${Number(n) + delta}`) : l));

    const cases: [string, (text: string) => string, RegExp][] = [
      ['an empty file', () => '', /the file is empty/],
      ['not an export', () => '{"hello":"world"}\n', /line 1: not a schemata export file/],
      ['a newer format version', (t) => t.replace('"version":1,', '"version":2,'), /line 1: export format version 2 is not supported/],
      ['a truncated file (no end line)', (t) => edit(t, (ls) => ls.slice(0, -1)), /no end line: it was cut short/],
      ['a file cut in the middle of a line', (t) => t.slice(0, t.indexOf('"type":"version","subject":"temp"') + 10), /line \d+: not valid JSON/],
      ['an end line counting other numbers', (t) => edit(t, (ls) => withEndCount(ls, 'versions', 1)), /the end line counts \d+ versions, the file holds \d+/],
      ['an unknown line type', (t) => edit(t, (ls) => [...ls.slice(0, 1), '{"type":"tag","name":"x"}', ...ls.slice(1)]), /line 2: unknown line type "tag"/],
      ['an unknown member', (t) => t.replace('"type":"version","subject":"temp"', '"type":"version","color":"red","subject":"temp"'), /version must NOT have additional properties \("color"\)/],
      ['a wrong type', (t) => t.replace(/"deleted":false/, '"deleted":"no"'), /version deleted must be boolean/],
      ['a NUL in a schema text', (t) => t.replace('"name\\":\\"Common\\"', '"name\\":\\"Com\\u0000mon\\"'), /schema schema must match pattern/],
      ['a bad mode', (t) => t.replace('"mode":"READONLY"', '"mode":"SLEEPY"'), /setting mode must be equal to one of the allowed values/],
      [
        'a version whose schema is missing',
        (t) => edit(t, (ls) => withEndCount(ls.filter((_l, i) => i !== firstIndex(ls, '"type":"schema","context":".","id":2,')), 'schemas', -1)),
        /version 2 of subject "common" uses schema 2 in context \., which the file does not hold/,
      ],
      [
        'a schema no version uses',
        (t) => edit(t, (ls) => withEndCount(ls.filter((_l, i) => i !== firstIndex(ls, '"type":"version","subject":"json-value"')), 'versions', -1)),
        /schema \d+ in context \. is used by no version in the file/,
      ],
      [
        'a duplicated version',
        (t) => edit(t, (ls) => withEndCount([...ls.slice(0, -1), ls[firstIndex(ls, '"type":"version","subject":"temp"')]!, ls.at(-1)!], 'versions', 1)),
        /version 1 of subject "temp" appears twice/,
      ],
      [
        'a reference without its resolved target',
        (t) => t.replace('"referenceTargets":[{"subject":"common","version":2}]', '"referenceTargets":[]'),
        /reference "Common" \(subject "common" version -1\) has no matching referenceTargets entry/,
      ],
      ['an invalid subject', (t) => t.replace('"subject":"temp"', '"subject":"te\\u0001mp"'), /"te\\u0001mp" is not a valid subject/],
      ['a DEK of a KEK not in the file', (t) => t.replace('"kekName":"mig_kek"', '"kekName":"nokek"'), /belongs to KEK "nokek", which the file does not hold/],
      ['a KEK named as no KEK can be', (t) => t.replace('"name":"mig_kek"', '"name":"9kek"'), /kek name must match pattern/],
      ['an end line without its KEK count', (t) => edit(t, (ls) => ls.map((l) => (l.startsWith('{"type":"end"') ? l.replace(/,"keks":\d+/, '') : l))), /the end line counts 0 keks, the file holds 3/],
    ];

    for (const [what, corrupt, message] of cases) {
      it.skipIf(skip)(what, async () => {
        const store = opened!.store;
        const corrupted = corrupt(valid);
        expect(corrupted).not.toBe(valid);
        const refused = await importText(store, corrupted).catch((e: unknown) => e);
        expect(refused).toBeInstanceOf(InvalidExportFile);
        expect((refused as Error).message).toMatch(message);
        expect(body(await exportText(store))).toBe(body(before));
      });
    }

    it.skipIf(skip)('a reference target neither the file nor the target holds', async () => {
      const store = opened!.store;
      const corrupted = valid.replace('"referenceTargets":[{"subject":"common","version":2}]', '"referenceTargets":[{"subject":"common","version":2},{"subject":"nowhere","version":4}]');
      const refused = await importText(store, corrupted).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(ImportConflict);
      expect((refused as ImportConflict).conflicts).toEqual([
        expect.stringMatching(/^schema \d+ in context \. references version 4 of subject "nowhere", which neither the file nor the target holds$/),
      ]);
      expect(body(await exportText(store))).toBe(body(before));
    });
  });
});
