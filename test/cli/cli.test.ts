/**
 * The `serdes` CLI as CI runs it: a child process (`node serdes/dist/cli.js`) against a registry running
 * as another process. Register with references (flags and config file), test-compatibility exit codes and
 * reports, download round trips, codegen (files and subjects) compiling under strict settings, basic auth
 * without leaking the secret, and exit codes for usage and I/O errors.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistryProcess, type RegistryProcess } from '../helpers/server-process.js';
import { FIXTURES, compile, importModule, removeScratchDirs, scratchDir } from '../codegen/helpers.js';
import { runCli } from './helpers.js';
import { RegistryClient } from '@schemata/serdes';

const AVRO = path.join(FIXTURES, 'avro');
const PROTO = path.join(FIXTURES, 'proto');
const V1 = { 'Content-Type': 'application/vnd.schemaregistry.v1+json' };

const recordV1 = JSON.stringify({ type: 'record', name: 'Item', namespace: 'cli', fields: [{ name: 'a', type: 'int' }] });
const recordV2 = JSON.stringify({
  type: 'record',
  name: 'Item',
  namespace: 'cli',
  fields: [
    { name: 'a', type: 'int' },
    { name: 'b', type: 'string', default: '' },
  ],
});
/** Drops `a` and adds `c` without a default: not backward compatible with v1 or v2. */
const recordBad = JSON.stringify({ type: 'record', name: 'Item', namespace: 'cli', fields: [{ name: 'c', type: 'long' }] });

