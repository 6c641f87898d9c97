import { createFileRegistry, fromBinary, toBinary } from '@bufbuild/protobuf';
import * as wkt from '@bufbuild/protobuf/wkt';
import type { FileDescriptorProto } from '@bufbuild/protobuf/wkt';
import { describe, expect, it } from 'vitest';
import { builtinSchema, diffSchemas, parseProtobuf, protobufFormat, type ProtobufSchema } from '../../../serdes/src/formats/protobuf/index.js';
import { loadCorpus, ref, resolved, type CompatCase } from './helpers.js';
import { COMMON, PROTO2_RICH, PROTO3_RICH } from './samples.js';

const format = protobufFormat;
const commonRef = ref('common.proto', COMMON);

function decode(base64: string): FileDescriptorProto {
  return fromBinary(wkt.FileDescriptorProtoSchema, Buffer.from(base64, 'base64'));
}

function bufbuildBase64(fd: FileDescriptorProto): string {
  return Buffer.from(toBinary(wkt.FileDescriptorProtoSchema, fd)).toString('base64');
}

/** What Confluent's deserializer does with a served descriptor: a registry with the references. */
function registryFor(schema: ProtobufSchema) {
  const builtins = new Map(Object.values(wkt).filter((v): v is typeof wkt.file_google_protobuf_any => typeof v === 'object' && v !== null && 'kind' in v && (v as { kind: string }).kind === 'file').map((f) => [f.proto.name, f]));
  const deps = new Map<string, FileDescriptorProto>();
  for (const [path, dep] of schema.allDependencies()) {
    if (builtins.has(path)) continue;
    const fd = decode(dep.formatted('serialized')!);
    fd.name = path;
    deps.set(path, fd);
  }
  const main = decode(schema.formatted('serialized')!);
  return createFileRegistry(main, (name) => builtins.get(name) ?? deps.get(name));
}

