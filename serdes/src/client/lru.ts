/**
 * A small LRU cache on a Map (insertion order = recency order), with an optional time-to-live per cache.
 */
export class LruCache<K, V> {
  private readonly map = new Map<K, { value: V; expires: number }>();

  constructor(
    readonly capacity: number,
    /** Milliseconds an entry stays valid; Infinity (default) for no expiry. */
    readonly ttlMs = Infinity,
  ) {
    if (!(capacity >= 1)) throw new RangeError(`cache capacity must be at least 1, got ${capacity}`);
  }

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    const entry = this.map.get(key);
    if (entry === undefined) return undefined;
    if (entry.expires !== Infinity && entry.expires <= Date.now()) {
      this.map.delete(key);
      return undefined;
    }
    // Move to the most recently used end.
    this.map.delete(key);
    this.map.set(key, entry);
    return entry.value;
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, { value, expires: this.ttlMs === Infinity ? Infinity : Date.now() + this.ttlMs });
    if (this.map.size > this.capacity) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
  }

  delete(key: K): boolean {
    return this.map.delete(key);
  }

  /** Deletes every entry whose key matches. */
  deleteWhere(predicate: (key: K) => boolean): void {
    for (const key of [...this.map.keys()]) if (predicate(key)) this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }
}
