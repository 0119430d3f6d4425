import type { Redis } from 'ioredis';
import type { Clock } from '../../lib/clock.js';

export interface PaceDeps {
  clock: Clock;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

/**
 * Per-host request pacing: each host gets one slot per interval (plus random jitter), and callers
 * reserve slots in order, so two sources (or two workers) that hit the same host never double its rate.
 */
export interface Pacer {
  /** Waits (through `sleep`) until this host's next slot and reserves it. Returns the wait in ms. */
  wait(host: string, intervalMs: number, jitter: number, deps: PaceDeps): Promise<number>;
}

/** The embedded pacer: slots kept in this process (one instance per runtime, shared by its fetchers). */
export class HostPacer implements Pacer {
  private readonly nextAt = new Map<string, number>();

  async wait(host: string, intervalMs: number, jitter: number, deps: PaceDeps): Promise<number> {
    const now = deps.clock.now().getTime();
    const slot = Math.max(now, this.nextAt.get(host) ?? 0);
    this.nextAt.set(host, slot + intervalMs * (1 + jitter * deps.random()));
    const delay = slot - now;
    if (delay > 0) await deps.sleep(delay);
    return delay;
  }

  /** Forgets a host's schedule (tests, or after a long cool-down). */
  reset(host?: string): void {
    if (host === undefined) this.nextAt.clear();
    else this.nextAt.delete(host);
  }
}

/**
 * Reserves the host's next slot atomically: slot = max(now, next); next = slot + step. `now` is the
 * Redis server's clock, so workers on hosts whose clocks disagree still share one schedule. The key
 * expires once its slot is long past, so idle hosts leave nothing behind.
 */
const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local next = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(now, next)
local step = tonumber(ARGV[1])
redis.call('SET', KEYS[1], tostring(slot + step), 'PX', math.floor(slot - now + step + 60000))
return slot - now
`;

/**
 * The cluster pacer: the per-host schedule lives in Redis, so every worker process draws from one
 * budget per host (N workers do not make N times the requests per minute).
 */
export class RedisHostPacer implements Pacer {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'radar:pace:',
  ) {}

  async wait(host: string, intervalMs: number, jitter: number, deps: PaceDeps): Promise<number> {
    const step = Math.round(intervalMs * (1 + jitter * deps.random()));
    const delay = Number(await this.redis.eval(RESERVE, 1, `${this.prefix}${host}`, String(step)));
    if (delay > 0) await deps.sleep(delay);
    return delay;
  }
}
