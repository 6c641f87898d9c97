/**
 * allOf/anyOf/oneOf matching: the candidate index may leave out only pairs whose diff is incompatible,
 * and the lazy matching must find a maximum matching.
 */
import { describe, expect, it } from 'vitest';
import { CheckTooComplexError } from '../../../serdes/src/formats/format.js';
import { CandidateIndex } from '../../../serdes/src/formats/jsonschema/compatibility/candidates.js';
import { diffNodes } from '../../../serdes/src/formats/jsonschema/compatibility/diff.js';
import { compatibleChanges } from '../../../serdes/src/formats/jsonschema/compatibility/kinds.js';
import { maximumMatching } from '../../../serdes/src/formats/jsonschema/compatibility/matching.js';
import type { Node } from '../../../serdes/src/formats/jsonschema/compatibility/model.js';
import { jsonSchemaFormat, type JsonSchema } from '../../../serdes/src/formats/jsonschema/index.js';
import { prng as random } from '../../helpers/prng.js';

const parse = (text: string) => jsonSchemaFormat.parse(text) as JsonSchema;
const issues = (older: string, newer: string, policy?: 'STRICT' | 'LENIENT') =>
  jsonSchemaFormat.backwardIssues(parse(newer), parse(older), { policy }).map((i) => `${i.type} ${i.path}`);

/** Subschemas of many shapes, objects varied most (the index looks deepest into them). */
function pool(size: number, seed: number): unknown[] {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const propertySchemas: unknown[] = [
    { type: 'string' }, { type: 'string', maxLength: 5 }, {}, true, { const: 'A' }, { const: 'B' },
    { type: 'string', const: 'A' }, { type: 'string', const: 'B' }, { type: 'integer' }, { type: 'string', default: 'x' },
    { enum: ['A'] }, { anyOf: [{ const: 'A' }, { const: 'B' }] }, false, { $ref: '#/definitions/d' },
    { const: 'A', anyOf: [{ const: 'B' }] }, { type: 'string', const: 'B', 'connect.type': 'bytes' },
    { type: 'string', maxLength: 5 }, { type: 'string', minLength: 2, pattern: '^a' }, { type: 'number', maximum: 3 },
    { $ref: '#/definitions/d', const: 'B' },
  ];
  const object = (): Record<string, unknown> => {
    const schema: Record<string, unknown> = { type: pick(['object', 'object', undefined]) };
    const properties: Record<string, unknown> = {};
    for (const name of ['a', 'b', 'kind']) if (next() < 0.6) properties[name] = pick(propertySchemas);
    schema.properties = properties;
    const required = ['a', 'b', 'kind'].filter(() => next() < 0.4);
    if (required.length > 0) schema.required = required;
    const closing = next();
    if (closing < 0.2) schema.additionalProperties = false;
    else if (closing < 0.3) schema.additionalProperties = { type: 'string' };
    else if (closing < 0.35) schema.patternProperties = { '^k': { type: 'string' } };
    if (next() < 0.2) schema.title = pick(['T1', 'T2']);
    return schema;
  };
  /** Some of `keywords`, each with one of a few values (bounds that cross, patterns, divisors). */
  const bounded = (type: string, keywords: Record<string, readonly unknown[]>): Record<string, unknown> => {
    const schema: Record<string, unknown> = { type };
    for (const [keyword, values] of Object.entries(keywords)) if (next() < 0.4) schema[keyword] = pick(values);
    return schema;
  };
  const others: Array<() => unknown> = [
    () => ({ const: pick(['A', 'B', 1]) }),
    () => ({ enum: ['A', 'B', 'C'].filter(() => next() < 0.6) }),
    () => ({ type: 'string', enum: pick([['A'], ['A', 'B']]) }),
    () => bounded('string', { minLength: [0, 2, 5], maxLength: [3, 5, 9], pattern: ['^a', '^b'] }),
    () => bounded(pick(['number', 'integer']), {
      minimum: [0, 1.5, 10], maximum: [5, 10, 1e300], exclusiveMinimum: [0, 2], exclusiveMaximum: [7, 20], multipleOf: [0.5, 2, 3, 6],
    }),
    () => ({ type: pick(['number', 'integer', 'boolean', 'null']) }),
    () => ({ minimum: pick([1, 2]) }),
    // Arrays are indexed through their items.
    () => ({ type: 'array', items: pick([...propertySchemas, { type: 'array', items: { const: 'A' } }]) }),
    () => ({ type: 'array', items: bounded('string', { minLength: [0, 2], maxLength: [3, 9] }) }),
    () => pick([{ type: 'array' }, { type: 'array', items: [{ type: 'string' }] }, { type: 'array', items: object() }, { items: { const: 'B' } }]),
    () => ({ type: ['string', 'null'] }),
    () => pick([{}, true, false, { 'connect.type': 'bytes', type: 'string' }]),
    () => ({ anyOf: [object(), { type: 'string' }] }),
    () => ({ allOf: [object(), { required: ['a'] }] }),
    () => ({ oneOf: [object()] }),
    () => ({ $ref: '#/definitions/d' }),
  ];
  return Array.from({ length: size }, () => (next() < 0.6 ? object() : pick(others)()));
}

