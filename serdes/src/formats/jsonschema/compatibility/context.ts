/**
 * State of one diff run: the current path, the differences found, and what is shared across the run
 * (the compatible set of the policy, memoized pair results, pairs being compared for cycle detection).
 */
import type { Difference } from './kinds.js';
import type { Node } from './model.js';

/** A map keyed by a pair of nodes (by identity). */
export class PairMap<V> {
  private readonly map = new Map<Node, Map<Node, V>>();

  get(a: Node, b: Node): V | undefined {
    return this.map.get(a)?.get(b);
  }

  set(a: Node, b: Node, value: V): void {
    let inner = this.map.get(a);
    if (inner === undefined) this.map.set(a, (inner = new Map()));
    inner.set(b, value);
  }

  delete(a: Node, b: Node): void {
    this.map.get(a)?.delete(b);
  }

  /** Whether some pair has `a` first. */
  hasFirst(a: Node): boolean {
    return (this.map.get(a)?.size ?? 0) > 0;
  }

  *pairs(): IterableIterator<[Node, Node]> {
    for (const [a, inner] of this.map) for (const b of inner.keys()) yield [a, b];
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
