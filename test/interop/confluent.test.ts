/**
 * @confluentinc/schemaregistry 1.10.1 (Confluent's official JS client and serdes) against the registry over
 * real HTTP: the REST client's calls, and round trips through its own Avro, Protobuf and JSON Schema
 * serializers/deserializers with their default ASSOCIATED subject strategy (which needs 404 from
 * /associations/... to fall back to TopicNameStrategy; see shared/docs/clients.md §1).
 */
import { create } from '@bufbuild/protobuf';
import {
  AvroDeserializer,
  AvroSerializer,
  Compatibility,
  JsonDeserializer,
  JsonSerializer,
  ProtobufDeserializer,
  ProtobufSerializer,
  RestError,
  SerdeType,
} from '@confluentinc/schemaregistry';
import { expect, it } from 'vitest';
import { eachBackend, enc, expectStatus, request, useRegistry } from '../helpers/live-registry.js';
import {
  confluentClient,
  CUSTOMER_INVALID,
  CUSTOMER_SCHEMA,
  CUSTOMER_VALUE,
  orderTypes,
  PAYMENT_BAD,
  PAYMENT_V1,
  PAYMENT_V2,
  PAYMENT_VALUE,
  PAYMENT_VALUE_NULL_NOTE,
  sampleOrder,
  schemaIdOf,
} from './schemas.js';

/** Runs `fn`, expecting a RestError with this status and (one of these) error code(s). */
async function expectRestError(fn: () => Promise<unknown>, status: number, errorCode: number | number[]): Promise<RestError> {
  let caught: unknown;
  try {
    await fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'a RestError was thrown').toBeInstanceOf(RestError);
  const err = caught as RestError;
  expect(err.status, err.message).toBe(status);
  expect(Array.isArray(errorCode) ? errorCode : [errorCode], err.message).toContain(err.errorCode);
  return err;
}

const avro = (schema: object) => ({ schemaType: 'AVRO', schema: JSON.stringify(schema) });