describe('protobuf descriptor form', () => {
  it('serves formatted("serialized") as a FileDescriptorProto @bufbuild/protobuf decodes', () => {
    const schema = parseProtobuf(PROTO3_RICH, [commonRef]);
    const fd = decode(schema.formatted('serialized')!);
    expect(fd.name).toBe('default');
    expect(fd.package).toBe('acme.orders.v1');
    expect(fd.syntax).toBe('proto3');
    expect(fd.dependency).toEqual(['google/protobuf/timestamp.proto', 'confluent/meta.proto', 'common.proto']);
    expect(fd.messageType.map((m) => m.name)).toEqual(['Order', 'OrderEvent']);
    const order = fd.messageType[0]!;
    expect(order.nestedType.map((m) => [m.name, m.options?.mapEntry ?? false])).toEqual([
      ['Line', false],
      ['Card', false],
      ['LabelsEntry', true],
      ['ByNumberEntry', true],
    ]);
    const note = order.field.find((f) => f.name === 'note')!;
    expect(note.proto3Optional).toBe(true);
    expect(order.oneofDecl.map((o) => o.name)).toEqual(['payment', '_note']);
    expect(order.field.find((f) => f.name === 'total')!.typeName).toBe('.acme.common.Money');
  });

  it('lets Confluent\'s deserializer resolve every message and agrees on message indexes', () => {
    const schema = parseProtobuf(PROTO3_RICH, [commonRef]);
    const registry = registryFor(schema);
    const file = registry.getFile('default')!;
    expect(file.messages.map((m) => m.typeName)).toEqual(schema.messageTypes());
    for (const name of ['acme.orders.v1.Order', 'acme.orders.v1.Order.Line', 'acme.orders.v1.Order.Card', 'acme.orders.v1.OrderEvent']) {
      const indexes = schema.messageIndexes(name);
      // Confluent's client walks file.messages, then nestedMessages (map entries excluded).
      let desc = file.messages[indexes[0]!]!;
      for (const i of indexes.slice(1)) desc = desc.nestedMessages[i]!;
      expect(desc.typeName).toBe(name);
      expect(schema.messageNameAt(indexes)).toBe(name);
    }
    expect(schema.messageIndexes('acme.orders.v1.OrderEvent')).toEqual([1]);
    expect(schema.messageIndexes('.acme.orders.v1.Order.Card')).toEqual([0, 1]);
    const order = registry.getMessage('acme.orders.v1.Order')!;
    expect(order.field['labels']!.fieldKind).toBe('map');
    expect(order.field['card']!.oneof?.name).toBe('payment');
    expect(order.field['total']!.message?.typeName).toBe('acme.common.Money');
  });

  it('parses a base64 descriptor to the same canonical text as the .proto text', () => {
    for (const [text, refs] of [
      [PROTO3_RICH, [commonRef]],
      [PROTO2_RICH, []],
      [COMMON, []],
    ] as const) {
      const fromText = parseProtobuf(text, refs);
      const fromDescriptor = format.parse(fromText.formatted('serialized')!, refs);
      expect(fromDescriptor.canonical).toBe(fromText.canonical);
      // ... also when the descriptor was written by @bufbuild/protobuf (Confluent's JS serializer).
      const viaBufbuild = format.parse(bufbuildBase64(decode(fromText.formatted('serialized')!)), refs);
      expect(viaBufbuild.canonical).toBe(fromText.canonical);
      expect(viaBufbuild.formatted('serialized')).toBe(fromText.formatted('serialized'));
    }
  });

  it('round-trips every corpus schema through its descriptor', () => {
    const cases = loadCorpus<CompatCase[]>('protobuf.json');
    let count = 0;
    for (const c of cases) {
      for (const [text, refs] of [[c.writer, c.writer_references], [c.reader, c.reader_references]] as const) {
        const references = resolved(refs);
        const schema = parseProtobuf(text, references);
        const back = parseProtobuf(schema.formatted('serialized')!, references);
        expect(back.canonical, c.id).toBe(schema.canonical);
        const imports = [...text.matchAll(/import\s+"([^"]+)"/g)].map((m) => m[1]);
        expect(decode(schema.formatted('serialized')!).dependency).toEqual(imports);
        for (const r of references) expect(imports).toContain(r.name);
        count++;
      }
    }
    expect(count).toBe(142);
  });

  it('lists the reference names as the dependencies, in import order', () => {
    const a = ref('acme/a.proto', 'syntax = "proto3"; package acme; message A {}');
    const b = ref('acme/b.proto', 'syntax = "proto3"; package acme; import "acme/a.proto"; message B { A a = 1; }', 3, [a]);
    const schema = parseProtobuf('syntax = "proto3"; import "acme/b.proto"; import "google/type/money.proto"; message M { acme.B b = 1; google.type.Money m = 2; }', [b]);
    expect(decode(schema.formatted('serialized')!).dependency).toEqual(['acme/b.proto', 'google/type/money.proto']);
    expect(schema.references).toEqual([{ name: 'acme/b.proto', subject: 'acme/b.proto', version: 3 }]);
    const registry = registryFor(schema);
    expect(registry.getMessage('M')!.field['b']!.message!.field['a']!.message!.typeName).toBe('acme.A');
  });

  it('keeps custom options through the descriptor (as extensions of the options messages)', () => {
    const text = `syntax = "proto3";
import "confluent/meta.proto";
message M {
  string ssn = 1 [(confluent.field_meta) = { doc: "secret", tags: ["PII", "SSN"], params: { key: "k" value: "v" } }];
}`;
    const schema = parseProtobuf(text);
    const fd = decode(schema.formatted('serialized')!);
    expect(fd.messageType[0]!.field[0]!.options).toBeDefined();
    const back = parseProtobuf(schema.formatted('serialized')!);
    expect(back.canonical).toBe(schema.canonical);
    expect(back.canonical).toContain('tags: ["PII", "SSN"]');
  });

  it('reads the well-known types as bufbuild ships them like the built-ins', () => {
    for (const f of [wkt.file_google_protobuf_struct, wkt.file_google_protobuf_timestamp, wkt.file_google_protobuf_wrappers, wkt.file_google_protobuf_type, wkt.file_google_protobuf_descriptor]) {
      const parsed = parseProtobuf(bufbuildBase64(f.proto));
      const builtin = builtinSchema(f.proto.name)!;
      const differences = diffSchemas(builtin, parsed).filter((d) => !['MESSAGE_ADDED', 'ENUM_ADDED', 'FIELD_ADDED', 'ENUM_CONST_ADDED', 'MESSAGE_MOVED'].includes(d.type));
      expect(differences, f.proto.name).toEqual([]);
    }
  });

  it('rejects base64 that is not a descriptor', () => {
    expect(() => format.parse('bm90IGEgZGVzY3JpcHRvcg==')).toThrow();
    expect(() => format.parse(Buffer.from([0x0a, 0x05, 0x61]).toString('base64'))).toThrow(/FileDescriptorProto/);
  });

  it('answers undefined for unknown formats and the canonical text minus extensions for ignore_extensions', () => {
    const schema = parseProtobuf(PROTO2_RICH);
    expect(schema.formatted('json')).toBeUndefined();
    expect(schema.formatted('ignore_extensions')).not.toContain('extend Record');
    expect(schema.formatted('ignore_extensions')).toContain('message Holder');
  });
});
