import { create, toBinary } from '@bufbuild/protobuf';
import * as wkt from '@bufbuild/protobuf/wkt';
import { describe, expect, it } from 'vitest';
import { parseProtobuf, ProtobufSchema, protobufFormat } from '../../../serdes/src/formats/protobuf/index.js';
import { ref } from './helpers.js';
import { COMMON, PROTO3_RICH } from './samples.js';

describe('ProtobufSchema for the client SDK', () => {
  const schema = parseProtobuf(PROTO3_RICH, [ref('common.proto', COMMON)]);

  it('is what protobufFormat.parse returns', () => {
    expect(protobufFormat.parse('syntax = "proto3"; message M {}')).toBeInstanceOf(ProtobufSchema);
    expect(protobufFormat.type).toBe('PROTOBUF');
    expect(schema.schemaType).toBe('PROTOBUF');
  });

  it('names the first message as the record name', () => {
    expect(schema.recordName()).toBe('acme.orders.v1.Order');
    expect(parseProtobuf('syntax = "proto3"; enum E { A = 0; } message Later {}').recordName()).toBe('Later');
    expect(parseProtobuf('syntax = "proto3"; enum E { A = 0; }').recordName()).toBeUndefined();
    expect(schema.hasTopLevelField('lines')).toBe(true);
    expect(schema.hasTopLevelField('order')).toBe(false);
  });

  it('lists the top-level messages and maps message types to Confluent message indexes and back', () => {
    expect(schema.messageTypes()).toEqual(['acme.orders.v1.Order', 'acme.orders.v1.OrderEvent']);
    expect(schema.messageIndexes('acme.orders.v1.Order')).toEqual([0]);
    expect(schema.messageIndexes('acme.orders.v1.OrderEvent')).toEqual([1]);
    expect(schema.messageIndexes('acme.orders.v1.Order.Line')).toEqual([0, 0]);
    expect(schema.messageIndexes('acme.orders.v1.Order.Card')).toEqual([0, 1]);
    expect(schema.messageNameAt([])).toBe('acme.orders.v1.Order');
    expect(schema.messageNameAt([0, 1])).toBe('acme.orders.v1.Order.Card');
    expect(() => schema.messageIndexes('acme.orders.v1.Nope')).toThrow(/not defined/);
    expect(() => schema.messageNameAt([5])).toThrow(/invalid message indexes/);
  });

  it('does not count enums or map entries in message indexes', () => {
    const s = parseProtobuf('syntax = "proto3"; enum E { A = 0; } message A { map<string, B> m = 1; message B {} } message C {}');
    expect(s.messageIndexes('A.B')).toEqual([0, 0]);
    expect(s.messageIndexes('C')).toEqual([1]);
  });

  it('exposes a protobufjs Root with the file and its imports for serializers', () => {
    const Order = schema.root.lookupType('acme.orders.v1.Order');
    const value = {
      id: 'o-1',
      created: { seconds: 1700000000, nanos: 5 },
      lines: [{ sku: 'abc', quantity: 2, price: { currency: 'EUR', units: 3, nanos: -4 } }],
      labels: { a: 'b' },
      note: 'hi',
      card: { number: '4111', expiry: 1229 },
      total: { currency: 'EUR', units: 6 },
    };
    const bytes = Order.encode(Order.fromObject(value)).finish();
    const back = Order.toObject(Order.decode(bytes), { longs: Number, oneofs: true });
    expect(back).toMatchObject({ id: 'o-1', note: 'hi', payment: 'card', card: { number: '4111', expiry: 1229 }, labels: { a: 'b' } });
    expect(back['lines'][0].price).toEqual({ currency: 'EUR', units: 3, nanos: -4 });
    expect(schema.root.lookupType('google.protobuf.Timestamp').fieldsArray.map((f) => f.name)).toEqual(['seconds', 'nanos']);
  });

  it('returns the descriptor as bytes and base64', () => {
    const bytes = schema.toDescriptor();
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(bytes).toString('base64')).toBe(schema.formatted('serialized'));
    expect(schema.toDescriptorBase64('orders.proto')).not.toBe(schema.toDescriptorBase64());
  });

  it('reads descriptors written by other tools: relative type names, json_name always set', () => {
    const fd = create(wkt.FileDescriptorProtoSchema, {
      name: 'test.proto',
      package: 'test',
      syntax: 'proto3',
      messageType: [
        {
          name: 'Msg',
          field: [
            { name: 'my_status', number: 1, label: 1, type: wkt.FieldDescriptorProto_Type.ENUM, typeName: 'Status', jsonName: 'myStatus' },
            { name: 'inner', number: 2, label: 1, type: wkt.FieldDescriptorProto_Type.MESSAGE, typeName: 'Msg.Inner', jsonName: 'inner' },
          ],
          nestedType: [{ name: 'Inner', field: [{ name: 'x', number: 1, label: 1, type: wkt.FieldDescriptorProto_Type.INT64, jsonName: 'x' }] }],
        },
      ],
      enumType: [{ name: 'Status', value: [{ name: 'UNKNOWN', number: 0 }, { name: 'OK', number: 1 }] }],
    });
    const parsed = parseProtobuf(Buffer.from(toBinary(wkt.FileDescriptorProtoSchema, fd)).toString('base64'));
    const text = parseProtobuf('syntax = "proto3";\npackage test;\nmessage Msg { Status my_status = 1; Inner inner = 2; message Inner { int64 x = 1; } }\nenum Status { UNKNOWN = 0; OK = 1; }');
    expect(parsed.canonical).toBe(text.canonical);
  });

  it('checks compatibility between a text schema and a descriptor schema', () => {
    const older = parseProtobuf('syntax = "proto3"; message M { int32 a = 1; }');
    const newer = parseProtobuf(parseProtobuf('syntax = "proto3"; message M { int32 a = 1; string b = 2; }').formatted('serialized')!);
    expect(protobufFormat.backwardIssues(newer, older)).toEqual([]);
    expect(protobufFormat.backwardIssues(older, newer)).toEqual([]);
  });
});
