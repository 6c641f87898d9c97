import { describe, expect, it } from 'vitest';
import { parse } from './fixtures.js';

describe('canonical string (Avro-Java Schema.toString, what Confluent stores)', () => {
  it('writes every kind of type with Avro-Java key order, whatever order the input used', () => {
    const input = `{
      "fields": [
        {"x-f": true, "aliases": ["old_a"], "order": "descending", "default": 1, "doc": "field doc", "type": "int", "name": "a"},
        {"type": {"values": "long", "type": "map", "x-m": 1}, "name": "m"},
        {"type": {"items": "string", "type": "array"}, "name": "arr"},
        {"type": {"symbols": ["X", "Y"], "x-e": "e", "aliases": ["OldE"], "default": "X", "doc": "enum doc", "name": "E", "type": "enum"}, "name": "e"},
        {"type": {"size": 16, "aliases": ["OldF"], "x-fx": 2, "doc": "fixed doc", "name": "F", "type": "fixed"}, "name": "f"},
        {"type": {"logicalType": "timestamp-millis", "type": "long"}, "name": "ts"},
        {"type": {"type": "string"}, "name": "plain"},
        {"order": "ascending", "type": "boolean", "name": "asc"}
      ],
      "aliases": ["OldR"],
      "x-r": {"b": 1, "a": 2},
      "doc": "record doc",
      "namespace": "com.acme",
      "name": "R",
      "type": "record"
    }`;
    expect(parse(input).canonical).toBe(
      '{"type":"record","name":"R","namespace":"com.acme","doc":"record doc","fields":[' +
        '{"name":"a","type":"int","doc":"field doc","default":1,"order":"descending","aliases":["old_a"],"x-f":true},' +
        '{"name":"m","type":{"type":"map","values":"long","x-m":1}},' +
        '{"name":"arr","type":{"type":"array","items":"string"}},' +
        '{"name":"e","type":{"type":"enum","name":"E","doc":"enum doc","symbols":["X","Y"],"default":"X","x-e":"e","aliases":["OldE"]}},' +
        '{"name":"f","type":{"type":"fixed","name":"F","doc":"fixed doc","size":16,"x-fx":2,"aliases":["OldF"]}},' +
        '{"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},' +
        '{"name":"plain","type":"string"},' +
        '{"name":"asc","type":"boolean"}' +
        '],"x-r":{"b":1,"a":2},"aliases":["OldR"]}',
    );
  });

  it('writes a namespace only where it differs from the enclosing one, and "" for none inside one', () => {
    const s = parse(
      JSON.stringify({
        type: 'record',
        name: 'Outer',
        namespace: 'a',
        fields: [
          { name: 'i1', type: { type: 'record', name: 'Inner', fields: [] } },
          {
            name: 'i2',
            type: {
              type: 'record',
              name: 'b.Other',
              fields: [
                { name: 'x', type: 'a.Inner' },
                { name: 'y', type: { type: 'enum', name: 'E', symbols: ['A'] } },
              ],
            },
          },
          { name: 'i3', type: 'Inner' },
          { name: 'i4', type: 'b.E' },
          { name: 'i5', type: { type: 'fixed', name: 'NoNs', namespace: '', size: 1 } },
          { name: 'i6', type: 'NoNs' },
        ],
      }),
    );
    expect(s.canonical).toBe(
      '{"type":"record","name":"Outer","namespace":"a","fields":[' +
        '{"name":"i1","type":{"type":"record","name":"Inner","fields":[]}},' +
        '{"name":"i2","type":{"type":"record","name":"Other","namespace":"b","fields":[' +
        '{"name":"x","type":"a.Inner"},{"name":"y","type":{"type":"enum","name":"E","symbols":["A"]}}]}},' +
        '{"name":"i3","type":"Inner"},' +
        '{"name":"i4","type":"b.E"},' +
        '{"name":"i5","type":{"type":"fixed","name":"NoNs","namespace":"","size":1}},' +
        '{"name":"i6","type":"NoNs"}]}',
    );
  });

  it('writes a named type once, then by name; a simple name that is a type name stays qualified', () => {
    const s = parse(
      '{"type":"record","name":"ns.Top","fields":[{"name":"a","type":{"type":"fixed","name":"fixed","size":1}},' +
        '{"name":"b","type":"fixed"},{"name":"c","type":["null","Top"]}]}',
    );
    expect(s.canonical).toBe(
      '{"type":"record","name":"Top","namespace":"ns","fields":[{"name":"a","type":{"type":"fixed","name":"fixed","size":1}},' +
        '{"name":"b","type":"ns.fixed"},{"name":"c","type":["null","Top"]}]}',
    );
  });

  it('is the same for whitespace and key-order variants, and differs when doc, default, aliases or props change', () => {
    const base = '{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}';
    const variant = `{
      "fields" : [ { "type" : "int" , "name" : "a" } ] ,
      "name" : "R" ,
      "type" : "record"
    }`;
    expect(parse(variant).canonical).toBe(parse(base).canonical);
    expect(parse(base).canonical).toBe(base);
    const changed = [
      '{"type":"record","name":"R","doc":"x","fields":[{"name":"a","type":"int"}]}',
      '{"type":"record","name":"R","fields":[{"name":"a","type":"int","doc":"x"}]}',
      '{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":0}]}',
      '{"type":"record","name":"R","fields":[{"name":"a","type":"int","aliases":["b"]}]}',
      '{"type":"record","name":"R","fields":[{"name":"a","type":"int","p":1}]}',
    ];
    for (const text of changed) {
      expect(parse(text).canonical).not.toBe(parse(base).canonical);
      expect(parse(text).canonical).toBe(text);
    }
  });

  it('keeps the written order of custom properties (only normalize sorts them)', () => {
    const za = parse('{"type":"record","name":"R","fields":[{"name":"f","type":"string","zprop":"z","aprop":"a"}]}');
    const az = parse('{"type":"record","name":"R","fields":[{"name":"f","type":"string","aprop":"a","zprop":"z"}]}');
    expect(za.canonical).toContain('"zprop":"z","aprop":"a"');
    expect(za.canonical).not.toBe(az.canonical);
  });

  it('prints defaults the way Jackson prints them', () => {
    const s = parse(
      '{"type":"record","name":"R","fields":[' +
        '{"name":"a","type":"double","default":1},{"name":"b","type":"double","default":1.0},' +
        '{"name":"c","type":"double","default":1e3},{"name":"d","type":"double","default":1.5e-7},' +
        '{"name":"e","type":"double","default":12345678.9},{"name":"f","type":"double","default":"2.5"},' +
        '{"name":"g","type":"float","default":"NaN"},{"name":"h","type":"long","default":9007199254740993},' +
        '{"name":"i","type":"int","default":-0},{"name":"j","type":"string","default":"tab\\tctl\\u001f\\u00e9"},' +
        '{"name":"k","type":{"type":"map","values":"int"},"default":{"z":1,"a":2}}]}',
    );
    expect(s.canonical).toBe(
      '{"type":"record","name":"R","fields":[' +
        '{"name":"a","type":"double","default":1},{"name":"b","type":"double","default":1.0},' +
        '{"name":"c","type":"double","default":1000.0},{"name":"d","type":"double","default":1.5E-7},' +
        '{"name":"e","type":"double","default":1.23456789E7},{"name":"f","type":"double","default":2.5},' +
        '{"name":"g","type":"float","default":"NaN"},{"name":"h","type":"long","default":9007199254740993},' +
        '{"name":"i","type":"int","default":0},{"name":"j","type":"string","default":"tab\\tctl\\u001Fé"},' +
        '{"name":"k","type":{"type":"map","values":"int"},"default":{"z":1,"a":2}}]}',
    );
  });

  it('reads what Avro-Java reads: comments, duplicate keys (the last wins), "error" records', () => {
    expect(parse('/* c */ {"type": // the type\n "string"}').canonical).toBe('"string"');
    expect(parse('{"type":"int","type":"long"}').canonical).toBe('"long"');
    expect(parse('{"type":"error","name":"Oops","fields":[]}').canonical).toBe('{"type":"error","name":"Oops","fields":[]}');
    expect(parse('{"type":"record","name":"R","fields":[{"name":"a","type":"int","aliases":["x","x","y"]}]}').canonical).toBe(
      '{"type":"record","name":"R","fields":[{"name":"a","type":"int","aliases":["x","y"]}]}',
    );
  });

  it('writes recursive and union types compactly', () => {
    const text = '["null",{"type":"record","name":"Node","fields":[{"name":"next","type":["null","Node"]},{"name":"v","type":{"type":"array","items":"Node"}}]}]';
    expect(parse(text).canonical).toBe(text);
  });

  it('qualifies aliases relative to the type namespace', () => {
    const s = parse('{"type":"record","name":"R","namespace":"a.b","aliases":["Old","c.Other"],"fields":[]}');
    expect(s.canonical).toBe('{"type":"record","name":"R","namespace":"a.b","fields":[],"aliases":["Old","c.Other"]}');
  });
});
