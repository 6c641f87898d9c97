/**
 * Avro serde against a real registry: round trips, subject strategies and serializer modes, schema
 * evolution with a reader schema, references, the synchronous fast path and bad bytes.
 */
import { describe, expect, it } from 'vitest';
import {
  AvroDeserializer,
  AvroSerializer,
  DeserializationError,
  RecordNameStrategy,
  RegistryClient,
  SchemaNotCachedError,
  SerializationError,
  TopicRecordNameStrategy,
  UnknownSchemaIdError,
  WireFormatError,
} from '@schemata/serdes';
import { withRegistry, type TestRegistry } from './helpers.js';

const USER_V1 = {
  type: 'record',
  name: 'User',
  namespace: 'acme',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'name', type: 'string' },
    { name: 'email', type: ['null', 'string'], default: null },
  ],
};
// v2 adds a field with a default and drops nothing: BACKWARD compatible.
const USER_V2 = {
  ...USER_V1,
  fields: [...USER_V1.fields, { name: 'age', type: 'int', default: -1 }, { name: 'tags', type: { type: 'array', items: 'string' }, default: [] }],
};

let registry: TestRegistry;
let client: RegistryClient;

withRegistry((r) => {
  registry = r;
  client = new RegistryClient({ baseUrls: r.url });
});

describe('Avro round trips', () => {
  it('registers the schema, frames the bytes and decodes them back', async () => {
    const ser = new AvroSerializer(client, { schema: USER_V1 });
    const bytes = await ser.serialize('users', { id: 7, name: 'Ada', email: 'ada@example.com' });
    expect(bytes[0]).toBe(0);
    const id = bytes.readInt32BE(1);
    const latest = await client.getLatestVersion('users-value');
    expect(latest.id).toBe(id);
    const de = new AvroDeserializer(client);
    const value = await de.deserialize('users', bytes);
    expect({ ...(value as object) }).toEqual({ id: 7, name: 'Ada', email: 'ada@example.com' });
  });

  it('serializes keys to <topic>-key', async () => {
    const ser = new AvroSerializer<string>(client, { schema: '"string"', isKey: true });
    const bytes = await ser.serialize('keys', 'k-1');
    expect((await client.getLatestVersion('keys-key')).id).toBe(bytes.readInt32BE(1));
    expect(await new AvroDeserializer(client, { isKey: true }).deserialize('keys', bytes)).toBe('k-1');
  });

  it('encodes exactly what avsc encodes after the 5-byte header', async () => {
    const ser = new AvroSerializer(client, { schema: USER_V1 });
    const bytes = await ser.serialize('users', { id: 1, name: 'B', email: null });
    expect([...bytes.subarray(5)]).toEqual([0x02, 0x02, 0x42, 0x00]);
  });

  it('handles values larger than the scratch buffer', async () => {
    const ser = new AvroSerializer(client, { schema: USER_V1 });
    const name = 'x'.repeat(100_000) + 'é';
    const bytes = await ser.serialize('users', { id: 2, name, email: null });
    const back = (await new AvroDeserializer(client).deserialize('users', bytes)) as { name: string };
    expect(back.name).toBe(name);
    // And the next small one still works.
    const small = await ser.serialize('users', { id: 3, name: 'c', email: null });
    expect(small.length).toBe(5 + 4);
  });

  it('deserializes Uint8Array input and returns null for tombstones', async () => {
    const ser = new AvroSerializer(client, { schema: USER_V1 });
    const bytes = await ser.serialize('users', { id: 4, name: 'D', email: null });
    const de = new AvroDeserializer(client);
    const copy = new Uint8Array(bytes);
    expect(((await de.deserialize('users', copy)) as { name: string }).name).toBe('D');
    expect(await de.deserialize('users', null)).toBeNull();
  });
});

