import type { Redis } from 'ioredis';

/**
 * Events whose mentions are being completed but that are not yet escalated. A worker marks the events
 * it is about to change before it completes their mentions and clears them once escalated, so a worker
 * killed in between leaves its marks behind and another worker re-evaluates those events (escalation is
 * idempotent). Without it, the transition the dead worker was about to make would wait for the event's
 * next mention.
 */
export interface EscalationLedger {
  mark(eventIds: string[]): Promise<void>;
  done(eventIds: string[]): Promise<void>;
  /** Marks older than `olderThanMs` (their worker died or lost its way); `clear` drops one once handled. */
  stale(olderThanMs: number): Promise<Array<{ eventId: string; clear(): Promise<void> }>>;
}

/** Embedded mode: one process, whose start-up recovery re-evaluates every recent event anyway. */
export const noLedger: EscalationLedger = {
  mark: async () => undefined,
  done: async () => undefined,
  stale: async () => [],
};

/** The cluster ledger: a Redis sorted set of `eventId owner` scored by when it was marked. */
export function redisLedger(redis: Redis, key: string, owner: string): EscalationLedger {
  const member = (id: string) => `${id} ${owner}`;
  return {
    async mark(eventIds) {
      if (eventIds.length === 0) return;
      const now = Date.now();
      await redis.zadd(key, ...eventIds.flatMap((id) => [now, member(id)]));
    },
    async done(eventIds) {
      if (eventIds.length > 0) await redis.zrem(key, ...eventIds.map(member));
    },
    async stale(olderThanMs) {
      const members = await redis.zrangebyscore(key, '-inf', Date.now() - olderThanMs, 'LIMIT', 0, 500);
      return members.map((m) => ({
        eventId: m.slice(0, m.indexOf(' ')),
        clear: async () => {
          await redis.zrem(key, m);
        },
      }));
    },
  };
}
