import { BUSINESS_LINES, CAUSES } from '../lib/attribution.js';
import type { Case, Event, Tier } from '../lib/domain.js';

/**
 * Pure report computations over cases (no I/O): SLA per tier, monthly attribution by business line ×
 * cause, and the daily digest. The API and the digest job feed them from the store.
 */

const TIERS: Tier[] = ['L1', 'L2', 'L3'];
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const SHANGHAI_OFFSET = '+08:00';

export const TIER_LABELS: Record<Tier, string> = { L1: '轻度', L2: '中度', L3: '重度' };

/** Chinese labels of the business lines and causes of the monthly review. */
export const BUSINESS_LINE_LABELS: Record<string, string> = BUSINESS_LINES;
export const CAUSE_LABELS: Record<string, string> = CAUSES;

export interface TierSla {
  tier: Tier;
  label: string;
  cases: number;
  open: number;
  acknowledged: number;
  meanTimeToAcknowledgeMinutes: number | null;
  responded: number;
  meanTimeToRespondMinutes: number | null;
  /** Cases whose deadline has passed or that responded (the ones a deadline verdict exists for). */
  due: number;
  withinDeadline: number;
  /** withinDeadline / due × 100, one decimal; null when nothing is due yet. */
  withinDeadlinePct: number | null;
  breaches: number;
}

const ms = (s: string) => new Date(s).getTime();
const round1 = (n: number) => Math.round(n * 10) / 10;
const mean = (xs: number[]) => (xs.length === 0 ? null : round1(xs.reduce((a, b) => a + b, 0) / xs.length));
const isActive = (c: Case) => c.state === 'open' || c.state === 'acknowledged' || c.state === 'responded';

/** True when the case missed the deadline of its current tier (escalated breach, or late / no response). */
export function breachedDeadline(c: Case, now: Date): boolean {
  if (c.breachedTiers.includes(c.tier)) return true;
  if (!c.deadlineAt) return false;
  if (c.respondedAt) return c.respondedAt > c.deadlineAt;
  return ms(c.deadlineAt) <= now.getTime();
}

/** SLA per tier (by each case's current tier), times measured from when the case was opened. */
export function slaReport(cases: Case[], now: Date): { tiers: TierSla[]; total: Omit<TierSla, 'tier' | 'label'> } {
  const summarize = (list: Case[]) => {
    const ackTimes = list.filter((c) => c.acknowledgedAt).map((c) => (ms(c.acknowledgedAt!) - ms(c.openedAt)) / MINUTE);
    const respTimes = list.filter((c) => c.respondedAt).map((c) => (ms(c.respondedAt!) - ms(c.openedAt)) / MINUTE);
    const due = list.filter((c) => c.deadlineAt && (c.respondedAt || ms(c.deadlineAt) <= now.getTime()));
    const within = due.filter((c) => c.respondedAt && c.respondedAt <= c.deadlineAt! && !c.breachedTiers.includes(c.tier));
    return {
      cases: list.length,
      open: list.filter(isActive).length,
      acknowledged: ackTimes.length,
      meanTimeToAcknowledgeMinutes: mean(ackTimes),
      responded: respTimes.length,
      meanTimeToRespondMinutes: mean(respTimes),
      due: due.length,
      withinDeadline: within.length,
      withinDeadlinePct: due.length === 0 ? null : round1((within.length / due.length) * 100),
      breaches: list.filter((c) => breachedDeadline(c, now)).length,
    };
  };
  return {
    tiers: TIERS.map((tier) => ({ tier, label: TIER_LABELS[tier], ...summarize(cases.filter((c) => c.tier === tier)) })),
    total: summarize(cases),
  };
}

/** `YYYY-MM` → the month's bounds in Asia/Shanghai as UTC ISO instants. */
export function monthBounds(month: string): { from: string; to: string } {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) throw new RangeError(`invalid month ${month}`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const next = mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
  return { from: new Date(`${month}-01T00:00:00${SHANGHAI_OFFSET}`).toISOString(), to: new Date(`${next}-01T00:00:00${SHANGHAI_OFFSET}`).toISOString() };
}

/** `YYYY-MM-DD` → the day's bounds in Asia/Shanghai as UTC ISO instants. */
export function dayBounds(date: string): { from: string; to: string } {
  const from = new Date(`${date}T00:00:00${SHANGHAI_OFFSET}`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(from.getTime()) || shanghaiDate(from) !== date) throw new RangeError(`invalid date ${date}`);
  return { from: from.toISOString(), to: new Date(from.getTime() + DAY).toISOString() };
}

