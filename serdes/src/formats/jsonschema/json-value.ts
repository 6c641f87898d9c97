/**
 * JSON values (as JSON.parse gives them) compared by content: deep equality, a content hash, and maps
 * keyed by content, so that sets of values or subschemas are compared by hashing, not pairwise.
 */
import { hasOwn, type JsonObject } from './drafts.js';

/** Deep equality of JSON values (numbers by value, object key order ignored). */
export function jsonEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => jsonEquals(v, bb[i]));
  }
  const ka = Object.keys(a);
  const bo = b as JsonObject;
  return ka.length === Object.keys(bo).length && ka.every((k) => hasOwn(bo, k) && jsonEquals((a as JsonObject)[k], bo[k]));
}

/**
 * Seeded per process, so that whoever writes schemas cannot prepare values that collide (which would
 * make every lookup compare them all); collisions are harmless otherwise, as maps confirm with jsonEquals.
 */
const SEED = (Math.random() * 0x7fffffff) | 0;
const float = new Float64Array(1);
const floatWords = new Uint32Array(float.buffer);

/**
 * A hash equal for values that are `jsonEquals`. Not memoized: callers hash each value about once, and a
 * WeakMap entry per object costs the garbage collector more than rehashing.
 */
export function jsonHash(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return stringHash(value);
    case 'number':
      float[0] = value === 0 ? 0 : value; // -0 equals 0
      return mix(mix(SEED ^ 0x4e, floatWords[0]!), floatWords[1]!);
    case 'boolean':
      return mix(SEED, value ? 1 : 2);
    case 'object':
      break;
    default:
      return mix(SEED, 3);
  }
  if (value === null) return mix(SEED, 4);
  let hash: number;
  if (Array.isArray(value)) {
    hash = mix(SEED, 5 + value.length);
    for (const item of value) hash = mix(hash, jsonHash(item));
  } else {
    // Order-independent: a sum over the entries.
    let sum = 0;
    let count = 0;
    for (const key in value) {
      sum = (sum + mix(keyHash(key), jsonHash((value as JsonObject)[key]))) | 0;
      count++;
    }
    hash = mix(mix(SEED, 6 + count), sum);
  }
  return hash;
}

// Object keys repeat (`type`, `properties`, property names): their hashes are looked up, not recomputed.
const keyHashes = new Map<string, number>();

function keyHash(key: string): number {
  let hash = keyHashes.get(key);
  if (hash === undefined) {
    if (keyHashes.size >= 50_000) keyHashes.clear();
    keyHashes.set(key, (hash = stringHash(key)));
  }
  return hash;
}

export function stringHash(s: string): number {
  let h = SEED ^ 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return finish(h ^ s.length);
}

function mix(h: number, x: number): number {
  return finish(Math.imul(h ^ x, 0x9e3779b1) + 0x7f4a7c15);
}

/** murmur3's finalizer: every input bit affects every output bit. */
function finish(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

/** A map whose keys are compared by content: `hash` must agree with `equals`. */
export class ContentMap<K, V> {
  private readonly buckets = new Map<number, Array<[K, V]>>();

  constructor(
    private readonly hash: (key: K) => number = jsonHash,
    private readonly equals: (a: K, b: K) => boolean = jsonEquals,
  ) {}

  get(key: K): V | undefined {
    const bucket = this.buckets.get(this.hash(key));
    if (bucket !== undefined) for (const [k, v] of bucket) if (this.equals(k, key)) return v;
    return undefined;
  }

  has(key: K): boolean {
    return this.get(key) !== undefined;
  }

  set(key: K, value: V): void {
    const hash = this.hash(key);
    const bucket = this.buckets.get(hash);
    if (bucket === undefined) {
      this.buckets.set(hash, [[key, value]]);
      return;
    }
    for (const entry of bucket) {
      if (this.equals(entry[0], key)) {
        entry[1] = value;
        return;
      }
    }
    bucket.push([key, value]);
  }
}

/**
 * A map keyed by JSON values: scalars by themselves (a Map entry each: strings, numbers and booleans of
 * the same spelling stay apart, and -0 is 0 as in jsonEquals), objects and arrays by content.
 */
export class JsonValueMap<V> {
  private readonly scalars = new Map<unknown, V>();
  private structured: ContentMap<unknown, V> | undefined;

  get(key: unknown): V | undefined {
    return typeof key === 'object' && key !== null ? this.structured?.get(key) : this.scalars.get(key);
  }

  has(key: unknown): boolean {
    return this.get(key) !== undefined;
  }

  set(key: unknown, value: V): void {
    if (typeof key === 'object' && key !== null) (this.structured ??= new ContentMap()).set(key, value);
    else this.scalars.set(key, value);
  }
}
