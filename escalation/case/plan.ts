import type { Config } from '../../config/schema.js';
import { iso } from '../../lib/clock.js';
import type { Case, CaseClock, CaseHistoryEntry, Event, Notification, OwnerRole, Tier } from '../../lib/domain.js';
import type { Metrics } from '../../lib/metrics.js';
import type { CaseChange } from '../../store/store.js';
import { caseIdForEvent, tierClocks } from '../engine.js';
import { ackOverdueReason, breachReason, earlyWarningReason, type MessageKind } from '../messages.js';
import { caseNotifications, dedupeTargets, type NotifyExtra } from '../notifications.js';
import { managersFor, type Recipient, recipientsFor } from '../recipients.js';
import { expectedResponse, findRule, governingRule, type RuleSet } from '../rules.js';
import type { Decision } from '../types.js';

/**
 * Decisions → one atomic case change. Each decision kind has one small handler that returns what it adds
 * (the case as it now stands, history, clocks to schedule or cancel, notifications to render once the final
 * case is known); `planCaseChange` chains them in decision order and folds their additions together, the way
 * Alertmanager chains its notification stages.
 */

export interface PlanContext {
  rules: RuleSet;
  config: Config;
  event: Event;
  now: Date;
  /** Mentions that triggered the decisions, recorded on open / promote / early-warning history. */
  mentionIds: string[];
  metrics?: Metrics;
}

/** What one handler adds. */
interface Stage {
  case?: Case;
  history: CaseHistoryEntry;
  clocks?: CaseClock[];
  cancel?: readonly CaseClock['kind'][];
  /** Rendered against the final case, after every stage ran. */
  notify?: (final: Case) => Notification[];
  label?: string;
  breached?: boolean;
}

/** What the stages before this one left: the case so far and whether a breach was handled. */
interface Sofar {
  case: Case | undefined;
  breached: boolean;
}

type Handler<D extends Decision> = (d: D, sofar: Sofar, ctx: PlanContext) => Stage | undefined;
type Handlers = { [K in Decision['type']]: Handler<Extract<Decision, { type: K }>> };

function audit(
  ctx: PlanContext,
  type: string,
  tier: Tier,
  reason: string,
  ruleId: string | undefined,
  withMentions: boolean,
  extra: Record<string, unknown> = {},
): CaseHistoryEntry {
  const ids = withMentions && ctx.mentionIds.length > 0 ? { mentionIds: ctx.mentionIds } : {};
  return { at: iso(ctx.now), type, tier, actor: 'system', reason, data: { ...(ruleId ? { ruleId } : {}), ...ids, ...extra } };
}

function notify(ctx: PlanContext, kind: MessageKind, tier: Tier, targets: Recipient[], extra: NotifyExtra) {
  return (final: Case) =>
    caseNotifications(final, { kind, tier, targets, now: ctx.now, extra: { complainants: ctx.event.distinctComplainants, ...extra } }, ctx);
}

/** The owner's "open" message plus the roles the rule informs (the owner is not told twice). */
function ownerAndInformed(ctx: PlanContext, tier: Tier, owner: OwnerRole, ruleId: string, fromTier?: Tier) {
  const rule = findRule(ctx.rules, ruleId);
  const inform = (rule?.inform ?? []).filter((r) => r !== owner);
  const opened = notify(ctx, 'opened', tier, recipientsFor(ctx.config.escalation, owner), { reason: rule?.label, ...(fromTier ? { fromTier } : {}) });
  const informed = inform.map((r) => notify(ctx, 'informed', tier, recipientsFor(ctx.config.escalation, r), { reason: rule?.label, keyKind: 'informed' }));
  return { inform, all: (final: Case) => [...opened(final), ...informed.flatMap((fn) => fn(final))] };
}

/** The case's stats follow the event's. */
export function withStats(c: Case, event: Event | undefined): Case {
  if (!event) return c;
  return {
    ...c,
    mentionCount: event.mentionCount,
    distinctAuthors: event.distinctAuthors,
    distinctComplainants: event.distinctComplainants,
    mediaCount: event.mediaCount,
    title: event.title,
    topics: event.topics,
  };
}

const open: Handler<Extract<Decision, { type: 'open' }>> = (d, _sofar, ctx) => {
  const { event, now } = ctx;
  const at = iso(now);
  const id = caseIdForEvent(event.id);
  const tc = tierClocks(id, d.tier, findRule(ctx.rules, d.ruleId), now);
  const opened: Case = {
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
    distinctComplainants: 0,
    mediaCount: 0,
    responses: [],
    history: [],
    breachedTiers: [],
  };
  return {
    case: withStats(opened, event),
    history: audit(ctx, 'opened', d.tier, d.reason, d.ruleId, true),
    clocks: tc,
    notify: ownerAndInformed(ctx, d.tier, d.owner, d.ruleId).all,
    label: 'opened',
  };
};

