import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { createRateLimiter, RateLimitedError } from '../../../api/rate-limit.js';
import { FakeClock } from '../../../lib/clock.js';

describe('api/rate-limit token bucket', () => {
  it('allows a burst of the per-minute budget, then refuses with the wait until the next token', () => {
    const clock = new FakeClock();
    const limiter = createRateLimiter(60, clock);
    for (let i = 0; i < 60; i++) limiter.take('k1');
    assert.throws(
      () => limiter.take('k1'),
      (err: unknown) => err instanceof RateLimitedError && err.statusCode === 429 && err.retryAfterSeconds === 1,
    );
    limiter.take('k2');
  });

  it('refills continuously and never above capacity', () => {
    const clock = new FakeClock();
    const limiter = createRateLimiter(6, clock);
    for (let i = 0; i < 6; i++) limiter.take('k');
    assert.throws(() => limiter.take('k'), RateLimitedError);
    clock.advance(10_000);
    limiter.take('k');
    assert.throws(() => limiter.take('k'), RateLimitedError);
    clock.advance(3_600_000);
    for (let i = 0; i < 6; i++) limiter.take('k');
    assert.throws(() => limiter.take('k'), RateLimitedError);
  });

  it('rounds Retry-After up to whole seconds', () => {
    const clock = new FakeClock();
    const limiter = createRateLimiter(7, clock);
    for (let i = 0; i < 7; i++) limiter.take('k');
    assert.throws(
      () => limiter.take('k'),
      (err: unknown) => err instanceof RateLimitedError && err.retryAfterSeconds === 9,
    );
  });
});
