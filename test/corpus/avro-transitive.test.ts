/**
 * test/fixtures/compat/avro-transitive.json through the HTTP API. Each chain's history is registered under
 * NONE, then the case's level is set and the new schema is
 *  1. checked with POST /compatibility/subjects/{s}/versions?verbose=true, the "all versions" form, where
 *     the level decides: non-transitive levels check the newest version only, *_TRANSITIVE ones check every
 *     live version (confluent-api.md §3 Compatibility);
 *  2. for the non-transitive levels, also against /versions/latest (which must agree); and
 *  3. registered for real: 200 with the next version when compatible, 409 with nothing created otherwise.
 */
import { expect, it } from 'vitest';
import { eachBackend, enc, expectStatus, request, useRegistry } from '../helpers/live-registry.js';
import { checkCompatibility, expectVerdict, loadFixture, schemaBody } from './harness.js';

interface ChainCase {
  id: string;
  description: string;
  level: string;
  history: string[];
  new: string;
  compatible: boolean;
}

const cases = loadFixture<ChainCase>('avro-transitive.json');

eachBackend('Avro transitive chains over HTTP', (backend) => {
  const registry = useRegistry(backend, 'corpus_transitive');
  const setups = new Map<string, Promise<void>>();

  /** Registers the history once per case, under NONE so every step is accepted, then sets the case's level. */
  function history(c: ChainCase): Promise<void> {
    let setup = setups.get(c.id);
    if (!setup) {
      setup = (async () => {
        const base = registry().url;
        await expectStatus(base, 'PUT', `/config/${enc(c.id)}`, 200, { compatibility: 'NONE' });
        for (const [i, schema] of c.history.entries()) {
          const res = await expectStatus(base, 'POST', `/subjects/${enc(c.id)}/versions`, 200, schemaBody('avro', schema));
          expect(res.body.id, `history step ${i + 1} id`).toBeTypeOf('number');
        }
        const versions = await expectStatus(base, 'GET', `/subjects/${enc(c.id)}/versions`, 200);
        expect(versions.body).toEqual(c.history.map((_, i) => i + 1));
      })();
      setups.set(c.id, setup);
    }
    return setup;
  }

  it.each(cases.map((c) => ({ name: `${c.id} ${c.level} POST /compatibility/subjects/{s}/versions`, c })))('$name', async ({ c }) => {
    await history(c);
    const verdict = await checkCompatibility(registry().url, c.id, { compatibility: c.level }, schemaBody('avro', c.new), 'all');
    expectVerdict(verdict, c.compatible, `${c.id} (${c.description})`);
  });

  // A non-transitive level only ever looks at the newest version, so /versions/latest must agree with /versions.
  const latestOnly = cases.filter((c) => !c.level.endsWith('_TRANSITIVE'));
  it.each(latestOnly.map((c) => ({ name: `${c.id} ${c.level} POST /compatibility/subjects/{s}/versions/latest`, c })))('$name', async ({ c }) => {
    await history(c);
    const verdict = await checkCompatibility(registry().url, c.id, { compatibility: c.level }, schemaBody('avro', c.new), 'latest');
    expectVerdict(verdict, c.compatible, `${c.id} (${c.description})`);
  });

  it.each(cases.map((c) => ({ name: `${c.id} ${c.level} registration → ${c.compatible ? 200 : 409}`, c })))('$name', async ({ c }) => {
    await history(c);
    const base = registry().url;
    await expectStatus(base, 'PUT', `/config/${enc(c.id)}`, 200, { compatibility: c.level });
    const res = await request(base, 'POST', `/subjects/${enc(c.id)}/versions`, schemaBody('avro', c.new));
    const versions = await expectStatus(base, 'GET', `/subjects/${enc(c.id)}/versions`, 200);
    if (c.compatible) {
      expect(res.status, `${c.id}: ${res.text}`).toBe(200);
      expect(res.body.id).toBeTypeOf('number');
      expect(versions.body).toEqual([...c.history.map((_, i) => i + 1), c.history.length + 1]);
      const latest = await expectStatus(base, 'GET', `/subjects/${enc(c.id)}/versions/latest`, 200);
      expect(latest.body).toMatchObject({ subject: c.id, version: c.history.length + 1, id: res.body.id });
    } else {
      expect(res.status, `${c.id}: ${res.text}`).toBe(409);
      // 409 up to Confluent 8.0.x and in Karapace, 40901 on Confluent master (confluent-api.md §1).
      expect([409, 40901]).toContain(res.body?.error_code);
      expect(res.body?.message).toMatch(/incompatible/i);
      expect(versions.body, 'a rejected registration creates no version').toEqual(c.history.map((_, i) => i + 1));
    }
  });
});
