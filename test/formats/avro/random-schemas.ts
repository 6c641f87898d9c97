/**
 * Seeded random Avro schemas for differential tests: small pools of names (so readers and writers share,
 * rename and alias types), named types used in several places and recursively, unions of every kind,
 * field aliases and enum defaults. The texts are parsed without validation (like stored schemas); those
 * that do not parse (a name used before it is defined in another namespace, a duplicate union branch)
 * are skipped by the caller.
 */

/** mulberry32: a small seeded generator, so a failing seed can be replayed. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Pools {
  /** Simple names of named types (each also in namespaces `x` and `y`). */
  names: readonly string[];
  /** Most branches a generated union tries to have (duplicates are dropped). */
  maxBranches: number;
}

const PRIMITIVES = ['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string'];
const SPACES = [null, 'x', 'y'];
const FIELD_NAMES = ['a', 'b', 'c', 'd'];
const SYMBOLS = ['P', 'Q', 'R', 'S'];
const MAX_DEPTH = 3;

type Json = string | Json[] | { [key: string]: Json };

/** One schema text: a record `Root` whose fields use primitives, named types, arrays, maps and unions. */
export function randomSchema(random: () => number, pools: Pools): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const chance = (p: number): boolean => random() < p;
  const kinds = new Map<string, string>();
  const defined = new Set<string>();

  /** The named type `ns.name`: its definition the first time, its full name afterwards. */
  function named(ns: string | null, name: string, depth: number): Json {
    const full = ns === null ? name : `${ns}.${name}`;
    if (defined.has(full)) return full;
    defined.add(full);
    const kind = kinds.get(full) ?? pick(['record', 'record', 'record', 'enum', 'fixed']);
    kinds.set(full, kind);
    const def: { [key: string]: Json } = { type: kind, name, namespace: ns ?? '' };
    if (chance(0.3)) def.aliases = [pick(SPACES) === null ? pick(pools.names) : `${pick(['x', 'y'])}.${pick(pools.names)}`];
    if (kind === 'enum') {
      const symbols = SYMBOLS.filter(() => chance(0.6));
      def.symbols = symbols.length > 0 ? symbols : ['P'];
      if (chance(0.4)) def.default = pick(def.symbols);
    } else if (kind === 'fixed') {
      def.size = String(pick([1, 2]));
    } else {
      def.fields = FIELD_NAMES.filter(() => chance(0.6)).map((fieldName) => {
        const field: { [key: string]: Json } = { name: fieldName, type: type(depth + 1) };
        if (chance(0.2)) field.aliases = [pick(FIELD_NAMES)].filter((a) => a !== fieldName);
        if (chance(0.3)) field.default = 'null';
        return field;
      });
    }
    return def;
  }

  function union(depth: number): Json[] {
    const seen = new Set<string>();
    const branches: Json[] = [];
    const size = 1 + Math.floor(random() * pools.maxBranches);
    for (let i = 0; i < size; i++) {
      const x = random();
      let key: string;
      let branch: Json;
      if (x < 0.4) {
        key = pick(PRIMITIVES);
        branch = key;
      } else if (x < 0.5) {
        key = 'array';
        branch = { type: 'array', items: type(depth + 1) };
      } else if (x < 0.55) {
        key = 'map';
        branch = { type: 'map', values: type(depth + 1) };
      } else {
        const ns = pick(SPACES);
        const name = pick(pools.names);
        key = ns === null ? name : `${ns}.${name}`;
        if (seen.has(key)) continue;
        branch = named(ns, name, depth);
      }
      if (seen.has(key)) continue;
      seen.add(key);
      branches.push(branch);
    }
    return branches;
  }

  function type(depth: number): Json {
    const x = random();
    if (depth > MAX_DEPTH || x < 0.3) return pick(PRIMITIVES);
    if (x < 0.55) return named(pick(SPACES), pick(pools.names), depth);
    if (x < 0.65) return { type: 'array', items: type(depth + 1) };
    if (x < 0.7) return { type: 'map', values: type(depth + 1) };
    return union(depth);
  }

  const root = { type: 'record', name: 'Root', fields: FIELD_NAMES.filter(() => chance(0.8)).map((name) => ({ name, type: type(0) })) };
  // Sizes and defaults are written as strings above to keep `Json` simple; restore their JSON types.
  return JSON.stringify(root, (key, value: unknown) => {
    if (key === 'size' && typeof value === 'string') return Number(value);
    if (key === 'default' && value === 'null') return null;
    return value;
  });
}
