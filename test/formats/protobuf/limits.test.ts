// SchemaLimits for Protobuf: each bound accepts a schema at the limit and refuses one past it, naming the
// message, oneof or enum and the limit; without limits, or without validation, nothing is checked.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCHEMA_LIMITS, SchemaLimitError, type SchemaLimits } from '../../../serdes/src/formats/format.js';
import { parseProtobuf, protobufFormat } from '../../../serdes/src/formats/protobuf/index.js';
import { ref } from './helpers.js';

const limits = (bounds: Partial<SchemaLimits>): SchemaLimits => ({ ...DEFAULT_SCHEMA_LIMITS, ...bounds });

const list = (n: number, item: (i: number) => string, sep = ' ') => Array.from({ length: n }, (_, i) => item(i + 1)).join(sep);

/** The SchemaLimitError parsing `text` throws (fails the test if it parses). */
function refusal(text: string, bounds: Partial<SchemaLimits>, references = [] as ReturnType<typeof ref>[]): SchemaLimitError {
  try {
    protobufFormat.parse(text, references, { limits: limits(bounds) });
  } catch (e) {
    if (e instanceof SchemaLimitError) return e;
    throw e;
  }
  throw new Error('the schema was accepted');
}

const accepts = (text: string, bounds: Partial<SchemaLimits>, references = [] as ReturnType<typeof ref>[]) =>
  expect(protobufFormat.parse(text, references, { limits: limits(bounds) }).canonical).toContain('syntax');

describe('protobuf schema limits', () => {
  it('maxFields: fields of one message, oneof members and maps included', () => {
    const fields = (n: number) => `syntax = "proto3"; package acme; message Order { oneof pay { string card = 1; string iban = 2; } map<string, string> tags = 3; ${list(n - 3, (i) => `int32 f${i} = ${i + 10};`)} }`;
    accepts(fields(8), { maxFields: 8 });
    const e = refusal(fields(9), { maxFields: 8 });
    expect(e).toMatchObject({ limit: 'maxFields', value: 9, max: 8 });
    expect(e.message).toBe('message acme.Order has 9 fields, more than the limit of 8 (maxFields)');
    // A nested message is counted on its own.
    const nested = `syntax = "proto3"; message A { message B { ${list(4, (i) => `int32 f${i} = ${i};`)} } int32 x = 1; }`;
    expect(refusal(nested, { maxFields: 3 }).message).toMatch(/^message A\.B has 4 fields.*\(maxFields\)$/);
  });

  it('maxBranches: members of one oneof', () => {
    const oneof = (n: number) => `syntax = "proto3"; package acme; message Pay { string id = 1; oneof method { ${list(n, (i) => `string m${i} = ${i + 1};`)} } }`;
    accepts(oneof(4), { maxBranches: 4 });
    const e = refusal(oneof(5), { maxBranches: 4 });
    expect(e).toMatchObject({ limit: 'maxBranches', value: 5, max: 4 });
    expect(e.message).toBe('oneof acme.Pay.method has 5 branches, more than the limit of 4 (maxBranches)');
  });

  it('maxEnumValues: values of top-level and nested enums', () => {
    const top = (n: number) => `syntax = "proto3"; package acme; enum Status { ${list(n, (i) => `S${i} = ${i - 1};`)} }`;
    accepts(top(6), { maxEnumValues: 6 });
    expect(refusal(top(7), { maxEnumValues: 6 }).message).toBe('enum acme.Status has 7 enum values, more than the limit of 6 (maxEnumValues)');
    const nested = `syntax = "proto2"; message M { enum Kind { ${list(3, (i) => `K${i} = ${i};`)} } optional Kind k = 1; }`;
    expect(refusal(nested, { maxEnumValues: 2 })).toMatchObject({ limit: 'maxEnumValues', value: 3, max: 2, message: expect.stringContaining('enum M.Kind') });
  });

  it('maxTypes: messages and enums of the file and of everything it imports', () => {
    const dep = 'syntax = "proto3"; package common; message Money { int64 units = 1; } enum Currency { EUR = 0; }';
    const main = 'syntax = "proto3"; package acme; import "common.proto"; import "google/protobuf/timestamp.proto"; message Order { common.Money total = 1; google.protobuf.Timestamp at = 2; message Line { int32 n = 1; } } enum Status { OK = 0; }';
    const refs = [ref('common.proto', dep)];
    // Order, Line, Status + Money, Currency + google.protobuf.Timestamp = 6.
    accepts(main, { maxTypes: 6 }, refs);
    const e = refusal(main, { maxTypes: 5 }, refs);
    expect(e).toMatchObject({ limit: 'maxTypes', value: 6, max: 5 });
    expect(e.message).toBe('the schema (with its imports) has 6 named types, more than the limit of 5 (maxTypes)');
  });

  it('maxDepth: how deeply messages nest, a top-level message at depth 1', () => {
    const nest = (n: number) => `syntax = "proto3"; package acme; ${list(n, (i) => `message L${i} {`)} int32 x = 1; ${'}'.repeat(n)}`;
    accepts(nest(4), { maxDepth: 4 });
    const e = refusal(nest(5), { maxDepth: 4 });
    expect(e).toMatchObject({ limit: 'maxDepth', value: 5, max: 4 });
    expect(e.message).toBe('message acme.L1.L2.L3.L4.L5 has 5 levels of nesting, more than the limit of 4 (maxDepth)');
  });

  it('checks descriptors and referenced schemas the same way', () => {
    const big = 'syntax = "proto3"; package acme; message Wide { int32 a = 1; int32 b = 2; int32 c = 3; }';
    const descriptor = parseProtobuf(big).toDescriptorBase64();
    expect(refusal(descriptor, { maxFields: 2 }).message).toMatch(/^message acme\.Wide has 3 fields/);
    const main = 'syntax = "proto3"; import "wide.proto"; message Uses { acme.Wide w = 1; }';
    expect(refusal(main, { maxFields: 2 }, [ref('wide.proto', big)]).message).toMatch(/^message acme\.Wide has 3 fields/);
  });

  it('checks nothing without limits or without validation (stored schemas always load)', () => {
    const text = `syntax = "proto3"; message M { ${list(20, (i) => `int32 f${i} = ${i};`)} }`;
    expect(() => protobufFormat.parse(text)).not.toThrow();
    expect(() => protobufFormat.parse(text, [], { validate: false, limits: limits({ maxFields: 2 }) })).not.toThrow();
    expect(() => protobufFormat.parse(text, [], { limits: limits({ maxFields: 2 }) })).toThrow(SchemaLimitError);
  });
});
