/**
 * The Kafka store's record decoding and in-memory view, without a broker: the fast path for plain SCHEMA
 * keys must decode exactly what JSON.parse would, and refuse what it would refuse; a schema carried by
 * several versions stays until the last one goes.
 */
import { describe, expect, it } from 'vitest';
import { decodeKey, decodeSchemaValue, MalformedRecord } from '../../registry/src/store/kafka/records.js';
import { SchemaView } from '../../registry/src/store/kafka/view.js';

describe('SCHEMA keys', () => {
  const cases: [string, unknown][] = [
    ['{"keytype":"SCHEMA","subject":"orders-value","version":3,"magic":1}', { keytype: 'SCHEMA', subject: 'orders-value', version: 3 }],
    ['{"keytype":"SCHEMA","subject":"","version":1,"magic":0}', { keytype: 'SCHEMA', subject: '', version: 1 }],
    ['{"keytype":"SCHEMA","subject":":.ctx:s","version":123456789,"magic":1}', { keytype: 'SCHEMA', subject: ':.ctx:s', version: 123456789 }],
    // Escapes, non-ASCII, other field orders, spaces and missing magic go through JSON.parse.
    ['{"keytype":"SCHEMA","subject":"a\\"b\\\\c\\u00e9","version":2,"magic":1}', { keytype: 'SCHEMA', subject: 'a"b\\cé', version: 2 }],
    ['{"keytype":"SCHEMA","subject":"zürich","version":2,"magic":1}', { keytype: 'SCHEMA', subject: 'zürich', version: 2 }],
    ['{"subject":"s","keytype":"SCHEMA","magic":1,"version":4}', { keytype: 'SCHEMA', subject: 's', version: 4 }],
    ['{"keytype": "SCHEMA", "subject": "s", "version": 5, "magic": 1}', { keytype: 'SCHEMA', subject: 's', version: 5 }],
    ['{"keytype":"SCHEMA","subject":"s","version":6}', { keytype: 'SCHEMA', subject: 's', version: 6 }],
    ['{"keytype":"SCHEMA","subject":"s","version":1234567890,"magic":1}', { keytype: 'SCHEMA', subject: 's', version: 1234567890 }],
  ];
  it.each(cases)('%s', (raw, expected) => {
    expect(decodeKey(Buffer.from(raw))).toEqual(expected);
    expect(decodeKey(raw)).toEqual(expected);
  });

  const refused = [
    '{"keytype":"SCHEMA","subject":"s","version":0,"magic":1}',
    '{"keytype":"SCHEMA","subject":"s","version":01,"magic":1}',
    '{"keytype":"SCHEMA","subject":"s","version":1,"magic":2}',
    '{"keytype":"SCHEMA","subject":"a\u0001b","version":1,"magic":1}',
    '{"keytype":"SCHEMA","subject":"s","version":1,"magic":1}x',
    '{"keytype":"SCHEMA","subject":7,"version":1,"magic":1}',
  ];
  it.each(refused)('refuses %s', (raw) => {
    expect(() => decodeKey(Buffer.from(raw))).toThrow(MalformedRecord);
  });
});

describe('SCHEMA values', () => {
  it('reads Confluent\'s fields, AVRO when schemaType is absent, no references when the list is absent or empty', () => {
    const v = decodeSchemaValue('{"subject":"s","version":1,"id":7,"schema":"\\"string\\"","deleted":false}');
    expect(v).toEqual({ subject: 's', version: 1, id: 7, schemaType: 'AVRO', references: [], schema: '"string"', deleted: false });
    expect(decodeSchemaValue('{"subject":"s","version":1,"id":7,"references":[],"schema":"x"}').references).toEqual([]);
  });
});

describe('SchemaView', () => {
  const value = (subject: string, version: number, id: number, deleted = false) => ({
    subject,
    version,
    id,
    schemaType: 'AVRO' as const,
    references: [],
    schema: '"string"',
    deleted,
  });
  const load = (view: SchemaView, subject: string, version: number, v: ReturnType<typeof value> | null) =>
    view.load({ key: { keytype: 'SCHEMA', subject, version }, value: v, ts: 1 });

  it('keeps a schema while any version carries it, and purges it with the last', () => {
    const view = new SchemaView();
    const purged: number[] = [];
    view.onPurge = (_context, id) => purged.push(id);
    load(view, 'a', 1, value('a', 1, 1));
    load(view, 'b', 1, value('b', 1, 1));
    load(view, 'c', 1, value('c', 1, 1));
    expect(view.versionsOfSchema('.', 1).map((v) => v.subject)).toEqual(['a', 'b', 'c']);
    load(view, 'b', 1, null);
    expect(view.versionsOfSchema('.', 1).map((v) => v.subject)).toEqual(['a', 'c']);
    load(view, 'a', 1, null);
    expect(view.versionsOfSchema('.', 1).map((v) => v.subject)).toEqual(['c']);
    expect(purged).toEqual([]);
    load(view, 'c', 1, null);
    expect(view.schemaById('.', 1)).toBeUndefined();
    expect(purged).toEqual([1]);
  });

  it('replaces a version in place and finds versions out of order', () => {
    const view = new SchemaView();
    load(view, 'a', 2, value('a', 2, 2));
    load(view, 'a', 1, value('a', 1, 1));
    load(view, 'a', 3, value('a', 3, 3));
    load(view, 'a', 2, value('a', 2, 2, true));
    expect(view.subjectVersions('a').map((v) => [v.version, v.schemaId, v.deleted])).toEqual([
      [1, 1, false],
      [2, 2, true],
      [3, 3, false],
    ]);
    expect(view.subjectVersion('a', 2)?.deleted).toBe(true);
    expect(view.subjectVersion('a', 4)).toBeUndefined();
  });
});
