/**
 * Rate limits over real sockets: failed authentications per client address (then 429 before any password
 * is checked, whatever the credentials), requests per principal (one principal's burst does not slow
 * another), and the token buckets themselves with an explicit clock.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { RateLimiter } from '../../registry/src/security/rate-limit.js';
import { basic, call, scratchDir, startSecureRegistry, usersFile as writeUsers, type CallResult } from './helpers.js';

describe('token buckets', () => {
  it('allow the burst, then the rate, and say when to come back', () => {
    const limiter = new RateLimiter(2, 3);
    const t0 = 1_000_000;
    expect([1, 2, 3].map(() => limiter.take('a', t0).ok)).toEqual([true, true, true]);
    expect(limiter.take('a', t0)).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(limiter.take('b', t0).ok).toBe(true);
    expect(limiter.available('a', t0 + 400)).toBe(false);
    expect(limiter.take('a', t0 + 500).ok).toBe(true);
    expect(limiter.take('a', t0 + 500).ok).toBe(false);
    expect([1, 2, 3, 4].map(() => limiter.take('a', t0 + 10_000).ok)).toEqual([true, true, true, false]);
  });

  it('stay bounded under a flood of distinct keys', () => {
    const limiter = new RateLimiter(1, 1, 1_000);
    for (let i = 0; i < 50_000; i++) limiter.take(`k${i}`, i);
    expect((limiter as unknown as { buckets: Map<string, unknown> }).buckets.size).toBeLessThanOrEqual(1_000);
  });
});

describe('rate limits over HTTP', () => {
  const scratch = scratchDir('limits');
  afterAll(() => scratch.cleanup());

  it('answer 429 to an address after too many failed authentications, even with good credentials', { timeout: 180_000 }, async () => {
    const users = await usersFile(scratch, { alice: 'alice-pw' });
    const reg = await startSecureRegistry('pglite', { authMethods: ['basic'], usersFile: users, authFailureLimit: 5 });
    try {
      expect((await call(reg.url, 'GET', '/subjects', { headers: basic('alice', 'alice-pw') })).status).toBe(200);
      // Missing credentials are not guesses: they do not count.
      for (let i = 0; i < 10; i++) expect((await call(reg.url, 'GET', '/subjects')).status).toBe(401);
      for (let i = 0; i < 5; i++) expect((await call(reg.url, 'GET', '/subjects', { headers: basic('alice', `guess-${i}`) })).status).toBe(401);
      const limited = await call(reg.url, 'GET', '/subjects', { headers: basic('alice', 'alice-pw') });
      expect({ status: limited.status, body: limited.json }).toEqual({
        status: 429,
        body: { error_code: 429, message: 'Too many failed authentication attempts; try again later' },
      });
      expect(limited.headers['retry-after']).toBe('60');
      // The probes stay open.
      expect((await call(reg.url, 'GET', '/health/ready')).status).toBe(200);
    } finally {
      await reg.close();
    }
  });

  /**
   * `count` concurrent requests; at `rate`/s with `burst`, at most burst + rate × elapsed seconds (rounded
   * up) may pass, however slow the machine.
   */
  async function burstOf(count: number, send: () => Promise<CallResult>): Promise<{ passed: number; limited: CallResult[]; seconds: number }> {
    const start = performance.now();
    const results = await Promise.all(Array.from({ length: count }, send));
    const seconds = (performance.now() - start) / 1000;
    return { passed: results.filter((r) => r.status === 200).length, limited: results.filter((r) => r.status === 429), seconds };
  }

  it('limit requests per principal, each principal on its own', { timeout: 180_000 }, async () => {
    const users = await usersFile(scratch, { alice: 'alice-pw', bob: 'bob-pw' });
    const reg = await startSecureRegistry('pglite', { authMethods: ['basic'], usersFile: users, rateLimit: 1, rateLimitBurst: 5 });
    try {
      // Verified once, so the burst measures the limiter, not scrypt.
      expect((await call(reg.url, 'GET', '/subjects', { headers: basic('alice', 'alice-pw') })).status).toBe(200);
      const { passed, limited, seconds } = await burstOf(30, () => call(reg.url, 'GET', '/subjects', { headers: basic('alice', 'alice-pw') }));
      expect(passed + limited.length).toBe(30);
      expect(passed).toBeGreaterThanOrEqual(4);
      expect(passed).toBeLessThanOrEqual(4 + Math.ceil(seconds));
      expect(limited[0]!.json).toEqual({ error_code: 429, message: 'Too many requests; try again later' });
      expect(Number(limited[0]!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect((await call(reg.url, 'GET', '/subjects', { headers: basic('bob', 'bob-pw') })).status).toBe(200);
    } finally {
      await reg.close();
    }
  });

  it('limit requests per client address when authentication is off', { timeout: 180_000 }, async () => {
    const reg = await startSecureRegistry('pglite', { rateLimit: 1, rateLimitBurst: 3 });
    try {
      const { passed, limited, seconds } = await burstOf(20, () => call(reg.url, 'GET', '/subjects'));
      expect(passed).toBeGreaterThanOrEqual(3);
      expect(passed).toBeLessThanOrEqual(3 + Math.ceil(seconds));
      expect(passed + limited.length).toBe(20);
    } finally {
      await reg.close();
    }
  });
});

function usersFile(scratch: ReturnType<typeof scratchDir>, users: Record<string, string>): Promise<string> {
  return writeUsers(`${scratch.dir}/users-${Object.keys(users).join('-')}.json`, Object.fromEntries(Object.entries(users).map(([n, p]) => [n, { password: p }])));
}
