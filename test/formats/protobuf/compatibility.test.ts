import { describe, expect, it } from 'vitest';
import { COMPATIBLE_CHANGES, diffSchemas, parseProtobuf, protobufFormat, type ProtobufSchema } from '../../../serdes/src/formats/protobuf/index.js';
import { loadCorpus, ref, resolved, type CompatCase } from './helpers.js';

const cases = loadCorpus<CompatCase[]>('protobuf.json');
const format = protobufFormat;

function pair(c: CompatCase): { writer: ProtobufSchema; reader: ProtobufSchema } {
  return {
    writer: format.parse(c.writer, resolved(c.writer_references)) as ProtobufSchema,
    reader: format.parse(c.reader, resolved(c.reader_references)) as ProtobufSchema,
  };
}

describe('protobuf compatibility corpus (protobuf.json)', () => {
  const withVerdict = cases.flatMap((c) => [
    ...(c.backward === null ? [] : [{ c, direction: 'backward' as const, expected: c.backward }]),
    ...(c.forward === null ? [] : [{ c, direction: 'forward' as const, expected: c.forward }]),
  ]);
  const skipped = cases.flatMap((c) => [c.backward, c.forward].filter((v) => v === null).map(() => c.id));

  it('covers the whole corpus: 71 cases, only the null verdicts skipped', () => {
    expect(cases).toHaveLength(71);
    expect(skipped).toEqual(['protobuf-104', 'protobuf-104']);
    expect(withVerdict).toHaveLength(140);
  });

  it.each(withVerdict.map((x) => [`${x.c.id} ${x.direction}: ${x.c.description}`, x] as const))('%s', (_name, { c, direction, expected }) => {
    const { writer, reader } = pair(c);
    // BACKWARD: the new (reader) schema must read data of the old (writer) one; FORWARD is swapped.
    const issues = direction === 'backward' ? format.backwardIssues(reader, writer) : format.backwardIssues(writer, reader);
    expect(issues.length === 0, JSON.stringify(issues)).toBe(expected);
    for (const issue of issues) {
      expect(issue.path).toMatch(/^#\//);
      expect(issue.message.length).toBeGreaterThan(10);
      expect(COMPATIBLE_CHANGES.has(issue.type)).toBe(false);
    }
  });

  const withChanges = cases.filter((c) => c.confluent_changes !== undefined);

  it.each(withChanges.map((c) => [c.id, c] as const))('%s: the diff equals Confluent\'s expected change list', (_id, c) => {
    const { writer, reader } = pair(c);
    const got = diffSchemas(writer, reader).map((d) => `${d.type} ${d.path}`);
    expect([...got].sort()).toEqual([...c.confluent_changes!].sort());
    // The incompatible kinds reported by backwardIssues are exactly the incompatible expected ones.
    const incompatible = format.backwardIssues(reader, writer).map((i) => `${i.type} ${i.path}`);
    const expectedIncompatible = c.confluent_changes!.filter((ch) => !COMPATIBLE_CHANGES.has(ch.split(' ')[0]!));
    expect([...incompatible].sort()).toEqual([...expectedIncompatible].sort());
  });

  it('has confluent_changes for the cases that come from Confluent\'s diff examples', () => {
    expect(withChanges.length).toBeGreaterThanOrEqual(25);
  });
});

describe('protobuf compatibility details', () => {
  const backward = (newer: string, older: string, opts = {}) =>
    format.backwardIssues(parseProtobuf(newer), parseProtobuf(older), opts).map((i) => i.type);

  it('groups scalars by wire compatibility', () => {
    const msg = (t: string) => `syntax = "proto3"; message M { ${t} f = 1; }`;
    const groups = [['int32', 'int64', 'uint32', 'uint64', 'bool'], ['sint32', 'sint64'], ['string', 'bytes'], ['fixed32', 'sfixed32'], ['fixed64', 'sfixed64'], ['float'], ['double']];
    for (const g of groups) {
      for (const other of groups) {
        for (const a of g) {
          const b = other[0]!;
          const expected = g === other ? [] : ['FIELD_SCALAR_KIND_CHANGED'];
          expect(backward(msg(b), msg(a)), `${a} -> ${b}`).toEqual(expected);
        }
      }
    }
  });

  it('reports numeric label changes but tolerates string/bytes and message label changes', () => {
    const p2 = (body: string) => `syntax = "proto2"; message M { ${body} } message N { optional int32 x = 1; }`;
    expect(backward(p2('repeated int32 f = 1;'), p2('optional int32 f = 1;'))).toEqual(['FIELD_NUMERIC_LABEL_CHANGED']);
    expect(backward(p2('repeated string f = 1;'), p2('optional string f = 1;'))).toEqual([]);
    expect(backward(p2('repeated N f = 1;'), p2('optional N f = 1;'))).toEqual([]);
  });

  it('names the field in the message and uses Confluent paths', () => {
    const issues = format.backwardIssues(
      parseProtobuf('syntax = "proto3"; package p; message Outer { message Inner { string amount = 7; } }'),
      parseProtobuf('syntax = "proto3"; package p; message Outer { message Inner { double amount = 7; } }'),
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ type: 'FIELD_SCALAR_KIND_CHANGED', path: '#/Outer/Inner/7' });
    expect(issues[0]!.message).toContain('amount');
    expect(issues[0]!.message).toContain('double');
  });

  it('compares map fields by key and value type', () => {
    const m = (k: string, v: string) => `syntax = "proto3"; message M { map<${k}, ${v}> m = 1; }`;
    expect(backward(m('string', 'int64'), m('string', 'int32'))).toEqual([]);
    expect(backward(m('int32', 'int32'), m('string', 'int32'))).toEqual(['FIELD_SCALAR_KIND_CHANGED']);
    expect(backward(`syntax = "proto3"; message M { repeated int32 m = 1; }`, m('string', 'int32'))).toEqual(['FIELD_KIND_CHANGED']);
  });

  it('recurses into a referenced message when the reference version changes', () => {
    const dep = (t: string) => `syntax = "proto3"; package d; message T { ${t} v = 1; }`;
    const main = 'syntax = "proto3"; import "d.proto"; message M { d.T t = 1; }';
    const older = parseProtobuf(main, [ref('d.proto', dep('int32'), 1)]);
    const same = parseProtobuf(main, [ref('d.proto', dep('int32'), 1)]);
    const changed = parseProtobuf(main, [ref('d.proto', dep('string'), 2)]);
    expect(format.backwardIssues(same, older)).toEqual([]);
    expect(format.backwardIssues(changed, older).map((i) => `${i.type} ${i.path}`)).toEqual([
      'FIELD_SCALAR_KIND_CHANGED #/T/1',
      'FIELD_NAMED_TYPE_CHANGED #/M/1',
    ]);
  });

  it('handles recursive message types', () => {
    const tree = (t: string) => `syntax = "proto3"; message Node { ${t} value = 1; repeated Node children = 2; }`;
    expect(backward(tree('int64'), tree('int32'))).toEqual([]);
    expect(backward(tree('string'), tree('int32'))).toEqual(['FIELD_SCALAR_KIND_CHANGED']);
  });

  it('checks reserved numbers and names only with validateFields', () => {
    const older = 'syntax = "proto3"; message M { reserved 2, 5 to 6; reserved "gone"; int32 a = 1; }';
    const dropped = 'syntax = "proto3"; message M { reserved 2; int32 a = 1; int32 gone = 3; int32 b = 5; }';
    expect(backward(dropped, older)).toEqual([]);
    const issues = backward(dropped, older, { validateFields: true });
    expect(issues).toContain('RESERVED_FIELD_REMOVED');
    expect(issues).toContain('FIELD_CONFLICTS_WITH_RESERVED_FIELD');
    expect(backward(older, older, { validateFields: true })).toEqual([]);
    const range = (r: string) => `syntax = "proto3"; message M { reserved ${r}; int32 a = 1; }`;
    expect(backward(range('5 to 7'), range('5 to 10'), { validateFields: true })).toEqual(['RESERVED_FIELD_REMOVED']);
    expect(backward(range('5 to 7, 8 to 10'), range('5 to 10'), { validateFields: true })).toEqual([]);
  });

  it('rejects comparing with another schema type', () => {
    const avroLike = { schemaType: 'AVRO', canonical: '"string"', references: [] } as never;
    expect(() => format.backwardIssues(parseProtobuf('syntax = "proto3";'), avroLike)).toThrow(/not a PROTOBUF/);
  });
});
