/**
 * Byte compatibility with the two third-party JS clients, through a real registry:
 * - @confluentinc/schemaregistry 1.10.1: Avro, Protobuf (imports, nested message → indexes [0,0], second
 *   message → [1], nested messages declared after map fields) and JSON Schema, both directions;
 * - @kafkajs/confluent-schema-registry 4.1.0: Avro and JSON both directions; Protobuf (no message-index
 *   array) through `legacyKafkajsProtobuf`, and our first-message bytes through kafkajs' decoder.
 *
 * Confluent's serdes default to the ASSOCIATED subject strategy (a 404 from /associations falls back to
 * TopicNameStrategy), and its Avro/JSON serializers infer a schema from the value unless told to use the
 * latest version, so those run with `useLatestVersion: true` after registering the schema.
 */
import { create, createFileRegistry, createMutableRegistry, type DescMessage } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema, FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { fromBinary } from '@bufbuild/protobuf';
import {
  AvroDeserializer as CAvroDeserializer,
  AvroSerializer as CAvroSerializer,
  JsonDeserializer as CJsonDeserializer,
  JsonSerializer as CJsonSerializer,
  ProtobufDeserializer as CProtobufDeserializer,
  ProtobufSerializer as CProtobufSerializer,
  SchemaRegistryClient,
  SerdeType,
} from '@confluentinc/schemaregistry';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import Long from 'long';
import { describe, expect, it } from 'vitest';
import {
  AvroDeserializer,
  AvroSerializer,
  JsonDeserializer,
  JsonSerializer,
  ProtobufDeserializer,
  ProtobufSerializer,
  RegistryClient,
  protobufFormat,
  type ResolvedReference,
} from '@schemata/serdes';
import { withRegistry } from './helpers.js';

let ours: RegistryClient;
let confluent: SchemaRegistryClient;
let kafkajs: SchemaRegistry;

withRegistry((registry) => {
  ours = new RegistryClient({ baseUrls: registry.url });
  confluent = new SchemaRegistryClient({ baseURLs: [registry.url] });
  kafkajs = new SchemaRegistry({ host: registry.url });
});

const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

// ---- Avro ------------------------------------------------------------------------------------------------

const PAYMENT = {
  type: 'record',
  name: 'Payment',
  namespace: 'acme.pay',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'amount', type: 'double' },
    { name: 'cents', type: 'long' },
    { name: 'status', type: { type: 'enum', name: 'State', symbols: ['NEW', 'DONE'] } },
    { name: 'lines', type: { type: 'array', items: { type: 'record', name: 'Line', fields: [{ name: 'sku', type: 'string' }, { name: 'qty', type: 'int' }] } } },
    { name: 'note', type: ['null', 'string'], default: null },
    { name: 'meta', type: { type: 'map', values: 'string' } },
  ],
};
const payment = {
  id: 'p-1',
  amount: 12.5,
  cents: 1250,
  status: 'DONE',
  lines: [{ sku: 'a', qty: 1 }, { sku: 'é', qty: 2 }],
  note: 'ünïcode',
  meta: { k: 'v' },
};

describe('Avro interop', () => {
  it('Confluent → ours and ours → Confluent, with identical bytes', async () => {
    const { id } = await ours.register('avro-c-value', { schema: JSON.stringify(PAYMENT) });
    const cSer = new CAvroSerializer(confluent, SerdeType.VALUE, { useLatestVersion: true, autoRegisterSchemas: false });
    const cBytes = await cSer.serialize('avro-c', payment);
    expect(cBytes.readInt32BE(1)).toBe(id);
    expect(plain(await new AvroDeserializer(ours).deserialize('avro-c', cBytes))).toEqual(payment);

    const oBytes = await new AvroSerializer(ours, { schema: PAYMENT }).serialize('avro-c', payment);
    expect(oBytes.equals(cBytes)).toBe(true);
    const cDe = new CAvroDeserializer(confluent, SerdeType.VALUE, {});
    expect(plain(await cDe.deserialize('avro-c', oBytes))).toEqual(payment);
  });

  it('kafkajs → ours and ours → kafkajs, with identical bytes', async () => {
    const { id } = await kafkajs.register({ type: SchemaType.AVRO, schema: JSON.stringify(PAYMENT) }, { subject: 'avro-k-value' });
    const kBytes = await kafkajs.encode(id, payment);
    expect(plain(await new AvroDeserializer(ours).deserialize('avro-k', kBytes))).toEqual(payment);
    const oBytes = await new AvroSerializer(ours, { schema: PAYMENT }).serialize('avro-k', payment);
    expect(oBytes.readInt32BE(1)).toBe(id);
    expect(oBytes.equals(kBytes)).toBe(true);
    expect(plain(await kafkajs.decode(oBytes))).toEqual(payment);
  });
});

