/**
 * Cross-client interop over real HTTP: a schema registered by one client (@confluentinc/schemaregistry
 * 1.10.1 or @kafkajs/confluent-schema-registry 4.1.0) is found, read and decoded by the other. This is
 * where the registry's canonical identity (same schema → same id whoever sends it, in whatever
 * whitespace or representation) and its two Protobuf representations (.proto text without `format`,
 * base64 FileDescriptorProto with `format=serialized`) are exercised by real consumers
 * (shared/docs/clients.md §3.6, §3.7).
 *
 * Tests named "KNOWN CLIENT LIMIT" assert a documented incompatibility between the two clients
 * themselves (clients.md §4), which no registry can fix; they fail if the limitation ever goes away.
 */
import { create, fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import { AvroDeserializer, AvroSerializer, JsonDeserializer, JsonSerializer, ProtobufDeserializer, ProtobufSerializer, SerdeType } from '@confluentinc/schemaregistry';
import { SchemaType } from '@kafkajs/confluent-schema-registry';
import { expect, it } from 'vitest';
import { eachBackend, enc, expectStatus, useRegistry } from '../helpers/live-registry.js';
import {
  confluentClient,
  CUSTOMER_SCHEMA,
  CUSTOMER_VALUE,
  kafkajsClient,
  KAFKAJS_ORDER_PAYLOAD,
  MONEY_PROTO,
  ORDER_PROTO,
  orderTypes,
  PAYMENT_V1,
  PAYMENT_VALUE,
  PAYMENT_VALUE_NULL_NOTE,
  protobufjsObject,
  SAMPLE_ORDER_OBJECT,
  sampleOrder,
  schemaIdOf,
  spliceFirstMessageIndex,
} from './schemas.js';

const PRICE_PROTO = `syntax = "proto3";
package shop;

message Price {
  string currency = 1;
  int64 cents = 2;
}
`;

const ITEM_PROTO = `syntax = "proto3";
package shop;

import "shop/price.proto";

message Item {
  string name = 1;
  shop.Price price = 2;
  repeated string tags = 3;
  map<string, int32> stock = 4;
}
`;

eachBackend('cross-client interop (Confluent ↔ kafkajs)', (backend) => {
  const registry = useRegistry(backend, 'interop_cross');

  it('Avro: registered by kafkajs, found by Confluent (same id), Confluent bytes decoded by kafkajs and kafkajs bytes by Confluent', async () => {
    const url = registry().url;
    const topic = 'x-avro';
    const { id } = await kafkajsClient(url).register({ type: SchemaType.AVRO, schema: JSON.stringify(PAYMENT_V1) }, { subject: `${topic}-value` });
    // Confluent sends schemaType "AVRO" and its own whitespace: still the same schema.
    expect(await confluentClient(url).getId(`${topic}-value`, { schemaType: 'AVRO', schema: JSON.stringify(PAYMENT_V1, null, 2) })).toBe(id);

    const confluentBytes = await new AvroSerializer(confluentClient(url), SerdeType.VALUE, { useLatestVersion: true }).serialize(topic, PAYMENT_VALUE);
    expect(schemaIdOf(confluentBytes)).toBe(id);
    expect(await kafkajsClient(url).decode(confluentBytes)).toEqual(PAYMENT_VALUE);

    const kafkajsBytes = await kafkajsClient(url).encode(id, PAYMENT_VALUE_NULL_NOTE);
    expect(await new AvroDeserializer(confluentClient(url), SerdeType.VALUE, {}).deserialize(topic, kafkajsBytes)).toEqual(PAYMENT_VALUE_NULL_NOTE);
    // Both clients produce the same Avro body for the same value.
    const kafkajsSame = await kafkajsClient(url).encode(id, PAYMENT_VALUE);
    expect(kafkajsSame.equals(confluentBytes)).toBe(true);
  });

  it('Avro: registered by Confluent, found and re-registered by kafkajs with the same id and no new version', async () => {
    const url = registry().url;
    const subject = 'x-avro-2-value';
    const id = await confluentClient(url).register(subject, { schemaType: 'AVRO', schema: JSON.stringify(PAYMENT_V1, null, 2) });
    expect(await kafkajsClient(url).getRegistryIdBySchema(subject, { type: SchemaType.AVRO, schema: JSON.stringify(PAYMENT_V1) })).toBe(id);
    expect(await kafkajsClient(url).getLatestSchemaId(subject)).toBe(id);
    expect(await kafkajsClient(url).register({ type: SchemaType.AVRO, schema: JSON.stringify(PAYMENT_V1) }, { subject })).toMatchObject({ id });
    expect((await expectStatus(url, 'GET', `/subjects/${enc(subject)}/versions`, 200)).body).toEqual([1]);
  });

  it('JSON Schema: registered by kafkajs; Confluent (validate: true) and kafkajs decode each other', async () => {
    const url = registry().url;
    const topic = 'x-json';
    const { id } = await kafkajsClient(url).register({ type: SchemaType.JSON, schema: JSON.stringify(CUSTOMER_SCHEMA) }, { subject: `${topic}-value` });
    expect(await confluentClient(url).getId(`${topic}-value`, { schemaType: 'JSON', schema: JSON.stringify(CUSTOMER_SCHEMA) })).toBe(id);

    const confluentBytes = await new JsonSerializer(confluentClient(url), SerdeType.VALUE, { useLatestVersion: true, validate: true }).serialize(topic, CUSTOMER_VALUE);
    expect(schemaIdOf(confluentBytes)).toBe(id);
    expect(await kafkajsClient(url).decode(confluentBytes)).toEqual(CUSTOMER_VALUE);

    const kafkajsBytes = await kafkajsClient(url).encode(id, CUSTOMER_VALUE);
    expect(await new JsonDeserializer(confluentClient(url), SerdeType.VALUE, { validate: true }).deserialize(topic, kafkajsBytes)).toEqual(CUSTOMER_VALUE);
  });

  it('Protobuf: registered by Confluent as base64 descriptors; kafkajs fetches it as .proto text (with its import) and decodes the first message', async () => {
    const url = registry().url;
    const topic = 'x-orders';
    const t = orderTypes();
    const order = sampleOrder(t);
    const bytes = await new ProtobufSerializer(confluentClient(url), SerdeType.VALUE, { autoRegisterSchemas: true, registry: t.registry }).serialize(topic, order);
    const id = schemaIdOf(bytes);

    // Without `format` the registry serves .proto text; with format=serialized, a FileDescriptorProto.
    const text = await expectStatus(url, 'GET', `/schemas/ids/${id}`, 200);
    expect(text.body).toMatchObject({ schemaType: 'PROTOBUF', references: [{ name: 'acme/money.proto', subject: 'acme/money.proto', version: 1 }] });
    expect(text.body.schema).toMatch(/import "acme\/money\.proto";/);
    expect(text.body.schema).toMatch(/message Order \{/);
    const serialized = await expectStatus(url, 'GET', `/schemas/ids/${id}?format=serialized`, 200);
    const fd = fromBinary(FileDescriptorProtoSchema, Buffer.from(serialized.body.schema, 'base64'));
    expect(fd.dependency).toEqual(['acme/money.proto']);
    expect(fd.package).toBe('acme');
    expect(fd.messageType.map((m) => m.name)).toEqual(['Order', 'Shipment']);
    expect(fd.messageType[0]?.nestedType.map((m) => m.name)).toEqual(['Line']);

    // kafkajs: GET /schemas/ids/{id} (text), then the reference by subject/version, parsed by protobufjs.
    const decoded = await kafkajsClient(url).decode(bytes);
    expect(protobufjsObject(decoded)).toEqual(SAMPLE_ORDER_OBJECT);
  });

  it('Protobuf: the same file registered as .proto text by kafkajs maps to the id Confluent got for the descriptor', async () => {
    const url = registry().url;
    const t = orderTypes();
    const bytes = await new ProtobufSerializer(confluentClient(url), SerdeType.VALUE, { autoRegisterSchemas: true, registry: t.registry }).serialize('x-orders-2', sampleOrder(t));
    const id = schemaIdOf(bytes);
    const money = await expectStatus(url, 'GET', `/subjects/${enc('acme/money.proto')}/versions/latest`, 200);

    // kafkajs registers the text forms; identical content under the same subjects → same ids, no new versions.
    const moneyK = await kafkajsClient(url).register({ type: SchemaType.PROTOBUF, schema: MONEY_PROTO }, { subject: 'acme/money.proto' });
    expect(moneyK.id).toBe(money.body.id);
    const refs = [{ name: 'acme/money.proto', subject: 'acme/money.proto', version: money.body.version }];
    const orderK = await kafkajsClient(url).register({ type: SchemaType.PROTOBUF, schema: ORDER_PROTO, references: refs }, { subject: 'x-orders-2-value' });
    expect(orderK.id).toBe(id);
    expect((await expectStatus(url, 'GET', `/subjects/x-orders-2-value/versions`, 200)).body).toEqual([1]);
    expect((await expectStatus(url, 'GET', `/subjects/${enc('acme/money.proto')}/versions`, 200)).body).toEqual([money.body.version]);

    // And kafkajs bytes for that id, once the message-index byte is spliced in, decode in Confluent's deserializer.
    const kafkajsBytes = await kafkajsClient(url).encode(id, KAFKAJS_ORDER_PAYLOAD);
    expect(await new ProtobufDeserializer(confluentClient(url), SerdeType.VALUE, {}).deserialize('x-orders-2', spliceFirstMessageIndex(kafkajsBytes))).toEqual(
      sampleOrder(t),
    );
  });

  it('Protobuf: registered as text by kafkajs only (import + map field); Confluent reads it as a descriptor (format=serialized) and decodes', async () => {
    const url = registry().url;
    await kafkajsClient(url).register({ type: SchemaType.PROTOBUF, schema: PRICE_PROTO }, { subject: 'shop-price' });
    const refs = [{ name: 'shop/price.proto', subject: 'shop-price', version: 1 }];
    const { id } = await kafkajsClient(url).register({ type: SchemaType.PROTOBUF, schema: ITEM_PROTO, references: refs }, { subject: 'x-items-value' });

    const item = { name: 'widget', price: { currency: 'EUR', cents: 250 }, tags: ['new', 'blue'], stock: { berlin: 4, paris: 0 } };
    const kafkajsBytes = await kafkajsClient(url).encode(id, item);
    expect(protobufjsObject(await kafkajsClient(url).decode(kafkajsBytes))).toEqual({ ...item, price: { currency: 'EUR', cents: '250' } });

    const decoded = await new ProtobufDeserializer(confluentClient(url), SerdeType.VALUE, {}).deserialize('x-items', spliceFirstMessageIndex(kafkajsBytes));
    expect(decoded).toMatchObject({
      $typeName: 'shop.Item',
      name: 'widget',
      tags: ['new', 'blue'],
      price: { $typeName: 'shop.Price', currency: 'EUR', cents: 250n },
      stock: { berlin: 4, paris: 0 },
    });
  });

  it('KNOWN CLIENT LIMIT (clients.md §4): Confluent rejects raw kafkajs Protobuf bytes (no message-index array)', async () => {
    const url = registry().url;
    await kafkajsClient(url).register({ type: SchemaType.PROTOBUF, schema: MONEY_PROTO }, { subject: 'acme/money.proto' });
    const money = await expectStatus(url, 'GET', `/subjects/${enc('acme/money.proto')}/versions/latest`, 200);
    const refs = [{ name: 'acme/money.proto', subject: 'acme/money.proto', version: money.body.version }];
    const { id } = await kafkajsClient(url).register({ type: SchemaType.PROTOBUF, schema: ORDER_PROTO, references: refs }, { subject: 'x-orders-3-value' });
    const kafkajsBytes = await kafkajsClient(url).encode(id, KAFKAJS_ORDER_PAYLOAD);
    // The first body byte (field 1's tag, 0x0a) is read as a zigzag index count of 5: not Confluent framing.
    expect(kafkajsBytes[5]).toBe(0x0a);
    await expect(new ProtobufDeserializer(confluentClient(url), SerdeType.VALUE, {}).deserialize('x-orders-3', kafkajsBytes)).rejects.toThrow(/message indexes are absent or malformed/);
  });

  it('KNOWN CLIENT LIMIT (clients.md §2.4, §4): kafkajs misreads Confluent Protobuf bytes of a non-first, a nested or an empty message', async () => {
    const url = registry().url;
    const topic = 'x-orders-4';
    const t = orderTypes();
    const ser = new ProtobufSerializer(confluentClient(url), SerdeType.VALUE, { autoRegisterSchemas: true, registry: t.registry });
    const shipment = create(t.Shipment, { orderId: 'order-42', carrier: 'DHL' } as any);
    const line = create(t.Line, { sku: 'N-1', quantity: 5 } as any);
    const shipmentBytes = await ser.serialize(topic, shipment);
    const lineBytes = await ser.serialize(topic, line);
    expect([...shipmentBytes.subarray(5, 7)]).toEqual([2, 2]);
    expect([...lineBytes.subarray(5, 8)]).toEqual([4, 0, 0]);
    // Confluent itself reads them back correctly (so the registry side is right)…
    expect(await new ProtobufDeserializer(confluentClient(url), SerdeType.VALUE, {}).deserialize(topic, shipmentBytes)).toEqual(shipment);
    expect(await new ProtobufDeserializer(confluentClient(url), SerdeType.VALUE, {}).deserialize(topic, lineBytes)).toEqual(line);

    // …kafkajs cannot: it skips leading zero bytes only and decodes the rest as the first message (Order).
    // For these payloads the index bytes 02 02 / 04 00 00 are read as field tags: "invalid wire type".
    await expect(kafkajsClient(url).decode(shipmentBytes)).rejects.toThrow(/invalid wire type/);
    await expect(kafkajsClient(url).decode(lineBytes)).rejects.toThrow(/invalid wire type/);

    // An empty first message is 00 <id> 00: kafkajs strips the index byte and, finding no non-zero byte,
    // decodes the wrong slice ("index out of range") instead of returning an empty Order.
    const empty = create(t.Order, {});
    const emptyBytes = await ser.serialize(topic, empty);
    expect([...emptyBytes.subarray(5)]).toEqual([0]);
    expect(await new ProtobufDeserializer(confluentClient(url), SerdeType.VALUE, {}).deserialize(topic, emptyBytes)).toEqual(empty);
    await expect(kafkajsClient(url).decode(emptyBytes)).rejects.toThrow(/index out of range/);
  });
});
