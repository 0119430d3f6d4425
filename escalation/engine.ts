import { HOUR, iso, MINUTE } from '../lib/clock.js';
import type { Case, CaseClock, Event, SourceType, Tier } from '../lib/domain.js';
import { governingRule, primaryRule, type Rule, type RuleSet, type RuleTrigger, TIERS, tierRank } from './rules.js';
import type { Decision, EvaluateInput } from './types.js';

/**
 * The pure escalation engine: event (+ case, + due clock) + rules → decisions. No I/O; the
 * escalation service applies the decisions to the store.
 */

/** Facts about an event the service may compute from its mentions; the engine falls back to event stats. */
export interface EventFacts {
  /** Source types that contributed to the event. */
  sourceTypes?: SourceType[];
  /** Distinct negative complainants over the last N hours, keyed by String(N). */
  complainantsWithin?: Record<string, number>;
}

export interface EngineInput extends EvaluateInput {
  rules: RuleSet;
  facts?: EventFacts;
}

/** Source type from a source id when the service did not supply it (weibo, heimao, jutousu, rss:*, cls …). */
export function sourceTypeOf(sourceId: string): SourceType {
  if (/^(weibo|douyin|appstore)/.test(sourceId)) return 'social';
  if (/^(heimao|jutousu|tousu)/.test(sourceId)) return 'complaint';
  return 'news';
}

function complainants(event: Event, trigger: RuleTrigger, facts: EventFacts | undefined): number {
  if (trigger.windowHours === undefined) return event.distinctComplainants;
  // Without per-window facts the whole event counts (it may over-warn, never under-escalate).
  return facts?.complainantsWithin?.[String(trigger.windowHours)] ?? event.distinctComplainants;
}

/** True when every condition of the trigger holds for the event. */
export function matchesTrigger(trigger: RuleTrigger, event: Event, now: Date, facts?: EventFacts): boolean {
  // A complainant's post is a complaint (who-counts: complaint platforms, 1–2-star reviews) even when its text reads neutral.
  if (trigger.sentiment === 'negative' && event.negativeCount < 1 && event.distinctComplainants < 1) return false;
  if (trigger.sourceTypes) {
    const types = facts?.sourceTypes ?? event.sources.map(sourceTypeOf);
    if (!trigger.sourceTypes.some((t) => types.includes(t))) return false;
  }
  if (trigger.minDistinctComplainants !== undefined && complainants(event, trigger, facts) < trigger.minDistinctComplainants) return false;
  if (trigger.mediaCoverage !== undefined && event.mediaCount > 0 !== trigger.mediaCoverage) return false;
  if (trigger.regulatorMentioned !== undefined && event.regulatorMentioned !== trigger.regulatorMentioned) return false;
  if (trigger.runRumour !== undefined && event.runRumour !== trigger.runRumour) return false;
  if (trigger.topics && !trigger.topics.some((t) => event.topics.includes(t))) return false;
  if (trigger.institutions && !trigger.institutions.includes(event.institution)) return false;
  if (trigger.velocity) {
    const hours = Math.max(1, (now.getTime() - new Date(event.firstSeenAt).getTime()) / HOUR);
    const baseline = Math.max(0, event.mentionCount - event.lastHourCount) / Math.max(1, hours - 1);
    if (event.lastHourCount < Math.max(trigger.velocity.min, trigger.velocity.factor * baseline)) return false;
  }
  return true;
}

/** Which rule ids and counts justified a decision (the audit trail's "why"). */
export function describeEvent(rule: Rule, event: Event, facts?: EventFacts): string {
  const windowed = rule.trigger.windowHours !== undefined ? ` (${complainants(event, rule.trigger, facts)} within ${rule.trigger.windowHours}h)` : '';
  return (
    `${rule.id}: ${event.distinctComplainants} distinct complainants${windowed}, ${event.mentionCount} mentions, ` +
    `${event.negativeCount} negative, ${event.mediaCount} media${event.regulatorMentioned ? ', regulator mentioned' : ''}${event.runRumour ? ', run rumour' : ''}`
  );
}

/** Tiers the case has been at (opened or promoted), from its history. */
function tiersReached(c: Case): Set<Tier> {
  const out = new Set<Tier>([c.tier]);
  for (const h of c.history) if ((h.type === 'opened' || h.type === 'promoted') && h.tier) out.add(h.tier);
  return out;
}

function evaluateEvent(input: EngineInput): Decision[] {
  const { event, rules, now, facts } = input;
  const existing = input.case;
  const matched = rules.rules.filter((r) => matchesTrigger(r.trigger, event, now, facts));
  const tierRules = matched.filter((r) => r.kind === 'tier');
  let best: Rule | undefined;
  for (const r of tierRules) if (!best || tierRank(r.tier) > tierRank(best.tier)) best = r;

  const decisions: Decision[] = [];
  let resulting: Tier | undefined = existing?.tier;
  if (best && !existing) {
    decisions.push({ type: 'open', tier: best.tier, owner: best.owner, ruleId: best.id, reason: describeEvent(best, event, facts) });
    resulting = best.tier;
  } else if (best && existing && tierRank(best.tier) > tierRank(existing.tier)) {
    decisions.push({ type: 'promote', from: existing.tier, to: best.tier, owner: best.owner, ruleId: best.id, reason: describeEvent(best, event, facts) });
    resulting = best.tier;
  }
  if (resulting === undefined) return decisions;

  // A higher tier inhibits the pages of lower tiers the case skipped; recorded once per tier.
  const reached = existing ? tiersReached(existing) : new Set<Tier>();
  const inhibited = new Set(existing?.history.filter((h) => h.type === 'inhibited').map((h) => h.tier) ?? []);
  for (const t of TIERS) {
    if (tierRank(t) >= tierRank(resulting) || reached.has(t) || inhibited.has(t)) continue;
    const lower = tierRules.find((r) => r.tier === t);
    if (lower) decisions.push({ type: 'inhibit', tier: t, ruleId: lower.id, reason: `${lower.id} (${t}) inhibited: case is ${resulting}` });
  }

  const warned = new Set(existing?.history.filter((h) => h.type === 'early_warning').map((h) => String(h.data?.ruleId)) ?? []);
  for (const r of matched) {
    if (r.kind !== 'early_warning' || warned.has(r.id) || tierRank(resulting) > tierRank(r.tier)) continue;
    decisions.push({ type: 'early_warning', ruleId: r.id, owner: r.owner, reason: describeEvent(r, event, facts) });
  }
  return decisions;
}