describe('schema evolution', () => {
  it('reads v1 bytes with a v2 reader schema (defaults filled in) and v2 bytes with a v1 reader', async () => {
    const v1 = await new AvroSerializer(client, { schema: USER_V1 }).serialize('evolve', { id: 1, name: 'old', email: null });
    const v2 = await new AvroSerializer(client, { schema: USER_V2 }).serialize('evolve', {
      id: 2,
      name: 'new',
      email: 'n@x',
      age: 42,
      tags: ['a'],
    });
    expect(v1.readInt32BE(1)).not.toBe(v2.readInt32BE(1));
    expect(await client.listVersions('evolve-value')).toEqual([1, 2]);

    const asV2 = new AvroDeserializer(client, { readerSchema: USER_V2 });
    expect({ ...((await asV2.deserialize('evolve', v1)) as object) }).toEqual({ id: 1, name: 'old', email: null, age: -1, tags: [] });
    expect({ ...((await asV2.deserialize('evolve', v2)) as object) }).toEqual({ id: 2, name: 'new', email: 'n@x', age: 42, tags: ['a'] });

    const asV1 = new AvroDeserializer(client, { readerSchema: USER_V1 });
    expect({ ...((await asV1.deserialize('evolve', v2)) as object) }).toEqual({ id: 2, name: 'new', email: 'n@x' });

    // Without a reader schema each message comes out as written.
    const plain = new AvroDeserializer(client);
    expect(Object.keys((await plain.deserialize('evolve', v1)) as object)).toEqual(['id', 'name', 'email']);
  });

  it('fails clearly when the reader schema cannot read the writer schema', async () => {
    const bytes = await new AvroSerializer(client, { schema: USER_V1 }).serialize('evolve-bad', { id: 1, name: 'x', email: null });
    const reader = { type: 'record', name: 'User', namespace: 'acme', fields: [{ name: 'required', type: 'string' }] };
    const de = new AvroDeserializer(client, { readerSchema: reader });
    await expect(de.deserialize('evolve-bad', bytes)).rejects.toThrow(/reader schema acme.User cannot read data written with schema id \d+/);
  });

  it('useLatestVersion writes with the latest registered version; useVersion and useSchemaId with the given one', async () => {
    const v1Id = (await client.register('modes-value', { schema: JSON.stringify(USER_V1) })).id;
    const v2Id = (await client.register('modes-value', { schema: JSON.stringify(USER_V2) })).id;
    const latest = new AvroSerializer(client, { useLatestVersion: true });
    const b = await latest.serialize('modes', { id: 1, name: 'l', email: null, age: 3, tags: [] });
    expect(b.readInt32BE(1)).toBe(v2Id);
    const byVersion = new AvroSerializer(client, { useVersion: 1 });
    expect((await byVersion.serialize('modes', { id: 1, name: 'v', email: null })).readInt32BE(1)).toBe(v1Id);
    const byId = new AvroSerializer(client, { useSchemaId: v1Id });
    expect((await byId.serialize('modes', { id: 1, name: 'i', email: null })).readInt32BE(1)).toBe(v1Id);
    // The registered writer schema is used for encoding: a v1 writer ignores v2's extra fields.
    const de = new AvroDeserializer(client);
    expect({ ...((await de.deserialize('modes', await byId.serialize('modes', { id: 5, name: 'z', email: null, age: 9 }))) as object) }).toEqual({
      id: 5,
      name: 'z',
      email: null,
    });
  });

  it('useLatestVersion picks up a new version after latestCacheTtlMs; the sync path refreshes in the background', async () => {
    const fresh = new RegistryClient({ baseUrls: registry.url });
    const v1 = (await fresh.register('ttl-value', { schema: JSON.stringify(USER_V1) })).id;
    const ser = new AvroSerializer(fresh, { useLatestVersion: true, latestCacheTtlMs: 100 });
    expect((await ser.serialize('ttl', { id: 1, name: 'a', email: null })).readInt32BE(1)).toBe(v1);
    const v2 = (await fresh.register('ttl-value', { schema: JSON.stringify(USER_V2) })).id;
    // Within the TTL: still v1.
    expect(ser.serializeSync('ttl', { id: 1, name: 'a', email: null }).readInt32BE(1)).toBe(v1);
    await new Promise((r) => setTimeout(r, 150));
    // Expired: the sync path keeps writing v1 while it refreshes...
    expect(ser.serializeSync('ttl', { id: 1, name: 'a', email: null }).readInt32BE(1)).toBe(v1);
    await new Promise((r) => setTimeout(r, 100));
    // ...and then writes v2.
    expect(ser.serializeSync('ttl', { id: 1, name: 'a', email: null, age: 1, tags: [] }).readInt32BE(1)).toBe(v2);
    await new Promise((r) => setTimeout(r, 150));
    expect((await ser.serialize('ttl', { id: 1, name: 'a', email: null, age: 1, tags: [] })).readInt32BE(1)).toBe(v2);
  });

  it('autoRegister: false looks the schema up and fails when it is not registered', async () => {
    const lookup = new AvroSerializer(client, { schema: USER_V1, autoRegister: false });
    await expect(lookup.serialize('not-registered', { id: 1, name: 'x', email: null })).rejects.toThrow(
      /schema is not registered under subject "not-registered-value".*404/,
    );
    const id = (await client.register('registered-value', { schema: JSON.stringify(USER_V1) })).id;
    expect((await lookup.serialize('registered', { id: 1, name: 'x', email: null })).readInt32BE(1)).toBe(id);
  });

  it('normalize registers with normalize=true (the same id for a reordered schema)', async () => {
    const a = { type: 'record', name: 'N', fields: [{ name: 'a', type: 'int' }] };
    const b = { fields: [{ type: 'int', name: 'a' }], name: 'N', type: 'record' };
    const ida = (await new AvroSerializer(client, { schema: a, normalize: true }).serialize('norm', { a: 1 })).readInt32BE(1);
    const idb = (await new AvroSerializer(client, { schema: b, normalize: true }).serialize('norm', { a: 1 })).readInt32BE(1);
    expect(idb).toBe(ida);
  });
});