/** The calendar date in Asia/Shanghai of an instant, e.g. `2025-11-22`. */
export function shanghaiDate(at: Date): string {
  return new Date(at.getTime() + 8 * 60 * MINUTE).toISOString().slice(0, 10);
}

export interface TopicAttribution {
  businessLine: string;
  cause: string;
  label?: string;
}

export interface AttributionCell {
  businessLine: string;
  cause: string;
  count: number;
  byTier: Record<Tier, number>;
}

export interface AttributionReport {
  month: string;
  from: string;
  to: string;
  totalCases: number;
  businessLines: Array<{ id: string; label: string; count: number }>;
  causes: Array<{ id: string; label: string; count: number }>;
  /** Non-empty cells; a case with several topics counts once in each of its (business line, cause) pairs. */
  cells: AttributionCell[];
}

/**
 * Monthly attribution (月度归因) of cases opened in `month` (Asia/Shanghai) by business line × cause.
 * `topicInfo` maps a topic id to its business line and cause; without it a topic id that names a
 * known business line or cause is used as such, anything else counts as 其他.
 */
export function attributionReport(cases: Case[], month: string, topicInfo?: (topicId: string) => TopicAttribution | undefined): AttributionReport {
  const { from, to } = monthBounds(month);
  const inMonth = cases.filter((c) => c.openedAt >= from && c.openedAt < to);
  const cells = new Map<string, AttributionCell>();
  const lineCounts = new Map<string, number>();
  const causeCounts = new Map<string, number>();
  for (const c of inMonth) {
    const lines = new Set<string>();
    const causes = new Set<string>();
    const pairs = new Set<string>();
    for (const t of c.topics) {
      const info = topicInfo?.(t);
      if (info) {
        lines.add(info.businessLine);
        causes.add(info.cause);
        pairs.add(`${info.businessLine}\u0000${info.cause}`);
      } else if (t in BUSINESS_LINE_LABELS) lines.add(t);
      else if (t in CAUSE_LABELS) causes.add(t);
    }
    if (lines.size === 0) lines.add('other');
    if (causes.size === 0) causes.add('other');
    if (pairs.size === 0) for (const l of lines) for (const k of causes) pairs.add(`${l}\u0000${k}`);
    for (const pair of pairs) {
      const [businessLine, cause] = pair.split('\u0000') as [string, string];
      const cell = cells.get(pair) ?? { businessLine, cause, count: 0, byTier: { L1: 0, L2: 0, L3: 0 } };
      cell.count += 1;
      cell.byTier[c.tier] += 1;
      cells.set(pair, cell);
    }
    for (const l of new Set([...pairs].map((p) => p.split('\u0000')[0]!))) lineCounts.set(l, (lineCounts.get(l) ?? 0) + 1);
    for (const k of new Set([...pairs].map((p) => p.split('\u0000')[1]!))) causeCounts.set(k, (causeCounts.get(k) ?? 0) + 1);
  }
  const sorted = (m: Map<string, number>, labels: Record<string, string>) =>
    [...m.entries()].map(([id, count]) => ({ id, label: labels[id] ?? id, count })).sort((a, b) => b.count - a.count || a.id.localeCompare(b.id));
  return {
    month,
    from,
    to,
    totalCases: inMonth.length,
    businessLines: sorted(lineCounts, BUSINESS_LINE_LABELS),
    causes: sorted(causeCounts, CAUSE_LABELS),
    cells: [...cells.values()].sort((a, b) => b.count - a.count || a.businessLine.localeCompare(b.businessLine) || a.cause.localeCompare(b.cause)),
  };
}

export interface SentimentTotals {
  negative: number;
  neutral: number;
  positive: number;
  total: number;
}

/** Label counts summed over series points. */
export function sumSeries(points: ReadonlyArray<SentimentTotals>): SentimentTotals {
  const t = { negative: 0, neutral: 0, positive: 0, total: 0 };
  for (const p of points) {
    t.negative += p.negative;
    t.neutral += p.neutral;
    t.positive += p.positive;
    t.total += p.total;
  }
  return t;
}

