/**
 * Protobuf serde against a real registry: message-index paths (top-level, second, nested), imports of a
 * registered schema, built-in imports, auto-registration of imports, 64-bit integers, reader schemas,
 * legacy kafkajs bytes and bad bytes.
 */
import Long from 'long';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import {
  DeserializationError,
  ProtobufDeserializer,
  ProtobufSerializer,
  RegistryClient,
  SerializationError,
  WireFormatError,
  frame,
} from '@schemata/serdes';
import { CHAIN_PROTOS, expectChainRegistered } from '../helpers/protobuf-chain.js';
import { withRegistry } from './helpers.js';

const MONEY = `syntax = "proto3";
package acme;
message Money {
  string currency = 1;
  int64 units = 2;
}
`;

const ORDER = `syntax = "proto3";
package acme.shop;
import "acme/money.proto";

message Order {
  int64 id = 1;
  string customer_id = 2;
  acme.Money total = 3;
  repeated Line lines = 4;
  Status status = 5;
  map<string, string> labels = 6;
  uint64 big = 7;
  message Line {
    string sku = 1;
    int32 quantity = 2;
  }
}
enum Status {
  NEW = 0;
  PAID = 1;
}
message Ping {
  string text = 1;
  message Deep {
    message Deeper { bool ok = 1; }
  }
}
`;

let client: RegistryClient;
const refs = [{ name: 'acme/money.proto', subject: 'acme/money.proto', version: 1 }];
const orderSchema = { schema: ORDER, schemaType: 'PROTOBUF' as const, references: refs };

withRegistry(async (registry) => {
  client = new RegistryClient({ baseUrls: registry.url });
  await client.register('acme/money.proto', { schema: MONEY, schemaType: 'PROTOBUF' });
});

const order = {
  id: Long.fromString('9007199254740993'),
  customerId: 'c-42',
  total: { currency: 'EUR', units: Long.fromNumber(1999) },
  lines: [
    { sku: 'A', quantity: 2 },
    { sku: 'B', quantity: 1 },
  ],
  status: 1,
  labels: { gift: 'yes' },
  big: Long.fromString('18446744073709551615', true),
};