describe('subject name strategies', () => {
  it('RecordNameStrategy and TopicRecordNameStrategy use the record full name', async () => {
    await new AvroSerializer(client, { schema: USER_V1, subjectNameStrategy: RecordNameStrategy }).serialize('t1', { id: 1, name: 'a', email: null });
    await new AvroSerializer(client, { schema: USER_V1, subjectNameStrategy: TopicRecordNameStrategy }).serialize('t1', { id: 1, name: 'a', email: null });
    await new AvroSerializer(client, { schema: USER_V1, subjectNameStrategy: (topic, isKey) => `custom.${topic}.${isKey}` }).serialize('t1', {
      id: 1,
      name: 'a',
      email: null,
    });
    const subjects = await client.listSubjects();
    expect(subjects).toEqual(expect.arrayContaining(['acme.User', 't1-acme.User', 'custom.t1.false']));
  });

  it('RecordNameStrategy fails clearly for a schema without a name', async () => {
    const ser = new AvroSerializer(client, { schema: '"string"', subjectNameStrategy: 'record' });
    await expect(ser.serialize('t', 'x')).rejects.toThrow(/RecordNameStrategy needs a record name/);
  });
});

describe('references', () => {
  it('writes and reads a schema that references a type registered under another subject', async () => {
    const address = { type: 'record', name: 'Address', namespace: 'acme', fields: [{ name: 'city', type: 'string' }] };
    const { id: _ } = await client.register('acme.Address', { schema: JSON.stringify(address) });
    const person = {
      type: 'record',
      name: 'Person',
      namespace: 'acme',
      fields: [
        { name: 'name', type: 'string' },
        { name: 'home', type: 'acme.Address' },
      ],
    };
    const ser = new AvroSerializer(client, {
      schema: { schema: JSON.stringify(person), references: [{ name: 'acme.Address', subject: 'acme.Address', version: 1 }] },
    });
    const bytes = await ser.serialize('people', { name: 'P', home: { city: 'Paris' } });
    const back = (await new AvroDeserializer(client).deserialize('people', bytes)) as { home: { city: string } };
    expect(back.home.city).toBe('Paris');
  });
});

describe('synchronous fast path', () => {
  it('serializeSync / deserializeSync need one asynchronous call first, then give the same bytes and values', async () => {
    const ser = new AvroSerializer(client, { schema: USER_V1 });
    const de = new AvroDeserializer(client);
    expect(() => ser.serializeSync('fast', { id: 1, name: 'x', email: null })).toThrow(SchemaNotCachedError);
    const { schemaId } = await ser.prepare('fast');
    const syncBytes = ser.serializeSync('fast', { id: 1, name: 'x', email: null });
    expect(syncBytes.equals(await ser.serialize('fast', { id: 1, name: 'x', email: null }))).toBe(true);
    expect(() => de.deserializeSync('fast', syncBytes)).toThrow(SchemaNotCachedError);
    await de.prepare(schemaId);
    expect({ ...(de.deserializeSync('fast', syncBytes) as object) }).toEqual({ id: 1, name: 'x', email: null });
  });

  it('outputs do not share memory (a later message does not overwrite an earlier one)', async () => {
    const ser = new AvroSerializer(client, { schema: USER_V1 });
    const a = await ser.serialize('fast', { id: 1, name: 'first', email: null });
    const copy = Buffer.from(a);
    await ser.serialize('fast', { id: 2, name: 'second!', email: 'e' });
    expect(a.equals(copy)).toBe(true);
  });
});

