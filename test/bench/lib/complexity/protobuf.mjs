/**
 * Protobuf schemas that grow in one dimension, for `bench:complexity`: each case builds a .proto text of
 * size n (`schema(n)`) and one of size n + 1 (`evolved(n)`) that is BACKWARD compatible with it under
 * Confluent's rules, so a compatibility check runs to the end (no early exit on a first issue).
 * Field types rotate through scalars, an enum and a message so that parsing, name resolution and the
 * diff do their full work, not just the cheapest path. Plain ESM, no dependencies.
 */

const SCALARS = ['string', 'int32', 'int64', 'bool', 'double', 'bytes', 'uint32', 'sint64', 'fixed32', 'float'];

/** The i-th usable field number (19000 to 19999 are reserved for the protobuf implementation). */
const fieldNumber = (i) => (i < 19000 ? i : i + 1000);

/** Field `i` (1-based) of a message: a scalar, or every 7th one the enum, every 11th one the helper message. */
function field(i, indent = '  ') {
  const type = i % 11 === 0 ? 'Helper' : i % 7 === 0 ? 'Status' : SCALARS[i % SCALARS.length];
  const label = i % 5 === 0 ? 'repeated ' : '';
  return `${indent}${label}${type} field_${i} = ${fieldNumber(i)};`;
}

const HEADER = `syntax = "proto3";
package bench.complexity;

enum Status {
  STATUS_UNSPECIFIED = 0;
  STATUS_ACTIVE = 1;
}

message Helper {
  string id = 1;
}
`;

function lines(from, to, line) {
  const out = [];
  for (let i = from; i <= to; i++) out.push(line(i));
  return out.join('\n');
}

function fields(n) {
  return `${HEADER}
message Wide {
${lines(1, n, (i) => field(i))}
}
`;
}

function oneof(n) {
  return `${HEADER}
message Choice {
  string id = 1;
  oneof value {
${lines(1, n, (i) => field(i + 1, '    ').replace(/repeated /, ''))}
  }
}
`;
}

function enumValues(n) {
  return `syntax = "proto3";
package bench.complexity;

enum Code {
${lines(0, n - 1, (i) => `  CODE_${i} = ${i};`)}
}

message Holder {
  Code code = 1;
  repeated Code codes = 2;
}
`;
}

/** n messages, each holding a scalar, the enum and (from the second on) a reference to the one before. */
function messages(n) {
  return `${HEADER}
${lines(1, n, (i) => `message Msg${i} {\n  string name = 1;\n  Status status = 2;${i > 1 ? `\n  Msg${i - 1} previous = 3;` : ''}\n}`)}
`;
}

export const cases = [
  { name: 'protobuf message with n fields', schemaType: 'PROTOBUF', schema: (n) => fields(n), evolved: (n) => fields(n + 1) },
  { name: 'protobuf oneof with n members', schemaType: 'PROTOBUF', schema: (n) => oneof(n), evolved: (n) => oneof(n + 1) },
  { name: 'protobuf enum with n values', schemaType: 'PROTOBUF', schema: (n) => enumValues(n), evolved: (n) => enumValues(n + 1) },
  { name: 'protobuf file with n messages', schemaType: 'PROTOBUF', schema: (n) => messages(n), evolved: (n) => messages(n + 1) },
];