// ---- JSON Schema -----------------------------------------------------------------------------------------

const ITEM_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Item',
  type: 'object',
  properties: { id: { type: 'integer' }, name: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } } },
  required: ['id'],
};
const item = { id: 3, name: 'thing', tags: ['x', 'ÿ'] };

describe('JSON Schema interop', () => {
  it('Confluent → ours and ours → Confluent', async () => {
    const { id } = await ours.register('json-c-value', { schemaType: 'JSON', schema: JSON.stringify(ITEM_SCHEMA) });
    const cSer = new CJsonSerializer(confluent, SerdeType.VALUE, { useLatestVersion: true, autoRegisterSchemas: false, validate: true });
    const cBytes = await cSer.serialize('json-c', item);
    expect(cBytes.readInt32BE(1)).toBe(id);
    expect(await new JsonDeserializer(ours, { validate: true }).deserialize('json-c', cBytes)).toEqual(item);

    const oBytes = await new JsonSerializer(ours, { schema: ITEM_SCHEMA }).serialize('json-c', item);
    expect(oBytes.equals(cBytes)).toBe(true);
    expect(await new CJsonDeserializer(confluent, SerdeType.VALUE, { validate: true }).deserialize('json-c', oBytes)).toEqual(item);
  });

  it('kafkajs → ours and ours → kafkajs', async () => {
    const { id } = await kafkajs.register({ type: SchemaType.JSON, schema: JSON.stringify(ITEM_SCHEMA) }, { subject: 'json-k-value' });
    const kBytes = await kafkajs.encode(id, item);
    expect(await new JsonDeserializer(ours, { validate: true }).deserialize('json-k', kBytes)).toEqual(item);
    const oBytes = await new JsonSerializer(ours, { schema: ITEM_SCHEMA }).serialize('json-k', item);
    expect(oBytes.readInt32BE(1)).toBe(id);
    expect(await kafkajs.decode(oBytes)).toEqual(item);
  });
});

// ---- Protobuf --------------------------------------------------------------------------------------------

const MONEY_PROTO = `syntax = "proto3";
package acme;
message Money {
  string currency = 1;
  int64 units = 2;
}
`;
const ORDER_PROTO = `syntax = "proto3";
package acme.shop;
import "acme/money.proto";

message Order {
  int64 id = 1;
  string customer_id = 2;
  acme.Money total = 3;
  repeated Line lines = 4;
  map<string, string> labels = 5;
  message Line {
    string sku = 1;
    int32 quantity = 2;
  }
}
message Ping {
  string text = 1;
}
`;

/** bufbuild descriptors of the two files (from the Protobuf format module's toDescriptor()). */
function bufbuildRegistry() {
  const money = protobufFormat.parse(MONEY_PROTO, [], { validate: false }) as unknown as { toDescriptor(name: string): Uint8Array };
  const moneyRef: ResolvedReference = {
    name: 'acme/money.proto',
    subject: 'acme/money.proto',
    version: 1,
    schemaType: 'PROTOBUF',
    schema: MONEY_PROTO,
    references: [],
  };
  const order = protobufFormat.parse(ORDER_PROTO, [moneyRef], { validate: false }) as unknown as { toDescriptor(name: string): Uint8Array };
  const set = create(FileDescriptorSetSchema, {
    file: [
      fromBinary(FileDescriptorProtoSchema, money.toDescriptor('acme/money.proto')),
      fromBinary(FileDescriptorProtoSchema, order.toDescriptor('acme/shop/order.proto')),
    ],
  });
  const files = createFileRegistry(set);
  const get = (name: string): DescMessage => {
    const m = files.getMessage(name);
    if (!m) throw new Error(`no ${name}`);
    return m;
  };
  return { registry: createMutableRegistry(files), Order: get('acme.shop.Order'), Line: get('acme.shop.Order.Line'), Ping: get('acme.shop.Ping') };
}

