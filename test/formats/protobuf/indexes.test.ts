// The indexed lookups (indexes.ts) against the plain scans they replaced, on random lists.
import { describe, expect, it } from 'vitest';
import {
  fieldNamed,
  fieldNumbered,
  firstUncovered,
  hasName,
  inRanges,
  oneofMembers,
  overlapsRanges,
  valueNamed,
} from '../../../serdes/src/formats/protobuf/indexes.js';
import { emptyMessage, type FieldDef, type Range } from '../../../serdes/src/formats/protobuf/model.js';

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): (n: number) => number {
  let a = seed;
  return (n) => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

function randomRanges(next: (n: number) => number, count: number, empty: boolean): Range[] {
  return Array.from({ length: count }, () => {
    const start = 1 + next(200);
    const end = empty && next(10) === 0 ? start - 1 - next(3) : start + next(8);
    return { start, end };
  });
}

/** The scan firstUncovered replaced (compatibility.ts before). */
function scanFirstUncovered(r: Range, ranges: readonly Range[]): number | undefined {
  let next = r.start;
  for (const x of [...ranges].sort((a, b) => a.start - b.start)) {
    if (x.start > next) break;
    if (x.end >= next) next = x.end + 1;
    if (next > r.end) return undefined;
  }
  return next <= r.end ? next : undefined;
}

describe('indexed lookups over the protobuf model', () => {
  it('answer range questions exactly as a scan does, empty ranges and overlaps included', () => {
    const next = random(7);
    let checked = 0;
    for (let round = 0; round < 300; round++) {
      const ranges = randomRanges(next, 1 + next(30), round % 3 === 0);
      for (let k = 0; k < 40; k++) {
        const n = next(230);
        expect(inRanges(n, ranges), `${n} in ${JSON.stringify(ranges)}`).toBe(ranges.some((r) => n >= r.start && n <= r.end));
        const r = { start: next(230), end: 0 };
        r.end = r.start + next(20) - 3;
        expect(overlapsRanges(r, ranges)).toBe(ranges.some((x) => r.start <= x.end && x.start <= r.end));
        expect(firstUncovered(r, ranges)).toBe(scanFirstUncovered(r, ranges));
        checked++;
      }
    }
    expect(checked).toBe(12_000);
  });

  it('see a list that grew after it was first indexed', () => {
    const ranges: Range[] = randomRanges(random(3), 12, false);
    expect(inRanges(500, ranges)).toBe(false);
    ranges.push({ start: 499, end: 501 });
    expect(inRanges(500, ranges)).toBe(true);
    const names = Array.from({ length: 12 }, (_, i) => `n${i}`);
    expect(hasName(names, 'late')).toBe(false);
    names.push('late');
    expect(hasName(names, 'late')).toBe(true);
  });

  it('find the first field, value or member as Array#find and #filter do', () => {
    const m = emptyMessage('M', 'M');
    const field = (name: string, number: number, oneof?: number): FieldDef => ({ name, number, type: 'int32', kind: 'scalar', options: [], ...(oneof === undefined ? {} : { oneof }) });
    m.fields.push(field('a', 1), field('b', 2, 0), field('a', 3), field('c', 2, 1), field('d', 4, 0));
    expect(fieldNamed(m, 'a')?.number).toBe(1);
    expect(fieldNumbered(m, 2)?.name).toBe('b');
    expect(fieldNamed(m, 'zz')).toBeUndefined();
    expect(oneofMembers(m, 0).map((f) => f.name)).toEqual(['b', 'd']);
    expect(oneofMembers(m, 5)).toEqual([]);
    const e = { name: 'E', fullName: 'E', values: [{ name: 'X', number: 0, options: [] }, { name: 'X', number: 1, options: [] }], reservedRanges: [], reservedNames: [], options: [] };
    expect(valueNamed(e, 'X')?.number).toBe(0);
  });
});
