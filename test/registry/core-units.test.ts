/** Unit tests of the core's pure pieces: names, versions, data contracts, identity, caches, negotiation. */
import { describe, expect, it } from 'vitest';
import { LoadingCache, LruCache } from '../../registry/src/core/cache.js';
import {
  canonicalMetadata,
  mergeMetadata,
  mergeRuleSets,
  validateRuleSet,
  withConfluentVersion,
  withoutConfluentVersion,
} from '../../registry/src/core/data-contracts.js';
import { httpStatusOf, RegistryError } from '../../registry/src/core/errors.js';
import { contentHash, guidOf, lookupHash } from '../../registry/src/core/identity.js';
import {
  isValidSubject,
  matchesFilter,
  normalizeContextName,
  parseSubject,
  qualifyReference,
  scopeOf,
  subjectFilter,
} from '../../registry/src/core/subjects.js';
import { LATEST, parseVersionId } from '../../registry/src/core/version-id.js';
import { negotiate } from '../../registry/src/http/content-type.js';
import { bool, int, isEmpty, onlyKey } from '../../registry/src/http/query.js';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e instanceof RegistryError ? e.errorCode : String(e);
  }
  return 'no error';
};

describe('errors', () => {
  it('derive the HTTP status from the error code', () => {
    expect([40401, 40901, 42201, 50001, 409, 404, 413].map(httpStatusOf)).toEqual([404, 409, 422, 500, 409, 404, 413]);
  });
});

describe('qualified subjects', () => {
  it('parse contexts only after a leading ":."', () => {
    expect(parseSubject(':.ctx:orders')).toEqual({ context: '.ctx', name: 'orders', key: ':.ctx:orders' });
    expect(parseSubject(':.:orders')).toEqual({ context: '.', name: 'orders', key: 'orders' });
    expect(parseSubject(':ctx:orders')).toEqual({ context: '.', name: ':ctx:orders', key: ':ctx:orders' });
    expect(parseSubject(':.ctx:')).toEqual({ context: '.ctx', name: '', key: ':.ctx:' });
    expect(parseSubject(':.ctx')).toEqual({ context: '.ctx', name: '', key: ':.ctx:' });
    expect(parseSubject('a/b.c')).toEqual({ context: '.', name: 'a/b.c', key: 'a/b.c' });
  });

  it('reject control characters, __GLOBAL, __EMPTY and the global context (except for config/mode)', () => {
    expect(isValidSubject('orders-value')).toBe(true);
    expect(isValidSubject('')).toBe(true);
    expect(isValidSubject('bad\tname')).toBe(false);
    expect(isValidSubject('bad\u0085name')).toBe(false);
    expect(isValidSubject('__GLOBAL')).toBe(false);
    expect(isValidSubject(':.ctx:__EMPTY')).toBe(false);
    expect(isValidSubject(':.__GLOBAL:x')).toBe(false);
    expect(isValidSubject(':.__GLOBAL:', true)).toBe(true);
  });

  it('resolve references relative to the referrer context', () => {
    expect(qualifyReference('dep', '.ctx').key).toBe(':.ctx:dep');
    expect(qualifyReference(':.other:dep', '.ctx').key).toBe(':.other:dep');
    expect(qualifyReference('dep', '.').key).toBe('dep');
  });

  it('name config/mode scopes with their fallback chains', () => {
    expect(scopeOf(':.:')).toMatchObject({ kind: 'global', key: '', chain: ['', ':.__GLOBAL:'] });
    expect(scopeOf(':.ctx:')).toMatchObject({ kind: 'context', key: ':.ctx:', chain: [':.ctx:', ':.__GLOBAL:'] });
    expect(scopeOf(':.__GLOBAL:')).toMatchObject({ kind: 'registry', chain: [':.__GLOBAL:'] });
    expect(scopeOf('s')).toMatchObject({ kind: 'subject', chain: ['s', '', ':.__GLOBAL:'] });
    expect(scopeOf(':.ctx:s')).toMatchObject({ kind: 'subject', chain: [':.ctx:s', ':.ctx:', ':.__GLOBAL:'] });
  });

  it('filter by prefix: plain = default context, :.ctx: = one context, :*: = all', () => {
    const keys = ['abc', 'abd', 'x', ':.c1:abc', ':.c2:abz', ':.c2:q'];
    const pick = (prefix: string) => keys.filter((k) => matchesFilter(k, subjectFilter(prefix)));
    expect(pick('ab')).toEqual(['abc', 'abd']);
    expect(pick('')).toEqual(['abc', 'abd', 'x']);
    expect(pick(':.c2:')).toEqual([':.c2:abz', ':.c2:q']);
    expect(pick(':*:')).toEqual(keys);
    expect(pick(':*:ab')).toEqual(['abc', 'abd', ':.c1:abc', ':.c2:abz']);
  });

  it('normalise context names for the contexts resource', () => {
    expect([':.ctx:', '.ctx', 'ctx'].map(normalizeContextName)).toEqual(['.ctx', '.ctx', '.ctx']);
  });
});