describe('errors', () => {
  it('a value that does not match the schema is a SerializationError naming the field', async () => {
    const ser = new AvroSerializer(client, { schema: USER_V1 });
    const err = await ser.serialize('users', { id: 'seven', name: 'x', email: null }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SerializationError);
    expect((err as Error).message).toMatch(/value does not match the Avro schema acme.User .*id: "seven" is not a valid long/);
    await expect(ser.serialize('users', { id: 1, email: null })).rejects.toThrow(/name: undefined is not a valid string/);
    await expect(ser.serialize('users', { id: 2 ** 60, name: 'x', email: null })).rejects.toThrow(SerializationError);
  });

  it('bad bytes give clear errors, never a value', async () => {
    const ser = new AvroSerializer(client, { schema: USER_V1 });
    const good = await ser.serialize('users', { id: 9, name: 'nine', email: 'n@n' });
    const de = new AvroDeserializer(client);

    const wrongMagic = Buffer.from(good);
    wrongMagic[0] = 7;
    await expect(de.deserialize('users', wrongMagic)).rejects.toThrow(/unknown magic byte 0x07 \(expected 0x00\)/);
    await expect(de.deserialize('users', Buffer.from('{"a":1}'))).rejects.toThrow(/0x7b.*plain JSON/);
    await expect(de.deserialize('users', Buffer.from([0, 0, 0]))).rejects.toThrow(/3 bytes is too short/);
    await expect(de.deserialize('users', Buffer.alloc(0))).rejects.toBeInstanceOf(WireFormatError);

    const unknown = Buffer.from(good);
    unknown.writeInt32BE(987654, 1);
    const err = await de.deserialize('users', unknown).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnknownSchemaIdError);
    expect((err as Error).message).toMatch(/schema id 987654 is not known to the registry \(40403\)/);

    const truncated = good.subarray(0, good.length - 3);
    await expect(de.deserialize('users', truncated)).rejects.toThrow(/does not match the writer schema acme.User.*ends too early/);

    const trailing = Buffer.concat([good, Buffer.from([1, 2])]);
    await expect(de.deserialize('users', trailing)).rejects.toThrow(/2 trailing bytes after the value/);

    const badUnion = Buffer.from(good);
    // id=9 → 0x12, name "nine" → 0x08 + 4 bytes, then the union branch index.
    badUnion[5 + 1 + 5] = 0x0e; // branch 7
    await expect(de.deserialize('users', badUnion)).rejects.toBeInstanceOf(DeserializationError);
  });

  it('a huge array count in corrupt bytes fails fast instead of looping', async () => {
    const schema = { type: 'record', name: 'Arr', fields: [{ name: 'xs', type: { type: 'array', items: 'double' } }] };
    const ser = new AvroSerializer(client, { schema });
    const good = await ser.serialize('arr', { xs: [1.5] });
    // Replace the block count (1 → zig-zag 0x02) by 2^27 items (zig-zag 2^28), then by 2^40.
    const corrupt = Buffer.concat([good.subarray(0, 5), Buffer.from([0x80, 0x80, 0x80, 0x80, 0x01]), good.subarray(6)]);
    const start = Date.now();
    await expect(new AvroDeserializer(client).deserialize('arr', corrupt)).rejects.toThrow(/does not match the writer schema Arr.*ends too early/);
    const huge = Buffer.concat([good.subarray(0, 5), Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x40]), good.subarray(6)]);
    await expect(new AvroDeserializer(client).deserialize('arr', huge)).rejects.toThrow(/does not match the writer schema Arr/);
    expect(Date.now() - start).toBeLessThan(1000);
  });

  it('a schema of another type is refused by the Avro deserializer', async () => {
    const id = (await client.register('json-subject', { schemaType: 'JSON', schema: '{"type":"object"}' })).id;
    const bytes = Buffer.from([0, 0, 0, 0, 0, 0x7b, 0x7d]);
    bytes.writeInt32BE(id, 1);
    await expect(new AvroDeserializer(client).deserialize('x', bytes)).rejects.toThrow(/is a JSON schema; this is the AVRO deserializer/);
  });
});