describe('Protobuf interop with Confluent', () => {
  it('Confluent (auto-registers the import and a base64 descriptor) → ours, for [0], [1] and [0,0]', async () => {
    const b = bufbuildRegistry();
    const cSer = new CProtobufSerializer(confluent, SerdeType.VALUE, { autoRegisterSchemas: true, registry: b.registry });
    const orderBytes = await cSer.serialize(
      'proto-c',
      create(b.Order, {
        id: 9007199254740993n,
        customerId: 'c-1',
        total: { currency: 'EUR', units: -5n },
        lines: [{ sku: 's', quantity: 4 }],
        labels: { a: 'b' },
      }),
    );
    expect(orderBytes[5]).toBe(0);
    expect(await ours.listSubjects()).toEqual(expect.arrayContaining(['acme/money.proto', 'proto-c-value']));

    const de = new ProtobufDeserializer(ours);
    const o = (await de.deserialize('proto-c', orderBytes)) as unknown as {
      id: Long;
      customerId: string;
      total: { currency: string; units: Long };
      lines: Array<{ sku: string; quantity: number }>;
      labels: Record<string, string>;
    };
    expect(o.id.toString()).toBe('9007199254740993');
    expect(o.customerId).toBe('c-1');
    expect(o.total.currency).toBe('EUR');
    expect(o.total.units.toString()).toBe('-5');
    expect(plain(o.lines)).toEqual([{ sku: 's', quantity: 4 }]);
    expect(o.labels).toEqual({ a: 'b' });

    const pingBytes = await new CProtobufSerializer(confluent, SerdeType.VALUE, { autoRegisterSchemas: true, registry: b.registry }).serialize('proto-c2', create(b.Ping, { text: 'hey' }));
    expect([...pingBytes.subarray(5, 7)]).toEqual([2, 2]);
    expect(((await de.deserialize('proto-c2', pingBytes)) as unknown as { text: string }).text).toBe('hey');

    const lineBytes = await new CProtobufSerializer(confluent, SerdeType.VALUE, { autoRegisterSchemas: true, registry: b.registry }).serialize(
      'proto-c3',
      create(b.Line, { sku: 'n', quantity: 7 }),
    );
    expect([...lineBytes.subarray(5, 8)]).toEqual([4, 0, 0]);
    expect(plain(await de.deserialize('proto-c3', lineBytes))).toEqual({ sku: 'n', quantity: 7 });
  });

  it('ours (registers .proto text with a reference) → Confluent, for [0], [1] and [0,0]', async () => {
    await ours.register('acme/money.proto', { schemaType: 'PROTOBUF', schema: MONEY_PROTO });
    const schema = { schemaType: 'PROTOBUF' as const, schema: ORDER_PROTO, references: [{ name: 'acme/money.proto', subject: 'acme/money.proto', version: 1 }] };
    const cDe = new CProtobufDeserializer(confluent, SerdeType.VALUE, {});

    const orderBytes = await new ProtobufSerializer(ours, { schema }).serialize('proto-o', {
      id: Long.fromString('-9007199254740993'),
      customerId: 'o-1',
      total: { currency: 'USD', units: 12 },
      lines: [{ sku: 'q', quantity: 1 }],
      labels: { x: 'y' },
    });
    const o = (await cDe.deserialize('proto-o', orderBytes)) as {
      $typeName: string;
      id: bigint;
      customerId: string;
      total: { units: bigint };
      lines: Array<{ sku: string }>;
      labels: Record<string, string>;
    };
    expect(o.$typeName).toBe('acme.shop.Order');
    expect(o.id).toBe(-9007199254740993n);
    expect(o.customerId).toBe('o-1');
    expect(o.total.units).toBe(12n);
    expect(o.lines[0]!.sku).toBe('q');
    expect(o.labels).toEqual({ x: 'y' });

    const ping = await new ProtobufSerializer(ours, { schema, messageType: 'acme.shop.Ping' }).serialize('proto-o', { text: 'p' });
    expect(((await cDe.deserialize('proto-o', ping)) as { $typeName: string; text: string })).toMatchObject({ $typeName: 'acme.shop.Ping', text: 'p' });
    const line = await new ProtobufSerializer(ours, { schema, messageType: 'acme.shop.Order.Line' }).serialize('proto-o', { sku: 'z', quantity: 2 });
    expect(((await cDe.deserialize('proto-o', line)) as object)).toMatchObject({ $typeName: 'acme.shop.Order.Line', sku: 'z', quantity: 2 });
  });
});

