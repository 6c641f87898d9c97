/**
 * The promise caches of the serdes: a compiled schema, a topic's writer or a schema id's reader is made
 * once, shared by the calls that wait for it, and made again after a failure (the registry may be back).
 */

/**
 * `make()` on first use, the same promise after that; after a failure, `make()` again on the next use, so
 * that a registry that was down is asked again.
 */
export function onceUntilFailure<X>(make: () => Promise<X>): () => Promise<X> {
  let current: Promise<X> | undefined;
  return () => {
    if (current === undefined) {
      const made = make();
      current = made;
      made.catch(() => {
        if (current === made) current = undefined;
      });
    }
    return current;
  };
}

/**
 * `make(key)` at most once at a time per key; its result is kept in `done` (failures are not: the next call
 * tries again). The per-topic writers and per-id readers of the serdes.
 */
export function loadOnce<K, V>(pending: Map<K, Promise<V>>, done: Map<K, V>, key: K, make: (key: K) => Promise<V>): Promise<V> {
  let p = pending.get(key);
  if (p === undefined) {
    p = make(key).then(
      (value) => {
        pending.delete(key);
        done.set(key, value);
        return value;
      },
      (e: unknown) => {
        pending.delete(key);
        throw e;
      },
    );
    pending.set(key, p);
  }
  return p;
}
