/**
 * @kafkajs/confluent-schema-registry 4.1.0 against the registry over real HTTP: register (GET /config
 * first, 404/40408 meaning "new subject", then PUT /config), the id lookups, encode/decode for Avro, JSON
 * Schema and Protobuf (including an import registered through `references`), and the compatibility call
 * reachable only through its private REST manifest (shared/docs/clients.md §2).
 *
 * kafkajs Protobuf is not Confluent wire format (no message-index array; clients.md §4): the tests that
 * show it are named "KNOWN CLIENT LIMIT" and assert the limitation itself, so they fail if it ever changes.
 */
import { COMPATIBILITY, SchemaType } from '@kafkajs/confluent-schema-registry';
import { expect, it } from 'vitest';
import { eachBackend, enc, expectStatus, request, useRegistry } from '../helpers/live-registry.js';
import {
  CUSTOMER_INVALID,
  CUSTOMER_SCHEMA,
  CUSTOMER_VALUE,
  kafkajsApi,
  kafkajsClient,
  KAFKAJS_ORDER_PAYLOAD,
  MONEY_PROTO,
  ORDER_PROTO,
  PAYMENT_BAD,
  PAYMENT_V1,
  PAYMENT_V2,
  PAYMENT_VALUE,
  PAYMENT_VALUE_NULL_NOTE,
  protobufjsObject,
  SAMPLE_ORDER_OBJECT,
  schemaIdOf,
} from './schemas.js';

const avro = (schema: object) => ({ type: SchemaType.AVRO, schema: JSON.stringify(schema) }) as const;

/** A schema with two top-level messages, no imports: kafkajs always reads (and its encode writes) the first. */
const EVENT_PROTO = `syntax = "proto3";
package kjs;

message Event {
  string name = 1;
  int32 count = 2;
  repeated string labels = 3;
  Kind kind = 4;
  enum Kind {
    KIND_UNSPECIFIED = 0;
    CLICK = 1;
    VIEW = 2;
  }
}

message Other {
  int64 big = 1;
}
`;

