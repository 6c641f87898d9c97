/**
 * `serdes produce` / `serdes consume` as a user runs them: child processes against the real broker
 * (KAFKA_BOOTSTRAP_SERVERS, from `npm run kafka:start`) and a real registry (in-process, in-memory
 * PGlite). Produce and consume in Avro, Protobuf and JSON Schema, keys and values; bytes written by
 * @confluentinc/schemaregistry's serializers (sent with kafkajs) read by `serdes consume`, and bytes
 * written by `serdes produce` read by Confluent's deserializers; bad lines and foreign bytes.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AvroDeserializer, AvroSerializer, JsonDeserializer, JsonSerializer, ProtobufDeserializer, ProtobufSerializer, SerdeType } from '@confluentinc/schemaregistry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeScratchDirs, scratchDir } from '../codegen/helpers.js';
import { runCli, type CliResult } from '../cli/helpers.js';
import { announceKafkaSkip, KAFKA_BOOTSTRAP_SERVERS } from '../helpers/kafka.js';
import { startLiveRegistry, type LiveRegistry } from '../helpers/live-registry.js';
import { confluentClient, CUSTOMER_SCHEMA, CUSTOMER_VALUE, orderTypes, PAYMENT_V1, PAYMENT_VALUE, sampleOrder } from '../interop/schemas.js';
import { newTopic, readRaw, sendRaw } from './helpers.js';

const B = KAFKA_BOOTSTRAP_SERVERS;
/** Generous: every test spawns several CLI processes, and the full suite runs files in parallel on 2 cores. */
const LONG = 300_000;

const AVRO_KEY = { type: 'record', name: 'OrderKey', namespace: 'console', fields: [{ name: 'id', type: 'long' }] };
const AVRO_VALUE = {
  type: 'record',
  name: 'Order',
  namespace: 'console',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'item', type: 'string' },
    { name: 'note', type: ['null', 'string'], default: null },
    { name: 'kind', type: { type: 'enum', name: 'Kind', symbols: ['A', 'B'] } },
    { name: 'raw', type: 'bytes' },
    { name: 'amounts', type: { type: 'array', items: 'double' } },
    { name: 'attrs', type: { type: 'map', values: 'string' } },
    { name: 'choice', type: ['int', 'string'] },
  ],
};

const PROTO_KEY = `syntax = "proto3";
package console;
message Key { string id = 1; }
`;
const PROTO_VALUE = `syntax = "proto3";
package console;
message Reading {
  int64 big = 1;
  uint64 ubig = 2;
  sint64 neg = 3;
  string sensor_name = 4;
  enum Kind { KIND_UNSPECIFIED = 0; HOT = 1; COLD = 2; }
  Kind kind = 5;
  bytes raw = 6;
  map<string, int32> tags = 7;
  repeated double vals = 8;
  Inner inner = 9;
  message Inner { fixed64 f = 1; }
}
`;

const JSON_KEY = { type: 'string', minLength: 1 };
const JSON_VALUE = {
  title: 'Person',
  type: 'object',
  properties: { name: { type: 'string' }, age: { type: 'integer' } },
  required: ['name'],
  additionalProperties: false,
};

function jsonLines(stdout: string): any[] {
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l));
}

announceKafkaSkip('serdes produce / consume');