describe('version ids', () => {
  it('accept 1..2^31-1, latest and -1', () => {
    expect(parseVersionId('1')).toBe(1);
    expect(parseVersionId('2147483647')).toBe(2147483647);
    expect(parseVersionId('latest')).toBe(LATEST);
    expect(parseVersionId('-1')).toBe(LATEST);
  });
  it('reject everything else with 42202', () => {
    for (const v of ['0', '-2', 'abc', '1.5', '2147483648', '', ' 1', 'LATEST']) expect(codeOf(() => parseVersionId(v)), v).toBe(42202);
  });
});

describe('data contracts', () => {
  it('merge metadata: union, right wins per key, sensitive unioned and sorted', () => {
    const merged = mergeMetadata(
      { properties: { a: '1', b: '1' }, tags: { x: ['t1'] }, sensitive: ['s2'] },
      { properties: { b: '2', c: '2' }, sensitive: ['s1', 's2'] },
    );
    expect(merged).toEqual({ tags: { x: ['t1'] }, properties: { a: '1', b: '2', c: '2' }, sensitive: ['s1', 's2'] });
  });

  it('merge rule sets: right replaces same-named rules of left', () => {
    const r = (name: string, expr: string) => ({ name, type: 'CEL', kind: 'CONDITION' as const, mode: 'WRITE' as const, expr });
    expect(mergeRuleSets({ domainRules: [r('a', '1'), r('b', '1')] }, { domainRules: [r('b', '2')] })).toEqual({ domainRules: [r('a', '1'), r('b', '2')] });
  });

  it('stamp and strip confluent:version', () => {
    const m = withConfluentVersion({ properties: { owner: 'x' } }, 3);
    expect(m.properties).toEqual({ 'confluent:version': '3', owner: 'x' });
    expect(withoutConfluentVersion(m)).toEqual({ properties: { owner: 'x' } });
  });

  it('canonical metadata sorts keys and drops empty members', () => {
    expect(JSON.stringify(canonicalMetadata({ properties: { b: '1', a: '2' }, tags: {}, sensitive: [] }))).toBe('{"properties":{"a":"2","b":"1"}}');
    expect(canonicalMetadata({})).toBeUndefined();
    const poisoned = canonicalMetadata(JSON.parse('{"properties":{"__proto__":"x"}}'));
    expect(Object.getPrototypeOf(poisoned!.properties)).toBe(Object.prototype);
    expect(Object.keys(poisoned!.properties!)).toEqual(['__proto__']);
  });

  it('validate rule sets with 42210', () => {
    const ok = { name: 'r1', type: 'CEL', kind: 'CONDITION' as const, mode: 'WRITE' as const };
    expect(codeOf(() => validateRuleSet({ domainRules: [ok] }))).toBe('no error');
    expect(codeOf(() => validateRuleSet({ domainRules: [ok, ok] }))).toBe(42210);
    expect(codeOf(() => validateRuleSet({ domainRules: [{ ...ok, name: '1bad' }] }))).toBe(42210);
    expect(codeOf(() => validateRuleSet({ domainRules: [{ ...ok, type: '' }] }))).toBe(42210);
    expect(codeOf(() => validateRuleSet({ migrationRules: [{ ...ok, mode: 'WRITE' }] }))).toBe(42210);
    expect(codeOf(() => validateRuleSet({ domainRules: [{ ...ok, onFailure: 'ERROR,NONE' }] }))).toBe(42210);
  });
});