describe('serdes CLI', () => {
  let registry: RegistryProcess;
  let url: string;
  let client: RegistryClient;
  let work: string;

  beforeAll(async () => {
    registry = await startRegistryProcess({ DATABASE_URL: '' }, ['--data-dir', 'memory://']);
    url = registry.url;
    client = new RegistryClient({ baseUrls: url, latestCacheTtlMs: 0 });
    work = await scratchDir('cli');
    await writeFile(path.join(work, 'v1.avsc'), recordV1);
    await writeFile(path.join(work, 'v2.avsc'), recordV2);
    await writeFile(path.join(work, 'bad.avsc'), recordBad);
    await writeFile(path.join(work, 'invalid.avsc'), '{"type": "record", "name": "X"}');
  });
  afterAll(async () => {
    await registry?.stop();
    await removeScratchDirs();
  });

  describe('usage', () => {
    it('prints help per command and exits 0', async () => {
      for (const cmd of ['register', 'test-compatibility', 'download', 'codegen']) {
        const r = await runCli([cmd, '--help']);
        expect(r.code, cmd).toBe(0);
        expect(r.stdout).toContain(`Usage: serdes ${cmd}`);
      }
      const top = await runCli(['--help']);
      expect(top.code).toBe(0);
      expect(top.stdout).toContain('test-compatibility');
    });

    it('exits 2 on usage errors', async () => {
      expect((await runCli([])).code).toBe(2);
      const unknown = await runCli(['frobnicate']);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain('unknown command "frobnicate"');
      const flag = await runCli(['register', '--bogus', `--registry=${url}`]);
      expect(flag.code).toBe(2);
      expect(flag.stderr).toContain("Unknown option '--bogus'");
      const noRegistry = await runCli(['register', `s=${path.join(work, 'v1.avsc')}`]);
      expect(noRegistry.code).toBe(2);
      expect(noRegistry.stderr).toContain('SCHEMA_REGISTRY_URL');
      const missing = await runCli(['register', '--registry', url, `s=${path.join(work, 'nope.avsc')}`, '--json']);
      expect(missing.code).toBe(2);
      expect(missing.json).toMatchObject({ ok: false, error: { message: expect.stringContaining('cannot read') } });
      const ext = await runCli(['register', '--registry', url, `s=${path.join(work, 'x.txt')}`]);
      expect(ext.code).toBe(2);
      expect(ext.stderr).toContain('--type');
    });

    it('exits 2 when the registry cannot be reached', async () => {
      const dead = createServer();
      await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
      const { port } = dead.address() as AddressInfo;
      await new Promise<void>((r) => dead.close(() => r()));
      const r = await runCli(['register', '--registry', `http://127.0.0.1:${port}`, `s=${path.join(work, 'v1.avsc')}`, '--json']);
      expect(r.code).toBe(2);
      expect(r.json.ok).toBe(false);
      expect(r.json.results[0].error.message).toMatch(/ECONNREFUSED|connect/);
    });
  });

  describe('register', () => {
    it('registers with references given as flags, and reports ids and versions as JSON', async () => {
      const customer = await runCli(['register', '--registry', url, '--subject', 'cli-customer', path.join(AVRO, 'customer.avsc'), '--json']);
      expect(customer.code).toBe(0);
      expect(customer.json).toMatchObject({
        ok: true,
        registry: url,
        results: [{ subject: 'cli-customer', schemaType: 'AVRO', id: expect.any(Number), version: 1 }],
      });
      const order = await runCli([
        'register',
        '--registry',
        url,
        `cli-orders-value=${path.join(AVRO, 'order.avsc')}`,
        '--reference',
        'com.acme.common.Customer=cli-customer',
        '--json',
      ]);
      expect(order.stderr).toBe('');
      expect(order.code).toBe(0);
      expect(order.json.results).toEqual([
        {
          subject: 'cli-orders-value',
          file: path.join(AVRO, 'order.avsc'),
          schemaType: 'AVRO',
          id: expect.any(Number),
          version: 1,
          references: [{ name: 'com.acme.common.Customer', subject: 'cli-customer', version: 1 }],
        },
      ]);
      const stored = await client.getLatestVersion('cli-orders-value');
      expect(stored.references).toEqual([{ name: 'com.acme.common.Customer', subject: 'cli-customer', version: 1 }]);

      // Registering the same schema again is idempotent: same id and version; text output names both.
      const again = await runCli(['register', '--registry', url, `cli-customer=${path.join(AVRO, 'customer.avsc')}`]);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain(`registered cli-customer (${path.join(AVRO, 'customer.avsc')}, AVRO): schema id ${customer.json.results[0].id}, version 1`);
    });

    it('registers from a config file: Avro and Protobuf, references resolved in dependency order', async () => {
      const dir = await scratchDir('cli-config');
      await mkdir(path.join(dir, 'schemas/acme/common/v1'), { recursive: true });
      await mkdir(path.join(dir, 'schemas/acme/orders/v1'), { recursive: true });
      await copyFile(path.join(AVRO, 'customer.avsc'), path.join(dir, 'schemas/customer.avsc'));
      await copyFile(path.join(AVRO, 'order.avsc'), path.join(dir, 'schemas/order.avsc'));
      await copyFile(path.join(PROTO, 'acme/common/v1/money.proto'), path.join(dir, 'schemas/acme/common/v1/money.proto'));
      await copyFile(path.join(PROTO, 'acme/orders/v1/order.proto'), path.join(dir, 'schemas/acme/orders/v1/order.proto'));
      await writeFile(
        path.join(dir, 'schemas.json'),
        JSON.stringify({
          subjects: {
            // Listed before what it references: the CLI registers dependencies first.
            'cfg-orders-value': { file: 'schemas/order.avsc', references: [{ name: 'com.acme.common.Customer', subject: 'cfg-customer' }] },
            'cfg-customer': 'schemas/customer.avsc',
            'cfg-proto-orders-value': 'schemas/acme/orders/v1/order.proto',
            'cfg-money': 'schemas/acme/common/v1/money.proto',
            'cfg-json': 'schemas/thing.json',
          },
          schemaTypes: { 'cfg-money': 'PROTOBUF' },
          references: { 'cfg-proto-orders-value': [{ name: 'acme/common/v1/money.proto', subject: 'cfg-money' }] },
        }),
      );
      await writeFile(path.join(dir, 'schemas/thing.json'), JSON.stringify({ type: 'object', properties: { n: { type: 'integer' } } }));
      const r = await runCli(['register', '--registry', url, '--config', 'schemas.json', '--json'], { cwd: dir });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.json.results.map((x: any) => x.subject)).toEqual(['cfg-customer', 'cfg-orders-value', 'cfg-money', 'cfg-proto-orders-value', 'cfg-json']);
      expect(r.json.results.map((x: any) => [x.file, x.schemaType])).toEqual([
        ['schemas/customer.avsc', 'AVRO'],
        ['schemas/order.avsc', 'AVRO'],
        ['schemas/acme/common/v1/money.proto', 'PROTOBUF'],
        ['schemas/acme/orders/v1/order.proto', 'PROTOBUF'],
        ['schemas/thing.json', 'JSON'],
      ]);
      expect((await client.getLatestVersion('cfg-json')).schemaType).toBe('JSON');
      const proto = await client.getLatestVersion('cfg-proto-orders-value');
      expect(proto.schemaType).toBe('PROTOBUF');
      expect(proto.references).toEqual([{ name: 'acme/common/v1/money.proto', subject: 'cfg-money', version: 1 }]);
    });

    it('exits 1 when the registry refuses a schema (incompatible, invalid) and keeps going', async () => {
      expect((await runCli(['register', '--registry', url, `cli-item=${path.join(work, 'v1.avsc')}`])).code).toBe(0);
      const r = await runCli([
        'register',
        '--registry',
        url,
        `cli-item=${path.join(work, 'bad.avsc')}`,
        `cli-invalid=${path.join(work, 'invalid.avsc')}`,
        `cli-other=${path.join(work, 'v1.avsc')}`,
        '--json',
      ]);
      expect(r.code).toBe(1);
      expect(r.json.ok).toBe(false);
      const [item, invalid, other] = r.json.results;
      expect(item.error).toMatchObject({ status: 409, errorCode: 409 });
      expect(item.error.message).toContain('READER_FIELD_MISSING_DEFAULT_VALUE');
      expect(invalid.error).toMatchObject({ status: 422, errorCode: 42201 });
      expect(other).toMatchObject({ subject: 'cli-other', version: 1 });
      const text = await runCli(['register', '--registry', url, `cli-item=${path.join(work, 'bad.avsc')}`]);
      expect(text.code).toBe(1);
      expect(text.stderr).toContain('FAILED cli-item');
      expect(text.stdout).toContain('0 of 1 schema registered');
    });
  });

  describe('test-compatibility', () => {
    it('exits 0 for a compatible schema and for a subject without versions', async () => {
      await runCli(['register', '--registry', url, `cli-compat=${path.join(work, 'v1.avsc')}`]);
      const ok = await runCli(['test-compatibility', '--registry', url, `cli-compat=${path.join(work, 'v2.avsc')}`]);
      expect(ok.code).toBe(0);
      expect(ok.stdout).toContain(`cli-compat (${path.join(work, 'v2.avsc')}): compatible (BACKWARD)`);
      const fresh = await runCli(['test-compatibility', '--registry', url, `cli-fresh=${path.join(work, 'v2.avsc')}`, '--json']);
      expect(fresh.code).toBe(0);
      expect(fresh.json).toMatchObject({ ok: true, compatible: true, results: [{ subject: 'cli-fresh', compatible: true }] });
      // Nothing was registered.
      expect(await client.listSubjects()).not.toContain('cli-fresh');
    });

    it('exits 1 for an incompatible schema and lists every incompatibility', async () => {
      const r = await runCli(['test-compatibility', '--registry', url, `cli-compat=${path.join(work, 'bad.avsc')}`]);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(`cli-compat (${path.join(work, 'bad.avsc')}): INCOMPATIBLE (BACKWARD)`);
      expect(r.stdout).toMatch(/- READER_FIELD_MISSING_DEFAULT_VALUE at \/fields\/0 \(version 1\): The field 'c' at path '\/fields\/0' in the new schema has no default value/);
      expect(r.stdout).toContain('0 of 1 schema compatible, 1 incompatible');

      const j = await runCli(['test-compatibility', '--registry', url, `cli-compat=${path.join(work, 'bad.avsc')}`, `cli-fresh=${path.join(work, 'v1.avsc')}`, '--json']);
      expect(j.code).toBe(1);
      expect(j.json).toMatchObject({
        ok: false,
        compatible: false,
        registry: url,
        results: [
          {
            subject: 'cli-compat',
            schemaType: 'AVRO',
            compatible: false,
            level: 'BACKWARD',
            against: 'level',
            incompatibilities: [
              {
                type: 'READER_FIELD_MISSING_DEFAULT_VALUE',
                location: '/fields/0',
                version: 1,
                description: expect.stringContaining("The field 'c'"),
              },
            ],
            messages: expect.arrayContaining([expect.stringContaining('READER_FIELD_MISSING_DEFAULT_VALUE')]),
          },
          { subject: 'cli-fresh', compatible: true },
        ],
      });
    });

    it('checks all versions for a transitive level, or one version with --version', async () => {
      const subject = 'cli-transitive';
      const v1 = JSON.stringify({ type: 'record', name: 'T', fields: [{ name: 'a', type: 'int' }] });
      const v2 = JSON.stringify({ type: 'record', name: 'T', fields: [{ name: 'a', type: 'int' }, { name: 'b', type: 'int' }] });
      // Compatible with v2 (b kept) but not v1 (new field b without default is read from v1 data).
      const v3 = JSON.stringify({ type: 'record', name: 'T', fields: [{ name: 'b', type: 'int' }] });
      await fetch(`${url}/config/${subject}`, { method: 'PUT', headers: V1, body: JSON.stringify({ compatibility: 'NONE' }) });
      await client.register(subject, { schema: v1 });
      await client.register(subject, { schema: v2 });
      await fetch(`${url}/config/${subject}`, { method: 'PUT', headers: V1, body: JSON.stringify({ compatibility: 'BACKWARD_TRANSITIVE' }) });
      await writeFile(path.join(work, 'v3.avsc'), v3);
      const all = await runCli(['test-compatibility', '--registry', url, `${subject}=${path.join(work, 'v3.avsc')}`, '--json']);
      expect(all.code).toBe(1);
      expect(all.json.results[0].level).toBe('BACKWARD_TRANSITIVE');
      expect(all.json.results[0].incompatibilities.map((i: any) => i.version)).toContain(1);
      const latest = await runCli(['test-compatibility', '--registry', url, `${subject}=${path.join(work, 'v3.avsc')}`, '--version', 'latest', '--json']);
      expect(latest.code).toBe(0);
      expect(latest.json.results[0]).toMatchObject({ compatible: true, against: 'latest' });
      const one = await runCli(['test-compatibility', '--registry', url, `${subject}=${path.join(work, 'v3.avsc')}`, '--version', '1', '--json']);
      expect(one.code).toBe(1);
      expect(one.json.results[0].against).toBe(1);
    });

    it('exits 1 for an invalid schema', async () => {
      const r = await runCli(['test-compatibility', '--registry', url, `cli-compat=${path.join(work, 'invalid.avsc')}`, '--json']);
      expect(r.code).toBe(1);
      expect(r.json.results[0].compatible).toBe(false);
      expect(r.json.results[0].incompatibilities[0].description).toMatch(/[Ii]nvalid schema/);
    });
  });

  describe('download', () => {
    it('writes the registered text byte for byte, with the extension of the schema type', async () => {
      const out = await scratchDir('cli-download');
      const r = await runCli(['download', '--registry', url, '--output-dir', out, 'cli-orders-value', 'cfg-proto-orders-value', '--json']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.json.results.map((x: any) => [x.subject, x.schemaType, path.basename(x.file)])).toEqual([
        ['cli-orders-value', 'AVRO', 'cli-orders-value.avsc'],
        ['cfg-proto-orders-value', 'PROTOBUF', 'cfg-proto-orders-value.proto'],
      ]);
      const avro = await client.getLatestVersion('cli-orders-value');
      expect(await readFile(path.join(out, 'cli-orders-value.avsc'), 'utf8')).toBe(avro.schema);
      const proto = await client.getLatestVersion('cfg-proto-orders-value');
      expect(await readFile(path.join(out, 'cfg-proto-orders-value.proto'), 'utf8')).toBe(proto.schema);

      // Round trip: the downloaded file registers as the same schema (same id, no new version).
      const again = await runCli([
        'register',
        '--registry',
        url,
        `cli-orders-value=${path.join(out, 'cli-orders-value.avsc')}`,
        '--reference',
        'com.acme.common.Customer=cli-customer@1',
        '--json',
      ]);
      expect(again.code).toBe(0);
      expect(again.json.results[0]).toMatchObject({ id: avro.id, version: avro.version });
    });

    it('downloads by pattern and version, with references at their import paths', async () => {
      await runCli(['register', '--registry', url, `cli-item=${path.join(work, 'v2.avsc')}`]);
      const out = await scratchDir('cli-download-pattern');
      const r = await runCli(['download', '--registry', url, '--output-dir', out, '--pattern', 'cli-it.*', '--version', '1', '--json']);
      expect(r.code).toBe(0);
      expect(r.json.results).toEqual([expect.objectContaining({ subject: 'cli-item', version: 1 })]);
      expect(await readFile(path.join(out, 'cli-item.avsc'), 'utf8')).toBe((await client.getVersion('cli-item', 1)).schema);

      const refs = await runCli(['download', '--registry', url, '--output-dir', out, 'cfg-proto-orders-value', '--references']);
      expect(refs.code).toBe(0);
      expect(await readFile(path.join(out, 'acme/common/v1/money.proto'), 'utf8')).toBe((await client.getLatestVersion('cfg-money')).schema);
      // The downloaded files are enough for codegen.
      const gen = await runCli(['codegen', '-I', out, path.join(out, 'cfg-proto-orders-value.proto'), '-o', path.join(out, 'gen.ts')]);
      expect(gen.stderr).toBe('');
      expect(gen.code).toBe(0);

      const none = await runCli(['download', '--registry', url, '--output-dir', out, 'no-such-subject']);
      expect(none.code).toBe(1);
      expect(none.stderr).toMatch(/not found/i);
    });
  });

  describe('codegen', () => {
    it('generates from files; the module compiles under strict settings', async () => {
      const dir = await scratchDir('cli-codegen');
      const r = await runCli(
        ['codegen', 'avro/order.avsc', 'avro/customer.avsc', 'proto/acme/orders/v1/order.proto', '-I', 'proto', '-o', path.join(dir, 'gen.ts'), '--json'],
        { cwd: FIXTURES },
      );
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.json).toMatchObject({
        ok: true,
        sources: ['avro/customer.avsc', 'avro/order.avsc', 'proto/acme/orders/v1/order.proto'],
        types: expect.arrayContaining(['Customer', 'Order_Line', 'Money']),
        factories: expect.arrayContaining(['createCustomerSerializer', 'createCustomerDeserializer']),
      });
      const code = await readFile(path.join(dir, 'gen.ts'), 'utf8');
      expect(code.split('\n')[0]).toBe('// Generated by `serdes codegen`: generated, do not edit.');
      const tsc = await compile(dir, ['gen.ts']);
      expect(tsc.output).toBe('');
      expect(tsc.code).toBe(0);
      // Same input, same output.
      const stdout = await runCli(['codegen', 'avro/customer.avsc', 'proto/acme/orders/v1/order.proto', 'avro/order.avsc', '-I', 'proto'], { cwd: FIXTURES });
      expect(stdout.stdout).toBe(code);
    });

    it('generates from a registry subject (with references) and the code round-trips', async () => {
      const dir = await scratchDir('cli-codegen-registry');
      const r = await runCli(['codegen', '--subject', 'cli-orders-value', '-o', path.join(dir, 'gen.ts'), '--timestamps', 'number'], {
        env: { SCHEMA_REGISTRY_URL: url },
      });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const tsc = await compile(dir, ['gen.ts']);
      expect(tsc.output).toBe('');
      expect(tsc.code).toBe(0);
      const mod: any = await importModule(path.join(dir, 'gen.ts'));
      const customer = { id: 'x', name: 'n', tier: 'GOLD', since: new Date(0) };
      const line = { sku: 's', qty: 1, unitPrice: Buffer.alloc(8) };
      const value = {
        id: 1, customer, createdAt: 1, updatedAt: 2, shipDate: null, total: Buffer.from([1]), lines: [line], attributes: {},
        lineIndex: {}, note: 'n', amount: null, party: null, status: 'NEW', preferredTier: 'GOLD', checksum: Buffer.alloc(16),
        paidAt: 5, flags: [], ratio: null, raw: Buffer.alloc(0), parent: null,
      };
      const s = mod.createOrderSerializer(client, { subject: 'cli-orders-value', autoRegister: false });
      const bytes: Buffer = await s.serialize(value);
      expect(bytes.readInt32BE(1)).toBe((await client.getLatestVersion('cli-orders-value')).id);
      expect(await mod.createOrderDeserializer(client).deserialize(bytes)).toEqual(value);
    });

    it('exits 2 on bad input and 1 on a missing subject', async () => {
      const bad = await runCli(['codegen', path.join(AVRO, 'order.avsc')]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('Unknown type');
      const opt = await runCli(['codegen', path.join(AVRO, 'customer.avsc'), '--timestamps', 'iso']);
      expect(opt.code).toBe(2);
      const json = await runCli(['codegen', path.join(AVRO, 'customer.avsc'), '--json']);
      expect(json.code).toBe(2);
      const missing = await runCli(['codegen', '--registry', url, '--subject', 'no-such-subject']);
      expect(missing.code).toBe(1);
    });
  });

  describe('basic auth', () => {
    const user = 'ci-bot';
    const password = 'Sup3r-Secret-Passw0rd';
    let proxy: Server;
    let proxyUrl: string;
    const seen: string[] = [];

    beforeAll(async () => {
      // A front that insists on basic auth and forwards to the registry.
      const target = new URL(url);
      proxy = createServer((req, res) => {
        const expected = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
        seen.push(req.headers.authorization ?? '');
        if (req.headers.authorization !== expected) {
          res.writeHead(401, V1);
          res.end(JSON.stringify({ error_code: 401, message: 'Unauthorized' }));
          return;
        }
        const headers = { ...req.headers, host: target.host };
        delete headers.authorization;
        const up = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
        req.pipe(up);
      });
      await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
      proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      proxy.closeAllConnections();
      await new Promise<void>((r) => proxy.close(() => r()));
    });

    it('sends the credentials from --user, the environment or the URL, and never prints them', async () => {
      const file = path.join(work, 'v1.avsc');
      const runs = [
        await runCli(['register', '--registry', proxyUrl, '--user', `${user}:${password}`, `auth-a=${file}`]),
        await runCli(['register', `auth-b=${file}`, '--json'], { env: { SCHEMA_REGISTRY_URL: proxyUrl, SCHEMA_REGISTRY_USER_INFO: `${user}:${password}` } }),
        await runCli(['test-compatibility', '--registry', `http://${user}:${password}@127.0.0.1:${new URL(proxyUrl).port}`, `auth-a=${file}`]),
      ];
      for (const r of runs) {
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        expect(r.stdout + r.stderr).not.toContain(password);
      }
      expect(runs[2]!.stdout).toContain(`registry ${proxyUrl}`);
      expect(seen.every((h) => h === `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`)).toBe(true);

      const wrong = await runCli(['register', '--registry', proxyUrl, '--user', `${user}:${password}-wrong`, `auth-c=${file}`, '--json']);
      expect(wrong.code).toBe(2);
      expect(wrong.json.results[0].error.status).toBe(401);
      expect(wrong.stdout + wrong.stderr).not.toContain(password);
      const none = await runCli(['download', '--registry', proxyUrl, '--output-dir', work, 'auth-a']);
      expect(none.code).toBe(2);
    });
  });
});
