import type { Clock } from '../lib/clock.js';
import { iso } from '../lib/clock.js';
import type { Notification } from '../lib/domain.js';
import { errorMessage, NonRetryableError, RetryLaterError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import type { Store } from '../store/store.js';
import type { Notifier } from './types.js';

export interface DispatcherDeps {
  store: Store;
  notifiers: Map<string, Notifier>;
  clock: Clock;
  log: Logger;
  metrics?: Metrics;
  /** Attempts before a notification is marked failed (default 5). */
  maxAttempts?: number;
  /** First retry delay, doubled per attempt (default 30 s), capped at 30 min. */
  backoffMs?: number;
  /** How often `start()` polls the outbox (default 2 s). */
  intervalMs?: number;
  batchSize?: number;
  /** Claim holder name, unique per process: dispatchers in several processes never send one row twice. */
  owner?: string;
  /** How long a claimed row stays ours (default 5 min); a crashed dispatcher's rows are resent after it. */
  claimMs?: number;
}

export interface Dispatcher {
  /** Sends every due notification once; returns how many were attempted. */
  dispatchOnce(): Promise<number>;
  start(): void;
  stop(): void;
}

/**
 * Delivers the outbox. Each channel is worked through on its own, so a failing or slow channel never
 * holds the others; failures are retried with exponential backoff and recorded per attempt (the
 * delivery log of a case). Delivery is at-least-once: a crash between a send and its record resends it
 * once, with the same idempotency key for the receiver to drop.
 */
export function createDispatcher(deps: DispatcherDeps): Dispatcher {
  const log = deps.log.child({ component: 'dispatcher' });
  const maxAttempts = deps.maxAttempts ?? 5;
  const backoffMs = deps.backoffMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  async function deliver(n: Notification): Promise<void> {
    const at = iso(deps.clock.now());
    const notifier = deps.notifiers.get(n.channel);
    if (!notifier) {
      await deps.store.recordNotificationAttempt(n.id, { ok: false, at, error: `channel ${n.channel} is not configured` });
      deps.metrics?.notifications.inc({ channel: n.channel, outcome: 'unconfigured' });
      log.error('notification channel not configured', { channel: n.channel, caseId: n.caseId, recipient: n.recipient });
      return;
    }
    try {
      await notifier.send(n);
      await deps.store.recordNotificationAttempt(n.id, { ok: true, at });
      deps.metrics?.notifications.inc({ channel: n.channel, outcome: 'sent' });
      log.info('notification sent', { channel: n.channel, caseId: n.caseId, tier: n.tier, kind: n.kind, recipient: n.recipient });
    } catch (err) {
      const attempts = n.attempts + 1;
      const giveUp = err instanceof NonRetryableError || attempts >= maxAttempts;
      const delay = err instanceof RetryLaterError && err.retryAfterMs ? err.retryAfterMs : Math.min(backoffMs * 2 ** (attempts - 1), 30 * 60_000);
      await deps.store.recordNotificationAttempt(n.id, {
        ok: false,
        at,
        error: errorMessage(err),
        nextAttemptAt: giveUp ? undefined : iso(deps.clock.now().getTime() + delay),
      });
      deps.metrics?.notifications.inc({ channel: n.channel, outcome: giveUp ? 'failed' : 'retry' });
      const meta = { channel: n.channel, caseId: n.caseId, attempts, error: errorMessage(err) };
      if (giveUp) log.error('notification failed, giving up', meta);
      else log.warn('notification failed, will retry', { ...meta, retryInMs: delay });
    }
  }

  async function run(): Promise<number> {
    const lease = { owner: deps.owner ?? 'dispatcher', at: iso(deps.clock.now()), ms: deps.claimMs ?? 5 * 60_000 };
    const due = await deps.store.claimNotifications(deps.batchSize ?? 100, lease);
    const byChannel = new Map<string, Notification[]>();
    for (const n of due) byChannel.set(n.channel, [...(byChannel.get(n.channel) ?? []), n]);
    await Promise.all(
      [...byChannel.values()].map(async (list) => {
        for (const n of list) await deliver(n);
      }),
    );
    return due.length;
  }

  return {
    dispatchOnce() {
      // One pass at a time per process; across processes the store's claim gives each row to one dispatcher.
      running ??= run().finally(() => {
        running = undefined;
      });
      return running;
    },
    start() {
      if (timer) return;
      timer = setInterval(() => {
        this.dispatchOnce().catch((err: unknown) => log.warn('dispatch pass failed', { error: errorMessage(err) }));
      }, deps.intervalMs ?? 2000);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
