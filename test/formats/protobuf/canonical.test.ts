import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { parseProtobuf, builtinSchema, type ProtobufSchema } from '../../../serdes/src/formats/protobuf/index.js';
import { ref } from './helpers.js';
import { COMMON, PROTO2_RICH, PROTO3_RICH } from './samples.js';

const commonRef = ref('common.proto', COMMON);

function parse3(text = PROTO3_RICH): ProtobufSchema {
  return parseProtobuf(text, [commonRef]);
}

/** What protobufjs makes of a text, types resolved, so two texts can be compared structurally. */
function pbjsStructure(texts: string[]): unknown {
  const root = new protobuf.Root();
  for (const t of texts) protobuf.parse(t, root, { keepCase: true });
  root.resolveAll();
  const describe = (ns: protobuf.NamespaceBase): unknown => {
    const out: Record<string, unknown> = {};
    for (const obj of ns.nestedArray) {
      if (obj instanceof protobuf.Type) {
        out[obj.name] = {
          fields: obj.fieldsArray
            .filter((f) => !f.declaringField)
            .map((f) => ({
              name: f.name,
              id: f.id,
              repeated: f.repeated,
              required: f.required,
              map: f instanceof protobuf.MapField ? (f as protobuf.MapField).keyType : undefined,
              type: f.resolvedType ? f.resolvedType.fullName : f.type,
              oneof: f.partOf?.name,
              extend: f.extend === undefined ? undefined : (f.extensionField?.parent as protobuf.Type | null)?.fullName,
              // protobufjs cannot read octal or hex escapes, so bytes defaults are not comparable.
              default: f.type === 'bytes' ? undefined : f.options?.['default'],
              packed: f.packed,
            }))
            .sort((a, b) => a.id - b.id),
          oneofs: obj.oneofsArray.map((o) => o.name).sort(),
          reserved: obj.reserved,
          extensions: obj.extensions,
          nested: describe(obj),
        };
      } else if (obj instanceof protobuf.Enum) {
        out[obj.name] = { values: obj.values, reserved: obj.reserved };
      } else if (obj instanceof protobuf.Service) {
        out[obj.name] = obj.methodsArray.map((m) => [m.name, m.resolvedRequestType?.fullName, m.resolvedResponseType?.fullName, !!m.requestStream, !!m.responseStream]);
      } else if (obj instanceof protobuf.Field) {
        out[obj.name] = { extend: obj.extensionField?.parent?.fullName, id: obj.id, type: obj.resolvedType?.fullName ?? obj.type };
      } else if (obj instanceof protobuf.Namespace) {
        out[obj.name] = describe(obj);
      }
    }
    return out;
  };
  return describe(root);
}

const builtinTexts = (...paths: string[]) => paths.map((p) => builtinSchema(p)!.qualifiedText);

