// Referenced message types compared wherever fields reach them (Confluent's rule when a reference changed
// version): repetitions as Confluent lists them, recursion cut by the guard, and bounded work where the
// literal algorithm takes exponential time.
import { describe, expect, it } from 'vitest';
import { DiffTooComplexError, diffSchemas, parseProtobuf, protobufFormat } from '../../../serdes/src/formats/protobuf/index.js';
import { MAX_DIFFERENCES } from '../../../serdes/src/formats/protobuf/diff-context.js';
import { ref } from './helpers.js';

const TOP = 'syntax = "proto3"; package p; import "dep.proto"; message Top { d.M0 root = 1; }';

/** A referenced file of n messages, each holding two fields of the next; the last one's field typed `last`. */
function chain(n: number, last: string): string {
  const messages = Array.from({ length: n }, (_, i) => (i + 1 < n ? `message M${i} { M${i + 1} a = 1; M${i + 1} b = 2; }` : `message M${i} { ${last} s = 1; }`));
  return `syntax = "proto3"; package d;\n${messages.join('\n')}`;
}

function pair(older: string, newer: string, top = TOP) {
  return {
    older: parseProtobuf(top, [ref('dep.proto', older, 1)]),
    newer: parseProtobuf(top, [ref('dep.proto', newer, 2)]),
  };
}

describe('protobuf compatibility through changed references', () => {
  it('lists a deep change once per path that reaches it, as Confluent does', () => {
    const { older, newer } = pair(chain(4, 'string'), chain(4, 'int32'));
    const issues = protobufFormat.backwardIssues(newer, older);
    // M3's change is reached through 2 x 2 x 2 paths; each level adds FIELD_NAMED_TYPE_CHANGED per field.
    expect(issues.filter((i) => i.type === 'FIELD_SCALAR_KIND_CHANGED').map((i) => i.path)).toEqual(Array(8).fill('#/M3/1'));
    expect(issues.filter((i) => i.type === 'FIELD_NAMED_TYPE_CHANGED')).toHaveLength(15);
    expect(issues).toHaveLength(23);
    expect(issues.at(-1)).toMatchObject({ type: 'FIELD_NAMED_TYPE_CHANGED', path: '#/Top/1' });
    expect(diffSchemas(older, newer)).toHaveLength(23);
  });

  it('compares a chain of 40 referenced types without walking its 2^40 paths', () => {
    const { older, newer } = pair(chain(40, 'string'), chain(40, 'int32'));
    const issues = protobufFormat.backwardIssues(newer, older);
    expect(issues).toHaveLength(MAX_DIFFERENCES);
    expect(issues[0]).toMatchObject({ type: 'FIELD_SCALAR_KIND_CHANGED', path: '#/M39/1' });
    const compatible = pair(chain(40, 'string'), chain(40, 'string'));
    expect(protobufFormat.backwardIssues(compatible.newer, compatible.older)).toEqual([]);
  });

  it('stops at a message already being compared (recursive and mutually recursive types)', () => {
    const tree = (v: string) => `syntax = "proto3"; package d;
      message M0 { ${v} v = 1; repeated M0 children = 2; M1 other = 3; }
      message M1 { M0 back = 1; string w = 2; }`;
    const top = 'syntax = "proto3"; package p; import "dep.proto"; message Top { d.M0 root = 1; d.M1 side = 2; }';
    const { older, newer } = pair(tree('string'), tree('int64'), top);
    // From Top.root, M0 -> M1 -> M0 stops at M0; from Top.side, M1 -> M0 compares M0's fields (M1 is the
    // one being compared), then M0 -> M1 stops. The same pair, compared under two paths, differs.
    expect(diffSchemas(older, newer).map((d) => `${d.type} ${d.path}`)).toEqual([
      'FIELD_SCALAR_KIND_CHANGED #/M0/1',
      'FIELD_NAMED_TYPE_CHANGED #/Top/1',
      'FIELD_SCALAR_KIND_CHANGED #/M0/1',
      'FIELD_NAMED_TYPE_CHANGED #/M1/1',
      'FIELD_NAMED_TYPE_CHANGED #/Top/2',
    ]);
  });

  it('gives up with a clear error where types reach each other in too many ways', () => {
    const dense = (extra: string) =>
      `syntax = "proto3"; package d;\n${Array.from({ length: 20 }, (_, i) => `message M${i} { ${Array.from({ length: 20 }, (_, j) => `M${j} f${j} = ${j + 1};`).join(' ')} ${i === 19 ? extra : ''} }`).join('\n')}`;
    const { older, newer } = pair(dense(''), dense('string added = 100;'));
    expect(() => protobufFormat.backwardIssues(newer, older)).toThrow(DiffTooComplexError);
    expect(() => protobufFormat.backwardIssues(newer, older)).toThrow(/too intricate to compare/);
  });

  it('gives up with a clear error on a chain of references too deep to follow', () => {
    const long = (last: string) =>
      `syntax = "proto3"; package d;\n${Array.from({ length: 3000 }, (_, i) => (i + 1 < 3000 ? `message M${i} { M${i + 1} a = 1; }` : `message M${i} { ${last} s = 1; }`)).join('\n')}`;
    const { older, newer } = pair(long('string'), long('int32'));
    expect(() => protobufFormat.backwardIssues(newer, older)).toThrow(/nest too deeply/);
  });
});
