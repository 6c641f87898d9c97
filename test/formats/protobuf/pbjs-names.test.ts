// The model of protobufjs' name lookup (pbjs-names.ts) against protobufjs itself: for every schema of the
// corpus, the samples, the built-ins and a few files made to hit protobufjs' peculiar lookup rules, every
// name a canonical print could ask about is looked up from every scope in both, and must give the same.
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { BUILTIN_PROTOS, builtinSchema, parseProtobuf, type ProtobufSchema } from '../../../serdes/src/formats/protobuf/index.js';
import { allMessages, type FileDef } from '../../../serdes/src/formats/protobuf/model.js';
import { PbjsNames } from '../../../serdes/src/formats/protobuf/pbjs-names.js';
import { loadCorpus, ref, resolved, type CompatCase } from './helpers.js';
import { COMMON, PROTO2_RICH, PROTO3_RICH } from './samples.js';

/** Everything of a file a lookup could name or start from: scopes (as written) and names. */
function vocabulary(file: FileDef): { scopes: Set<string>; names: Set<string> } {
  const scopes = new Set<string>(['']);
  const names = new Set<string>(['nope', 'a.nope']);
  const addFull = (full: string) => {
    const parts = full.split('.');
    for (let i = 0; i < parts.length; i++) names.add(parts.slice(i).join('.'));
  };
  const pkg = file.package.split('.').filter(Boolean);
  for (let i = 1; i <= pkg.length; i++) scopes.add(pkg.slice(0, i).join('.'));
  for (const m of allMessages(file.messages)) {
    scopes.add(m.fullName);
    addFull(m.fullName);
    for (const f of m.fields) {
      names.add(f.name);
      names.add(`_${f.name}`);
      if (f.type.startsWith('.')) addFull(f.type.slice(1));
    }
    for (const o of m.oneofs) names.add(o.name);
    for (const e of m.enums) {
      scopes.add(e.fullName);
      addFull(e.fullName);
    }
    for (const x of m.extensions) addFull(`${m.fullName}.${x.name}`);
  }
  for (const e of file.enums) addFull(e.fullName);
  for (const x of file.extensions) addFull(file.package ? `${file.package}.${x.name}` : x.name);
  for (const s of file.services) {
    scopes.add(s.fullName);
    addFull(s.fullName);
    for (const method of s.methods) names.add(method.name);
  }
  return { scopes, names };
}

function realFind(root: protobuf.Root, name: string, scope: string, typesOnly: boolean): string | null {
  const ns = scope ? root.lookup(scope) : root;
  if (!(ns instanceof protobuf.Namespace)) return null;
  const found = typesOnly ? ns.lookup(name, [protobuf.Type, protobuf.Enum]) : ns.lookup(name);
  return found?.fullName ?? null;
}

interface Tally {
  compared: number;
  unsupported: number;
}

/** Compares the model with the real Root (built the way `protobufRoot` builds it) on every scope × name. */
function compare(schema: ProtobufSchema, tally: Tally, label: string): void {
  let root: protobuf.Root;
  try {
    root = schema.protobufRoot({ keepCase: true });
  } catch {
    return; // protobufjs cannot load it: the canonical print never asks it anything then
  }
  const files = [...[...schema.allDependencies().values()].map((d) => d.file), schema.file];
  const model = new PbjsNames(files);
  const scopes = new Set<string>();
  const names = new Set<string>();
  for (const f of files) {
    const v = vocabulary(f);
    v.scopes.forEach((s) => scopes.add(s));
    v.names.forEach((n) => names.add(n));
  }
  const mismatches: string[] = [];
  for (const scope of scopes) {
    for (const name of names) {
      for (const typesOnly of [true, false]) {
        const modelled = model.find(name, scope, typesOnly);
        if (modelled === undefined) {
          tally.unsupported++;
          continue;
        }
        tally.compared++;
        const real = realFind(root, name, scope, typesOnly);
        if (modelled !== real) mismatches.push(`${label}: ${name} from "${scope}" (typesOnly ${typesOnly}): model ${modelled}, protobufjs ${real}`);
      }
    }
  }
  expect(mismatches.slice(0, 10)).toEqual([]);
}

