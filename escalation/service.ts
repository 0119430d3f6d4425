import type { Config } from '../config/schema.js';
import type { MessageBus } from '../lib/bus.js';
import { type Clock, HOUR } from '../lib/clock.js';
import type { Case, CaseClock, Event } from '../lib/domain.js';
import { ConflictError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import { authorKey, isComplainant } from '../lib/who-counts.js';
import type { CaseChange, MentionView, Store } from '../store/store.js';
import { planCaseChange } from './case/plan.js';
import { caseIdForEvent, type EventFacts, evaluate, eventFromCase } from './engine.js';
import { unroutedRoles } from './recipients.js';
import type { RuleSet } from './rules.js';

export interface EscalationServiceDeps {
  store: Store;
  /** The current rules (a function when they can be replaced at run time, e.g. LiveRules.current). */
  rules: RuleSet | (() => RuleSet);
  config: Config;
  clock: Clock;
  log: Logger;
  bus?: MessageBus;
  metrics?: Metrics;
}

export interface EscalationService {
  /** Evaluates an event whose stats changed; opens / promotes its case. Returns the event's case, if any. */
  onEventUpdated(event: Event): Promise<Case | undefined>;
  /** Handles a clock the sweeper claimed (ack reminder, manager page, deadline breach). */
  onClockDue(clock: CaseClock): Promise<void>;
}

const MAX_CONFLICT_RETRIES = 4;

export { caseIdForEvent, clockId, tierClocks } from './engine.js';

/** Serializes work per case inside this process; the store's expectedUpdatedAt guards across processes. */
function keyedSerializer(): <T>(key: string, fn: () => Promise<T>) => Promise<T> {
  const locks = new Map<string, Promise<unknown>>();
  return <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const prior = locks.get(key) ?? Promise.resolve();
    const run = prior.then(fn, fn);
    const tail = run.catch(() => undefined);
    locks.set(key, tail);
    void tail.then(() => {
      if (locks.get(key) === tail) locks.delete(key);
    });
    return run;
  };
}

/** Runs `fn` again (after `onConflict`) when another writer changed the case first. */
async function retryOnConflict<T>(log: Logger, fn: () => Promise<T>, onConflict?: () => Promise<void>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof ConflictError) || attempt >= MAX_CONFLICT_RETRIES) throw err;
      log.debug('case changed concurrently; re-evaluating', { attempt });
      await onConflict?.();
    }
  }
}

/** What the rules' windowed and source-type triggers need: distinct complainants per window, source types. */
function factsFrom(rules: RuleSet, mentions: MentionView[], now: Date): EventFacts | undefined {
  if (mentions.length === 0) return undefined;
  const windows = new Set(rules.rules.flatMap((r) => (r.trigger.windowHours === undefined ? [] : [r.trigger.windowHours])));
  const complainantsWithin: Record<string, number> = {};
  for (const w of windows) {
    const since = now.getTime() - w * HOUR;
    const authors = new Set(mentions.filter((m) => isComplainant(m, m.analysis?.sentiment.label) && new Date(m.publishedAt).getTime() >= since).map(authorKey));
    complainantsWithin[String(w)] = authors.size;
  }
  return { sourceTypes: [...new Set(mentions.map((m) => m.sourceType))], complainantsWithin };
}

export function createEscalationService(deps: EscalationServiceDeps): EscalationService {
  const { store, config, clock } = deps;
  const log = deps.log.child({ component: 'escalation' });
  const rules = (): RuleSet => (typeof deps.rules === 'function' ? deps.rules() : deps.rules);
  const serialize = keyedSerializer();
  const withRetry = <T>(fn: () => Promise<T>, onConflict?: () => Promise<void>) => retryOnConflict(log, fn, onConflict);
  for (const role of unroutedRoles(config.escalation)) log.warn('role has no notification route; its cases are only on the dashboard', { role });

  const needsMentionFacts = () => rules().rules.some((r) => r.trigger.windowHours !== undefined || r.trigger.sourceTypes !== undefined);

  async function eventMentions(eventId: string): Promise<MentionView[]> {
    try {
      return await store.listEventMentions(eventId, 2000);
    } catch (err) {
      log.warn('could not list event mentions; using event stats', { eventId, error: String(err) });
      return [];
    }
  }

  async function commit(planned: { change: CaseChange; label: string }): Promise<Case> {
    const saved = await store.commitCaseChange(planned.change);
    for (const h of planned.change.history) log.info('case transition', { caseId: saved.id, type: h.type, tier: h.tier, reason: h.reason });
    deps.bus?.publish({ type: 'case.changed', case: saved, change: planned.label });
    return saved;
  }

  return {
    onEventUpdated(updated) {
      let event = updated;
      // Another process changed the case: it may have seen newer event stats than ours, so re-read them.
      const reload = async () => {
        event = (await store.getEvent(updated.id)) ?? event;
      };
      return serialize(caseIdForEvent(updated.id), () =>
        withRetry(async () => {
          const now = clock.now();
          const existing = await store.getCaseByEvent(event.id);
          const mentions = needsMentionFacts() ? await eventMentions(event.id) : undefined;
          const decisions = evaluate({ event, case: existing, rules: rules(), now, facts: mentions ? factsFrom(rules(), mentions, now) : undefined });
          const needIds = decisions.some((d) => d.type === 'open' || d.type === 'promote' || d.type === 'early_warning');
          const ids = (needIds ? (mentions ?? (await eventMentions(event.id))) : []).slice(0, 50).map((m) => m.id);
          const planned = planCaseChange(existing, decisions, { rules: rules(), config, event, now, mentionIds: ids, metrics: deps.metrics });
          return planned ? commit(planned) : existing;
        }, reload),
      );
    },

    onClockDue(due) {
      return serialize(due.caseId, () =>
        withRetry(async () => {
          const now = clock.now();
          const existing = await store.getCase(due.caseId);
          if (!existing) {
            log.warn('clock for unknown case', { clockId: due.id, caseId: due.caseId });
            return;
          }
          const event = (await store.getEvent(existing.eventId)) ?? eventFromCase(existing);
          const decisions = evaluate({ event, case: existing, clock: due, rules: rules(), now });
          if (decisions.length === 0) {
            log.debug('clock fired with nothing to do', { clockId: due.id, state: existing.state, tier: existing.tier });
            return;
          }
          const planned = planCaseChange(existing, decisions, { rules: rules(), config, event, now, mentionIds: [], metrics: deps.metrics });
          if (planned) await commit(planned);
        }),
      );
    },
  };
}
