/**
 * Codegen edge cases (no registry needed): names that clash with each other or with TypeScript/global
 * names, top-level primitives, empty records and messages, proto2, recursive types, and the one
 * representation that cannot work (a decimal string next to a string in an unwrapped union).
 */
import { writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { emptyInput, generateTypeScript, loadAvroFiles, loadProtoFiles } from '@schemata/serdes';
import { compile, importModule, removeScratchDirs, scratchDir } from './helpers.js';

afterAll(() => removeScratchDirs());

async function files(dir: string, entries: Record<string, unknown>): Promise<string[]> {
  const out: string[] = [];
  for (const [name, content] of Object.entries(entries)) {
    const file = path.join(dir, name);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
    out.push(file);
  }
  return out;
}

describe('codegen edge cases', () => {
  it('gives clashing and reserved names distinct, valid identifiers, and the module compiles', async () => {
    const dir = await scratchDir('edge');
    const avro = await files(dir, {
      'a.avsc': {
        type: 'record',
        name: 'Date',
        namespace: 'com.a',
        fields: [
          { name: 'when', type: { type: 'long', logicalType: 'timestamp-millis' } },
          { name: 'other', type: { type: 'record', name: 'Event', namespace: 'com.b', fields: [] } },
          { name: 'self', type: ['null', 'com.a.Date'] },
          { name: 'kinds', type: { type: 'array', items: ['null', { type: 'enum', name: 'Kind', symbols: ['X', 'Y'] }] } },
          { name: 'byKey', type: { type: 'map', values: { type: 'array', items: { type: 'long', logicalType: 'timestamp-millis' } } } },
        ],
      },
      'b.avsc': { type: 'record', name: 'Event', namespace: 'com.c', fields: [{ name: 'e', type: 'com.b.Event' }] },
      'plain-string.avsc': '"string"',
      'money.avsc': { type: 'bytes', logicalType: 'decimal', precision: 6, scale: 2 },
    });
    const proto = await files(dir, {
      'p/one.proto': 'syntax = "proto3";\npackage one;\nmessage Event { string id = 1; }\nmessage Empty {}\nenum Color { RED = 0; GREEN = 1; }\n',
      'p/two.proto':
        'syntax = "proto2";\npackage two;\nimport "one.proto";\nmessage Event { optional int64 n = 1 [default = 7]; required one.Event inner = 2; repeated one.Color colors = 3; optional Event next = 4; }\n',
    });
    const input = emptyInput();
    await loadAvroFiles(avro, dir, input);
    await loadProtoFiles(proto, [path.join(dir, 'p')], dir, input);
    const code = generateTypeScript(input);
    // `Date` is a global the code uses: the record gets a qualified name. `Event` is used four times.
    expect(code).toContain('export interface ADate {');
    expect(code).toContain('  when: Date;');
    expect(code).toContain('export interface BEvent {\n}');
    expect(code).toContain('export interface CEvent {');
    expect(code).toContain('export interface OneEvent {');
    expect(code).toContain('export interface TwoEvent {');
    expect(code).toContain('export type PlainString = string;');
    expect(code).toContain('export type Money = Buffer;');
    expect(code).toContain('export interface Empty {\n}');
    expect(code).toContain('  byKey: Record<string, Date[]>;');
    await writeFile(path.join(dir, 'gen.ts'), code);
    const tsc = await compile(dir, ['gen.ts']);
    expect(tsc.output).toBe('');
    expect(tsc.code).toBe(0);
    const mod: any = await importModule(path.join(dir, 'gen.ts'));
    expect(mod.Color).toEqual({ RED: 0, GREEN: 1 });
    expect(typeof mod.createADateSerializer).toBe('function');
    expect(typeof mod.createPlainStringSerializer).toBe('function');
    expect(typeof mod.createTwoEventDeserializer).toBe('function');
  });

  it('refuses a decimal string that cannot be told apart from a string branch', async () => {
    const dir = await scratchDir('edge-decimal');
    const avro = await files(dir, {
      'x.avsc': { type: 'record', name: 'X', fields: [{ name: 'v', type: ['string', { type: 'bytes', logicalType: 'decimal', precision: 4, scale: 1 }] }] },
    });
    const input = await loadAvroFiles(avro, dir);
    expect(() => generateTypeScript(input, { decimals: 'string' })).toThrow(/decimal as a string cannot share a union with a string/);
    expect(generateTypeScript(input)).toContain('  v: string | Buffer;');
  });
});