const TRICKY: Array<{ label: string; text: string; deps?: Array<[string, string]> }> = [
  {
    label: 'a field named like a type',
    text: 'syntax = "proto3"; package p; message Foo { int32 a = 1; } message M { Foo Foo = 1; Foo bar = 2; }',
  },
  {
    label: 'a nested namespace found before the outer type',
    text: `syntax = "proto3"; package a;
      message Target { int32 x = 1; }
      message Outer { message Inner { message Target { int32 y = 1; } message Deeper { message Target {} } } Target t = 1; Inner.Target u = 2; }
      message Other { message Target {} Outer.Inner.Deeper.Target d = 1; }`,
  },
  {
    label: 'a nested namespace that holds the first part but not the rest ends the search of its subtree',
    text: `syntax = "proto3"; package t;
      message S {
        message X { message a {} message Y { message a { message b {} } } }
        message Z { message a { message b {} } }
      }`,
  },
  {
    label: 'the fully-qualified shortcut to a top-level type of an import',
    deps: [['top.proto', 'syntax = "proto3"; message x { message Y { int32 a = 1; } }']],
    text: 'syntax = "proto3"; package p; import "top.proto"; message x { message Y { int32 b = 1; } } message M { x.Y f = 1; .x.Y g = 2; }',
  },
  {
    label: 'packages sharing a prefix across files',
    deps: [['common.proto', COMMON]],
    text: `syntax = "proto3"; package acme.orders; import "common.proto";
      message Money { int64 units = 1; }
      message Order { acme.common.Money total = 1; Money local = 2; common.Money again = 3; }`,
  },
  {
    label: 'services, methods and proto3 optional fields',
    text: `syntax = "proto3"; package svc;
      message Get { optional string Get = 1; optional int32 other = 2; }
      message Res { oneof choice { string a = 1; Get g = 2; } }
      service Get2 { rpc Get (Get) returns (Res); rpc Res (Res) returns (Get); }`,
  },
  {
    label: 'proto2 groups and nested extensions',
    text: `syntax = "proto2"; package g;
      message Holder {
        optional group Data = 1 { optional string a = 1; }
        extensions 100 to 200;
        extend Holder { optional Holder Self = 100; optional Holder.Data data_ext = 101; }
      }
      message Data { optional Holder.Data inner = 1; }`,
  },
];

describe('the model of protobufjs name lookup', () => {
  it('finds what protobufjs finds, for every scope and name of many schemas', () => {
    const tally: Tally = { compared: 0, unsupported: 0 };
    for (const c of loadCorpus<CompatCase[]>('protobuf.json')) {
      for (const [text, refs] of [
        [c.writer, c.writer_references],
        [c.reader, c.reader_references],
      ] as const) {
        let schema: ProtobufSchema;
        try {
          schema = parseProtobuf(text, resolved(refs), { validate: false });
        } catch {
          continue;
        }
        compare(schema, tally, c.id);
      }
    }
    compare(parseProtobuf(PROTO3_RICH, [ref('common.proto', COMMON)]), tally, 'PROTO3_RICH');
    compare(parseProtobuf(PROTO2_RICH), tally, 'PROTO2_RICH');
    for (const path of BUILTIN_PROTOS.keys()) compare(builtinSchema(path)!, tally, path);
    for (const t of TRICKY) {
      const refs = (t.deps ?? []).map(([name, text]) => ref(name, text));
      compare(parseProtobuf(t.text, refs), tally, t.label);
    }
    expect(tally.compared).toBeGreaterThan(100_000);
    expect(tally.unsupported).toBe(0);
  });

  it('says it cannot tell where protobufjs builds its tree differently', () => {
    // Two files defining one message: protobufjs refuses the second, the model does not pretend to know.
    const m = parseProtobuf('syntax = "proto3"; package p; message M { int32 a = 1; }');
    expect(new PbjsNames([m.file, m.file]).find('M', 'p', true)).toBeUndefined();
    expect(new PbjsNames([m.file]).find('M', 'p', true)).toBe('.p.M');
  });
});
