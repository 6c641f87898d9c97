/**
 * A store whose every asynchronous call is timed (by method name; a write transaction as one `write`),
 * for the store latency histogram. A Proxy, so stores that add methods (statistics, readiness) keep them.
 */
import type { Store } from '../store/store.js';

export function timedStore(store: Store, observe: (operation: string, seconds: number) => void): Store {
  const wrappers = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      let wrapper = wrappers.get(prop);
      if (!wrapper) {
        const fn = value as (...args: unknown[]) => unknown;
        wrapper = (...args: unknown[]) => {
          const start = performance.now();
          const result = fn.apply(target, args);
          if (!(result instanceof Promise)) return result;
          const done = () => observe(prop, (performance.now() - start) / 1000);
          return result.finally(done);
        };
        wrappers.set(prop, wrapper);
      }
      return wrapper;
    },
  });
}
