/** JSON Schema serde against a real registry: validation on write, optional validation on read, references, bad bytes. */
import { describe, expect, it } from 'vitest';
import { DeserializationError, JsonDeserializer, JsonSerializer, RegistryClient, SerializationError } from '@schemata/serdes';
import { withRegistry } from './helpers.js';

const PRODUCT = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'acme.Product',
  type: 'object',
  properties: {
    id: { type: 'integer' },
    name: { type: 'string', minLength: 1 },
    email: { type: 'string', format: 'email' },
    tags: { type: 'array', items: { type: 'string' } },
  },
  required: ['id', 'name'],
};

let client: RegistryClient;

withRegistry((registry) => {
  client = new RegistryClient({ baseUrls: registry.url });
});

describe('JSON Schema serde', () => {
  it('writes 0x00, the id and the JSON text, and reads the value back', async () => {
    const ser = new JsonSerializer(client, { schema: PRODUCT });
    const value = { id: 1, name: 'Widget', tags: ['a', 'ü'] };
    const bytes = await ser.serialize('products', value);
    expect(bytes[0]).toBe(0);
    expect(bytes.subarray(5).toString('utf8')).toBe(JSON.stringify(value));
    expect(bytes.readInt32BE(1)).toBe((await client.getLatestVersion('products-value')).id);
    expect(await new JsonDeserializer(client).deserialize('products', bytes)).toEqual(value);
  });

  it('validates on serialize and names the failing property', async () => {
    const ser = new JsonSerializer(client, { schema: PRODUCT });
    const err = await ser.serialize('products', { id: 'x', name: '' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SerializationError);
    expect((err as Error).message).toMatch(/value does not match the JSON schema acme.Product .*\/id must be integer/);
    await expect(ser.serialize('products', { id: 1, name: 'n', email: 'not-an-email' })).rejects.toThrow(/\/email must match format "email"/);
    await expect(ser.serialize('products', { name: 'n' })).rejects.toThrow(/must have required property 'id'/);
    // validate: false writes anything JSON can hold.
    const loose = new JsonSerializer(client, { schema: PRODUCT, validate: false });
    expect((await loose.serialize('products', { id: 'x' })).subarray(5).toString()).toBe('{"id":"x"}');
    await expect(loose.serialize('products', undefined)).rejects.toThrow(/cannot be written as JSON/);
  });

  it('validates on deserialize only when asked, against the reader schema if given', async () => {
    const loose = new JsonSerializer(client, { schema: PRODUCT, validate: false });
    const bytes = await loose.serialize('products', { id: 'x', name: 'n' });
    expect(await new JsonDeserializer(client).deserialize('products', bytes)).toEqual({ id: 'x', name: 'n' });
    await expect(new JsonDeserializer(client, { validate: true }).deserialize('products', bytes)).rejects.toThrow(
      /value does not match the writer schema acme.Product \(schema id \d+\): \/id must be integer/,
    );
    const reader = { type: 'object', properties: { id: { type: 'string' } } };
    expect(await new JsonDeserializer(client, { validate: true, readerSchema: reader }).deserialize('products', bytes)).toEqual({ id: 'x', name: 'n' });
  });

  it('uses the title for RecordNameStrategy', async () => {
    await new JsonSerializer(client, { schema: PRODUCT, subjectNameStrategy: 'topic-record' }).serialize('shop', { id: 1, name: 'n' });
    expect(await client.listSubjects()).toContain('shop-acme.Product');
  });

  it('resolves $ref to a registered reference', async () => {
    const address = { $id: 'address.json', type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
    await client.register('address', { schemaType: 'JSON', schema: JSON.stringify(address) });
    const person = { type: 'object', properties: { home: { $ref: 'address.json' } }, required: ['home'] };
    const ser = new JsonSerializer(client, {
      schema: { schemaType: 'JSON', schema: JSON.stringify(person), references: [{ name: 'address.json', subject: 'address', version: 1 }] },
    });
    const bytes = await ser.serialize('people', { home: { city: 'Oslo' } });
    await expect(ser.serialize('people', { home: {} })).rejects.toThrow(/\/home must have required property 'city'/);
    expect(await new JsonDeserializer(client, { validate: true }).deserialize('people', bytes)).toEqual({ home: { city: 'Oslo' } });
  });

  it('supports draft 2020-12', async () => {
    const schema = { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'array', prefixItems: [{ type: 'integer' }], items: false };
    const ser = new JsonSerializer(client, { schema });
    expect((await ser.serialize('tuples', [1])).length).toBe(8);
    await expect(ser.serialize('tuples', [1, 2])).rejects.toThrow(SerializationError);
  });

  it('reports a payload that is not JSON', async () => {
    const ser = new JsonSerializer(client, { schema: PRODUCT });
    const good = await ser.serialize('products', { id: 1, name: 'n' });
    const bad = Buffer.concat([good.subarray(0, 5), Buffer.from('{"id":1,')]);
    const err = await new JsonDeserializer(client).deserialize('products', bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeserializationError);
    expect((err as Error).message).toMatch(/payload of a message with schema id \d+ is not valid JSON/);
    await expect(new JsonDeserializer(client).deserialize('products', good.subarray(0, 5))).rejects.toThrow(/not valid JSON/);
  });
});
