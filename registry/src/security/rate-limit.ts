/**
 * Token buckets by key (a principal, a client address): `rate` tokens per second, holding at most `burst`.
 * Memory is bounded: full buckets carry no information and are swept when the table grows past `maxKeys`;
 * if it is still too large (a flood of distinct keys), the oldest entries go.
 */
interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly maxKeys = 100_000,
  ) {}

  private refill(key: string, now: number): Bucket {
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: this.burst, at: now };
      this.buckets.set(key, b);
      if (this.buckets.size > this.maxKeys) this.sweep(now);
    } else {
      b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.rate);
      b.at = now;
    }
    return b;
  }

  /** Takes a token; when none is left, the seconds until one is. */
  take(key: string, now = Date.now()): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const b = this.refill(key, now);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / this.rate)) };
  }

  /** Whether a token is available, without taking it. */
  available(key: string, now = Date.now()): boolean {
    const b = this.buckets.get(key);
    return !b || Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.rate) >= 1;
  }

  private sweep(now: number): void {
    for (const [key, b] of this.buckets) if (b.tokens + ((now - b.at) / 1000) * this.rate >= this.burst) this.buckets.delete(key);
    for (const key of this.buckets.keys()) {
      if (this.buckets.size <= this.maxKeys * 0.9) break;
      this.buckets.delete(key);
    }
  }
}