export function netSentiment(t: Pick<SentimentTotals, 'negative' | 'positive' | 'total'>): number | null {
  return t.total === 0 ? null : Math.round(((t.positive - t.negative) / t.total) * 1000) / 1000;
}

export interface DigestInput {
  /** The digest day, `YYYY-MM-DD` in Asia/Shanghai. */
  date: string;
  /** Cases opened on the day or in the days before (breaches of older cases are found in their history). */
  cases: Case[];
  /** Events seen on the day (candidates for the top negative stories). */
  events: Event[];
  /** Sentiment totals of the day. */
  day: SentimentTotals;
  /** Sentiment totals of each of the 7 days before. */
  previousDays: SentimentTotals[];
  institutionName?: (id: string) => string;
  topN?: number;
}

export interface Digest {
  date: string;
  from: string;
  to: string;
  newCases: Record<Tier, number> & { total: number };
  promotions: number;
  breaches: Array<{ caseId: string; tier: Tier; title: string; institution: string; at: string }>;
  topNegativeEvents: Array<{ id: string; title: string; institution: string; institutionName: string; negativeCount: number; mentionCount: number }>;
  sentiment: SentimentTotals & { netSentiment: number | null; sevenDayAverage: number | null; delta: number | null };
  /** Chinese summary lines for the e-mail / dashboard. */
  lines: string[];
}

/** Yesterday's summary (每日简报): new cases by tier, breaches, top negative events, net sentiment vs the 7-day average. */
export function buildDigest(input: DigestInput): Digest {
  const { from, to } = dayBounds(input.date);
  const inDay = (at: string) => at >= from && at < to;
  const name = input.institutionName ?? ((id: string) => id);
  const newCases = { L1: 0, L2: 0, L3: 0, total: 0 };
  let promotions = 0;
  const breaches: Digest['breaches'] = [];
  for (const c of input.cases) {
    if (inDay(c.openedAt)) {
      newCases[c.history.find((h) => h.type === 'opened')?.tier ?? c.tier] += 1;
      newCases.total += 1;
    }
    for (const h of c.history) {
      if (!inDay(h.at)) continue;
      if (h.type === 'promoted') promotions += 1;
      if (h.type.includes('breach')) breaches.push({ caseId: c.id, tier: h.tier ?? c.tier, title: c.title, institution: c.institution, at: h.at });
    }
  }
  breaches.sort((a, b) => a.at.localeCompare(b.at));
  const topNegativeEvents = input.events
    .filter((e) => e.negativeCount > 0 && e.lastSeenAt >= from && e.firstSeenAt < to)
    .sort((a, b) => b.negativeCount - a.negativeCount || b.mentionCount - a.mentionCount || a.id.localeCompare(b.id))
    .slice(0, input.topN ?? 5)
    .map((e) => ({
      id: e.id,
      title: e.title,
      institution: e.institution,
      institutionName: name(e.institution),
      negativeCount: e.negativeCount,
      mentionCount: e.mentionCount,
    }));
  const net = netSentiment(input.day);
  const prevNets = input.previousDays.map(netSentiment).filter((n): n is number => n !== null);
  const avg = prevNets.length === 0 ? null : Math.round((prevNets.reduce((a, b) => a + b, 0) / prevNets.length) * 1000) / 1000;
  const delta = net === null || avg === null ? null : Math.round((net - avg) * 1000) / 1000;
  const lines = [
    `${input.date} 新增案件 ${newCases.total} 件（轻度 ${newCases.L1}、中度 ${newCases.L2}、重度 ${newCases.L3}），升级 ${promotions} 次，超时 ${breaches.length} 次。`,
    `全网提及 ${input.day.total} 条，负面 ${input.day.negative} 条；净情感指数 ${net ?? '—'}（近7日均值 ${avg ?? '—'}${delta === null ? '' : `，${delta >= 0 ? '上升' : '下降'} ${Math.abs(delta)}`}）。`,
    ...topNegativeEvents.map((e, i) => `负面事件 ${i + 1}：${e.institutionName}「${e.title}」负面 ${e.negativeCount} 条 / 共 ${e.mentionCount} 条`),
  ];
  return {
    date: input.date,
    from,
    to,
    newCases,
    promotions,
    breaches,
    topNegativeEvents,
    sentiment: { ...input.day, netSentiment: net, sevenDayAverage: avg, delta },
    lines,
  };
}
