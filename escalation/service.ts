import type { Config } from '../config/schema.js';
import type { MessageBus } from '../lib/bus.js';
import { type Clock, formatShanghai, HOUR, iso } from '../lib/clock.js';
import type { Case, CaseClock, CaseHistoryEntry, Event, Notification, OwnerRole, Tier } from '../lib/domain.js';
import { ConflictError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import { authorKey, isComplainant } from '../lib/who-counts.js';
import type { CaseChange, MentionView, Store } from '../store/store.js';
import { caseIdForEvent, type EventFacts, evaluate, eventFromCase, tierClocks } from './engine.js';
import { type MessageKind, RESPONSE_LABELS, ROLE_LABELS, renderMessage, tierText } from './messages.js';
import { managersFor, type Recipient, recipientsFor, unroutedRoles } from './recipients.js';
import { expectedResponse, findRule, governingRule, type RuleSet } from './rules.js';
import type { Decision } from './types.js';

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

export function createEscalationService(deps: EscalationServiceDeps): EscalationService {
  const { store, config, clock } = deps;
  const log = deps.log.child({ component: 'escalation' });
  const rules = (): RuleSet => (typeof deps.rules === 'function' ? deps.rules() : deps.rules);
  const locks = new Map<string, Promise<unknown>>();
  for (const role of unroutedRoles(config.escalation)) log.warn('role has no notification route; its cases are only on the dashboard', { role });

  /** Serializes work per case inside this process; the store's expectedUpdatedAt guards across processes. */
  function serialize<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prior = locks.get(key) ?? Promise.resolve();
    const run = prior.then(fn, fn);
    const tail = run.catch(() => undefined);
    locks.set(key, tail);
    void tail.then(() => {
      if (locks.get(key) === tail) locks.delete(key);
    });
    return run;
  }

  async function withRetry<T>(fn: () => Promise<T>, onConflict?: () => Promise<void>): Promise<T> {
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

  function institutionName(id: string): string {
    return config.watchlist.find((i) => i.id === id)?.name ?? id;
  }

  const needsMentionFacts = () => rules().rules.some((r) => r.trigger.windowHours !== undefined || r.trigger.sourceTypes !== undefined);

  async function eventMentions(eventId: string): Promise<MentionView[]> {
    try {
      return await store.listEventMentions(eventId, 2000);
    } catch (err) {
      log.warn('could not list event mentions; using event stats', { eventId, error: String(err) });
      return [];
    }
  }

  function factsFrom(mentions: MentionView[], now: Date): EventFacts | undefined {
    if (mentions.length === 0) return undefined;
    const windows = new Set(rules().rules.flatMap((r) => (r.trigger.windowHours === undefined ? [] : [r.trigger.windowHours])));
    const complainantsWithin: Record<string, number> = {};
    for (const w of windows) {
      const since = now.getTime() - w * HOUR;
      const authors = new Set(
        mentions.filter((m) => isComplainant(m, m.analysis?.sentiment.label) && new Date(m.publishedAt).getTime() >= since).map(authorKey),
      );
      complainantsWithin[String(w)] = authors.size;
    }
    return { sourceTypes: [...new Set(mentions.map((m) => m.sourceType))], complainantsWithin };
  }

  function notificationsFor(
    c: Case,
    kind: MessageKind,
    tier: Tier,
    targets: Recipient[],
    now: Date,
    extra: { fromTier?: Tier; reason?: string; ruleLabel?: string; keyKind?: string; complainants?: number },
  ): Notification[] {
    const rule = governingRule(rules(), c.ruleId, c.tier);
    const expected = kind === 'opened' || kind === 'ack_reminder' || kind === 'ack_manager' ? RESPONSE_LABELS[expectedResponse(rule, c.tier)] : undefined;
    return targets.map((t) => {
      const { subject, body } = renderMessage({
        kind,
        case: c,
        institutionName: institutionName(c.institution),
        publicUrl: config.server.publicUrl,
        role: t.role,
        names: t.names,
        expectedAction: expected,
        ...extra,
      });
      return {
        id: newId('n', now),
        caseId: c.id,
        tier,
        kind: kind === 'informed' ? 'opened' : kind,
        channel: t.channel,
        recipient: t.recipient,
        idempotencyKey: `${c.id}:${tier}:${extra.keyKind ?? kind}:${t.channel}:${t.recipient}`,
        subject,
        body,
        status: 'pending',
        attempts: 0,
        nextAttemptAt: iso(now),
        createdAt: iso(now),
      };
    });
  }

  function dedupeTargets(list: Recipient[]): Recipient[] {
    const out = new Map<string, Recipient>();
    for (const r of list) {
      const key = `${r.channel}:${r.recipient}`;
      const prior = out.get(key);
      out.set(key, prior ? { ...prior, names: [...new Set([...prior.names, ...r.names])] } : r);
    }
    return [...out.values()];
  }

  function withStats(c: Case, event: Event | undefined): Case {
    if (!event) return c;
    return {
      ...c,
      mentionCount: event.mentionCount,
      distinctAuthors: event.distinctAuthors,
      mediaCount: event.mediaCount,
      title: event.title,
      topics: event.topics,
    };
  }

  /** Turns decisions into one atomic case change. */
  function plan(
    existing: Case | undefined,
    event: Event,
    decisions: Decision[],
    now: Date,
    mentionIds: string[],
  ): { change: CaseChange; label: string } | undefined {
    const at = iso(now);
    const history: CaseHistoryEntry[] = [];
    const clocks: CaseClock[] = [];
    const cancel = new Set<CaseClock['kind']>();
    const pending: Array<(c: Case) => Notification[]> = [];
    const complainants = event.distinctComplainants;
    const audit = (
      type: string,
      tier: Tier,
      reason: string,
      ruleId: string | undefined,
      withMentions: boolean,
      extra: Record<string, unknown> = {},
    ): CaseHistoryEntry => ({
      at,
      type,
      tier,
      actor: 'system',
      reason,
      data: { ...(ruleId ? { ruleId } : {}), ...(withMentions && mentionIds.length > 0 ? { mentionIds } : {}), ...extra },
    });
    let c: Case | undefined = existing ? withStats({ ...existing, history: [...existing.history] }, event) : undefined;
    const labels: string[] = [];
    let breached = false;

    for (const d of decisions) {
      if (d.type === 'open') {
        const rule = findRule(rules(), d.ruleId);
        const id = caseIdForEvent(event.id);
        const tc = tierClocks(id, d.tier, rule, now);
        c = withStats(
          {
            id,
            eventId: event.id,
            tier: d.tier,
            owner: d.owner,
            state: 'open',
            institution: event.institution,
            title: event.title,
            topics: event.topics,
            openedAt: at,
            updatedAt: at,
            tierSince: at,
            ackDueAt: tc[0]?.dueAt,
            deadlineAt: tc[2]?.dueAt,
            ruleId: d.ruleId,
            mentionCount: 0,
            distinctAuthors: 0,
            mediaCount: 0,
            responses: [],
            history: [],
            breachedTiers: [],
          },
          event,
        );
        clocks.push(...tc);
        history.push(audit('opened', d.tier, d.reason, d.ruleId, true));
        const inform = (rule?.inform ?? []).filter((r) => r !== d.owner);
        pending.push((x) => [
          ...notificationsFor(x, 'opened', d.tier, recipientsFor(config.escalation, d.owner), now, { reason: rule?.label, complainants }),
          ...inform.flatMap((r) =>
            notificationsFor(x, 'informed', d.tier, recipientsFor(config.escalation, r), now, { reason: rule?.label, keyKind: 'informed', complainants }),
          ),
        ]);
        labels.push('opened');
      } else if (d.type === 'promote' && c) {
        const rule = findRule(rules(), d.ruleId);
        const previousOwner: OwnerRole = c.owner;
        const tc = tierClocks(c.id, d.to, rule, now);
        c = {
          ...c,
          tier: d.to,
          owner: d.owner,
          ruleId: d.ruleId,
          state: 'open',
          tierSince: at,
          ackDueAt: tc[0]?.dueAt,
          deadlineAt: tc[2]?.dueAt,
          acknowledgedAt: undefined,
          respondedAt: undefined,
          resolvedAt: undefined,
        };
        for (const k of ['ack', 'ack_manager', 'deadline'] as const) cancel.add(k);
        clocks.push(...tc);
        history.push(audit('promoted', d.to, d.reason, d.ruleId, true, { from: d.from }));
        const inform = (rule?.inform ?? []).filter((r) => r !== d.owner);
        const told = new Set<OwnerRole>([d.owner, ...inform]);
        pending.push((x) => [
          ...notificationsFor(x, 'opened', d.to, recipientsFor(config.escalation, d.owner), now, { reason: rule?.label, fromTier: d.from, complainants }),
          ...inform.flatMap((r) =>
            notificationsFor(x, 'informed', d.to, recipientsFor(config.escalation, r), now, { reason: rule?.label, keyKind: 'informed', complainants }),
          ),
          // After a breach the previous owner already got the breach notice.
          ...(told.has(previousOwner) || breached
            ? []
            : notificationsFor(x, 'promoted', d.to, recipientsFor(config.escalation, previousOwner), now, {
                fromTier: d.from,
                reason: rule?.label,
                complainants,
              })),
        ]);
        labels.push('promoted');
      } else if (d.type === 'inhibit') {
        history.push(audit('inhibited', d.tier, d.reason, d.ruleId, false));
      } else if (d.type === 'early_warning' && c) {
        const rule = findRule(rules(), d.ruleId);
        history.push(audit('early_warning', c.tier, d.reason, d.ruleId, true));
        const owner = d.owner ?? rule?.owner ?? 'pr';
        const tier = c.tier;
        pending.push((x) =>
          notificationsFor(x, 'early_warning', tier, recipientsFor(config.escalation, owner), now, {
            ruleLabel: rule?.label,
            reason: `投诉人数已达 ${complainants}${rule?.trigger.windowHours ? `（近 ${rule.trigger.windowHours} 小时内快速上升）` : ''}，尚未达到中度标准，请提前准备口径`,
            keyKind: `early_warning.${d.ruleId}`,
            complainants,
          }),
        );
        labels.push('early_warning');
      } else if ((d.type === 'ack_reminder' || d.type === 'ack_manager') && c) {
        history.push(audit(d.type, d.tier, d.reason, c.ruleId, false));
        const owner = c.owner;
        const targets = d.type === 'ack_reminder' ? recipientsFor(config.escalation, owner) : managersFor(config.escalation, owner);
        const zh = `受理时限 ${c.ackDueAt ? formatShanghai(c.ackDueAt) : ''} 已过，${ROLE_LABELS[owner]}仍未受理`;
        pending.push((x) => notificationsFor(x, d.type, d.tier, targets, now, { reason: zh, complainants }));
        labels.push(d.type);
      } else if (d.type === 'breach' && c) {
        c = { ...c, breachedTiers: [...c.breachedTiers, d.tier] };
        breached = true;
        history.push(audit('breach', d.tier, d.reason, d.ruleId, false, { next: d.next ?? d.nextRole ?? null }));
        const owner = c.owner;
        const targets = dedupeTargets([
          ...recipientsFor(config.escalation, owner),
          ...managersFor(config.escalation, owner),
          ...(d.nextRole ? [...recipientsFor(config.escalation, d.nextRole), ...managersFor(config.escalation, d.nextRole)] : []),
        ]);
        const missed = RESPONSE_LABELS[expectedResponse(governingRule(rules(), c.ruleId, d.tier), d.tier)];
        const zh = `${tierText(d.tier)} 处置时限 ${c.deadlineAt ? formatShanghai(c.deadlineAt) : ''} 已过，未完成「${missed}」${d.next ? `，升级为 ${tierText(d.next)}` : d.nextRole ? `，已通知${ROLE_LABELS[d.nextRole]}` : ''}`;
        pending.push((x) => notificationsFor(x, 'breach', d.tier, targets, now, { fromTier: d.tier, reason: zh, complainants }));
        deps.metrics?.slaBreaches.inc({ tier: d.tier });
        labels.push('breach');
      }
    }
    if (!c) return undefined;
    const statsChanged =
      existing !== undefined &&
      (existing.mentionCount !== c.mentionCount ||
        existing.distinctAuthors !== c.distinctAuthors ||
        existing.mediaCount !== c.mediaCount ||
        existing.title !== c.title);
    if (history.length === 0 && !statsChanged) return undefined;
    const final: Case = { ...c, updatedAt: at, history: [...(existing?.history ?? []), ...history] };
    const change: CaseChange = {
      case: final,
      ...(existing ? { expectedUpdatedAt: existing.updatedAt } : { expectNew: true }),
      history,
      scheduleClocks: clocks,
      cancelClockKinds: [...cancel],
      notifications: pending.flatMap((fn) => fn(final)),
    };
    return { change, label: labels.join(',') || 'updated' };
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
          const decisions = evaluate({ event, case: existing, rules: rules(), now, facts: mentions ? factsFrom(mentions, now) : undefined });
          const needIds = decisions.some((d) => d.type === 'open' || d.type === 'promote' || d.type === 'early_warning');
          const ids = (needIds ? (mentions ?? (await eventMentions(event.id))) : []).slice(0, 50).map((m) => m.id);
          const planned = plan(existing, event, decisions, now, ids);
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
          const planned = plan(existing, event, decisions, now, []);
          if (planned) await commit(planned);
        }),
      );
    },
  };
}