const CATALOG_PROTO = `syntax = "proto3";
package acme.maps;

message Catalog {
  map<string, Item> items = 1;
  message Item {
    string sku = 1;
  }
  map<int32, string> names = 2;
  // Declared after two map fields: Confluent's client skips map entries, so this is [0, 1].
  message Section {
    string title = 1;
    map<string, string> tags = 2;
    message Entry {
      int32 n = 1;
    }
  }
}
message Shelf {
  Catalog.Section section = 1;
}
`;

describe('Protobuf message indexes after map fields, with Confluent', () => {
  it('both sides write the same bytes ([0, 1], [0, 1, 0], [1]) and read each other\'s', async () => {
    const parsed = protobufFormat.parse(CATALOG_PROTO, [], { validate: false }) as unknown as { toDescriptor(name: string): Uint8Array };
    const files = createFileRegistry(create(FileDescriptorSetSchema, { file: [fromBinary(FileDescriptorProtoSchema, parsed.toDescriptor('acme/maps/catalog.proto'))] }));
    const desc = (name: string): DescMessage => files.getMessage(name) ?? expect.unreachable(`no ${name}`);
    const cases: Array<{ name: string; value: Record<string, unknown>; indexBytes: number[] }> = [
      { name: 'acme.maps.Catalog.Section', value: { title: 'books' }, indexBytes: [0x04, 0x00, 0x02] },
      { name: 'acme.maps.Catalog.Section.Entry', value: { n: 42 }, indexBytes: [0x06, 0x00, 0x02, 0x00] },
      { name: 'acme.maps.Shelf', value: { section: { title: 's' } }, indexBytes: [0x02, 0x02] },
    ];
    const cDe = new CProtobufDeserializer(confluent, SerdeType.VALUE, {});
    const oDe = new ProtobufDeserializer(ours);
    for (const c of cases) {
      const cSer = new CProtobufSerializer(confluent, SerdeType.VALUE, { autoRegisterSchemas: true, registry: createMutableRegistry(files) });
      const cBytes = await cSer.serialize('proto-maps', create(desc(c.name), c.value));
      const oBytes = await new ProtobufSerializer(ours, { schema: CATALOG_PROTO, messageType: c.name }).serialize('proto-maps', c.value);
      // The descriptor Confluent registered and our text are one schema (one id), so the bytes are equal.
      expect(oBytes.readInt32BE(1)).toBe(cBytes.readInt32BE(1));
      expect([...oBytes.subarray(5, 5 + c.indexBytes.length)], c.name).toEqual(c.indexBytes);
      expect([...cBytes.subarray(5, 5 + c.indexBytes.length)], c.name).toEqual(c.indexBytes);
      expect(oBytes.equals(cBytes), c.name).toBe(true);

      const fromOurs = (await cDe.deserialize('proto-maps', oBytes)) as { $typeName: string };
      expect(fromOurs).toMatchObject({ $typeName: c.name, ...c.value });
      const fromConfluent = (await oDe.deserialize('proto-maps', cBytes)) as unknown as { $type: { fullName: string } };
      expect(fromConfluent.$type.fullName).toBe(`.${c.name}`);
      expect(plain(fromConfluent)).toMatchObject(c.value);
    }
    expect(await ours.listVersions('proto-maps-value')).toEqual([1]);
  });
});

describe('Protobuf interop with kafkajs', () => {
  const PERSON = `syntax = "proto3";
package people;
message Person {
  string name = 1;
  int32 age = 2;
  repeated string emails = 3;
}
`;
  const person = { name: 'Grace', age: 85, emails: ['g@navy.mil'] };

  it('kafkajs bytes (no message-index array) read with legacyKafkajsProtobuf', async () => {
    const { id } = await kafkajs.register({ type: SchemaType.PROTOBUF, schema: PERSON }, { subject: 'proto-k-value' });
    const kBytes = await kafkajs.encode(id, person);
    // No index array: the payload starts right after the id with a field tag (0x0a: field 1, length-delimited).
    expect(kBytes[5]).toBe(0x0a);
    const legacy = new ProtobufDeserializer(ours, { legacyKafkajsProtobuf: true });
    expect(plain(await legacy.deserialize('proto-k', kBytes))).toEqual(person);
    // The default (Confluent framing) refuses them instead of guessing.
    await expect(new ProtobufDeserializer(ours).deserialize('proto-k', kBytes)).rejects.toThrow();
  });

  it('our first-message bytes decode with kafkajs (its decoder drops the 0x00 index)', async () => {
    const oBytes = await new ProtobufSerializer(ours, { schema: PERSON }).serialize('proto-k', person);
    expect(plain(await kafkajs.decode(oBytes))).toEqual(person);
  });
});
