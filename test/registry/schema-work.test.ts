/**
 * Schema work off the event loop: large schemas are parsed and checked on worker threads under a time
 * budget, reads keep being answered meanwhile, and bounds (schema size, reference trees) give 42209
 * instead of unbounded work. Real HTTP against buildApp over in-memory PGlite; real worker threads and real
 * worker processes (SCHEMA_WORK_ISOLATION), the same tests for both.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SCHEMA_LIMITS } from '@schemata/serdes';
import type { AppOptions } from '../../registry/src/app.js';
import { call, startRegistry, type TestRegistry } from './server.js';

let registry: TestRegistry | undefined;
afterEach(async () => {
  await registry?.close();
  registry = undefined;
});

async function start(options: Omit<AppOptions, 'store' | 'ownsStore'>): Promise<string> {
  registry = await startRegistry('pglite', options);
  return registry.url;
}

type Isolation = 'thread' | 'process';

/**
 * An Avro schema of `records` records with `fields` fields each (about 40 characters a field); with
 * `intField`, that field of the first record is an int (no default) instead of an optional string.
 */
function bigAvro(records: number, fields: number, tag = '', intField?: number): string {
  const field = (r: number, i: number) =>
    r === 0 && i === intField ? { name: `field_${i}`, type: 'int' } : { name: `field_${i}`, type: ['null', 'string'], default: null };
  const record = (r: number) => ({
    type: 'record',
    name: `R${r}${tag}`,
    fields: Array.from({ length: fields }, (_, i) => field(r, i)),
  });
  const inner = Array.from({ length: records - 1 }, (_, r) => ({ name: `r${r}`, type: record(r + 1) }));
  return JSON.stringify({ ...record(0), fields: [...record(0).fields, ...inner] });
}

for (const isolation of ['thread', 'process'] as Isolation[]) {
describe(`schema work on worker ${isolation === "thread" ? "threads" : "processes"}`, () => {
  it('answers a schema past the time budget with 42209, stores nothing, and keeps serving', async () => {
    const url = await start({ schemaWork: { isolation, threads: 1, budgetMs: 1, inlineBytes: 1024 } });
    const small = await call(url, 'POST', '/subjects/small/versions', { body: { schema: '"string"' } });
    expect(small.status).toBe(200);

    const heavy = await call(url, 'POST', '/subjects/heavy/versions', { body: { schema: bigAvro(8, 2_000) } });
    expect(heavy.status).toBe(422);
    expect(heavy.json).toEqual({ error_code: 42209, message: 'Schema operation exceeded its time budget of 1 ms (SCHEMA_WORK_TIMEOUT)' });
    expect((await call(url, 'GET', '/subjects')).json).toEqual(['small']);

    // The pool replaced the stopped worker; small schemas (inline) and reads are unaffected.
    expect((await call(url, 'POST', '/subjects/small2/versions', { body: { schema: '"int"' } })).status).toBe(200);
    expect((await call(url, 'GET', '/schemas/ids/1')).json.schema).toBe('"string"');
  });

  it('gives the same answers on a worker as inline, errors included', async () => {
    const answers = async (options: AppOptions['schemaWork']) => {
      const url = await start({ schemaWork: options });
      const text = bigAvro(2, 300);
      const out = [
        await call(url, 'POST', '/subjects/s/versions', { body: { schema: text } }),
        await call(url, 'POST', '/compatibility/subjects/s/versions/latest?verbose=true', { body: { schema: bigAvro(2, 301) } }),
        // Incompatible: a field changes type.
        await call(url, 'POST', '/subjects/s/versions', { body: { schema: bigAvro(2, 300, '', 7) } }),
        await call(url, 'POST', '/subjects/bad/versions', { body: { schema: text.replace('"record"', '"recrod"') } }),
        await call(url, 'POST', '/subjects/s?normalize=true', { body: { schema: text } }),
      ].map((r) => [r.status, r.text.replace(/"ts":\d+/, '"ts":0')]);
      await registry!.close();
      registry = undefined;
      return out;
    };
    const onWorker = await answers({ isolation, threads: 1, inlineBytes: 0 });
    const inline = await answers({ threads: 0 });
    expect(onWorker.map(([status]) => status)).toEqual([200, 200, 409, 422, 200]);
    expect(onWorker).toEqual(inline);
  });

  it('keeps answering reads while a heavy registration is parsed and checked', async () => {
    const url = await start({ schemaWork: { isolation, threads: 1, budgetMs: 60_000 } });
    expect((await call(url, 'POST', '/subjects/small/versions', { body: { schema: '"string"' } })).status).toBe(200);
    const text = bigAvro(4, 5_000);
    let heavyDone = false;
    const heavy = call(url, 'POST', '/subjects/heavy/versions', { body: { schema: text } }).finally(() => {
      heavyDone = true;
    });
    // Reads issued after the heavy request went out, answered before it completes.
    let readsWhileHeavy = 0;
    while (!heavyDone) {
      const r = await call(url, 'GET', '/schemas/ids/1');
      expect(r.status).toBe(200);
      if (!heavyDone) readsWhileHeavy++;
    }
    expect((await heavy).status).toBe(200);
    expect(readsWhileHeavy).toBeGreaterThanOrEqual(5);
  });

  it('answers a schema that exhausts the worker heap with 42209, and the worker comes back', async () => {
    const url = await start({ schemaWork: { isolation, threads: 1, inlineBytes: 0, workerMemoryMb: 32, budgetMs: 60_000 } });
    const heavy = await call(url, 'POST', '/subjects/heavy/versions', { body: { schema: bigAvro(20, 5_000) } });
    expect(heavy.status, heavy.text).toBe(422);
    expect(heavy.json.error_code).toBe(42209);
    expect(heavy.json.message).toMatch(/^Schema operation failed in its worker: /);
    expect((await call(url, 'GET', '/subjects')).json).toEqual([]);
    // A new worker takes the next large schema.
    expect((await call(url, 'POST', '/subjects/ok/versions', { body: { schema: bigAvro(1, 100) } })).status).toBe(200);
  });
});
}