eachBackend('@confluentinc/schemaregistry 1.10.1', (backend) => {
  const registry = useRegistry(backend, 'interop_confluent');

  it('register, then look the schema up by subject (getId, getVersion, getLatestSchemaMetadata) with fresh caches', async () => {
    const subject = 'conf-payments-value';
    const id = await confluentClient(registry().url).register(subject, avro(PAYMENT_V1));
    expect(id).toBeGreaterThan(0);

    // A second client has empty caches, so every answer below comes from the registry.
    const client = confluentClient(registry().url);
    // Registering the same schema again (whitespace differs) is idempotent.
    expect(await client.register(subject, { schemaType: 'AVRO', schema: JSON.stringify(PAYMENT_V1, null, 2) })).toBe(id);
    expect(await client.getId(subject, avro(PAYMENT_V1))).toBe(id);
    const full = await client.getIdFullResponse(subject, avro(PAYMENT_V1));
    expect(full).toMatchObject({ id, version: 1 });
    expect(await client.getVersion(subject, avro(PAYMENT_V1))).toBe(1);

    const latest = await client.getLatestSchemaMetadata(subject);
    expect(latest).toMatchObject({ id, version: 1, subject });
    expect(JSON.parse(latest.schema)).toMatchObject({ type: 'record', name: 'Payment', namespace: 'acme.avro' });
    expect(latest.schemaType ?? 'AVRO').toBe('AVRO');

    const byId = await client.getBySubjectAndId(subject, id);
    expect(JSON.parse(byId.schema)).toEqual(JSON.parse(latest.schema));
    expect(await client.getAllVersions(subject)).toEqual([1]);
    expect(await client.getAllSubjects()).toContain(subject);

    // A schema that was never registered under the subject: 404/40403 (subject exists, schema does not).
    await expectRestError(() => client.getId(subject, avro(PAYMENT_V2)), 404, 40403);
    // An unknown subject: 404/40401.
    await expectRestError(() => client.getLatestSchemaMetadata('conf-no-such-subject'), 404, 40401);
  });

  it('getBySubjectAndId serves the schema by id whatever subject is named (empty, or one without the id)', async () => {
    const url = registry().url;
    const id = await confluentClient(url).register('conf-byid-value', avro(PAYMENT_V1));
    // RECORD-strategy deserializers send `?subject=` (empty); others may name any subject (clients.md §1.2).
    for (const subject of ['', 'conf-some-other-subject', 'conf-byid-value']) {
      const info = await confluentClient(url).getBySubjectAndId(subject, id);
      expect(JSON.parse(info.schema), `subject=${JSON.stringify(subject)}`).toMatchObject({ name: 'Payment' });
    }
    await expectRestError(() => confluentClient(url).getBySubjectAndId('', 987654), 404, 40403);
  });

  it('metadata: register with metadata properties, then getLatestWithMetadata finds the version by them', async () => {
    const url = registry().url;
    const subject = 'conf-metadata-value';
    const client = confluentClient(url);
    const v1 = await client.registerFullResponse(subject, { ...avro(PAYMENT_V1), metadata: { properties: { owner: 'team-a', tier: 'gold' } } });
    const v2 = await client.registerFullResponse(subject, { ...avro(PAYMENT_V2), metadata: { properties: { owner: 'team-b' } } });
    expect(v2.id).not.toBe(v1.id);
    // The client builds `/subjects/{s}/metadata?deleted=false&&key=owner&value=team-a` (note the `&&`).
    const found = await confluentClient(url).getLatestWithMetadata(subject, { owner: 'team-a' });
    expect(found).toMatchObject({ id: v1.id, version: 1, metadata: { properties: { owner: 'team-a', tier: 'gold' } } });
    expect(await confluentClient(url).getLatestWithMetadata(subject, { owner: 'team-a', tier: 'gold' })).toMatchObject({ version: 1 });
    expect(await confluentClient(url).getLatestWithMetadata(subject, { owner: 'team-b' })).toMatchObject({ id: v2.id, version: 2 });
    await expectRestError(() => confluentClient(url).getLatestWithMetadata(subject, { owner: 'nobody' }), 404, 40403);
  });

  it('testSubjectCompatibility / testCompatibility: a compatible and an incompatible evolution under BACKWARD', async () => {
    const subject = 'conf-compat-value';
    const client = confluentClient(registry().url);
    await client.register(subject, avro(PAYMENT_V1));
    expect(await client.testSubjectCompatibility(subject, avro(PAYMENT_V2))).toBe(true);
    expect(await client.testSubjectCompatibility(subject, avro(PAYMENT_BAD))).toBe(false);
    expect(await client.testCompatibility(subject, 1, avro(PAYMENT_V2))).toBe(true);
    expect(await client.testCompatibility(subject, 1, avro(PAYMENT_BAD))).toBe(false);
    // `latest` of a subject without versions is compatible (no 404), an explicit version that does not exist is 404/40402.
    expect(await client.testSubjectCompatibility('conf-compat-unknown-value', avro(PAYMENT_BAD))).toBe(true);
    await expectRestError(() => client.testCompatibility(subject, 9, avro(PAYMENT_V2)), 404, 40402);

    // The incompatible schema is refused at registration too (409) and the compatible one becomes version 2.
    // error_code 409 up to Confluent 8.0.x, 40901 on master (confluent-api.md §1, §7): either is fine.
    const refused = await expectRestError(() => client.register(subject, avro(PAYMENT_BAD)), 409, [409, 40901]);
    expect(refused.message).toMatch(/incompatible/i);
    const v2 = await client.registerFullResponse(subject, avro(PAYMENT_V2));
    expect(v2.id).toBeGreaterThan(0);
    expect(await client.getAllVersions(subject)).toEqual([1, 2]);
  });

  it('config: get (40408 before any subject config), update, read back; default config', async () => {
    const subject = 'conf-config-value';
    const client = confluentClient(registry().url);
    await client.register(subject, avro(PAYMENT_V1));

    await expectRestError(() => client.getCompatibility(subject), 404, 40408);
    expect(await client.getDefaultCompatibility()).toBe(Compatibility.BACKWARD);

    expect(await client.updateCompatibility(subject, Compatibility.FULL)).toBe(Compatibility.FULL);
    expect(await client.getCompatibility(subject)).toBe(Compatibility.FULL);
    // Under FULL, v2 (field with default) is still compatible; PAYMENT_BAD is not.
    expect(await client.testSubjectCompatibility(subject, avro(PAYMENT_V2))).toBe(true);
    expect(await client.testSubjectCompatibility(subject, avro(PAYMENT_BAD))).toBe(false);

    const updated = await client.updateConfig(subject, { compatibility: Compatibility.FORWARD_TRANSITIVE, normalize: true });
    expect(updated).toMatchObject({ compatibility: Compatibility.FORWARD_TRANSITIVE, normalize: true });
    expect(await client.getConfig(subject)).toMatchObject({ compatibilityLevel: Compatibility.FORWARD_TRANSITIVE, normalize: true });
    expect(await client.getCompatibility(subject)).toBe(Compatibility.FORWARD_TRANSITIVE);
    // The global default is untouched.
    expect(await client.getDefaultConfig()).toMatchObject({ compatibilityLevel: Compatibility.BACKWARD });
  });

  it('deleteSubject: soft delete, then permanent delete', async () => {
    const subject = 'conf-delete-value';
    const client = confluentClient(registry().url);
    const id = await client.register(subject, avro(PAYMENT_V1));
    await client.register(subject, avro(PAYMENT_V2));

    expect(await client.deleteSubject(subject)).toEqual([1, 2]);
    expect(await client.getAllSubjects()).not.toContain(subject);
    await expectRestError(() => confluentClient(registry().url).getAllVersions(subject), 404, 40401);
    // A soft-deleted version still serves its schema by id (deserializers need it) and with deleted=true.
    expect(JSON.parse((await confluentClient(registry().url).getBySubjectAndId(subject, id)).schema)).toMatchObject({ name: 'Payment' });
    expect(await confluentClient(registry().url).getSchemaMetadata(subject, 1, true)).toMatchObject({ id, version: 1 });

    expect(await client.deleteSubject(subject, true)).toEqual([1, 2]);
    const gone = await request(registry().url, 'GET', `/subjects/${enc(subject)}/versions?deleted=true`);
    expect({ status: gone.status, error_code: gone.body?.error_code }).toEqual({ status: 404, error_code: 40401 });
  });

  it('Avro round trip: register, then AvroSerializer with useLatestVersion and AvroDeserializer', async () => {
    const topic = 'conf-avro-latest';
    const url = registry().url;
    const id = await confluentClient(url).register(`${topic}-value`, avro(PAYMENT_V1));

    const ser = new AvroSerializer(confluentClient(url), SerdeType.VALUE, { useLatestVersion: true });
    const bytes = await ser.serialize(topic, PAYMENT_VALUE);
    expect(schemaIdOf(bytes)).toBe(id);
    const bytes2 = await ser.serialize(topic, PAYMENT_VALUE_NULL_NOTE);

    const de = new AvroDeserializer(confluentClient(url), SerdeType.VALUE, {});
    expect(await de.deserialize(topic, bytes)).toEqual(PAYMENT_VALUE);
    expect(await de.deserialize(topic, bytes2)).toEqual(PAYMENT_VALUE_NULL_NOTE);

    // A reader on the latest version (v2, with a defaulted field) resolves v1 data through the registry.
    await confluentClient(url).register(`${topic}-value`, avro(PAYMENT_V2));
    const migrating = new AvroDeserializer(confluentClient(url), SerdeType.VALUE, { useLatestVersion: true });
    expect(await migrating.deserialize(topic, bytes)).toEqual({ ...PAYMENT_VALUE, memo: '' });
  });

  it('Avro round trip with autoRegisterSchemas and the default ASSOCIATED strategy (/associations → 404 → topic-value)', async () => {
    const topic = 'conf-avro-auto';
    const url = registry().url;
    const associations = await request(url, 'GET', `/associations/resources/-/${topic}?resourceType=topic&associationType=value`);
    expect(associations.status, associations.text).toBe(404);

    const value = { sku: 'X-1', count: 3, price: 9.75, tags: ['a', 'b'] };
    const ser = new AvroSerializer(confluentClient(url), SerdeType.VALUE, { autoRegisterSchemas: true });
    const bytes = await ser.serialize(topic, value);

    // The inferred schema was registered under the topic's value subject, with the id written in the bytes.
    const latest = await expectStatus(url, 'GET', `/subjects/${enc(`${topic}-value`)}/versions/latest`, 200);
    expect(latest.body).toMatchObject({ subject: `${topic}-value`, version: 1, id: schemaIdOf(bytes) });
    const inferred = JSON.parse(latest.body.schema);
    expect(inferred.type).toBe('record');
    expect(inferred.fields.map((f: { name: string }) => f.name).sort()).toEqual(['count', 'price', 'sku', 'tags']);

    const de = new AvroDeserializer(confluentClient(url), SerdeType.VALUE, {});
    expect(await de.deserialize(topic, bytes)).toEqual(value);
    // Serializing again reuses the id (looked up or cached, never a second version).
    const again = await new AvroSerializer(confluentClient(url), SerdeType.VALUE, { autoRegisterSchemas: true }).serialize(topic, value);
    expect(schemaIdOf(again)).toBe(schemaIdOf(bytes));
    expect((await expectStatus(url, 'GET', `/subjects/${enc(`${topic}-value`)}/versions`, 200)).body).toEqual([1]);
  });

  it('Protobuf round trip: auto-registers the import (acme/money.proto) and the file as base64 descriptors; top-level, nested and second messages', async () => {
    const topic = 'conf-orders';
    const url = registry().url;
    const t = orderTypes();
    const ser = new ProtobufSerializer(confluentClient(url), SerdeType.VALUE, { autoRegisterSchemas: true, registry: t.registry });

    const order = sampleOrder(t);
    const bytes = await ser.serialize(topic, order);
    const id = schemaIdOf(bytes);
    // Message indexes [0] are written as a single 0x00 (clients.md §1.5).
    expect(bytes[5]).toBe(0);

    // The import went to its path subject, and the file references it by import path.
    const money = await expectStatus(url, 'GET', `/subjects/${enc('acme/money.proto')}/versions/latest`, 200);
    expect(money.body).toMatchObject({ subject: 'acme/money.proto', version: 1, schemaType: 'PROTOBUF' });
    const main = await expectStatus(url, 'GET', `/subjects/${enc(`${topic}-value`)}/versions/latest`, 200);
    expect(main.body).toMatchObject({ id, version: 1, schemaType: 'PROTOBUF', references: [{ name: 'acme/money.proto', subject: 'acme/money.proto', version: 1 }] });

    const de = new ProtobufDeserializer(confluentClient(url), SerdeType.VALUE, {});
    expect(await de.deserialize(topic, bytes)).toEqual(order);

    // A nested message (Order.Line): indexes [0, 0] → 04 00 00.
    const line = create(t.Line, { sku: 'N-1', quantity: 5, price: create(t.Money, { currencyCode: 'USD', units: 3n, nanos: 250 }) } as any);
    const lineBytes = await ser.serialize(topic, line);
    expect(schemaIdOf(lineBytes)).toBe(id);
    expect([...lineBytes.subarray(5, 8)]).toEqual([4, 0, 0]);
    expect(await new ProtobufDeserializer(confluentClient(url), SerdeType.VALUE, {}).deserialize(topic, lineBytes)).toEqual(line);

    // The second top-level message (Shipment): indexes [1] → 02 02.
    const shipment = create(t.Shipment, { orderId: 'order-42', carrier: 'DHL' } as any);
    const shipmentBytes = await ser.serialize(topic, shipment);
    expect([...shipmentBytes.subarray(5, 7)]).toEqual([2, 2]);
    expect(await new ProtobufDeserializer(confluentClient(url), SerdeType.VALUE, {}).deserialize(topic, shipmentBytes)).toEqual(shipment);

    // Still one version per subject: the later serializations looked the schemas up.
    expect((await expectStatus(url, 'GET', `/subjects/${enc(`${topic}-value`)}/versions`, 200)).body).toEqual([1]);
    expect((await expectStatus(url, 'GET', `/subjects/${enc('acme/money.proto')}/versions`, 200)).body).toEqual([1]);
  });

  it('Protobuf with autoRegisterSchemas off: a fresh serializer finds the registered descriptors by lookup (same ids)', async () => {
    const topic = 'conf-orders-lookup';
    const url = registry().url;
    const t = orderTypes();
    const first = await new ProtobufSerializer(confluentClient(url), SerdeType.VALUE, { autoRegisterSchemas: true, registry: t.registry }).serialize(topic, sampleOrder(t));
    const second = await new ProtobufSerializer(confluentClient(url), SerdeType.VALUE, { autoRegisterSchemas: false, registry: t.registry }).serialize(topic, sampleOrder(t));
    expect(schemaIdOf(second)).toBe(schemaIdOf(first));
    expect(second.equals(first)).toBe(true);
  });

  it('JSON Schema round trip with validate: true (invalid values refused on serialize)', async () => {
    const topic = 'conf-customers';
    const url = registry().url;
    const id = await confluentClient(url).register(`${topic}-value`, { schemaType: 'JSON', schema: JSON.stringify(CUSTOMER_SCHEMA) });
    const latest = await confluentClient(url).getLatestSchemaMetadata(`${topic}-value`);
    expect(latest).toMatchObject({ id, version: 1, schemaType: 'JSON' });

    const ser = new JsonSerializer(confluentClient(url), SerdeType.VALUE, { useLatestVersion: true, validate: true });
    const bytes = await ser.serialize(topic, CUSTOMER_VALUE);
    expect(schemaIdOf(bytes)).toBe(id);
    expect(JSON.parse(bytes.subarray(5).toString('utf8'))).toEqual(CUSTOMER_VALUE);
    await expect(ser.serialize(topic, CUSTOMER_INVALID)).rejects.toThrow();

    const de = new JsonDeserializer(confluentClient(url), SerdeType.VALUE, { validate: true });
    expect(await de.deserialize(topic, bytes)).toEqual(CUSTOMER_VALUE);
    // Validation on read as well: a payload that breaks the schema is refused.
    const forged = Buffer.concat([bytes.subarray(0, 5), Buffer.from(JSON.stringify(CUSTOMER_INVALID))]);
    await expect(de.deserialize(topic, forged)).rejects.toThrow();
  });
});