describe.skipIf(!B)('serdes produce / consume on a real broker', () => {
  let registry: LiveRegistry;
  let url: string;
  let work: string;
  const file = (name: string) => path.join(work, name);

  beforeAll(async () => {
    registry = await startLiveRegistry('pglite', 'console');
    url = registry.url;
    work = await scratchDir('console');
    await writeFile(file('key.avsc'), JSON.stringify(AVRO_KEY));
    await writeFile(file('order.avsc'), JSON.stringify(AVRO_VALUE));
    await writeFile(file('key.proto'), PROTO_KEY);
    await writeFile(file('reading.proto'), PROTO_VALUE);
    await writeFile(file('key.json'), JSON.stringify(JSON_KEY));
    await writeFile(file('person.json'), JSON.stringify(JSON_VALUE));
  }, LONG);
  afterAll(async () => {
    await registry?.close();
    await removeScratchDirs();
  });

  const produce = (topic: string, args: string[], input: string): Promise<CliResult> =>
    runCli(['produce', topic, '--bootstrap-servers', B!, '--registry', url, ...args], { input });
  const consume = (topic: string, args: string[] = []): Promise<CliResult> =>
    runCli(['consume', topic, '--bootstrap-servers', B!, '--registry', url, '--from-beginning', '--exit-at-end', ...args]);
  const ok = (r: CliResult, what: string): CliResult => {
    expect(r.code, `${what}: ${r.stderr}`).toBe(0);
    return r;
  };

  it(
    'Avro keys and values: Avro JSON and plain JSON in, Avro JSON out; Confluent deserializers read the bytes',
    async () => {
      const topic = await newTopic('avro');
      const input = [
        `{"id":1}\t{"id":1,"item":"apple","note":null,"kind":"A","raw":"\\u0001\\u00ff","amounts":[1.5],"attrs":{"x":"y"},"choice":{"int":3}}`,
        `{"id":9007199254740990}\t{"id":-9007199254740990,"item":"pear","note":{"string":"ripe"},"kind":"B","raw":"","amounts":[],"attrs":{},"choice":"s"}`,
        '',
        `{"id":3}\t{"id":3,"item":"fig","note":"dry","kind":"A","raw":"abc","amounts":[-0.25,2],"attrs":{"k":"v","l":"w"},"choice":7}`,
      ].join('\n');
      const p = ok(await produce(topic, ['--parse-key', '--key-schema', file('key.avsc'), '--value-schema', file('order.avsc'), '--json'], input), 'produce');
      expect(p.json).toMatchObject({ ok: true, produced: 3, invalid: 0, key: { format: 'avro', subject: `${topic}-key` }, value: { format: 'avro', subject: `${topic}-value` } });
      const keyId = p.json.key.schemaId as number;
      const valueId = p.json.value.schemaId as number;
      const latest = (await (await fetch(`${url}/subjects/${topic}-value/versions/latest`)).json()) as { id: number };
      expect(latest.id).toBe(valueId);

      const c = ok(await consume(topic, ['--print-key', '--key-format', 'avro', '--print-schema-id', '--print-offset']), 'consume');
      expect(jsonLines(c.stdout)).toEqual([
        {
          partition: 0,
          offset: 0,
          key: { id: 1 },
          keySchemaId: keyId,
          value: { id: 1, item: 'apple', note: null, kind: 'A', raw: '\u0001\u00ff', amounts: [1.5], attrs: { x: 'y' }, choice: { int: 3 } },
          valueSchemaId: valueId,
        },
        {
          partition: 0,
          offset: 1,
          key: { id: 9007199254740990 },
          keySchemaId: keyId,
          value: { id: -9007199254740990, item: 'pear', note: { string: 'ripe' }, kind: 'B', raw: '', amounts: [], attrs: {}, choice: { string: 's' } },
          valueSchemaId: valueId,
        },
        {
          partition: 0,
          offset: 2,
          key: { id: 3 },
          keySchemaId: keyId,
          value: { id: 3, item: 'fig', note: { string: 'dry' }, kind: 'A', raw: 'abc', amounts: [-0.25, 2], attrs: { k: 'v', l: 'w' }, choice: { int: 7 } },
          valueSchemaId: valueId,
        },
      ]);
      expect(c.stderr).toContain('consumed 3 records');

      // Without --print-* options a line is the value alone.
      const plain = ok(await consume(topic), 'consume values');
      expect(jsonLines(plain.stdout).map((v) => v.item)).toEqual(['apple', 'pear', 'fig']);

      // Confluent's deserializers read what serdes produce wrote.
      const raw = await readRaw(topic);
      expect(raw).toHaveLength(3);
      const keys = new AvroDeserializer(confluentClient(url), SerdeType.KEY, {});
      const values = new AvroDeserializer(confluentClient(url), SerdeType.VALUE, {});
      expect(await keys.deserialize(topic, raw[1]!.key!)).toEqual({ id: 9007199254740990 });
      const first = await values.deserialize(topic, raw[0]!.value!);
      expect(first).toMatchObject({ id: 1, item: 'apple', note: null, kind: 'A', amounts: [1.5], attrs: { x: 'y' }, choice: 3 });
      expect(Buffer.from(first.raw)).toEqual(Buffer.from([1, 255]));
      expect(await values.deserialize(topic, raw[2]!.value!)).toMatchObject({ id: 3, note: 'dry', choice: 7, amounts: [-0.25, 2] });
    },
    LONG,
  );

  it(
    'Protobuf keys and values: 64-bit extremes exact both ways, enums by name, bytes base64, snake_case accepted; Confluent deserializers read the bytes',
    async () => {
      const topic = await newTopic('protobuf');
      const input = [
        `{"id":"k1"}\t{"big":"9223372036854775807","ubig":"18446744073709551615","neg":"-9223372036854775808","sensor_name":"s1","kind":"HOT","raw":"AQID","tags":{"a":1},"vals":[1.5,"NaN"],"inner":{"f":"18446744073709551614"}}`,
        `{"id":"k2"}\t{"big":-5,"sensorName":"s2","kind":2}`,
      ].join('\n');
      const p = ok(await produce(topic, ['--parse-key', '--key-schema', file('key.proto'), '--value-schema', file('reading.proto'), '--json'], input), 'produce');
      expect(p.json).toMatchObject({ ok: true, produced: 2 });

      const c = ok(await consume(topic, ['--print-key', '--key-format', 'schema']), 'consume');
      expect(jsonLines(c.stdout)).toEqual([
        {
          key: { id: 'k1' },
          value: {
            big: '9223372036854775807',
            ubig: '18446744073709551615',
            neg: '-9223372036854775808',
            sensorName: 's1',
            kind: 'HOT',
            raw: 'AQID',
            tags: { a: 1 },
            vals: [1.5, 'NaN'],
            inner: { f: '18446744073709551614' },
          },
        },
        { key: { id: 'k2' }, value: { big: '-5', ubig: '0', neg: '0', sensorName: 's2', kind: 'COLD', raw: '', tags: {}, vals: [] } },
      ]);
      // The digits on stdout are exactly the ones sent (no float rounding anywhere).
      expect(c.stdout).toContain('"9223372036854775807"');
      expect(c.stdout).toContain('"18446744073709551615"');

      const raw = await readRaw(topic);
      const values = new ProtobufDeserializer(confluentClient(url), SerdeType.VALUE, {});
      const keys = new ProtobufDeserializer(confluentClient(url), SerdeType.KEY, {});
      expect(await keys.deserialize(topic, raw[0]!.key!)).toMatchObject({ $typeName: 'console.Key', id: 'k1' });
      expect(await values.deserialize(topic, raw[0]!.value!)).toMatchObject({
        $typeName: 'console.Reading',
        big: 9223372036854775807n,
        ubig: 18446744073709551615n,
        neg: -9223372036854775808n,
        sensorName: 's1',
        kind: 1,
        tags: { a: 1 },
        inner: { f: 18446744073709551614n },
      });
      expect(await values.deserialize(topic, raw[1]!.value!)).toMatchObject({ big: -5n, kind: 2, sensorName: 's2' });
    },
    LONG,
  );

  it(
    'JSON Schema keys and values: validated by field, payload text kept (integers beyond 2^53 exact); Confluent deserializers read the bytes',
    async () => {
      const topic = await newTopic('jsonschema');
      const input = ['"k1"|{"name":"Ada","age":36}', '"k2"|{"name":"Big","age":12345678901234567890}'].join('\n');
      const p = ok(
        await produce(topic, ['--parse-key', '--key-separator', '|', '--key-format', 'jsonschema', '--key-schema', file('key.json'), '--value-schema', file('person.json'), '--json'], input),
        'produce',
      );
      expect(p.json).toMatchObject({ ok: true, produced: 2, key: { format: 'jsonschema' }, value: { format: 'jsonschema' } });
      const c = ok(await consume(topic, ['--print-key', '--key-format', 'jsonschema', '--print-offset']), 'consume');
      expect(c.stdout.split('\n').filter(Boolean)).toEqual([
        '{"partition":0,"offset":0,"key":"k1","value":{"name":"Ada","age":36}}',
        '{"partition":0,"offset":1,"key":"k2","value":{"name":"Big","age":12345678901234567890}}',
      ]);
      const raw = await readRaw(topic);
      expect(await new JsonDeserializer(confluentClient(url), SerdeType.KEY, { validate: true }).deserialize(topic, raw[0]!.key!)).toBe('k1');
      expect(await new JsonDeserializer(confluentClient(url), SerdeType.VALUE, { validate: true }).deserialize(topic, raw[0]!.value!)).toEqual({ name: 'Ada', age: 36 });
    },
    LONG,
  );

  it(
    'bytes from @confluentinc/schemaregistry serializers (Avro, Protobuf, JSON Schema in one topic) are decoded by serdes consume',
    async () => {
      const topic = await newTopic('confluent');
      const client = confluentClient(url);
      await client.register(`${topic}-value`, { schemaType: 'AVRO', schema: JSON.stringify(PAYMENT_V1) });
      const avroBytes = await new AvroSerializer(client, SerdeType.VALUE, { useLatestVersion: true }).serialize(topic, PAYMENT_VALUE);
      const t = orderTypes();
      const protoBytes = await new ProtobufSerializer(confluentClient(url), SerdeType.VALUE, { autoRegisterSchemas: true, registry: t.registry }).serialize(
        `${topic}-p`,
        sampleOrder(t),
      );
      await client.register(`${topic}-j-value`, { schemaType: 'JSON', schema: JSON.stringify(CUSTOMER_SCHEMA) });
      const jsonBytes = await new JsonSerializer(confluentClient(url), SerdeType.VALUE, { useLatestVersion: true, validate: true }).serialize(`${topic}-j`, CUSTOMER_VALUE);
      await sendRaw(topic, [
        { key: 'a', value: avroBytes },
        { key: 'p', value: protoBytes },
        { key: 'j', value: jsonBytes },
      ]);

      const c = ok(await consume(topic, ['--print-key', '--print-schema-id']), 'consume');
      const lines = jsonLines(c.stdout);
      expect(lines.map((l) => l.key)).toEqual(['a', 'p', 'j']);
      expect(lines[0].value).toEqual({ id: 'pay-1', amount: 12.5, currency: 'EUR', note: { string: 'first' } });
      expect(lines[0].valueSchemaId).toBe(avroBytes.readInt32BE(1));
      expect(lines[1].value).toEqual({
        id: 'order-42',
        total: { currencyCode: 'EUR', units: '21', nanos: 500000000 },
        lines: [
          { sku: 'A-1', quantity: 2, price: { currencyCode: 'EUR', units: '10', nanos: 0 } },
          { sku: 'B-7', quantity: 1, price: { currencyCode: 'EUR', units: '1', nanos: 500000000 } },
        ],
        status: 'PLACED',
      });
      expect(lines[1].valueSchemaId).toBe(protoBytes.readInt32BE(1));
      expect(lines[2].value).toEqual(CUSTOMER_VALUE);
    },
    LONG,
  );

  it(
    'a line that does not fit stops the producer with its line number and field, nothing of it sent; --skip-invalid goes on',
    async () => {
      const topic = await newTopic('bad-lines');
      const good = (id: number) => `{"id":${id}}\t{"id":${id},"item":"x","kind":"A","raw":"","amounts":[],"attrs":{},"choice":1}`;
      const args = ['--parse-key', '--key-schema', file('key.avsc'), '--value-schema', file('order.avsc')];
      const stopped = await produce(topic, args, [good(1), good(2), `{"id":3}\t{"id":3,"item":"x","kind":"C","raw":"","amounts":[],"attrs":{},"choice":1}`, good(4)].join('\n'));
      expect(stopped.code, stopped.stderr).toBe(1);
      expect(stopped.stderr).toContain('line 3: value: field "kind"');
      expect(stopped.stderr).toContain('"C"');
      expect(stopped.stdout).toContain('produced 2 records');
      expect((await readRaw(topic)).map((m) => Number(m.offset))).toEqual([0, 1]);
      // Beyond what a JavaScript number holds exactly: refused rather than sent rounded.
      const low = await produce(topic, args, `{"id":1}\t{"id":-9007199254740991,"item":"x","kind":"A","raw":"","amounts":[],"attrs":{},"choice":1}`);
      expect(low.code).toBe(1);
      expect(low.stderr).toContain('line 1: value: field "id": expected a long from -9007199254740990');
      const nested = await produce(topic, args, `{"id":1}\t{"id":1,"item":"x","kind":"A","raw":"","amounts":[1,"x"],"attrs":{"a":"b","c":2},"choice":1}`);
      expect(nested.code).toBe(1);
      expect(nested.stderr).toContain('line 1: value: field "amounts[1]": expected a double, got "x"');
      const inMap = await produce(topic, args, `{"id":1}\t{"id":1,"item":"x","kind":"A","raw":"","amounts":[],"attrs":{"a":"b","c":2},"choice":1}`);
      expect(inMap.stderr).toContain('line 1: value: field "attrs.c": expected a string, got 2');

      // A bad key: the value of that line is not sent either.
      const skipped = await produce(
        topic,
        [...args, '--skip-invalid', '--json'],
        [`{"id":9007199254740991}\t{"id":5,"item":"x","kind":"A","raw":"","amounts":[],"attrs":{},"choice":1}`, 'no separator here', good(6), `{"id":7}\t{"id":7,"item":"x","kind":"A","raw":"","amounts":[],"attrs":{},"choice":1,"extra":true}`, `{"id":8}\t{oops`].join('\n'),
      );
      expect(skipped.code, skipped.stderr).toBe(0);
      expect(skipped.json).toMatchObject({ ok: true, produced: 1, invalid: 4 });
      expect(skipped.json.invalidLines).toEqual([
        { line: 1, error: expect.stringMatching(/^key: field "id": expected a long from -9007199254740990 to 9007199254740990 .*, got 9007199254740991/) },
        { line: 2, error: expect.stringContaining('no key separator') },
        { line: 4, error: expect.stringMatching(/^value: field "extra": record console.Order has no such field/) },
        { line: 5, error: expect.stringMatching(/^value: not JSON/) },
      ]);
      const c = ok(await consume(topic, ['--print-key', '--key-format', 'avro']), 'consume');
      expect(jsonLines(c.stdout).map((l) => l.key.id)).toEqual([1, 2, 6]);

      // Protobuf and JSON Schema name their fields too.
      const pTopic = await newTopic('bad-proto');
      const p = await produce(pTopic, ['--value-schema', file('reading.proto')], '{"big":"1"}\n{"inner":{"f":"-1"}}\n');
      expect(p.code).toBe(1);
      expect(p.stderr).toContain('line 2: value: field "inner.f": -1 is out of range for fixed64');
      const j = await produce(await newTopic('bad-json'), ['--value-schema', file('person.json')], '{"name":"a","age":"old"}\n');
      expect(j.code).toBe(1);
      expect(j.stderr).toMatch(/line 1: value: .*\/age must be integer/);
    },
    LONG,
  );

  it(
    'foreign bytes and unknown schema ids are error lines with their offsets, never data; --skip-errors goes on',
    async () => {
      const topic = await newTopic('foreign');
      ok(await produce(topic, ['--value-schema', file('person.json')], '{"name":"first"}\n'), 'produce');
      const unknownId = Buffer.from([0, 0x00, 0x0f, 0x42, 0x3f, 0x7b, 0x7d]); // id 999999
      await sendRaw(topic, [{ value: 'plain text' }, { value: unknownId }, { value: Buffer.from([0, 0, 0]) }]);
      ok(await produce(topic, ['--value-schema', file('person.json')], '{"name":"last"}\n'), 'produce');

      const stop = await consume(topic, ['--print-offset']);
      expect(stop.code).toBe(1);
      expect(jsonLines(stop.stdout)).toEqual([{ partition: 0, offset: 0, value: { name: 'first' } }]);
      expect(stop.stderr).toMatch(/partition 0 offset 1: value: unknown magic byte 0x70/);
      expect(stop.stderr).not.toContain('offset 2');

      const skip = await consume(topic, ['--print-offset', '--skip-errors', '--json']);
      expect(skip.code, skip.stderr).toBe(0);
      expect(jsonLines(skip.stdout)).toEqual([
        { partition: 0, offset: 0, value: { name: 'first' } },
        { partition: 0, offset: 4, value: { name: 'last' } },
      ]);
      expect(skip.stderr).toMatch(/offset 2: value: schema id 999999 is not known to the registry/);
      expect(skip.stderr).toMatch(/offset 3: value: 3 bytes is too short/);
      const summary = JSON.parse(skip.stderr.slice(skip.stderr.indexOf('{\n')));
      expect(summary).toMatchObject({ ok: true, consumed: 5, errors: 3 });
      expect(summary.errorRecords.map((e: { offset: number }) => e.offset)).toEqual([1, 2, 3]);
    },
    LONG,
  );

  it(
    'string and bytes formats, headers, --max-messages, --partition and --offset',
    async () => {
      const topic = await newTopic('plain', 2);
      const p = ok(await runCli(['produce', topic, '--bootstrap-servers', B!, '--value-format', 'string', '--parse-key', '--key-format', 'bytes', '--header', 'source=test', '--header', 'n=1'], { input: 'AAE=\tone\nAAE=\ttwo\nAAI=\tthree\n' }), 'produce');
      expect(p.stdout).toContain('produced 3 records');
      const raw = await readRaw(topic);
      expect(raw).toHaveLength(3);
      expect(raw.every((m) => m.headers?.source?.toString() === 'test')).toBe(true);
      // Same key, same partition (the Java client's murmur2 partitioner).
      const byKey = new Map(raw.map((m) => [m.key!.toString('hex'), m.partition]));
      expect(raw.filter((m) => m.key!.toString('hex') === '0001').every((m) => m.partition === byKey.get('0001'))).toBe(true);

      const all = ok(
        await runCli(['consume', topic, '--bootstrap-servers', B!, '--from-beginning', '--exit-at-end', '--value-format', 'string', '--key-format', 'bytes', '--print-key', '--print-headers']),
        'consume',
      );
      const lines = jsonLines(all.stdout);
      expect(lines.map((l) => l.value).sort()).toEqual(['one', 'three', 'two']);
      expect(lines.find((l) => l.value === 'three')).toEqual({ key: 'AAI=', headers: { source: 'test', n: '1' }, value: 'three' });

      const two = ok(await runCli(['consume', topic, '--bootstrap-servers', B!, '--from-beginning', '--value-format', 'string', '--max-messages', '2']), 'max');
      expect(jsonLines(two.stdout)).toHaveLength(2);

      const part = byKey.get('0001')!;
      const fromOne = ok(
        await runCli(['consume', topic, '--bootstrap-servers', B!, '--partition', String(part), '--offset', '1', '--exit-at-end', '--value-format', 'string', '--print-offset']),
        'offset',
      );
      expect(jsonLines(fromOne.stdout)).toEqual([{ partition: part, offset: 1, value: 'two' }]);
    },
    LONG,
  );

  it('usage errors: missing topic, unknown setting, key options without --parse-key', async () => {
    const missing = await runCli(['consume', 'no-such-topic-console', '--bootstrap-servers', B!, '--value-format', 'string']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('does not exist');
    const setting = await runCli(['produce', 't', '--bootstrap-servers', B!, '--value-format', 'string', '--property', 'linger.mss=5'], { input: '' });
    expect(setting.code).toBe(2);
    expect(setting.stderr).toContain('unknown Kafka client setting "linger.mss"');
    const key = await runCli(['produce', 't', '--bootstrap-servers', B!, '--value-format', 'string', '--key-format', 'avro'], { input: '' });
    expect(key.code).toBe(2);
    expect(key.stderr).toContain('--parse-key');
  }, LONG);
});