function evaluateClock(input: EngineInput, clock: CaseClock): Decision[] {
  const c = input.case;
  if (!c || clock.cancelledAt || clock.tier !== c.tier) return [];
  const late = Math.max(0, Math.round((input.now.getTime() - new Date(clock.dueAt).getTime()) / 60_000));
  const lateText = late > 0 ? ` (fired ${late} min late)` : '';
  if (clock.kind === 'ack' || clock.kind === 'ack_manager') {
    if (c.state !== 'open') return [];
    const reason = `${c.tier} not acknowledged by ${clock.dueAt}${lateText}`;
    return [clock.kind === 'ack' ? { type: 'ack_reminder', tier: c.tier, reason } : { type: 'ack_manager', tier: c.tier, reason }];
  }
  if ((c.state !== 'open' && c.state !== 'acknowledged') || c.breachedTiers.includes(c.tier)) return [];
  const rule = governingRule(input.rules, c.ruleId, c.tier);
  const next = rule?.nextOnBreach;
  const reason = `${c.tier} deadline ${clock.dueAt} missed${lateText}`;
  const decisions: Decision[] = [];
  if (next && (TIERS as readonly string[]).includes(next)) {
    const to = next as Tier;
    const target = primaryRule(input.rules, to);
    decisions.push({ type: 'breach', tier: c.tier, next: to, ruleId: rule?.id, reason });
    if (target && tierRank(to) > tierRank(c.tier)) {
      decisions.push({
        type: 'promote',
        from: c.tier,
        to,
        owner: target.owner,
        ruleId: target.id,
        reason: `breach of ${c.tier} deadline: ${rule?.id ?? 'rule'} → ${to}`,
      });
    }
  } else {
    decisions.push({ type: 'breach', tier: c.tier, ruleId: rule?.id, reason, ...(next ? { nextRole: next as Exclude<typeof next, Tier> } : {}) });
  }
  return decisions;
}

/**
 * Evaluates one event update (no `clock`) or one due clock (`clock` set).
 * - opens a case at the highest matching tier; promotes in place, never demotes;
 * - inhibits lower tiers the case skipped (once per tier);
 * - early warnings once per event, only while the case is at or below the rule's tier;
 * - a due ack clock on an unacknowledged case → ack_reminder / ack_manager;
 * - a due deadline clock on a case not responded at that tier → breach (once: breachedTiers), then promote.
 */
export function evaluate(input: EngineInput): Decision[] {
  return input.clock ? evaluateClock(input, input.clock) : evaluateEvent(input);
}

/**
 * The id of an event's case: deterministic, so every writer names the same case. The id alone does not stop two
 * writers from opening it twice; the store does: a new case is committed with `expectNew`, which raises a
 * ConflictError when a case with this id or for this event exists, and the service then re-reads and re-evaluates.
 */
export function caseIdForEvent(eventId: string): string {
  return `c_${eventId.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

export function clockId(caseId: string, tier: Tier, kind: CaseClock['kind']): string {
  return `${caseId}:${tier}:${kind}`;
}

/** The three clocks of a tier, started at `at` from the tier rule. */
export function tierClocks(caseId: string, tier: Tier, rule: Rule | undefined, at: Date): CaseClock[] {
  const ack = rule?.ackTimeoutMinutes ?? 30;
  const manager = rule?.managerAfterMinutes ?? 60;
  const deadline = rule?.deadlineMinutes ?? 120;
  const mk = (kind: CaseClock['kind'], minutes: number): CaseClock => ({
    id: clockId(caseId, tier, kind),
    caseId,
    kind,
    tier,
    dueAt: iso(at.getTime() + minutes * MINUTE),
  });
  return [mk('ack', ack), mk('ack_manager', manager), mk('deadline', deadline)];
}

/** When the event row is gone, the case still carries what clock evaluation needs. */
export function eventFromCase(c: Case): Event {
  return {
    id: c.eventId,
    institution: c.institution,
    topics: c.topics,
    keyTerms: [],
    title: c.title,
    simhash: '0000000000000000',
    firstSeenAt: c.openedAt,
    lastSeenAt: c.updatedAt,
    mentionCount: c.mentionCount,
    distinctAuthors: c.distinctAuthors,
    distinctComplainants: c.distinctComplainants,
    negativeCount: 0,
    mediaCount: c.mediaCount,
    sources: [],
    regulatorMentioned: false,
    runRumour: false,
    lastHourCount: 0,
  };
}