/** The subschema as a whole schema, with the definition its `$ref`s name. */
const wrap = (schema: unknown, defined: unknown, draft: string): string =>
  JSON.stringify({ $schema: draft, anyOf: [schema], definitions: { d: defined } });
const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';
// 2020-12 reads `$ref` beside other keywords (a synthetic allOf with a reference part).
const DRAFT_2020 = 'https://json-schema.org/draft/2020-12/schema';

/**
 * Looks up every original in an index of `updates` and diffs each pair left out: it must be incompatible.
 * Returns how many pairs were left out.
 */
function checkPruning(originals: Node[], updates: Node[], compatible: ReadonlySet<string>, name: (i: number, j: number) => string): number {
  const index = new CandidateIndex(updates, compatible);
  let pruned = 0;
  originals.forEach((original, i) => {
    const candidates = new Set(index.candidates(original, () => false));
    updates.forEach((update, j) => {
      if (candidates.has(j)) return;
      pruned++;
      const incompatible = diffNodes(original, update, compatible, true).filter((d) => !compatible.has(d.type));
      expect(incompatible.length, `pruned compatible pair ${name(i, j)}`).toBeGreaterThan(0);
    });
  });
  return pruned;
}

describe('CandidateIndex leaves out only incompatible pairs', () => {
  for (const [policy, draft, seed] of [['STRICT', DRAFT_07, 1], ['LENIENT', DRAFT_07, 2], ['STRICT', DRAFT_2020, 3]] as const) {
    it(`${policy}, ${draft}: every pair of 240 generated subschemas`, () => {
      const compatible = compatibleChanges(policy);
      const schemas = pool(240, seed);
      // Each side parsed once; its subschema is the single anyOf member, so `$ref`s resolve in its own document.
      const nodes = (defined: unknown) =>
        schemas.map((s) => {
          // Unvalidated, as stored schemas are read: an empty `enum` is a case too.
          const root = (jsonSchemaFormat.parse(wrap(s, defined, draft), [], { validate: false }) as JsonSchema).model();
          return root.kind === 'combined' ? root.subschemas[0]! : root;
        });
      const originals = nodes({ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] });
      const updates = nodes({ const: 'A' });
      const pruned = checkPruning(originals, updates, compatible, (i, j) => `${JSON.stringify(schemas[i])} → ${JSON.stringify(schemas[j])}`);
      // The index must actually prune (else this test checks nothing).
      expect(pruned).toBeGreaterThan(originals.length * updates.length * 0.3);
    });
  }
});

