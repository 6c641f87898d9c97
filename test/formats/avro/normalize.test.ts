import { describe, expect, it } from 'vitest';
import type { ResolvedReference } from '../../../serdes/src/formats/index.js';
import { AvroSchema } from '../../../serdes/src/formats/avro/index.js';
import { parse } from './fixtures.js';

const input = JSON.stringify({
  type: 'record',
  name: 'R',
  namespace: 'ns',
  doc: '',
  aliases: ['Z', 'A'],
  zprop: 'z',
  aprop: { y: 1, x: 2 },
  fields: [
    { name: 'f', type: 'string', zprop: 'z', aprop: 'a', aliases: ['q', 'b'], doc: 'd' },
    { name: 'd', type: 'double', default: 1 },
    { name: 'e', type: { type: 'enum', name: 'E', symbols: ['A', 'B'], default: 'B', doc: 'ed' } },
    { name: 'dec', type: { type: 'bytes', scale: 2, x: 1, precision: 5, logicalType: 'decimal' } },
    { name: 'lo', type: 'long', order: 'ignore' },
  ],
});

describe("normalize (Confluent's AvroSchemaUtils.toNormalizedString, then parsed again)", () => {
  it("produces Confluent's normalized text: full names, no namespace, fixed key order, sorted props and aliases", () => {
    expect(parse(input).normalizedText()).toBe(
      '{"name":"ns.R","type":"record","fields":[' +
        '{"name":"f","type":"string","order":"ASCENDING","doc":"d","aliases":["b","q"],"aprop":"a","zprop":"z"},' +
        '{"name":"d","type":"double","order":"ASCENDING","default":1.0},' +
        '{"name":"e","type":{"name":"ns.E","type":"enum","symbols":["A","B"],"doc":"ed","default":"B"},"order":"ASCENDING"},' +
        '{"name":"dec","type":{"type":"bytes","logicalType":"decimal","precision":5,"scale":2,"x":1},"order":"ASCENDING"},' +
        '{"name":"lo","type":"long","order":"IGNORE"}' +
        '],"aliases":["ns.A","ns.Z"],"aprop":{"x":2,"y":1},"zprop":"z"}',
    );
  });

  it('stores what Confluent stores: the canonical string of the normalized text', () => {
    const normalized = parse(input).normalize();
    expect(normalized.canonical).toBe(
      '{"type":"record","name":"R","namespace":"ns","fields":[' +
        '{"name":"f","type":"string","doc":"d","aliases":["b","q"],"aprop":"a","zprop":"z"},' +
        '{"name":"d","type":"double","default":1.0},' +
        '{"name":"e","type":{"type":"enum","name":"E","doc":"ed","symbols":["A","B"],"default":"B"}},' +
        '{"name":"dec","type":{"type":"bytes","logicalType":"decimal","precision":5,"scale":2,"x":1}},' +
        '{"name":"lo","type":"long","order":"ignore"}' +
        '],"aprop":{"x":2,"y":1},"zprop":"z","aliases":["A","Z"]}',
    );
    expect(normalized.normalize().canonical).toBe(normalized.canonical);
  });

  it('makes property-order variants one schema (and only after normalizing)', () => {
    const zfirst = parse('{"type":"record","name":"N","namespace":"x","fields":[{"type":"string","name":"f","zprop":"z","aprop":"a"}]}');
    const afirst = parse('{"type":"record","name":"N","namespace":"x","fields":[{"type":"string","name":"f","aprop":"a","zprop":"z"}]}');
    expect(zfirst.canonical).not.toBe(afirst.canonical);
    expect(zfirst.normalize().canonical).toBe(afirst.normalize().canonical);
    const stored = zfirst.normalize().canonical;
    expect(stored.indexOf('"aprop"')).toBeLessThan(stored.indexOf('"zprop"'));
  });

  it('keeps doc, defaults, aliases and custom properties (unlike Parsing Canonical Form)', () => {
    const s = parse('{"type":"record","name":"K","doc":"keep","aliases":["Old"],"fields":[{"name":"a","type":"int","default":3,"p":true}]}');
    expect(s.normalize().canonical).toBe(
      '{"type":"record","name":"K","doc":"keep","fields":[{"name":"a","type":"int","default":3,"p":true}],"aliases":["Old"]}',
    );
  });

  it('converts defaults through the field type like Avro-Java (float precision, union first branch)', () => {
    const s = parse(
      '{"type":"record","name":"D","fields":[{"name":"f","type":"float","default":0.1},' +
        '{"name":"u","type":["null","string"],"default":null},{"name":"r","type":{"type":"record","name":"In","fields":[' +
        '{"name":"z","type":"long"},{"name":"a","type":"double"}]},"default":{"z":1,"a":2}}]}',
    );
    expect(s.normalizedText()).toContain('{"name":"f","type":"float","order":"ASCENDING","default":0.1}');
    expect(s.normalizedText()).toContain('"default":null}');
    expect(s.normalizedText()).toContain('"default":{"a":2.0,"z":1}');
  });

  it('writes the types of references by full name and sorts the references', () => {
    const refs: ResolvedReference[] = [
      { name: 'b.B', subject: 'sb', version: 1, schemaType: 'AVRO', schema: '{"type":"enum","name":"B","namespace":"b","symbols":["X"]}', references: [] },
      { name: 'a.A', subject: 'sa', version: 2, schemaType: 'AVRO', schema: '{"type":"fixed","name":"A","namespace":"a","size":2}', references: [] },
      { name: 'a.A', subject: 'sa', version: 2, schemaType: 'AVRO', schema: '{"type":"fixed","name":"A","namespace":"a","size":2}', references: [] },
    ];
    const s = AvroSchema.parse('{"type":"record","name":"a.M","fields":[{"name":"x","type":"b.B"},{"name":"y","type":"A"}]}', refs);
    expect(s.normalizedText()).toBe(
      '{"name":"a.M","type":"record","fields":[{"name":"x","type":"b.B","order":"ASCENDING"},{"name":"y","type":"a.A","order":"ASCENDING"}]}',
    );
    const n = s.normalize();
    expect(n.canonical).toBe('{"type":"record","name":"M","namespace":"a","fields":[{"name":"x","type":"b.B"},{"name":"y","type":"A"}]}');
    expect(n.references).toEqual([
      { name: 'a.A', subject: 'sa', version: 2 },
      { name: 'b.B', subject: 'sb', version: 1 },
    ]);
  });

  it("reproduces Confluent's namespace quirk: a type without namespace inside a namespaced record moves into it", () => {
    const s = parse('{"type":"record","name":"R","namespace":"ns","fields":[{"name":"e","type":{"type":"enum","name":"E","namespace":"","symbols":["A"]}}]}');
    expect(s.canonical).toContain('{"type":"enum","name":"E","namespace":"","symbols":["A"]}');
    expect(s.normalizedText()).toContain('{"name":"E","type":"enum","symbols":["A"]}');
    expect(s.normalize().canonical).toContain('{"type":"enum","name":"E","symbols":["A"]}');
  });
});