describe('Protobuf round trips', () => {
  it('writes the first message with the single-byte [0] index and reads it back, 64-bit values exact', async () => {
    const ser = new ProtobufSerializer(client, { schema: orderSchema });
    const bytes = await ser.serialize('orders', order);
    expect(bytes[0]).toBe(0);
    expect(bytes[5]).toBe(0x00);
    const back = (await new ProtobufDeserializer(client).deserialize('orders', bytes)) as unknown as typeof order;
    expect(back.id.toString()).toBe('9007199254740993');
    expect(Long.isLong(back.id)).toBe(true);
    expect(back.big.toString()).toBe('18446744073709551615');
    expect(back.customerId).toBe('c-42');
    expect(back.total.currency).toBe('EUR');
    expect(back.lines.map((l) => l.sku)).toEqual(['A', 'B']);
    expect(back.labels).toEqual({ gift: 'yes' });
    expect((await client.getLatestVersion('orders-value')).references).toEqual(refs);
  });

  it('writes [1] as 02 02 for the second top-level message and [0,0] as 04 00 00 for a nested one', async () => {
    const ping = new ProtobufSerializer(client, { schema: orderSchema, messageType: 'acme.shop.Ping' });
    const pingBytes = await ping.serialize('pings', { text: 'hi' });
    expect([...pingBytes.subarray(5, 7)]).toEqual([0x02, 0x02]);
    const line = new ProtobufSerializer(client, { schema: orderSchema, messageType: 'acme.shop.Order.Line' });
    const lineBytes = await line.serialize('lines', { sku: 'X', quantity: 3 });
    expect([...lineBytes.subarray(5, 8)]).toEqual([0x04, 0x00, 0x00]);
    const deeper = new ProtobufSerializer(client, { schema: orderSchema, messageType: 'acme.shop.Ping.Deep.Deeper' });
    const deeperBytes = await deeper.serialize('deeper', { ok: true });
    expect([...deeperBytes.subarray(5, 9)]).toEqual([0x06, 0x02, 0x00, 0x00]);

    const de = new ProtobufDeserializer(client);
    const p = (await de.deserialize('pings', pingBytes)) as protobuf.Message & { text: string };
    expect(p.text).toBe('hi');
    expect((p.$type as protobuf.Type).fullName).toBe('.acme.shop.Ping');
    const l = (await de.deserialize('lines', lineBytes)) as protobuf.Message & { sku: string; quantity: number };
    expect((l.$type as protobuf.Type).fullName).toBe('.acme.shop.Order.Line');
    expect(l.quantity).toBe(3);
    const d = (await de.deserialize('deeper', deeperBytes)) as protobuf.Message & { ok: boolean };
    expect((d.$type as protobuf.Type).fullName).toBe('.acme.shop.Ping.Deep.Deeper');
    expect(d.ok).toBe(true);
  });

  it('writes the same payload bytes as protobufjs, for ASCII, non-ASCII, empty and long strings', async () => {
    const ser = new ProtobufSerializer(client, { schema: orderSchema, messageType: 'acme.shop.Ping' });
    const Ping = protobuf.parse(`syntax = "proto3"; package acme.shop; message Ping { string text = 1; }`).root.lookupType('acme.shop.Ping');
    for (const text of ['', 'a', 'hello', 'é', 'ascii then é', '日本', '😀', 'x'.repeat(63), 'x'.repeat(64), 'y'.repeat(1000)]) {
      const bytes = await ser.serialize('pings', { text });
      expect(bytes.subarray(7).equals(Buffer.from(Ping.encode({ text }).finish())), text).toBe(true);
      expect(((await new ProtobufDeserializer(client).deserialize('pings', bytes)) as unknown as { text: string }).text).toBe(text);
    }
  });

  it('uses the record name of the message type for RecordNameStrategy', async () => {
    const ser = new ProtobufSerializer(client, { schema: orderSchema, messageType: 'acme.shop.Ping', subjectNameStrategy: 'record' });
    await ser.serialize('any', { text: 'x' });
    expect(await client.listSubjects()).toContain('acme.shop.Ping');
  });

  it('keeps .proto field names with keepCase', async () => {
    const ser = new ProtobufSerializer(client, { schema: orderSchema, keepCase: true });
    const bytes = await ser.serialize('orders', { customer_id: 'snake', id: 1 });
    const back = (await new ProtobufDeserializer(client, { keepCase: true }).deserialize('orders', bytes)) as unknown as Record<string, unknown>;
    expect(back.customer_id).toBe('snake');
    const camel = (await new ProtobufDeserializer(client).deserialize('orders', bytes)) as unknown as Record<string, unknown>;
    expect(camel.customerId).toBe('snake');
  });

  it('writes with the latest registered version and a chosen message type', async () => {
    const ser = new ProtobufSerializer(client, { useLatestVersion: true, messageType: 'acme.shop.Order.Line' });
    const bytes = await ser.serialize('orders', { sku: 'L', quantity: 1 });
    expect(bytes.readInt32BE(1)).toBe((await client.getLatestVersion('orders-value')).id);
    expect([...bytes.subarray(5, 8)]).toEqual([0x04, 0x00, 0x00]);
  });
});

describe('built-in imports', () => {
  it('resolves google/protobuf and google/type imports without references', async () => {
    const schema = `syntax = "proto3";
package builtins;
import "google/protobuf/timestamp.proto";
import "google/type/money.proto";
message Invoice {
  google.protobuf.Timestamp issued = 1;
  google.type.Money amount = 2;
}
`;
    const ser = new ProtobufSerializer(client, { schema });
    const bytes = await ser.serialize('invoices', { issued: { seconds: 1_700_000_000, nanos: 5 }, amount: { currencyCode: 'EUR', units: 12, nanos: 0 } });
    const back = (await new ProtobufDeserializer(client).deserialize('invoices', bytes)) as unknown as {
      issued: { seconds: Long; nanos: number };
      amount: { currencyCode: string; units: Long };
    };
    expect(back.issued.seconds.toString()).toBe('1700000000');
    expect(back.issued.nanos).toBe(5);
    expect(back.amount.currencyCode).toBe('EUR');
    expect(back.amount.units.toString()).toBe('12');
  });
});