describe('protobuf canonical form', () => {
  it('prints a rich proto3 file deterministically and idempotently', () => {
    const schema = parse3();
    const again = parse3(schema.canonical);
    expect(again.canonical).toBe(schema.canonical);
    expect(schema.canonical).toMatch(/^syntax = "proto3";\npackage acme\.orders\.v1;\n\nimport "google\/protobuf\/timestamp\.proto";\n/);
    // Names as short as they resolve, whatever the spelling in the source.
    expect(schema.canonical).toContain('  Status status = 7;');
    // From acme.orders.v1, "common" binds to the package acme.common.
    expect(schema.canonical).toContain('  common.Money total = 8;');
    expect(schema.canonical).toContain('    common.Money price = 3;');
    expect(schema.canonical).toContain('  optional string note = 6 [json_name = "theNote"];');
    expect(schema.canonical).not.toContain('comment');
  });

  it('prints a rich proto2 file idempotently, escapes included', () => {
    const schema = parseProtobuf(PROTO2_RICH);
    const again = parseProtobuf(schema.canonical);
    expect(again.canonical).toBe(schema.canonical);
    expect(schema.canonical).toContain('optional group Meta = 9 {');
    expect(schema.canonical).toContain('[default = "it\'s a \\"name\\"\\n\\twith\\\\escapes and unicode é"]');
    expect(schema.canonical).toContain('[default = "\\000\\001\\377"]');
    expect(schema.canonical).toContain('[default = -inf]');
    expect(schema.canonical).toContain('[default = 0.0025]');
    expect(schema.canonical).toContain('[default = 18446744073709551615]');
    expect(schema.canonical).toContain('extensions 100 to 199, 1000 to max;');
    expect(schema.canonical).toContain('extend Record {\n  optional string annotation = 100;\n  repeated int32 marks = 101;\n}');
  });

  it('re-parses with protobufjs (as kafkajs does) to the same structure as the original text', () => {
    const s3 = parse3();
    const deps3 = [...builtinTexts('google/protobuf/descriptor.proto', 'google/protobuf/timestamp.proto', 'confluent/meta.proto'), COMMON];
    expect(pbjsStructure([...deps3, s3.canonical])).toEqual(pbjsStructure([...deps3, PROTO3_RICH]));
    const s2 = parseProtobuf(PROTO2_RICH);
    expect(pbjsStructure([s2.canonical])).toEqual(pbjsStructure([PROTO2_RICH]));
    // kafkajs takes the first top-level object as the message type: messages come first.
    const first = protobuf.parse(s3.canonical, { keepCase: true });
    expect(Object.keys((first.root.lookup('acme.orders.v1') as protobuf.Namespace).nested!)[0]).toBe('Order');
  });

  it('maps whitespace, comments, quoting and name-qualification variants to one canonical text', () => {
    const variants = [
      'syntax = "proto3";\npackage foo;\nmessage TestMessage {\n    string test_string = 1;\n    .foo.TestMessage.Status test_int = 2;\n    message Status {\n    string test_string = 1;\n    }\n}',
      "syntax='proto3';package foo;message TestMessage{string test_string=1;Status test_int=2;message Status{string test_string=1;}}",
      '// comment\nsyntax = "proto3";\n\n\npackage   foo ;\n\n/* block */\nmessage TestMessage {\n\tstring test_string = 1; // trailing\n\tTestMessage.Status test_int = 2;\n\n\tmessage Status { string test_string = 1; }\n}\n\n',
      'syntax = "proto3";\r\npackage foo;\r\nmessage TestMessage {\r\n  string test_string = 1;\r\n  foo.TestMessage.Status test_int = 2;\r\n  message Status {\r\n    string test_string = 1;\r\n  }\r\n}\r\n',
    ];
    const canonicals = variants.map((v) => parseProtobuf(v).canonical);
    expect(new Set(canonicals).size).toBe(1);
    expect(canonicals[0]).toBe(
      'syntax = "proto3";\npackage foo;\n\nmessage TestMessage {\n  string test_string = 1;\n  Status test_int = 2;\n\n  message Status {\n    string test_string = 1;\n  }\n}\n',
    );
  });

  it('merges and orders options so that equivalent spellings print the same', () => {
    const a = parseProtobuf(`syntax = "proto3"; import "confluent/meta.proto";
      message M { int32 x = 1 [(confluent.field_meta).tags = "a", deprecated = true, (confluent.field_meta).doc = "d"]; }`);
    const b = parseProtobuf(`syntax = "proto3"; import "confluent/meta.proto";
      message M { int32 x = 1 [deprecated = true, (confluent.field_meta) = { doc: "d", tags: ["a"] }]; }`);
    expect(a.canonical).toBe(b.canonical);
    expect(a.canonical).toContain('deprecated = true,\n    (confluent.field_meta) = {');
  });

  it('keeps the spelling that differs in meaning', () => {
    const a = parseProtobuf('syntax = "proto3"; message M { optional int32 x = 1; }');
    const b = parseProtobuf('syntax = "proto3"; message M { int32 x = 1; }');
    expect(a.canonical).not.toBe(b.canonical);
    expect(a.canonical).toContain('optional int32 x = 1;');
  });

  it('picks names that protoc and protobufjs both resolve to the right type', () => {
    // From acme.M, "Thing" alone would mean acme.M.Thing; the top-level Thing needs a qualified name.
    const text = `syntax = "proto3";
package acme;
message Thing { int32 a = 1; }
message M {
  message Thing { int32 b = 1; }
  .acme.Thing outer = 1;
  Thing inner = 2;
}`;
    const schema = parseProtobuf(text);
    expect(schema.canonical).toContain('acme.Thing outer = 1;');
    expect(schema.canonical).toContain('  Thing inner = 2;');
    const root = protobuf.parse(schema.canonical, { keepCase: true }).root;
    root.resolveAll();
    const m = root.lookupType('acme.M');
    expect(m.fields['outer']!.resolvedType!.fullName).toBe('.acme.Thing');
    expect(m.fields['inner']!.resolvedType!.fullName).toBe('.acme.M.Thing');
  });

  it('serves the normalized form with fully-qualified names, sorted options and fields by number', () => {
    const schema = parseProtobuf(`syntax = "proto3";
package p;
import "google/protobuf/timestamp.proto";
import "confluent/meta.proto";
option java_package = "x";
option (confluent.file_meta).doc = "f";
message M {
  oneof b { string y = 5; }
  int32 z = 3;
  oneof a { string x = 4; }
  int32 first = 1 [json_name = "F", deprecated = true];
  google.protobuf.Timestamp t = 2;
  enum E { option allow_alias = true; B = 0; Z = 2; A = 0; }
}`);
    const normalized = schema.normalize();
    expect(normalized.canonical).toBe(`syntax = "proto3";
package p;

import "confluent/meta.proto";
import "google/protobuf/timestamp.proto";

option (confluent.file_meta) = {
  doc: "f"
};
option java_package = "x";

message M {
  int32 first = 1 [
    deprecated = true,
    json_name = "F"
  ];
  .google.protobuf.Timestamp t = 2;
  int32 z = 3;

  oneof a {
    string x = 4;
  }
  oneof b {
    string y = 5;
  }

  enum E {
    option allow_alias = true;

    A = 0;
    B = 0;
    Z = 2;
  }
}
`);
    expect(normalized.normalize().canonical).toBe(normalized.canonical);
    expect(normalized.schemaType).toBe('PROTOBUF');
  });

  it('sorts and de-duplicates references when normalizing', () => {
    const b = ref('b.proto', 'syntax = "proto3"; package b; message B {}');
    const a = ref('a.proto', 'syntax = "proto3"; package a; message A {}');
    const schema = parseProtobuf('syntax = "proto3"; import "b.proto"; import "a.proto"; message M { b.B b = 1; a.A a = 2; }', [b, a, b]);
    expect(schema.references.map((r) => r.name)).toEqual(['b.proto', 'a.proto', 'b.proto']);
    expect(schema.normalize().references.map((r) => r.name)).toEqual(['a.proto', 'b.proto']);
    expect(schema.normalize().canonical).toContain('import "a.proto";\nimport "b.proto";');
  });
});
