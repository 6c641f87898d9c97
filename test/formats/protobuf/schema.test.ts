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

  it('gives the message tree with Confluent message indexes, map entries skipped, for text and descriptor alike', () => {
    const text = `syntax = "proto3";
package t;
enum Top { A = 0; }
message Outer {
  map<string, Inner> items = 1;
  message Inner { enum Kind { K = 0; } }
  map<int32, string> names = 2;
  message After { message Deep {} }
}
message Second {}
`;
    for (const s of [parseProtobuf(text), parseProtobuf(parseProtobuf(text).toDescriptorBase64())]) {
      const tree = s.messageTree();
      expect(tree.map((m) => [m.name, m.fullName, m.indexes])).toEqual([
        ['Outer', 't.Outer', [0]],
        ['Second', 't.Second', [1]],
      ]);
      expect(tree[0]!.nested.map((m) => [m.fullName, m.indexes])).toEqual([
        ['t.Outer.Inner', [0, 0]],
        ['t.Outer.After', [0, 1]],
      ]);
      expect(s.allMessageTypes().map((m) => `${m.fullName} ${m.indexes.join('.')}`)).toEqual([
        't.Outer 0',
        't.Outer.Inner 0.0',
        't.Outer.After 0.1',
        't.Outer.After.Deep 0.1.0',
        't.Second 1',
      ]);
      for (const m of s.allMessageTypes()) {
        expect(s.messageIndexes(m.fullName)).toEqual(m.indexes);
        expect(s.messageNameAt(m.indexes)).toBe(m.fullName);
      }
      expect(s.enumTypes()).toEqual(['t.Top', 't.Outer.Inner.Kind']);
    }
  });

  it('builds protobufjs Roots with camelCase (default) or .proto field names, 64-bit integers as Long', () => {
    const s = parseProtobuf('syntax = "proto3"; package r; message M { int64 big_number = 1; string the_name = 2; }');
    const camel = s.protobufRoot().lookupType('r.M');
    expect(camel.fieldsArray.map((f) => f.name)).toEqual(['bigNumber', 'theName']);
    expect(s.protobufRoot({ keepCase: true }).lookupType('r.M').fieldsArray.map((f) => f.name)).toEqual(['big_number', 'the_name']);
    expect(s.protobufRoot()).toBe(s.protobufRoot({ keepCase: false }));
    expect(s.root).toBe(s.protobufRoot({ keepCase: true }));
    const back = camel.decode(camel.encode({ bigNumber: '9007199254740993', theName: 'x' }).finish()) as unknown as { bigNumber: { toString(): string; low: number } };
    expect(back.bigNumber.toString()).toBe('9007199254740993');
    expect(typeof back.bigNumber.low).toBe('number');
  });

  it('lists its dependencies in dependency order with their sources, built-ins flagged', () => {
    const base = 'syntax = "proto3"; package c; import "google/protobuf/timestamp.proto"; message Base { google.protobuf.Timestamp at = 1; }';
    const mid = 'syntax = "proto3"; package c; import "c/base.proto"; import "google/type/money.proto"; message Mid { Base b = 1; google.type.Money m = 2; }';
    const top = 'syntax = "proto3"; package c; import "c/mid.proto"; import "confluent/meta.proto"; message Top { Mid mid = 1 [(confluent.field_meta) = { doc: "d" }]; }';
    const s = parseProtobuf(top, [ref('c/mid.proto', mid, 1, [ref('c/base.proto', base)])]);
    expect(s.importPaths()).toEqual(['c/mid.proto', 'confluent/meta.proto']);
    const deps = s.dependencies();
    expect(deps.filter((d) => !d.builtin).map((d) => [d.importPath, d.schema.source])).toEqual([
      ['c/base.proto', base],
      ['c/mid.proto', mid],
    ]);
    expect(deps.filter((d) => d.builtin).map((d) => d.importPath)).toEqual(
      expect.arrayContaining(['google/protobuf/timestamp.proto', 'google/type/money.proto', 'confluent/meta.proto', 'google/protobuf/descriptor.proto']),
    );
    const index = (p: string) => deps.findIndex((d) => d.importPath === p);
    expect(index('google/protobuf/timestamp.proto')).toBeLessThan(index('c/base.proto'));
    expect(index('c/base.proto')).toBeLessThan(index('c/mid.proto'));
    expect(s.source).toBe(top);
    expect(parseProtobuf('syntax = "proto3"; import "not/there.proto";', [], { validate: false }).importPaths()).toEqual(['not/there.proto']);
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
