/**
 * The executors built into the serdes, loaded on first use (a schema without rules never loads CEL,
 * JSONata or the crypto code): CEL, CEL_FIELD, JSONATA, ENCRYPT (fields) and ENCRYPT_PAYLOAD (the
 * whole payload, an encoding rule).
 */
import type { RuleExecutor } from './registry.js';

const loaders: Record<string, () => Promise<RuleExecutor>> = {
  CEL: async () => new (await import('./cel.js')).CelExecutor(),
  CEL_FIELD: async () => new (await import('./cel.js')).CelFieldExecutor(),
  JSONATA: async () => new (await import('./jsonata.js')).JsonataExecutor(),
  ENCRYPT: async () => new (await import('./encryption/executor.js')).FieldEncryptionExecutor(),
  ENCRYPT_PAYLOAD: async () => new (await import('./encryption/executor.js')).EncryptionExecutor(),
};

const loaded = new Map<string, RuleExecutor>();
const loading = new Map<string, Promise<RuleExecutor>>();

/** The built-in executor of `type`, or undefined when there is none. */
export function builtinExecutor(type: string): RuleExecutor | Promise<RuleExecutor> | undefined {
  const hit = loaded.get(type);
  if (hit !== undefined) return hit;
  const load = loaders[type];
  if (load === undefined) return undefined;
  let p = loading.get(type);
  if (p === undefined) {
    p = load().then((e) => {
      loaded.set(type, e);
      return e;
    });
    loading.set(type, p);
    p.catch(() => loading.delete(type));
  }
  return p;
}
