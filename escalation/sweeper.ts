import { type Clock, iso, MINUTE } from '../lib/clock.js';
import type { CaseClock } from '../lib/domain.js';
import { newId } from '../lib/ids.js';
import type { Logger } from '../lib/logger.js';
import type { Store } from '../store/store.js';

export interface SweeperDeps {
  store: Store;
  service: { onClockDue(clock: CaseClock): Promise<void> };
  clock: Clock;
  log: Logger;
  /** How often to sweep (default 30 s; config escalation.sweepIntervalSeconds). */
  intervalMs?: number;
  /** Clocks taken per store query (default 100). */
  batchSize?: number;
  /** Delay before a clock whose handling failed is tried again (default 1 min). */
  retryDelayMs?: number;
}

export interface Sweeper {
  start(): void;
  stop(): void;
  /** Fires every clock due now; returns how many this sweeper claimed. Concurrent calls coalesce. */
  sweepOnce(): Promise<number>;
}

/**
 * The SLA sweeper: due clocks → claimClock (atomic; exactly one sweeper wins, even across processes) →
 * escalation service. Clocks are persisted, so after a restart overdue clocks fire once, late if need be.
 * When handling a claimed clock fails, a retry copy of the clock is scheduled so that it is never lost;
 * the engine's guards (breachedTiers, notification idempotency keys) keep a retry from acting twice.
 */
export function createSweeper(deps: SweeperDeps): Sweeper {
  const log = deps.log.child({ component: 'sweeper' });
  const batchSize = deps.batchSize ?? 100;
  const retryDelayMs = deps.retryDelayMs ?? MINUTE;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  async function reschedule(clock: CaseClock): Promise<void> {
    const c = await deps.store.getCase(clock.caseId);
    if (!c) return;
    const retryId = `${clock.id.replace(/#.*$/, '')}#${newId('retry', deps.clock.now())}`;
    const dueAt = iso(deps.clock.now().getTime() + retryDelayMs);
    await deps.store.commitCaseChange({
      case: c,
      expectedUpdatedAt: c.updatedAt,
      history: [],
      scheduleClocks: [{ id: retryId, caseId: clock.caseId, kind: clock.kind, tier: clock.tier, dueAt }],
      cancelClockKinds: [],
      notifications: [],
    });
    log.warn('clock handling failed; retry scheduled', { clockId: clock.id, retryId, dueAt });
  }

  async function sweep(): Promise<number> {
    let fired = 0;
    const seen = new Set<string>();
    for (;;) {
      const now = iso(deps.clock.now());
      const due = (await deps.store.listDueClocks(now, batchSize)).filter((c) => !seen.has(c.id));
      if (due.length === 0) break;
      for (const clock of due) {
        seen.add(clock.id);
        if (!(await deps.store.claimClock(clock.id, now))) continue;
        fired++;
        try {
          await deps.service.onClockDue(clock);
        } catch (err) {
          log.warn('clock handling failed', { clockId: clock.id, caseId: clock.caseId, kind: clock.kind, error: String(err) });
          await reschedule(clock).catch((e: unknown) =>
            log.error('could not reschedule a failed clock; the case needs a manual check', { clockId: clock.id, caseId: clock.caseId, error: String(e) }),
          );
        }
      }
      if (due.length < batchSize) break;
    }
    if (fired > 0) log.info('clocks fired', { count: fired });
    return fired;
  }

  return {
    start() {
      if (timer) return;
      const interval = deps.intervalMs ?? 30_000;
      timer = setInterval(() => {
        this.sweepOnce().catch((err: unknown) => log.warn('sweep failed; will retry next interval', { error: String(err) }));
      }, interval);
      timer.unref();
      void this.sweepOnce().catch((err: unknown) => log.warn('sweep failed; will retry next interval', { error: String(err) }));
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
    sweepOnce() {
      if (running) return running;
      running = sweep().finally(() => {
        running = undefined;
      });
      return running;
    },
  };
}
