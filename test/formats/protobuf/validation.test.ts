import { describe, expect, it } from 'vitest';
import { InvalidSchemaError } from '../../../serdes/src/formats/format.js';
import { parseProtobuf, protobufFormat } from '../../../serdes/src/formats/protobuf/index.js';
import { loadCorpus, ref, type InvalidCase } from './helpers.js';

const format = protobufFormat;
const invalid = loadCorpus<InvalidCase[]>('invalid-protobuf.json');

describe('invalid-protobuf.json', () => {
  it('has the five cases', () => {
    expect(invalid).toHaveLength(5);
  });

  it.each(invalid.map((c) => [`${c.id}: ${c.why}`, c] as const))('%s is rejected', (_name, c) => {
    expect(() => format.parse(c.schema)).toThrow(InvalidSchemaError);
  });
});

function rejects(text: string, pattern: RegExp, references = [] as Parameters<typeof parseProtobuf>[1]): void {
  let error: unknown;
  try {
    parseProtobuf(text, references);
  } catch (e) {
    error = e;
  }
  expect(error, `accepted:\n${text}`).toBeInstanceOf(InvalidSchemaError);
  expect((error as Error).message).toMatch(pattern);
}

describe('protobuf validation', () => {
  it('reports syntax errors with protobufjs\' reason and line', () => {
    rejects('syntax = "proto3";\nmessage M {\n  string a = 1\n}\n', /illegal token '}'.*\(line 4\)/);
    rejects('syntax = "proto3";\nmessage M {\n  required string a = 1;\n}\n', /illegal token 'required' \(line 3\)/);
    rejects('syntax = "proto4";\nmessage M {}', /proto4/);
    rejects('edition = "2023";\nmessage M {}', /editions are not supported/);
  });

  it('rejects duplicate numbers and names, including across oneofs', () => {
    // protobufjs catches some of these itself, with its own wording.
    rejects('syntax = "proto3"; message M { int32 a = 1; oneof o { string b = 1; } }', /duplicate id 1|number 1 is used/);
    rejects('syntax = "proto3"; message M { int32 a = 1; message a {} }', /duplicate name 'a'|"a" is already defined/);
    rejects('syntax = "proto3"; message M { int32 a = 1; oneof a { string b = 2; } }', /duplicate name 'a'|"a" is already defined/);
    rejects('syntax = "proto3"; enum E { A = 0; A = 1; }', /A/);
    rejects('syntax = "proto3"; enum E { A = 0; B = 0; }', /duplicate id 0|allow_alias/);
    expect(() => parseProtobuf('syntax = "proto3"; enum E { option allow_alias = true; A = 0; B = 0; }')).not.toThrow();
  });

  it('rejects numbers out of range, in the implementation range, reserved or in extension ranges', () => {
    rejects('syntax = "proto3"; message M { int32 a = 536870912; }', /outside 1 to 536870911/);
    rejects('syntax = "proto3"; message M { int32 a = 19500; }', /19000 to 19999/);
    rejects('syntax = "proto3"; message M { reserved 3 to 5; int32 a = 4; }', /id 4 is reserved|reserved number 4/);
    rejects('syntax = "proto3"; message M { reserved "a"; int32 a = 4; }', /name 'a' is reserved|"a" is reserved/);
    // The reserved statement may come after the field it reserves (protobufjs only checks in order).
    rejects('syntax = "proto3"; message M { int32 a = 4; reserved 3 to 5; }', /reserved number 4/);
    rejects('syntax = "proto3"; message M { int32 a = 4; reserved "a"; }', /"a" is reserved/);
    rejects('syntax = "proto2"; message M { extensions 10 to 20; optional int32 a = 15; }', /extension range/);
    rejects('syntax = "proto3"; enum E { A = 0; B = 1; reserved 1; }', /reserved number 1/);
    rejects('syntax = "proto3"; message M { reserved 5 to 10, 8; }', /overlaps/);
  });

  it('rejects type names that do not resolve, and scoping mistakes protoc rejects', () => {
    rejects('syntax = "proto3"; message M { Missing m = 1; }', /type "Missing" of field M.m could not be resolved/);
    rejects('syntax = "proto3"; package a; message M { b.T t = 1; }', /b.T/);
    // The first component binds to the innermost scope that has it (M.Inner), so Inner.X must be there.
    rejects(
      'syntax = "proto3"; message Inner { message X {} } message M { message Inner {} Inner.X x = 1; }',
      /Inner.X/,
    );
    rejects('syntax = "proto3"; service S { rpc A (Nope) returns (Nope); }', /Nope/);
    rejects('syntax = "proto3"; enum E { A = 0; } service S { rpc A (E) returns (E); }', /not a message/);
  });

  it('rejects proto3-only and proto2-only violations', () => {
    rejects('syntax = "proto3"; enum E { A = 1; }', /first value of a proto3 enum must be zero/);
    rejects('syntax = "proto3"; message M { int32 a = 1 [default = 5]; }', /default values are not allowed in proto3/);
    rejects('syntax = "proto3"; message M { extensions 100 to 200; }', /extension ranges are not allowed in proto3/);
    rejects('syntax = "proto2"; message M { int32 a = 1; }', /illegal token/);
    rejects('syntax = "proto2"; message M { optional E e = 1 [default = C]; enum E { A = 0; B = 1; } }', /not a value of enum/);
  });

  it('rejects unknown or mistyped options', () => {
    rejects('syntax = "proto3"; option no_such_option = true;', /unknown option "no_such_option"/);
    rejects('syntax = "proto3"; message M { int32 a = 1 [(not.defined) = 1]; }', /unknown option "\(not.defined\)"/);
    rejects('syntax = "proto3"; option java_package = 5;', /expected a string/);
    rejects('syntax = "proto3"; option optimize_for = FAST;', /not a value of enum/);
    rejects(
      'syntax = "proto3"; import "confluent/meta.proto"; message M { int32 a = 1 [(confluent.field_meta).nope = "x"]; }',
      /has no field "nope"/,
    );
  });

  it('requires every import to be a reference or a built-in', () => {
    rejects('syntax = "proto3"; import "acme/money.proto"; message M {}', /import "acme\/money.proto" is neither a schema reference nor a built-in/);
    const money = 'syntax = "proto3"; package acme; message Money { int64 units = 1; }';
    expect(() => parseProtobuf('syntax = "proto3"; import "acme/money.proto"; message M { acme.Money m = 1; }', [ref('acme/money.proto', money)])).not.toThrow();
    rejects('syntax = "proto3"; import "x.proto"; message M {}', /referenced schema "x.proto".*invalid/, [ref('x.proto', 'syntax = "proto3"; message {')]);
    rejects('syntax = "proto3"; import "google/protobuf/timestamp.proto"; import "google/protobuf/timestamp.proto";', /listed twice/);
  });

  it('rejects a type defined both in the file and in an import', () => {
    const dep = 'syntax = "proto3"; package p; message T {}';
    rejects('syntax = "proto3"; package p; import "d.proto"; message T {}', /"p.T" is already defined/, [ref('d.proto', dep)]);
  });

  it('resolves the built-in imports without references', () => {
    const text = `syntax = "proto3";
import "google/protobuf/any.proto";
import "google/protobuf/duration.proto";
import "google/protobuf/empty.proto";
import "google/protobuf/field_mask.proto";
import "google/protobuf/struct.proto";
import "google/protobuf/timestamp.proto";
import "google/protobuf/wrappers.proto";
import "google/protobuf/descriptor.proto";
import "google/protobuf/api.proto";
import "google/protobuf/type.proto";
import "google/type/date.proto";
import "google/type/money.proto";
import "google/type/decimal.proto";
import "google/type/latlng.proto";
import "google/type/timeofday.proto";
import "google/type/color.proto";
import "google/type/dayofweek.proto";
import "google/type/datetime.proto";
import "google/type/postal_address.proto";
import "google/type/phone_number.proto";
import "confluent/meta.proto";
import "confluent/type/decimal.proto";
message All {
  google.protobuf.Any any = 1;
  google.protobuf.Duration duration = 2;
  google.protobuf.Empty empty = 3;
  google.protobuf.FieldMask mask = 4;
  google.protobuf.Struct struct = 5;
  google.protobuf.Timestamp ts = 6;
  google.protobuf.StringValue wrapped = 7;
  google.protobuf.FileDescriptorProto fd = 8;
  google.protobuf.Api api = 9;
  google.type.Date date = 10;
  google.type.Money money = 11;
  google.type.Decimal gdec = 12;
  google.type.LatLng where = 13;
  google.type.TimeOfDay tod = 14;
  google.type.Color color = 15;
  google.type.DayOfWeek dow = 16;
  google.type.DateTime dt = 17;
  google.type.PostalAddress address = 18;
  google.type.PhoneNumber phone = 19;
  confluent.type.Decimal dec = 20 [(confluent.field_meta) = { doc: "a decimal" params: { key: "precision" value: "10" } }];
}`;
    const schema = parseProtobuf(text);
    expect(schema.references).toEqual([]);
    expect(schema.root.lookupType('All').fieldsArray).toHaveLength(20);
  });

  it('accepts stored schemas leniently with validate: false', () => {
    const text = 'syntax = "proto3"; import "gone.proto"; message M { gone.T t = 1; int32 a = 19500; }';
    expect(() => parseProtobuf(text)).toThrow(InvalidSchemaError);
    const lenient = parseProtobuf(text, [], { validate: false });
    expect(lenient.canonical).toContain('gone.T t = 1;');
  });
});
