import { type CoreFetcher, createFetcher, HostPacer } from '../../../../crawlers/core/http.js';
import type { SourceContext } from '../../../../crawlers/types.js';
import { FakeClock } from '../../../../lib/clock.js';
import { silentLogger } from '../../../../lib/logger.js';

/** 10:30 in Shanghai on the day of the hand-written fixtures. */
export const NOW = '2025-11-22T02:30:00.000Z';

/** The real core fetcher with instant pacing/backoff, so tests exercise block detection, charset and JSONP handling. */
export function testFetcher(clock: FakeClock, opts: { timeoutMs?: number; maxRetries?: number; sourceId?: string } = {}): CoreFetcher {
  return createFetcher({
    sourceId: opts.sourceId ?? 'test',
    requestsPerMinute: 60_000,
    timeoutMs: opts.timeoutMs ?? 5000,
    maxRetries: opts.maxRetries ?? 0,
    userAgent: 'Mozilla/5.0 (test)',
    clock,
    log: silentLogger(),
    sleep: async () => undefined,
    pacer: new HostPacer(),
  });
}

export function testContext(clock = new FakeClock(NOW), extra: Omit<Partial<SourceContext>, 'clock'> & { timeoutMs?: number } = {}): SourceContext {
  const { timeoutMs, ...rest } = extra;
  return { ...rest, fetcher: rest.fetcher ?? testFetcher(clock, timeoutMs === undefined ? {} : { timeoutMs }), clock };
}

/** Shanghai wall time → ISO, for readable expectations. */
export function sh(wall: string): string {
  return new Date(`${wall}+08:00`).toISOString();
}
