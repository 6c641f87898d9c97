/**
 * State of one diff run: the current path, the differences found, and what is shared across the run
 * (the compatible set of the policy, memoized pair results, pairs being compared for cycle detection).
 */
import type { Difference } from './kinds.js';
import type { Node } from './model.js';

/** The pairs with one first node: usually a single one, kept without a Map of its own. */
type Row<V> = { readonly second: Node; value: V } | Map<Node, V>;

/** A map keyed by a pair of nodes (by identity). */
export class PairMap<V> {
  private readonly rows = new Map<Node, Row<V>>();

  get(a: Node, b: Node): V | undefined {
    const row = this.rows.get(a);
    if (row === undefined) return undefined;
    if (row instanceof Map) return row.get(b);
    return row.second === b ? row.value : undefined;
  }

  set(a: Node, b: Node, value: V): void {
    const row = this.rows.get(a);
    if (row === undefined) this.rows.set(a, { second: b, value });
    else if (row instanceof Map) row.set(b, value);
    else if (row.second === b) row.value = value;
    else this.rows.set(a, new Map([[row.second, row.value], [b, value]]));
  }

  delete(a: Node, b: Node): void {
    const row = this.rows.get(a);
    if (row === undefined) return;
    if (row instanceof Map) {
      row.delete(b);
      if (row.size === 0) this.rows.delete(a);
    } else if (row.second === b) {
      this.rows.delete(a);
    }
  }

  /** Whether some pair has `a` first. */
  hasFirst(a: Node): boolean {
    return this.rows.has(a);
  }

  *pairs(): IterableIterator<[Node, Node]> {
    for (const [a, row] of this.rows) {
      if (row instanceof Map) for (const b of row.keys()) yield [a, b];
      else yield [a, row.second];
    }
  }
}

export class SharedState {
  /** Differences of each compared pair, with paths relative to the pair. */
  readonly memo = new PairMap<readonly Difference[]>();
  readonly inProgress = new PairMap<true>();
  /** Pairs met again while being compared (recursive schemas). */
  readonly cycles = new PairMap<true>();

  constructor(
    readonly compatible: ReadonlySet<string>,
    /** What a pair met again while being compared is assumed to yield (empty: compatible). */
    readonly assumed: PairMap<readonly Difference[]>,
    /**
     * Only incompatible differences matter to the caller: structurally identical subschemas (equal
     * `structurallyEqual`) may be skipped, as comparing a subschema with itself yields no incompatible one.
     */
    readonly incompatibleOnly = false,
  ) {}

  isCompatible(diffs: readonly Difference[]): boolean {
    return diffs.every((d) => this.compatible.has(d.type));
  }
}

export class DiffContext {
  readonly diffs: Difference[] = [];

  constructor(
    readonly shared: SharedState,
    private readonly segments: string[] = [],
  ) {}

  /** A context at the same path collecting its own differences (to test compatibility of a branch). */
  sub(): DiffContext {
    return new DiffContext(this.shared, this.segments.slice());
  }

  /** Runs `fn` with `segment` appended to the path. */
  at(segment: string, fn: () => void): void {
    this.segments.push(segment);
    try {
      fn();
    } finally {
      this.segments.pop();
    }
  }

  path(): string {
    return `#/${this.segments.join('/')}`;
  }

  /** Records a difference at the current path, or at `attribute` below it. */
  add(type: string, attribute?: string): void {
    const path = attribute === undefined ? this.path() : this.segments.length === 0 ? `#/${attribute}` : `${this.path()}/${attribute}`;
    this.diffs.push({ type, path });
  }

  addAll(diffs: readonly Difference[]): void {
    for (const d of diffs) this.diffs.push(d);
  }

  /** Adds differences whose paths are relative to the current path ("#/" meaning here). */
  addRelative(diffs: readonly Difference[]): void {
    if (this.segments.length === 0) {
      this.addAll(diffs);
      return;
    }
    const prefix = this.path();
    for (const d of diffs) this.diffs.push({ type: d.type, path: d.path.length <= 2 ? prefix : `${prefix}/${d.path.slice(2)}` });
  }

  isCompatible(): boolean {
    return this.shared.isCompatible(this.diffs);
  }
}