describe('CandidateIndex on strings and numbers (indexed by their bounds)', () => {
  // Few keyword sets and values, so that many pairs share a group and bounds cross in every direction.
  function leaves(size: number, seed: number): unknown[] {
    const next = random(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    const numberSets = [['maximum'], ['exclusiveMaximum'], ['minimum', 'maximum'], ['exclusiveMinimum', 'exclusiveMaximum'], ['multipleOf'], []];
    const stringSets = [['maxLength'], ['minLength'], ['minLength', 'maxLength'], ['pattern'], ['pattern', 'maxLength'], []];
    return Array.from({ length: size }, () => {
      const string = next() < 0.5;
      const schema: Record<string, unknown> = { type: string ? 'string' : pick(['number', 'integer']) };
      for (const keyword of pick(string ? stringSets : numberSets)) {
        schema[keyword] = keyword === 'pattern' ? pick(['^a', '^b']) : keyword === 'multipleOf' ? pick([0.5, 1, 2, 3, 6]) : Math.floor(next() * 8);
      }
      return schema;
    });
  }

  for (const policy of ['STRICT', 'LENIENT'] as const) {
    it(`${policy}: every pair of 200 generated strings and numbers`, () => {
      const compatible = compatibleChanges(policy);
      const nodes = leaves(200, policy === 'STRICT' ? 5 : 6).map((s) => parse(JSON.stringify(s)).model());
      expect(checkPruning(nodes, nodes, compatible, (i, j) => `${i} → ${j}`)).toBeGreaterThan(nodes.length * nodes.length * 0.5);
    });
  }
});

describe('maximumMatching', () => {
  /** Size of a maximum matching by trying every assignment of the left vertices (tiny graphs only). */
  function bruteForce(edges: boolean[][], rightSize: number): number {
    const used = new Array<boolean>(rightSize).fill(false);
    const best = (i: number): number => {
      if (i === edges.length) return 0;
      let result = best(i + 1);
      for (let j = 0; j < rightSize; j++) {
        if (!edges[i]![j] || used[j]) continue;
        used[j] = true;
        result = Math.max(result, 1 + best(i + 1));
        used[j] = false;
      }
      return result;
    };
    return best(0);
  }

  it('finds a maximum matching, testing each edge at most once, on 400 random graphs', () => {
    const next = random(7);
    for (let round = 0; round < 400; round++) {
      const leftSize = 1 + Math.floor(next() * 6);
      const rightSize = 1 + Math.floor(next() * 6);
      const density = next();
      const edges = Array.from({ length: leftSize }, () => Array.from({ length: rightSize }, () => next() < density));
      const keys = Array.from({ length: Math.max(leftSize, rightSize) }, () => [`k${Math.floor(next() * 3)}`]);
      const tested = new Set<string>();
      const match = maximumMatching({
        leftSize,
        rightSize,
        // Candidates: every real edge plus some non-edges, as the index over-approximates.
        candidates: (i) => [...Array(rightSize).keys()].filter((j) => edges[i]![j] || next() < 0.3),
        leftKeys: (i) => keys[i]!,
        rightKeys: (j) => keys[j]!,
        edge: (i, j) => {
          expect(tested.has(`${i},${j}`)).toBe(false);
          tested.add(`${i},${j}`);
          return edges[i]![j]!;
        },
      });
      const rights = [...match].filter((j) => j >= 0);
      expect(new Set(rights).size).toBe(rights.length);
      match.forEach((j, i) => {
        if (j >= 0) expect(edges[i]![j]).toBe(true);
      });
      const maximum = bruteForce(edges, rightSize);
      expect(rights.length, JSON.stringify(edges)).toBe(maximum);
      // Asked to stop once the smaller side cannot be covered, it still covers it whenever possible.
      const target = Math.min(leftSize, rightSize);
      const short = maximumMatching({ leftSize, rightSize, candidates: (i) => [...Array(rightSize).keys()], leftKeys: () => [], rightKeys: () => [], edge: (i, j) => edges[i]![j]!, stopWhenShort: true });
      expect([...short].filter((j) => j >= 0).length === target).toBe(maximum === target);
    }
  });
});

describe('combined schemas with many branches', () => {
  const branch = (i: number, kind: string, maxLength = 5) =>
    ({ type: 'object', properties: { kind: { const: kind }, [`f${i}`]: { type: 'string', maxLength } }, required: ['kind'] });
  const anyOf = (branches: unknown[]) => JSON.stringify({ anyOf: branches });
  const kinds = Array.from({ length: 200 }, (_, i) => `K${i}`);

  it('matches discriminated branches listed in another order', () => {
    const older = anyOf(kinds.map((k, i) => branch(i, k)));
    const newer = anyOf(kinds.map((k, i) => branch(i, k, 9)).reverse());
    expect(issues(older, newer)).toEqual([]);
  });

  it('reports a branch whose discriminator changed', () => {
    const older = anyOf(kinds.map((k, i) => branch(i, k)));
    const newer = anyOf(kinds.map((k, i) => branch(i, i === 57 ? 'other' : k)));
    expect(issues(older, newer)).toEqual(['COMBINED_TYPE_SUBSCHEMAS_CHANGED #/']);
  });

  it('matches branches whose discriminator is not required, reordered', () => {
    const optional = (i: number, kind: string, maxLength = 5) =>
      ({ type: 'object', properties: { kind: { const: kind }, [`f${i}`]: { type: 'string', maxLength } } });
    const older = anyOf(kinds.map((k, i) => optional(i, k)));
    expect(issues(older, anyOf(kinds.map((k, i) => optional(i, k, 9)).reverse()))).toEqual([]);
    expect(issues(older, anyOf(kinds.map((k, i) => optional(i, i === 3 ? 'other' : k))))).toEqual(['COMBINED_TYPE_SUBSCHEMAS_CHANGED #/']);
  });

  it('matches array branches through their items, permuted and retitled', () => {
    const array = (i: number, title: string) => ({ type: 'array', title, items: { type: 'string', minLength: i, maxLength: i } });
    const older = anyOf(kinds.map((_, i) => array(i, `A${i}`)));
    const permuted = kinds.map((_, i) => array((i * 7) % kinds.length, `B${i}`));
    expect(issues(older, anyOf(permuted))).toEqual([]);
    // One item schema narrowed: that old branch has no partner left.
    expect(issues(older, anyOf(permuted.map((b, i) => (i === 0 ? { ...b, items: { ...b.items, minLength: 1 } } : b))))).toEqual([
      'COMBINED_TYPE_SUBSCHEMAS_CHANGED #/',
    ]);
  });

  it('stops with CheckTooComplexError past a pair budget linear in the subschemas', () => {
    // Tuples are not indexed, and a permutation with no titles leaves nothing to pair them by: every
    // old branch may have to be diffed against half of the new ones.
    const tuples = (n: number, order: (i: number) => number, description?: string) =>
      anyOf(Array.from({ length: n }, (_, i) => ({ type: 'array', description, items: [{ type: 'string', minLength: order(i), maxLength: order(i) }] })));
    // Reordered and redescribed: no branch is the same as before, only one new branch fits each old one.
    const permuted = (n: number) => tuples(n, (i) => (i * 7919) % n, 'v2');
    expect(issues(tuples(60, (i) => i), permuted(60))).toEqual([]);
    // Each old branch is diffed with the unmatched new ones in order until its own: about n²/4 = 160,000
    // pairs; the budget is 10,000 + 64 * 2n = 112,400.
    const n = 800;
    let thrown: unknown;
    try {
      issues(tuples(n, (i) => i), permuted(n));
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(CheckTooComplexError);
    expect((thrown as Error).message).toBe('matching 800 anyOf subschemas with 800 would take more than 112400 pairwise comparisons');
  });

  it('still matches a branch through a different one when only that one is compatible', () => {
    // Branch 0 moves to an `{}` branch (anything), which any old branch may match: the matching must
    // then give the other old branches their own new branches.
    const older = anyOf(kinds.map((k, i) => branch(i, k)));
    const newer = anyOf([{}, ...kinds.slice(1).map((k, i) => branch(i + 1, k))]);
    expect(issues(older, newer)).toEqual([]);
  });
});