describe('built-in and auto-registered imports', () => {
  it('resolves google/type/money.proto and confluent/meta.proto without references, and registers neither', async () => {
    const schema = `syntax = "proto3";
package builtins.meta;
import "confluent/meta.proto";
import "google/type/money.proto";
message Price {
  option (confluent.message_meta) = { doc: "a price" };
  google.type.Money amount = 1 [(confluent.field_meta) = { tags: ["PII"] }];
  string label = 2;
}
`;
    const bytes = await new ProtobufSerializer(client, { schema }).serialize('prices', { amount: { currencyCode: 'CHF', units: 7, nanos: 5 }, label: 'l' });
    const registered = await client.getLatestVersion('prices-value');
    expect(registered.references ?? []).toEqual([]);
    expect(bytes.readInt32BE(1)).toBe(registered.id);
    const back = (await new ProtobufDeserializer(client).deserialize('prices', bytes)) as unknown as {
      amount: { currencyCode: string; units: Long; nanos: number };
      label: string;
    };
    expect(back.amount.currencyCode).toBe('CHF');
    expect(back.amount.units.toString()).toBe('7');
    expect(back.amount.nanos).toBe(5);
    expect(back.label).toBe('l');
    expect((await client.listSubjects()).filter((x) => x.startsWith('google/') || x.startsWith('confluent/'))).toEqual([]);
  });

  const [BASE, MID, TOP] = [CHAIN_PROTOS['chain/base.proto'], CHAIN_PROTOS['chain/mid.proto'], CHAIN_PROTOS['chain/top.proto']];
  const dependencies = [{ name: 'chain/mid.proto', schema: MID, dependencies: [{ name: 'chain/base.proto', schema: BASE }] }];

  it('registers a two-level import chain under the import paths, imports first, with references', async () => {
    const ser = new ProtobufSerializer(client, { schema: TOP, dependencies });
    const value = { mid: { base: { id: 'b1', at: { seconds: 5, nanos: 0 } }, price: { currencyCode: 'EUR', units: 3 } }, bases: { k: { id: 'b2' } } };
    const bytes = await ser.serialize('chain', value);

    await expectChainRegistered(client, 'chain-value', bytes);

    const back = (await new ProtobufDeserializer(client).deserialize('chain', bytes)) as unknown as {
      mid: { base: { id: string; at: { seconds: Long } }; price: { currencyCode: string } };
      bases: Record<string, { id: string }>;
    };
    expect(back.mid.base.id).toBe('b1');
    expect(back.mid.base.at.seconds.toString()).toBe('5');
    expect(back.mid.price.currencyCode).toBe('EUR');
    expect(back.bases['k']!.id).toBe('b2');

    // A nested message of the same file, on another topic: the imports are not registered again.
    const note = await new ProtobufSerializer(client, { schema: TOP, dependencies, messageType: 'chain.Top.Note' }).serialize('chain-notes', { text: 'n' });
    expect([...note.subarray(5, 8)]).toEqual([4, 0, 0]);
    expect((await client.listVersions('chain/mid.proto')).length).toBe(1);

    // autoRegister: false looks the imports and the schema up instead.
    const lookup = new ProtobufSerializer(client, { schema: TOP, dependencies, autoRegister: false });
    expect((await lookup.serialize('chain', value)).equals(bytes)).toBe(true);
  });

  it('with autoRegister: false, fails clearly when an import is not registered', async () => {
    const other = [{ name: 'chain2/mid.proto', schema: MID.replace('chain/base.proto', 'chain2/base.proto'), dependencies: [{ name: 'chain2/base.proto', schema: BASE }] }];
    const ser = new ProtobufSerializer(client, { schema: TOP.replace('chain/mid.proto', 'chain2/mid.proto'), dependencies: other, autoRegister: false });
    const err = await ser.serialize('chain2', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SerializationError);
    // Imports first: the deepest one is looked up first.
    expect((err as Error).message).toMatch(/cannot find the imported file "chain2\/base.proto" under subject "chain2\/base.proto": HTTP 404/);
    expect((await client.listSubjects()).filter((x) => x.startsWith('chain2'))).toEqual([]);
  });
});

describe('reader schemas', () => {
  it('decodes with the reader message type (new fields default, removed ones dropped)', async () => {
    const v1 = `syntax = "proto3"; package ev; message Item { string name = 1; int32 old = 2; }`;
    const v2 = `syntax = "proto3"; package ev; message Item { string name = 1; int64 added = 3; }`;
    const bytes = await new ProtobufSerializer(client, { schema: v1 }).serialize('items', { name: 'n', old: 5 });
    const de = new ProtobufDeserializer(client, { readerSchema: v2 });
    const item = (await de.deserialize('items', bytes)) as unknown as Record<string, unknown>;
    expect(item.name).toBe('n');
    expect(item.old).toBeUndefined();
    expect(String(item.added)).toBe('0');

    const renamed = `syntax = "proto3"; package other; message Thing { string name = 1; }`;
    const byName = new ProtobufDeserializer(client, { readerSchema: renamed, readerMessageType: 'other.Thing' });
    expect(((await byName.deserialize('items', bytes)) as unknown as { name: string }).name).toBe('n');
    const missing = new ProtobufDeserializer(client, { readerSchema: renamed });
    await expect(missing.deserialize('items', bytes)).rejects.toThrow(/reader schema has no message ev.Item/);

    const type = protobuf.parse(v2).root.lookupType('ev.Item');
    const byType = new ProtobufDeserializer(client, { readerSchema: type });
    expect(((await byType.deserialize('items', bytes)) as unknown as { name: string }).name).toBe('n');
  });
});

