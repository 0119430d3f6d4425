import type { Clock } from '../lib/clock.js';
import { ApiError } from '../lib/errors.js';

export class RateLimitedError extends ApiError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, 'rate_limited', `too many requests; retry after ${retryAfterSeconds} s`, { retryAfterSeconds });
  }
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * Token bucket per API key: `perMinute` tokens of capacity, refilled continuously at `perMinute` per
 * minute. Time comes from the injected clock so that tests need no waiting.
 */
export function createRateLimiter(perMinute: number, clock: Clock) {
  const buckets = new Map<string, Bucket>();
  const refillPerMs = perMinute / 60_000;
  function refill(key: string, now: number): Bucket {
    const bucket = buckets.get(key) ?? { tokens: perMinute, updatedAt: now };
    bucket.tokens = Math.min(perMinute, bucket.tokens + Math.max(0, now - bucket.updatedAt) * refillPerMs);
    bucket.updatedAt = now;
    buckets.set(key, bucket);
    return bucket;
  }
  const retryAfter = (bucket: Bucket) => Math.max(1, Math.ceil((1 - bucket.tokens) / refillPerMs / 1000));
  return {
    /** Throws RateLimitedError when `key` has no token left, without taking one. */
    check(key: string): void {
      const bucket = refill(key, clock.now().getTime());
      if (bucket.tokens < 1) throw new RateLimitedError(retryAfter(bucket));
    },
    /** Takes one token or throws RateLimitedError with the seconds until one is available. */
    take(key: string): void {
      const bucket = refill(key, clock.now().getTime());
      if (bucket.tokens < 1) throw new RateLimitedError(retryAfter(bucket));
      bucket.tokens -= 1;
    },
    reset(): void {
      buckets.clear();
    },
    /** Forgets buckets that are full again (bounded memory under many addresses). */
    prune(): void {
      const now = clock.now().getTime();
      for (const [key, bucket] of buckets) if (bucket.tokens + (now - bucket.updatedAt) * refillPerMs >= perMinute) buckets.delete(key);
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