describe('schema work bounds', () => {
  it('answers a schema past a SchemaLimits bound with 42209 naming the limit, in every format, storing nothing', async () => {
    const url = await start({ schemaWork: { limits: { ...DEFAULT_SCHEMA_LIMITS, maxFields: 5 } } });
    const names = (n: number) => Array.from({ length: n }, (_, i) => `f${i}`);
    const schemas = (n: number) => ({
      AVRO: JSON.stringify({ type: 'record', name: 'R', fields: names(n).map((name) => ({ name, type: 'int' })) }),
      JSON: JSON.stringify({ type: 'object', properties: Object.fromEntries(names(n).map((name) => [name, { type: 'integer' }])) }),
      PROTOBUF: `syntax = "proto3";\nmessage R {\n${names(n).map((name, i) => `  int32 ${name} = ${i + 1};`).join('\n')}\n}\n`,
    });
    for (const [schemaType, schema] of Object.entries(schemas(6))) {
      const r = await call(url, 'POST', `/subjects/over-${schemaType}/versions`, { body: { schemaType, schema } });
      expect(r.status, `${schemaType}: ${r.text}`).toBe(422);
      expect(r.json.error_code).toBe(42209);
      expect(r.json.message).toMatch(/^Schema exceeds a limit: .*has 6 fields, more than the limit of 5 \(maxFields\)$/);
      // Tested, not registered: the same answer from the compatibility route.
      const check = await call(url, 'POST', `/compatibility/subjects/over-${schemaType}/versions/latest`, { body: { schemaType, schema } });
      expect(check.json.error_code, check.text).toBe(42209);
    }
    for (const [schemaType, schema] of Object.entries(schemas(5))) {
      expect((await call(url, 'POST', `/subjects/at-${schemaType}/versions`, { body: { schemaType, schema } })).status).toBe(200);
    }
    expect((await call(url, 'GET', '/subjects')).json).toEqual(['at-AVRO', 'at-JSON', 'at-PROTOBUF']);
  });

  it('refuses schema text over the size limit with 42209', async () => {
    const url = await start({ loaderLimits: { maxSchemaBytes: 1_000, maxReferences: 10 } });
    const r = await call(url, 'POST', '/subjects/s/versions', { body: { schema: bigAvro(1, 50) } });
    expect(r.json).toEqual({ error_code: 42209, message: 'Register operation failed because schema is too large' });
    expect(r.status).toBe(422);
    expect((await call(url, 'GET', '/subjects')).json).toEqual([]);
  });

  it('bounds reference trees: a lattice of diamonds fails fast with 42209 instead of growing 2^depth', async () => {
    const url = await start({ loaderLimits: { maxSchemaBytes: 1024 * 1024, maxReferences: 200 } });
    // Level k has two schemas, each referencing both schemas of level k - 1: the tree doubles per level.
    const register = (subject: string, k: number) => {
      const refs = k === 0 ? [] : ['a', 'b'].map((side) => ({ name: `${side}${k - 1}.json`, subject: `${side}${k - 1}`, version: 1 }));
      const schema = JSON.stringify({
        type: 'object',
        properties: Object.fromEntries(refs.map((ref) => [ref.subject, { $ref: ref.name }])),
      });
      return call(url, 'POST', `/subjects/${subject}/versions`, { body: { schemaType: 'JSON', schema, references: refs } });
    };
    let failedAt: number | undefined;
    for (let k = 0; k < 30 && failedAt === undefined; k++) {
      for (const side of ['a', 'b']) {
        const r = await register(`${side}${k}`, k);
        if (r.status === 200) continue;
        expect(r.json).toEqual({ error_code: 42209, message: 'Schema references resolve to more than 200 schemas (MAX_SCHEMA_REFERENCES)' });
        failedAt = k;
        break;
      }
    }
    // 2 + 4 + … + 2^k edges: level 6 has 126, level 7 has 254 > 200.
    expect(failedAt).toBe(7);
  });
});