describe('legacy kafkajs bytes', () => {
  it('reads bytes without a message-index array only when asked to', async () => {
    const ser = new ProtobufSerializer(client, { schema: orderSchema });
    const confluent = await ser.serialize('legacy', { id: 5, customerId: 'k' });
    const id = confluent.readInt32BE(1);
    // kafkajs framing: 0x00, id, payload (no index array).
    const payload = confluent.subarray(6);
    const kafkajs = frame(id, payload);

    const legacy = new ProtobufDeserializer(client, { legacyKafkajsProtobuf: true });
    const a = (await legacy.deserialize('legacy', kafkajs)) as unknown as { customerId: string; id: Long };
    expect(a.customerId).toBe('k');
    expect(a.id.toString()).toBe('5');
    // Confluent's first-message bytes (one 0x00 index byte) still read in legacy mode.
    expect(((await legacy.deserialize('legacy', confluent)) as unknown as { customerId: string }).customerId).toBe('k');
    // An empty message is zero bytes in kafkajs framing.
    const empty = (await legacy.deserialize('legacy', frame(id, Buffer.alloc(0)))) as unknown as { customerId: string; lines: unknown[] };
    expect(empty.customerId).toBe('');
    expect(empty.lines).toEqual([]);
    // A chosen message type.
    const pingBytes = frame(id, protobuf.parse(ORDER.replace('import "acme/money.proto";', '').replace('acme.Money total = 3;', '')).root.lookupType('acme.shop.Ping').encode({ text: 't' }).finish());
    const pingLegacy = new ProtobufDeserializer(client, { legacyKafkajsProtobuf: true, messageType: 'acme.shop.Ping' });
    expect(((await pingLegacy.deserialize('legacy', pingBytes)) as unknown as { text: string }).text).toBe('t');

    // The default deserializer reads the first payload byte (a field tag, 0x08 here) as an index count.
    const strict = new ProtobufDeserializer(client);
    await expect(strict.deserialize('legacy', kafkajs)).rejects.toBeInstanceOf(DeserializationError);
  });
});

describe('errors', () => {
  it('refuses values that do not match the message type instead of writing zeros', async () => {
    const ser = new ProtobufSerializer(client, { schema: orderSchema });
    const err = await ser.serialize('orders', { id: 'not a number' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SerializationError);
    expect((err as Error).message).toMatch(/value does not match the Protobuf message acme.shop.Order .*id: integer\|Long expected/);
    await expect(ser.serialize('orders', { status: 'PAID' })).rejects.toThrow(/status: enum value expected/);
    await expect(ser.serialize('orders', null as never)).rejects.toThrow(/a message object expected/);
  });

  it('bad bytes give clear errors', async () => {
    const ser = new ProtobufSerializer(client, { schema: orderSchema });
    const good = await ser.serialize('orders', order);
    const id = good.readInt32BE(1);
    const de = new ProtobufDeserializer(client);
    const head = good.subarray(0, 5);

    await expect(de.deserialize('orders', head)).rejects.toThrow(/message indexes are absent or malformed: there is no byte after the schema id/);
    await expect(de.deserialize('orders', Buffer.concat([head, Buffer.from([0x03])]))).rejects.toThrow(/negative index count/);
    await expect(de.deserialize('orders', Buffer.concat([head, Buffer.from([0x02, 0x0a])]))).rejects.toThrow(
      /message indexes \[5\] do not name a message of writer schema id \d+ \(it declares acme.shop.Order \[0\]/,
    );
    const err = await de.deserialize('orders', good.subarray(0, good.length - 4)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeserializationError);
    expect((err as Error).message).toMatch(new RegExp(`payload does not match the Protobuf message acme.shop.Order of writer schema id ${id}: index out of range`));
    // A string cut short: protobufjs alone would return the 2 bytes it has ("hi") as the whole string.
    const ping = await new ProtobufSerializer(client, { schema: orderSchema, messageType: 'acme.shop.Ping' }).serialize('pings', { text: 'hello' });
    const cut = Buffer.concat([ping.subarray(0, 7), Buffer.from([0x0a, 0x05, 0x68, 0x69])]);
    await expect(de.deserialize('pings', cut)).rejects.toThrow(/payload does not match the Protobuf message acme.shop.Ping .*index out of range: 9 \+ 5 > 11/);
    const bad = Buffer.concat([head, Buffer.from([0x00, 0x7f])]); // unknown field 15 with wire type 7
    await expect(de.deserialize('orders', bad)).rejects.toThrow(/invalid wire type 7/);
    await expect(de.deserialize('orders', Buffer.from([1, 0, 0, 0, 1, 0]))).rejects.toBeInstanceOf(WireFormatError);
  });
});
