import { describe, expect, it } from 'vitest';
import { avroFormat, InvalidSchemaError, type ResolvedReference } from '../../../serdes/src/formats/index.js';
import { AvroSchema } from '../../../serdes/src/formats/avro/index.js';

const address = (extra = ''): string =>
  '{"type":"record","name":"Address","namespace":"com.acme","fields":[{"name":"street","type":"string"},' +
  `{"name":"geo","type":{"type":"record","name":"Geo","fields":[{"name":"lat","type":"double"}]}}${extra}]}`;
const customer = '{"type":"record","name":"Customer","namespace":"com.acme","fields":[{"name":"home","type":"Address"}]}';
const order =
  '{"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"customer","type":"Customer"},' +
  '{"name":"ship","type":"com.acme.Address"},{"name":"where","type":"Geo"}]}';

function ref(name: string, schema: string, references: ResolvedReference[] = [], subject = name, version = 1): ResolvedReference {
  return { name, subject, version, schemaType: 'AVRO', schema, references };
}

const addressRef = ref('com.acme.Address', address());
const customerRef = ref('com.acme.Customer', customer, [addressRef]);

describe('references', () => {
  it('resolves references of references first, so the referrer can use their types by name', () => {
    const s = AvroSchema.parse(order, [customerRef]);
    expect(s.recordName()).toBe('com.acme.Order');
    expect(s.references).toEqual([{ name: 'com.acme.Customer', subject: 'com.acme.Customer', version: 1 }]);
    expect([...s.namedTypes().keys()].sort()).toEqual([
      'com.acme.Address',
      'com.acme.Customer',
      'com.acme.Geo',
      'com.acme.Order',
    ]);
  });

  it("writes the references' top-level types by name (a type nested in a reference is inlined, as Avro-Java does)", () => {
    expect(AvroSchema.parse(order, [customerRef]).canonical).toBe(
      '{"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"customer","type":"Customer"},' +
        '{"name":"ship","type":"Address"},' +
        '{"name":"where","type":{"type":"record","name":"Geo","fields":[{"name":"lat","type":"double"}]}}]}',
    );
  });

  it('re-reads its own canonical string with the same references (an inlined nested type is an equal redefinition)', () => {
    const first = AvroSchema.parse(order, [customerRef]);
    expect(AvroSchema.parse(first.canonical, [customerRef], { validate: false }).canonical).toBe(first.canonical);
  });

  it('inlines every referenced type for format=resolved', () => {
    const s = AvroSchema.parse(order, [customerRef]);
    expect(s.formatted('resolved')).toBe(
      '{"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"customer","type":{"type":"record",' +
        '"name":"Customer","fields":[{"name":"home","type":{"type":"record","name":"Address","fields":[{"name":"street",' +
        '"type":"string"},{"name":"geo","type":{"type":"record","name":"Geo","fields":[{"name":"lat","type":"double"}]}}]}}]}},' +
        '{"name":"ship","type":"Address"},{"name":"where","type":"Geo"}]}',
    );
    expect(s.formatted('serialized')).toBeUndefined();
  });

  it('fails with InvalidSchemaError when a reference is missing', () => {
    expect(() => AvroSchema.parse(order, [])).toThrow(InvalidSchemaError);
    expect(() => AvroSchema.parse(order, [])).toThrow('Unknown type: "Customer" (looked up as "com.acme.Customer")');
    // Depth-first matters: Customer needs Address, which only the nested reference provides.
    expect(() => AvroSchema.parse(order, [ref('com.acme.Customer', customer)])).toThrow(
      'Invalid schema: referenced schema "com.acme.Customer" cannot be read: Unknown type: "Address"',
    );
  });

  it('reads each reference name once (the first wins), as Confluent does', () => {
    const other = ref('com.acme.Address', address(',{"name":"zip","type":"string"}'), [], 'other-subject', 3);
    const s = AvroSchema.parse(order, [addressRef, ref('com.acme.Customer', customer, [other])]);
    expect(s.formatted('resolved')).not.toContain('zip');
  });

  it('checks compatibility through referenced types', () => {
    const v1 = AvroSchema.parse(order, [customerRef]);
    const address2 = ref('com.acme.Address', address(',{"name":"zip","type":"string"}'), [], 'com.acme.Address', 2);
    const v2 = AvroSchema.parse(order, [ref('com.acme.Customer', customer, [address2], 'com.acme.Customer', 2)]);
    const issues = avroFormat.backwardIssues(v2, v1);
    // Address is met twice (customer.home and ship); like Avro-Java, the memoised result of the pair is
    // reported again, with the location where it was first found.
    expect(issues.map((i) => [i.type, i.path])).toEqual([
      ['READER_FIELD_MISSING_DEFAULT_VALUE', '/fields/0/type/fields/0/type/fields/2'],
      ['READER_FIELD_MISSING_DEFAULT_VALUE', '/fields/0/type/fields/0/type/fields/2'],
    ]);
    expect(issues[0]?.message).toBe(
      "The field 'zip' at path '/fields/0/type/fields/0/type/fields/2' in the new schema has no default value and is missing in the old schema",
    );
    expect(avroFormat.backwardIssues(v1, v2)).toEqual([]);
  });
});