describe('identity', () => {
  const base = { schemaType: 'AVRO' as const, schema: '"string"', references: [] };
  it('hashes text, references, metadata and rule set, not metadata key order', () => {
    const a = contentHash({ ...base, metadata: { properties: { a: '1', b: '2' } } });
    const b = contentHash({ ...base, metadata: { properties: { b: '2', a: '1' } } });
    expect(a).toBe(b);
    expect(contentHash(base)).not.toBe(a);
    expect(contentHash({ ...base, references: [{ name: 'x', subject: 's', version: 1 }] })).not.toBe(contentHash(base));
    expect(contentHash({ ...base, schemaType: 'JSON' })).not.toBe(contentHash(base));
  });
  it('lookupHash ignores confluent:version only', () => {
    expect(lookupHash({ ...base, metadata: { properties: { 'confluent:version': '4' } } })).toBe(contentHash(base));
    expect(lookupHash({ ...base, metadata: { properties: { owner: 'x' } } })).not.toBe(contentHash(base));
  });
  it('derives a version-3 UUID guid', () => {
    expect(guidOf(contentHash(base))).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-3[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('caches', () => {
  it('LruCache keeps recently used entries and stays bounded (max to 2 × max)', () => {
    const lru = new LruCache<number, number>(4);
    for (let i = 0; i < 4; i++) lru.set(i, i);
    expect(lru.get(0)).toBe(0); // used: survives the next generation
    for (let i = 4; i < 8; i++) lru.set(i, i);
    expect(lru.get(0)).toBe(0);
    expect(lru.get(1)).toBeUndefined();
    expect(lru.size).toBeLessThanOrEqual(8);
    lru.delete(0);
    expect(lru.get(0)).toBeUndefined();
  });

  it('LruCache with a weight holds at most maxWeight (plus the entry that filled a generation), whatever the count', () => {
    const lru = new LruCache<string, string>(1_000, 100, (_k, v) => v.length);
    const held = () => [...Array(40).keys()].filter((i) => lru.get(`k${i}`) !== undefined);
    for (let i = 0; i < 40; i++) lru.set(`k${i}`, 'x'.repeat(30));
    // Generations of 50 characters (two 30-character entries each): only the last two generations remain.
    expect(held().length).toBeLessThanOrEqual(4);
    expect(lru.get('k39')).toBe('x'.repeat(30));
    expect(lru.get('k0')).toBeUndefined();
    // Small entries: the count decides again.
    const small = new LruCache<number, string>(3, 1_000_000, (_k, v) => v.length);
    for (let i = 0; i < 10; i++) small.set(i, 'y');
    expect(small.size).toBeLessThanOrEqual(6);
  });

  it('LoadingCache does not store a load that an invalidation overtook', async () => {
    const cache = new LoadingCache<string, string>(10);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = cache.get('k', async () => {
      await gate;
      return 'stale';
    });
    cache.invalidate('k');
    release();
    expect(await slow).toBe('stale');
    expect(cache.peek('k')).toBeUndefined();
    expect(await cache.get('k', async () => 'fresh')).toBe('fresh');
    expect(cache.peek('k')).toBe('fresh');
  });

  it('LoadingCache remembers absence only when asked to', async () => {
    let loads = 0;
    const plain = new LoadingCache<string, string>(10);
    const remembering = new LoadingCache<string, string>(10, true);
    for (let i = 0; i < 2; i++) {
      await plain.get('x', async () => (loads++, undefined));
      await remembering.get('x', async () => (loads++, undefined));
    }
    expect(loads).toBe(3);
  });
});

describe('http helpers', () => {
  it('negotiate the response type like Confluent (v1 > vnd > json)', () => {
    expect(negotiate(undefined)).toBe('application/vnd.schemaregistry.v1+json');
    expect(negotiate('*/*')).toBe('application/vnd.schemaregistry.v1+json');
    expect(negotiate('application/json')).toBe('application/json');
    expect(negotiate('application/json, text/plain, */*')).toBe('application/vnd.schemaregistry.v1+json');
    expect(negotiate('application/vnd.schemaregistry+json')).toBe('application/vnd.schemaregistry+json');
    expect(negotiate('application/*;q=0.2, application/json;q=1')).toBe('application/json');
    expect(negotiate('text/html')).toBe('application/vnd.schemaregistry.v1+json');
  });

  it('read query parameters as JAX-RS does', () => {
    expect(bool({ a: 'TRUE' }, 'a')).toBe(true);
    expect(bool({ a: 'yes' }, 'a')).toBe(false);
    expect(bool({ a: ['true', 'false'] }, 'a')).toBe(true);
    expect(int({ o: 'abc' }, 'o', 7)).toBe(7);
    expect(int({ o: '12' }, 'o', 7)).toBe(12);
    expect(int({ o: '99999999999' }, 'o', 7)).toBe(7);
    expect(isEmpty({})).toBe(true);
    expect(onlyKey({ subject: 'x' })).toBe(true);
    expect(onlyKey({ subject: 'x', format: 'y' })).toBe(false);
  });
});
