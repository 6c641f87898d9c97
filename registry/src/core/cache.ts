/**
 * In-memory caches. Everything here fills lazily (start-up never scans the store) and is bounded.
 *
 * `LoadingCache` guards against the classic stale-fill race: a load that started before an invalidation
 * must not store its (older) result after it. Every invalidation bumps an epoch; a load stores only if the
 * epoch is unchanged since it began. Writers invalidate *after* their transaction has committed (or failed),
 * so neither an in-flight read nor an uncommitted write can leave stale data behind.
 */

/**
 * A bounded cache with approximately-LRU eviction in two generations: entries live in `young` or `old`;
 * a hit in `young` costs one Map lookup (no reordering on the hot path), a hit in `old` promotes the entry.
 * When `young` reaches `max` entries (or, with a `weigh` function, `maxWeight / 2` of weight) it becomes
 * `old` and the previous `old` (entries not used for a whole generation) is dropped. Between `max` and
 * 2 × `max` entries (at most `maxWeight` of weight, plus the one entry that filled a generation) are held.
 */
export class LruCache<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();
  private readonly generation: number;
  private readonly generationWeight: number;
  private youngWeight = 0;

  constructor(
    max: number,
    maxWeight = Infinity,
    private readonly weigh?: (key: K, value: V) => number,
  ) {
    this.generation = Math.max(1, max);
    this.generationWeight = weigh ? Math.max(1, maxWeight / 2) : Infinity;
  }

  get size(): number {
    let n = this.young.size;
    for (const k of this.old.keys()) if (!this.young.has(k)) n++;
    return n;
  }

  get(key: K): V | undefined {
    const v = this.young.get(key);
    if (v !== undefined) return v;
    const o = this.old.get(key);
    if (o !== undefined) this.promote(key, o);
    return o;
  }

  set(key: K, value: V): void {
    this.old.delete(key);
    this.promote(key, value);
  }

  private promote(key: K, value: V): void {
    if (this.weigh && !this.young.has(key)) this.youngWeight += this.weigh(key, value);
    this.young.set(key, value);
    if (this.young.size >= this.generation || this.youngWeight >= this.generationWeight) {
      this.old = this.young;
      this.young = new Map();
      this.youngWeight = 0;
    }
  }

  delete(key: K): void {
    const v = this.young.get(key);
    if (v !== undefined && this.weigh) this.youngWeight -= this.weigh(key, v);
    this.young.delete(key);
    this.old.delete(key);
  }

  clear(): void {
    this.young.clear();
    this.old.clear();
    this.youngWeight = 0;
  }
}

/** Marks a cached "nothing there" for caches that may remember absence (mutable state, own writes only). */
const ABSENT = Symbol('absent');

export class LoadingCache<K, V> {
  private readonly lru: LruCache<K, V | typeof ABSENT>;
  private epoch = 0;
  /** Lookups answered from the cache (`get`, and `peek` hits) and loads (`get` misses), for metrics. */
  hits = 0;
  misses = 0;

  /** `cacheAbsent`: remember that a key has no value (only safe where every change invalidates). */
  constructor(
    max: number,
    private readonly cacheAbsent = false,
  ) {
    this.lru = new LruCache(max);
  }

  /** The cached value without loading; `undefined` on a miss (or a cached absence). */
  peek(key: K): V | undefined {
    const v = this.lru.get(key);
    // A miss is not counted: callers peek before they `get`, which counts it.
    if (v !== undefined) this.hits++;
    return v === ABSENT ? undefined : v;
  }

  async get(key: K, load: () => Promise<V | undefined>): Promise<V | undefined> {
    const hit = this.lru.get(key);
    if (hit !== undefined) {
      this.hits++;
      return hit === ABSENT ? undefined : hit;
    }
    this.misses++;
    const started = this.epoch;
    const value = await load();
    if (this.epoch === started && (value !== undefined || this.cacheAbsent)) this.lru.set(key, value ?? ABSENT);
    return value;
  }

  set(key: K, value: V): void {
    this.lru.set(key, value);
  }

  /** A new value from a write: like an invalidation for loads in flight, but the cache keeps the value. */
  replace(key: K, value: V): void {
    this.epoch++;
    this.lru.set(key, value);
  }

  invalidate(key: K): void {
    this.epoch++;
    this.lru.delete(key);
  }

  invalidateAll(): void {
    this.epoch++;
    this.lru.clear();
  }
}