eachBackend('@kafkajs/confluent-schema-registry 4.1.0', (backend) => {
  const registry = useRegistry(backend, 'interop_kafkajs');

  it('register a new subject: GET /config answers 404/40408, then the schema is registered and the subject config PUT', async () => {
    const url = registry().url;
    const subject = 'kjs-payments-value';
    const before = await request(url, 'GET', `/config/${enc(subject)}`);
    expect({ status: before.status, error_code: before.body?.error_code }).toEqual({ status: 404, error_code: 40408 });

    const { id } = await kafkajsClient(url).register(avro(PAYMENT_V1), { subject });
    expect(id).toBeGreaterThan(0);
    // kafkajs PUTs its default level after a first registration.
    expect((await expectStatus(url, 'GET', `/config/${enc(subject)}`, 200)).body).toMatchObject({ compatibilityLevel: 'BACKWARD' });
    expect((await expectStatus(url, 'GET', `/subjects/${enc(subject)}/versions`, 200)).body).toEqual([1]);

    // Registering again now finds a matching subject config (no throw) and is idempotent.
    expect(await kafkajsClient(url).register(avro(PAYMENT_V1), { subject })).toMatchObject({ id });
    // A subject config that differs from what the client asks for is refused by the client, not the registry.
    await expect(kafkajsClient(url).register(avro(PAYMENT_V2), { subject, compatibility: COMPATIBILITY.FULL })).rejects.toThrow(/Compatibility does not match/);
    // A compatible evolution becomes version 2, an incompatible one is refused with the registry's 409.
    const v2 = await kafkajsClient(url).register(avro(PAYMENT_V2), { subject });
    expect(v2.id).not.toBe(id);
    await expect(kafkajsClient(url).register(avro(PAYMENT_BAD), { subject })).rejects.toMatchObject({ status: 409 });
    expect((await expectStatus(url, 'GET', `/subjects/${enc(subject)}/versions`, 200)).body).toEqual([1, 2]);
  });

  it('Avro without a subject uses <namespace>.<name> as the subject', async () => {
    const url = registry().url;
    const { id } = await kafkajsClient(url).register({ ...PAYMENT_V1, type: 'record' as const });
    expect(await kafkajsClient(url).getLatestSchemaId('acme.avro.Payment')).toBe(id);
  });

  it('getRegistryIdBySchema, getLatestSchemaId and getRegistryId return the registered ids', async () => {
    const url = registry().url;
    const subject = 'kjs-lookup-value';
    const client = kafkajsClient(url);
    const { id: id1 } = await client.register(avro(PAYMENT_V1), { subject });
    const { id: id2 } = await client.register(avro(PAYMENT_V2), { subject });

    const fresh = kafkajsClient(url);
    expect(await fresh.getRegistryIdBySchema(subject, avro(PAYMENT_V1))).toBe(id1);
    // Same schema, different whitespace and key order: the same id.
    const reordered = { namespace: PAYMENT_V1.namespace, name: PAYMENT_V1.name, type: 'record', fields: PAYMENT_V1.fields };
    expect(await fresh.getRegistryIdBySchema(subject, { type: SchemaType.AVRO, schema: JSON.stringify(reordered, null, 4) })).toBe(id1);
    expect(await fresh.getRegistryIdBySchema(subject, avro(PAYMENT_V2))).toBe(id2);
    expect(await fresh.getLatestSchemaId(subject)).toBe(id2);
    expect(await fresh.getRegistryId(subject, 1)).toBe(id1);
    expect(await fresh.getRegistryId(subject, 2)).toBe(id2);
    expect(await fresh.getRegistryId(subject, 'latest')).toBe(id2);
    // A schema not under the subject: the registry's 404 surfaces as a client error.
    await expect(fresh.getRegistryIdBySchema(subject, avro(PAYMENT_BAD))).rejects.toThrow();
  });

  it('Avro encode/decode round trip, and decode with a newer reader schema', async () => {
    const url = registry().url;
    const subject = 'kjs-avro-value';
    const { id } = await kafkajsClient(url).register(avro(PAYMENT_V1), { subject });
    const bytes = await kafkajsClient(url).encode(id, PAYMENT_VALUE);
    expect(schemaIdOf(bytes)).toBe(id);
    const bytes2 = await kafkajsClient(url).encode(id, PAYMENT_VALUE_NULL_NOTE);

    // A fresh client fetches the writer schema by id from the registry.
    const reader = kafkajsClient(url);
    expect(await reader.decode(bytes)).toEqual(PAYMENT_VALUE);
    expect(await reader.decode(bytes2)).toEqual(PAYMENT_VALUE_NULL_NOTE);
    expect(await kafkajsClient(url).decode(bytes, { [SchemaType.AVRO]: { readerSchema: PAYMENT_V2 as any } })).toEqual({ ...PAYMENT_VALUE, memo: '' });
  });

  it('JSON Schema encode/decode round trip (kafkajs validates on encode)', async () => {
    const url = registry().url;
    const subject = 'kjs-customers-value';
    const { id } = await kafkajsClient(url).register({ type: SchemaType.JSON, schema: JSON.stringify(CUSTOMER_SCHEMA) }, { subject });
    const latest = await expectStatus(url, 'GET', `/subjects/${enc(subject)}/versions/latest`, 200);
    expect(latest.body).toMatchObject({ id, schemaType: 'JSON', version: 1 });
    expect(await kafkajsClient(url).getRegistryIdBySchema(subject, { type: SchemaType.JSON, schema: JSON.stringify(CUSTOMER_SCHEMA) })).toBe(id);

    const bytes = await kafkajsClient(url).encode(id, CUSTOMER_VALUE);
    expect(schemaIdOf(bytes)).toBe(id);
    expect(await kafkajsClient(url).decode(bytes)).toEqual(CUSTOMER_VALUE);
    await expect(kafkajsClient(url).encode(id, CUSTOMER_INVALID)).rejects.toThrow(/invalid payload|must/i);
  });

  it('Protobuf encode/decode round trip of the first message (kafkajs ↔ kafkajs)', async () => {
    const url = registry().url;
    const subject = 'kjs-events-value';
    const { id } = await kafkajsClient(url).register({ type: SchemaType.PROTOBUF, schema: EVENT_PROTO }, { subject });
    expect(await kafkajsClient(url).getRegistryIdBySchema(subject, { type: SchemaType.PROTOBUF, schema: EVENT_PROTO })).toBe(id);
    const latest = await expectStatus(url, 'GET', `/subjects/${enc(subject)}/versions/latest`, 200);
    expect(latest.body).toMatchObject({ id, version: 1, schemaType: 'PROTOBUF' });
    expect(latest.body.schema).toMatch(/message Event/);

    const event = { name: 'signup', count: 3, labels: ['web', 'eu'], kind: 2 };
    const bytes = await kafkajsClient(url).encode(id, event);
    expect(schemaIdOf(bytes)).toBe(id);
    const decoded = await kafkajsClient(url).decode(bytes);
    expect(protobufjsObject(decoded)).toEqual({ ...event, kind: 'VIEW' });
  });

  it('KNOWN CLIENT LIMIT (clients.md §2.4, kafkajs#248): encode writes no message-index array, and decode always reads the first message', async () => {
    const url = registry().url;
    const subject = 'kjs-events-limit-value';
    const { id } = await kafkajsClient(url).register({ type: SchemaType.PROTOBUF, schema: EVENT_PROTO }, { subject });
    const bytes = await kafkajsClient(url).encode(id, { name: 'x', count: 1 });
    // Confluent wire format would be 00 <id> 00 <body> for the first message; kafkajs writes 00 <id> <body>
    // (the body starts with field 1's tag, 0x0a, not with an index count).
    expect(bytes[5]).toBe(0x0a);
    expect(bytes.length).toBe(5 + 5);

    // A client instance can only be told one message name (options.PROTOBUF.messageName), for all schemas.
    const other = kafkajsClient(url, { [SchemaType.PROTOBUF]: { messageName: 'Other' } });
    const otherBytes = await other.encode(id, { big: 7 });
    expect([...otherBytes.subarray(5)]).toEqual([0x08, 0x07]);
    // …and a default client decodes those bytes as the first message (Event), silently: the payload of an
    // Other comes back as an Event, and its only field (big = 7) is lost.
    const misread: any = await kafkajsClient(url).decode(otherBytes);
    expect(misread.$type.fullName).toBe('.kjs.Event');
    expect(protobufjsObject(misread)).not.toHaveProperty('big');
  });

  it('Protobuf with an import registered through `references` (the import path as reference name)', async () => {
    const url = registry().url;
    const money = await kafkajsClient(url).register({ type: SchemaType.PROTOBUF, schema: MONEY_PROTO }, { subject: 'kjs-acme-money' });
    const refs = [{ name: 'acme/money.proto', subject: 'kjs-acme-money', version: 1 }];
    const { id } = await kafkajsClient(url).register({ type: SchemaType.PROTOBUF, schema: ORDER_PROTO, references: refs }, { subject: 'kjs-orders-value' });
    expect(id).not.toBe(money.id);

    const stored = await expectStatus(url, 'GET', `/schemas/ids/${id}`, 200);
    expect(stored.body).toMatchObject({ schemaType: 'PROTOBUF', references: refs });
    expect(stored.body.schema).toMatch(/import "acme\/money\.proto";/);

    const bytes = await kafkajsClient(url).encode(id, KAFKAJS_ORDER_PAYLOAD);
    expect(schemaIdOf(bytes)).toBe(id);
    // A fresh client resolves the reference itself (GET /subjects/kjs-acme-money/versions/1?name=acme/money.proto).
    const decoded = await kafkajsClient(url).decode(bytes);
    expect(protobufjsObject(decoded)).toEqual(SAMPLE_ORDER_OBJECT);
  });

  it('KNOWN CLIENT LIMIT (clients.md §2.2): getRegistryIdBySchema sends no references, so a schema with imports cannot be looked up', async () => {
    const url = registry().url;
    await kafkajsClient(url).register({ type: SchemaType.PROTOBUF, schema: MONEY_PROTO }, { subject: 'kjs-acme-money-2' });
    const refs = [{ name: 'acme/money.proto', subject: 'kjs-acme-money-2', version: 1 }];
    const { id } = await kafkajsClient(url).register({ type: SchemaType.PROTOBUF, schema: ORDER_PROTO, references: refs }, { subject: 'kjs-orders-2-value' });
    // The same lookup with the references (what a correct client sends) finds it…
    const withRefs = await expectStatus(url, 'POST', `/subjects/kjs-orders-2-value`, 200, { schemaType: 'PROTOBUF', schema: ORDER_PROTO, references: refs });
    expect(withRefs.body).toMatchObject({ id, version: 1 });
    // …kafkajs's lookup, without them, cannot resolve the import and is refused.
    await expect(kafkajsClient(url).getRegistryIdBySchema('kjs-orders-2-value', { type: SchemaType.PROTOBUF, schema: ORDER_PROTO })).rejects.toThrow();
  });

  it('compatibility through registry.api.Subject.compatible (latest and an explicit version)', async () => {
    const url = registry().url;
    const subject = 'kjs-compat-value';
    const client = kafkajsClient(url);
    await client.register(avro(PAYMENT_V1), { subject });
    const api = kafkajsApi(client);
    const ok = await api.Subject.compatible({ subject, body: { schema: JSON.stringify(PAYMENT_V2) } });
    expect(ok.status()).toBe(200);
    expect(ok.data()).toMatchObject({ is_compatible: true });
    const bad = await api.Subject.compatible({ subject, body: { schema: JSON.stringify(PAYMENT_BAD) } });
    expect(bad.data()).toMatchObject({ is_compatible: false });
    const explicit = await api.Subject.compatible({ subject, version: 1, body: { schema: JSON.stringify(PAYMENT_BAD) } });
    expect(explicit.data()).toMatchObject({ is_compatible: false });
    // JSON Schema too (schemaType in the body).
    await client.register({ type: SchemaType.JSON, schema: JSON.stringify(CUSTOMER_SCHEMA) }, { subject: 'kjs-compat-json' });
    const narrowed = { ...CUSTOMER_SCHEMA, required: ['id', 'name', 'email'] };
    const json = await api.Subject.compatible({ subject: 'kjs-compat-json', body: { schemaType: 'JSON', schema: JSON.stringify(narrowed) } });
    expect(json.data()).toMatchObject({ is_compatible: false });
  });
});
