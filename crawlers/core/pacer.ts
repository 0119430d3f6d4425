import type { Clock } from '../../lib/clock.js';

export interface PaceDeps {
  clock: Clock;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

/**
 * Per-host request pacing shared by every fetcher in the process: each host gets one slot per
 * interval (plus random jitter), and callers reserve slots in order, so two sources that hit the
 * same host never double its rate.
 */
export class HostPacer {
  private readonly nextAt = new Map<string, number>();

  /** Waits (through `sleep`) until this host's next slot and reserves it. Returns the wait in ms. */
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

/** The process-wide pacer used when a fetcher is not given one. */
export const defaultHostPacer = new HostPacer();
