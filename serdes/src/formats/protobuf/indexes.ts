/**
 * Lookups by name or number over the lists of the model, each built once per list.
 *
 * Linking, the option codec, the printer and the diff look fields, enum values, oneof members and ranges
 * up again and again; a scan of the list each time made them O(n²) in the size of one message or enum.
 * Each index is keyed by the list it was built from and rebuilt if that list has grown since (lists
 * only grow while a parser fills them). Where a list holds one name or number twice (only when parsing
 * without validation), the first one wins, as `Array#find` did.
 */
import type { EnumDef, EnumValueDef, FieldDef, MessageDef, Range } from './model.js';

/** `build(list)`, kept per list and built again once the list has grown. */
function indexer<T, R>(build: (list: readonly T[]) => R): (list: readonly T[]) => R {
  const cache = new WeakMap<readonly T[], { size: number; index: R }>();
  return (list) => {
    let entry = cache.get(list);
    if (entry === undefined || entry.size !== list.length) {
      entry = { size: list.length, index: build(list) };
      cache.set(list, entry);
    }
    return entry.index;
  };
}

function firstBy<T, K>(key: (item: T) => K): (list: readonly T[]) => Map<K, T> {
  return (list) => {
    const map = new Map<K, T>();
    for (const item of list) {
      const k = key(item);
      if (!map.has(k)) map.set(k, item);
    }
    return map;
  };
}

const fieldsByNameOf = indexer(firstBy((f: FieldDef) => f.name));
const fieldsByNumberOf = indexer(firstBy((f: FieldDef) => f.number));
const valuesByNameOf = indexer(firstBy((v: EnumValueDef) => v.name));
const valuesByNumberOf = indexer(firstBy((v: EnumValueDef) => v.number));
const membersOf = indexer((fields: readonly FieldDef[]) => {
  const map = new Map<number, FieldDef[]>();
  for (const f of fields) {
    if (f.oneof === undefined) continue;
    let list = map.get(f.oneof);
    if (!list) map.set(f.oneof, (list = []));
    list.push(f);
  }
  return map;
});

/** The first field of `m` with this name. */
export function fieldNamed(m: MessageDef, name: string): FieldDef | undefined {
  return fieldsByNameOf(m.fields).get(name);
}

/** The first field of `m` with this number. */
export function fieldNumbered(m: MessageDef, number: number): FieldDef | undefined {
  return fieldsByNumberOf(m.fields).get(number);
}

/** The first value of `e` with this name. */
export function valueNamed(e: EnumDef, name: string): EnumValueDef | undefined {
  return valuesByNameOf(e.values).get(name);
}

/** The first value of `e` with this number. */
export function valueNumbered(e: EnumDef, number: number): EnumValueDef | undefined {
  return valuesByNumberOf(e.values).get(number);
}

const NO_MEMBERS: readonly FieldDef[] = [];

/** The fields of `m` in its oneof number `index`, in field order. */
export function oneofMembers(m: MessageDef, index: number): readonly FieldDef[] {
  return membersOf(m.fields).get(index) ?? NO_MEMBERS;
}

/**
 * The non-empty ranges of a list, sorted and merged (a number is in the list iff it is in one of them),
 * and whether the list also holds empty ranges (start > end): those hold no number, but a scan of
 * overlaps counts them, which the merged form cannot stand for.
 */
const mergedOf = indexer((ranges: readonly Range[]): { merged: Range[]; hasEmpty: boolean } => {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const merged: Range[] = [];
  let hasEmpty = false;
  for (const r of sorted) {
    if (r.start > r.end) {
      hasEmpty = true;
      continue;
    }
    const last = merged[merged.length - 1];
    if (last && r.start <= last.end + 1) last.end = Math.max(last.end, r.end);
    else merged.push({ start: r.start, end: r.end });
  }
  return { merged, hasEmpty };
});

/** Whether some range of `ranges` holds `n` (binary search over the merged ranges for long lists). */
export function inRanges(n: number, ranges: readonly Range[]): boolean {
  if (ranges.length <= 8) return ranges.some((r) => n >= r.start && n <= r.end);
  const { merged } = mergedOf(ranges);
  const first = merged[firstEndingAtOrAfter(merged, n)];
  return first !== undefined && first.start <= n;
}

/** Whether `r` shares a number with some range of `ranges`, as `r.start <= x.end && x.start <= r.end`. */
export function overlapsRanges(r: Range, ranges: readonly Range[]): boolean {
  const index = ranges.length > 8 && r.start <= r.end ? mergedOf(ranges) : undefined;
  if (!index || index.hasEmpty) return ranges.some((x) => r.start <= x.end && x.start <= r.end);
  // The first merged range that ends at or after r.start overlaps r iff it starts by r.end.
  const first = index.merged[firstEndingAtOrAfter(index.merged, r.start)];
  return first !== undefined && first.start <= r.end;
}

/** The first number of `r` that no range of `ranges` covers, if any. */
export function firstUncovered(r: Range, ranges: readonly Range[]): number | undefined {
  const { merged } = mergedOf(ranges);
  // Merged ranges neither touch nor overlap: past the one holding r.start, the next number is free.
  const holder = merged[firstEndingAtOrAfter(merged, r.start)];
  const next = holder && holder.start <= r.start ? holder.end + 1 : r.start;
  return next <= r.end ? next : undefined;
}

/** Index of the first of `merged` (sorted, disjoint) that ends at or after `n` (`merged.length` if none). */
function firstEndingAtOrAfter(merged: readonly Range[], n: number): number {
  let lo = 0;
  let hi = merged.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (merged[mid]!.end < n) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const nameSets = indexer((names: readonly string[]) => new Set(names));

/** Whether `names` holds `name` (a set for long lists). */
export function hasName(names: readonly string[], name: string): boolean {
  return names.length <= 8 ? names.includes(name) : nameSets(names).has(name);
}
