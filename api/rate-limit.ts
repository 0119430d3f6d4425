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
  return {
    /** Takes one token or throws RateLimitedError with the seconds until one is available. */
    take(key: string): void {
      const now = clock.now().getTime();
      const bucket = buckets.get(key) ?? { tokens: perMinute, updatedAt: now };
      bucket.tokens = Math.min(perMinute, bucket.tokens + Math.max(0, now - bucket.updatedAt) * refillPerMs);
      bucket.updatedAt = now;
      buckets.set(key, bucket);
      if (bucket.tokens < 1) throw new RateLimitedError(Math.max(1, Math.ceil((1 - bucket.tokens) / refillPerMs / 1000)));
      bucket.tokens -= 1;
    },
    reset(): void {
      buckets.clear();
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