const promote: Handler<Extract<Decision, { type: 'promote' }>> = (d, { case: c, breached }, ctx) => {
  if (!c) return undefined;
  const at = iso(ctx.now);
  const rule = findRule(ctx.rules, d.ruleId);
  const previousOwner: OwnerRole = c.owner;
  const tc = tierClocks(c.id, d.to, rule, ctx.now);
  const promoted: Case = {
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
  const told = ownerAndInformed(ctx, d.to, d.owner, d.ruleId, d.from);
  // After a breach the previous owner already got the breach notice.
  const tellPrevious = !(new Set<OwnerRole>([d.owner, ...told.inform]).has(previousOwner) || breached);
  const previous = notify(ctx, 'promoted', d.to, recipientsFor(ctx.config.escalation, previousOwner), { fromTier: d.from, reason: rule?.label });
  return {
    case: promoted,
    history: audit(ctx, 'promoted', d.to, d.reason, d.ruleId, true, { from: d.from }),
    clocks: tc,
    cancel: ['ack', 'ack_manager', 'deadline'],
    notify: (final) => [...told.all(final), ...(tellPrevious ? previous(final) : [])],
    label: 'promoted',
  };
};

const inhibit: Handler<Extract<Decision, { type: 'inhibit' }>> = (d, _sofar, ctx) => ({
  history: audit(ctx, 'inhibited', d.tier, d.reason, d.ruleId, false),
});

const earlyWarning: Handler<Extract<Decision, { type: 'early_warning' }>> = (d, { case: c }, ctx) => {
  if (!c) return undefined;
  const rule = findRule(ctx.rules, d.ruleId);
  const owner = d.owner ?? rule?.owner ?? 'pr';
  return {
    history: audit(ctx, 'early_warning', c.tier, d.reason, d.ruleId, true),
    notify: notify(ctx, 'early_warning', c.tier, recipientsFor(ctx.config.escalation, owner), {
      ruleLabel: rule?.label,
      reason: earlyWarningReason(ctx.event.distinctComplainants, rule?.trigger.windowHours),
      keyKind: `early_warning.${d.ruleId}`,
    }),
    label: 'early_warning',
  };
};

const ackOverdue: Handler<Extract<Decision, { type: 'ack_reminder' | 'ack_manager' }>> = (d, { case: c }, ctx) => {
  if (!c) return undefined;
  const targets = d.type === 'ack_reminder' ? recipientsFor(ctx.config.escalation, c.owner) : managersFor(ctx.config.escalation, c.owner);
  return {
    history: audit(ctx, d.type, d.tier, d.reason, c.ruleId, false),
    notify: notify(ctx, d.type, d.tier, targets, { reason: ackOverdueReason(c.ackDueAt, c.owner) }),
    label: d.type,
  };
};

const breach: Handler<Extract<Decision, { type: 'breach' }>> = (d, { case: c }, ctx) => {
  if (!c) return undefined;
  const { escalation } = ctx.config;
  const targets = dedupeTargets([
    ...recipientsFor(escalation, c.owner),
    ...managersFor(escalation, c.owner),
    ...(d.nextRole ? [...recipientsFor(escalation, d.nextRole), ...managersFor(escalation, d.nextRole)] : []),
  ]);
  const missed = expectedResponse(governingRule(ctx.rules, c.ruleId, d.tier), d.tier);
  const reason = breachReason({ tier: d.tier, deadlineAt: c.deadlineAt, missed, next: d.next, nextRole: d.nextRole });
  ctx.metrics?.slaBreaches.inc({ tier: d.tier });
  return {
    case: { ...c, breachedTiers: [...c.breachedTiers, d.tier] },
    breached: true,
    history: audit(ctx, 'breach', d.tier, d.reason, d.ruleId, false, { next: d.next ?? d.nextRole ?? null }),
    notify: notify(ctx, 'breach', d.tier, targets, { fromTier: d.tier, reason }),
    label: 'breach',
  };
};

const HANDLERS: Handlers = {
  open,
  promote,
  inhibit,
  early_warning: earlyWarning,
  ack_reminder: ackOverdue,
  ack_manager: ackOverdue,
  breach,
};

function handle(d: Decision, sofar: Sofar, ctx: PlanContext): Stage | undefined {
  return (HANDLERS[d.type] as Handler<Decision>)(d, sofar, ctx);
}

/** Turns decisions into one atomic case change (undefined when nothing changed). */
export function planCaseChange(existing: Case | undefined, decisions: Decision[], ctx: PlanContext): { change: CaseChange; label: string } | undefined {
  const sofar: Sofar = { case: existing ? withStats({ ...existing, history: [...existing.history] }, ctx.event) : undefined, breached: false };
  const history: CaseHistoryEntry[] = [];
  const clocks: CaseClock[] = [];
  const cancel = new Set<CaseClock['kind']>();
  const pending: Array<(c: Case) => Notification[]> = [];
  const labels: string[] = [];
  for (const d of decisions) {
    const stage = handle(d, sofar, ctx);
    if (!stage) continue;
    if (stage.case) sofar.case = stage.case;
    if (stage.breached) sofar.breached = true;
    history.push(stage.history);
    clocks.push(...(stage.clocks ?? []));
    for (const k of stage.cancel ?? []) cancel.add(k);
    if (stage.notify) pending.push(stage.notify);
    if (stage.label) labels.push(stage.label);
  }
  const c = sofar.case;
  if (!c) return undefined;
  const statsChanged =
    existing !== undefined &&
    (existing.mentionCount !== c.mentionCount ||
      existing.distinctAuthors !== c.distinctAuthors ||
      existing.distinctComplainants !== c.distinctComplainants ||
      existing.mediaCount !== c.mediaCount ||
      existing.title !== c.title);
  if (history.length === 0 && !statsChanged) return undefined;
  const final: Case = { ...c, updatedAt: iso(ctx.now), history: [...(existing?.history ?? []), ...history] };
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
