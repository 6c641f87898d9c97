/**
 * Several registry processes on one Postgres database: registrations race across processes, and we count
 * duplicates (one id for two schemas, two ids for one schema, one version number twice) and losses (an
 * acknowledged registration that is not stored). Both must be zero. Needs DATABASE_URL (Postgres).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announcePostgresSkip, DATABASE_URL, freshDatabase } from '../helpers/postgres.js';
import { startRegistryProcess, type RegistryProcess } from '../helpers/server-process.js';

const JSON_TYPE = 'application/vnd.schemaregistry.v1+json';
const PROCESSES = 3;

async function call(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': JSON_TYPE },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

const record = (name: string, fields: { name: string; type: string; default?: unknown }[]) =>
  JSON.stringify({ type: 'record', name, namespace: 'race', fields });

announcePostgresSkip('multi-process registry on one Postgres');
describe.skipIf(!DATABASE_URL)(`${PROCESSES} registry processes on one Postgres database`, () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let nodes: RegistryProcess[] = [];
  const node = (i: number) => nodes[i % nodes.length]!.url;

  beforeAll(async () => {
    db = await freshDatabase('race');
    // The first process applies the migrations; the others start together against the migrated database.
    nodes.push(await startRegistryProcess({ DATABASE_URL: db.url }));
    nodes.push(...(await Promise.all(Array.from({ length: PROCESSES - 1 }, () => startRegistryProcess({ DATABASE_URL: db.url })))));
  });
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await db?.drop();
  });

  it('hands out dense versions and unique ids under hundreds of concurrent registrations', async () => {
    const subjects = ['race-a', 'race-b', 'race-c', 'race-d'];
    for (const s of subjects) expect((await call(node(0), 'PUT', `/config/${s}`, { compatibility: 'NONE' })).status).toBe(200);
    const perSubject = 75;
    const jobs = subjects.flatMap((s, si) =>
      Array.from({ length: perSubject }, (_, i) => ({ subject: s, schema: record(`R${si}_${i}`, [{ name: 'f', type: 'string' }]), via: si + i })),
    );
    const acks = await Promise.all(
      jobs.map(async (j) => {
        const r = await call(node(j.via), 'POST', `/subjects/${j.subject}/versions`, { schema: j.schema });
        return { ...j, status: r.status, id: r.json?.id as number, body: r.json };
      }),
    );
    const failed = acks.filter((a) => a.status !== 200);
    expect(failed.map((f) => f.body)).toEqual([]);

    // Duplicates: one id for two different schemas.
    const schemaById = new Map<number, string>();
    let duplicateIds = 0;
    for (const a of acks) {
      const seen = schemaById.get(a.id);
      if (seen !== undefined && seen !== a.schema) duplicateIds++;
      schemaById.set(a.id, a.schema);
    }
    expect(duplicateIds).toBe(0);
    expect(schemaById.size).toBe(jobs.length);

    // Versions dense per subject, nothing lost: every acknowledged schema is stored, readable on every node.
    let lost = 0;
    for (const s of subjects) {
      for (let n = 0; n < PROCESSES; n++) {
        const versions = await call(node(n), 'GET', `/subjects/${s}/versions`);
        expect(versions.json).toEqual(Array.from({ length: perSubject }, (_, i) => i + 1));
      }
      const listed = await call(node(0), 'GET', `/schemas?subjectPrefix=${s}`);
      const stored = new Set((listed.json as { id: number }[]).map((x) => x.id));
      for (const a of acks.filter((x) => x.subject === s)) if (!stored.has(a.id)) lost++;
    }
    expect(lost).toBe(0);
  });

  it('gives one schema registered concurrently on every process under many subjects one id', async () => {
    const schema = record('Shared', [{ name: 'x', type: 'long' }]);
    const acks = await Promise.all(
      Array.from({ length: 90 }, (_, i) => call(node(i), 'POST', `/subjects/shared-${i % 30}/versions`, { schema })),
    );
    expect(acks.every((a) => a.status === 200)).toBe(true);
    expect(new Set(acks.map((a) => a.json.id)).size).toBe(1);
    // Re-registration in the same subject must not create versions: each subject holds exactly version 1.
    for (let i = 0; i < 30; i++) expect((await call(node(i), 'GET', `/subjects/shared-${i}/versions`)).json).toEqual([1]);
  });

  it('lets exactly one of two mutually incompatible concurrent registrations win, every time', async () => {
    const rounds = 40;
    let bothWon = 0;
    let noneWon = 0;
    await Promise.all(
      Array.from({ length: rounds }, async (_, r) => {
        const s = `duel-${r}`;
        const base = record('Duel', [{ name: 'a', type: 'string' }]);
        expect((await call(node(r), 'POST', `/subjects/${s}/versions`, { schema: base })).status).toBe(200);
        // Each challenger is backward compatible with the base (new field with a default) but not with the
        // other (same field, different type), so whichever commits second must be rejected with 409.
        const left = record('Duel', [{ name: 'a', type: 'string' }, { name: 'b', type: 'int', default: 0 }]);
        const right = record('Duel', [{ name: 'a', type: 'string' }, { name: 'b', type: 'boolean', default: false }]);
        const [x, y] = await Promise.all([
          call(node(r), 'POST', `/subjects/${s}/versions`, { schema: left }),
          call(node(r + 1), 'POST', `/subjects/${s}/versions`, { schema: right }),
        ]);
        const wins = [x, y].filter((o) => o.status === 200).length;
        const losses = [x, y].filter((o) => o.status === 409).length;
        if (wins === 2) bothWon++;
        if (wins === 0) noneWon++;
        expect(wins + losses).toBe(2);
        expect((await call(node(r + 2), 'GET', `/subjects/${s}/versions`)).json).toEqual([1, 2]);
      }),
    );
    expect({ bothWon, noneWon }).toEqual({ bothWon: 0, noneWon: 0 });
  });

  it('shows a write answered by one process to a read on any other at once', async () => {
    for (let i = 0; i < 30; i++) {
      const s = `rw-${i % 3}`;
      const schema = record('Rw', [{ name: `f${i}`, type: 'string', default: '' }]);
      const ack = await call(node(i), 'POST', `/subjects/${s}/versions`, { schema });
      expect(ack.status).toBe(200);
      for (let n = 1; n < PROCESSES; n++) {
        const latest = await call(node(i + n), 'GET', `/subjects/${s}/versions/latest`);
        expect(latest.json.id).toBe(ack.json.id);
        const byId = await call(node(i + n), 'GET', `/schemas/ids/${ack.json.id}`);
        expect(byId.status).toBe(200);
      }
      const cfgLevel = i % 2 === 0 ? 'FULL' : 'NONE';
      await call(node(i), 'PUT', `/config/${s}`, { compatibility: cfgLevel });
      const cfg = await call(node(i + 1), 'GET', `/config/${s}`);
      expect(cfg.json.compatibilityLevel).toBe(cfgLevel);
      await call(node(i), 'PUT', `/config/${s}`, { compatibility: 'NONE' });
    }
  });
});
