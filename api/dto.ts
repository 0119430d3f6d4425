import type { z } from 'zod';
import type { Config } from '../config/schema.js';
import type { Analysis, Case, Event, Mention, Notification } from '../lib/domain.js';
import { createHighlighter, escapeHtml } from '../lib/html.js';
import type { caseSchema, caseSummarySchema, eventSchema, mentionSchema, notificationSchema } from './schemas.js';

/**
 * Last-resort masking for text that has no analysis yet (phone, ID card and bank card numbers, e-mail).
 * Analysed mentions use analysis.displayText, produced by the analysis PII stage.
 */
export function fallbackMask(text: string): string {
  return text
    .replace(/(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?!\d)/g, '$1********$2')
    .replace(/(?<!\d)(\d{4})\d{8,11}(\d{4})(?!\d)/g, '$1 **** **** $2')
    .replace(/(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)/g, '$1****$2')
    .replace(/([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})/g, '$1***@$2');
}

export { createHighlighter, escapeHtml };

/** HTML-escapes `text` and wraps case-insensitive occurrences of `terms` in <mark>…</mark>. */
export function highlightText(text: string, terms: string[]): string {
  return createHighlighter(terms)(text);
}

export interface DtoContext {
  keepRawText: boolean;
  institutionName: (id: string) => string;
  mask: (text: string) => string;
  now: () => Date;
}

export function createDtoContext(config: Config, now: () => Date, mask?: (text: string) => string): DtoContext {
  const names = new Map(config.watchlist.map((i) => [i.id, i.name]));
  return { keepRawText: config.store.keepRawText, institutionName: (id) => names.get(id) ?? id, mask: mask ?? fallbackMask, now };
}

/** The text shown anywhere: displayText from analysis, never raw text unless keepRawText. */
export function displayText(ctx: DtoContext, mention: Mention, analysis: Analysis | undefined): string {
  if (ctx.keepRawText) return mention.text;
  return analysis?.displayText ?? ctx.mask(mention.text);
}

/** `highlight`: the search terms, or a highlighter from createHighlighter (one per result page). */
export function mentionDto(
  ctx: DtoContext,
  m: Mention & { analysis?: Analysis },
  highlight?: string[] | ((text: string) => string),
): z.input<typeof mentionSchema> {
  const a = m.analysis;
  const text = displayText(ctx, m, a);
  const maskOpt = (s: string | undefined) => (s === undefined ? undefined : ctx.keepRawText ? s : ctx.mask(s));
  return {
    id: m.id,
    source: m.source,
    sourceType: m.sourceType,
    url: m.url === undefined || ctx.keepRawText ? m.url : m.url.replace(/[?#].*$/, (q) => ctx.mask(q)),
    title: maskOpt(m.title),
    text,
    highlight: highlight === undefined ? undefined : typeof highlight === 'function' ? highlight(text) : highlightText(text, highlight),
    author: { name: maskOpt(m.author.name) ?? '', isMedia: m.author.isMedia, verifiedType: m.author.verifiedType, followers: m.author.followers },
    publishedAt: m.publishedAt,
    fetchedAt: m.fetchedAt,
    metrics: m.metrics,
    truncated: m.truncated === true ? true : undefined,
    datePrecision: m.datePrecision,
    rating: m.rating,
    complaint: m.complaint ? { ...m.complaint, appeal: maskOpt(m.complaint.appeal), issue: maskOpt(m.complaint.issue) } : undefined,
    sentiment: a ? { label: a.sentiment.label, score: a.sentiment.score } : undefined,
    institutions: (a?.institutions ?? []).map((i) => ({ id: i.id, name: i.name, branch: i.branch, sentiment: i.sentiment })),
    topics: (a?.topics ?? []).map((t) => ({ id: t.id, label: t.label })),
    negativePhrases: a?.negativePhrases ?? [],
    duplicateOf: m.duplicateOf,
  };
}

/** `now` as a Date or an ISO-8601 UTC string (list pages format it once). */
export function isOverdue(c: Case, now: Date | string): boolean {
  const t = typeof now === 'string' ? now : now.toISOString();
  if (c.state === 'resolved' || c.state === 'reviewed') return false;
  if (!c.acknowledgedAt && c.ackDueAt && c.ackDueAt < t) return true;
  return !c.respondedAt && !!c.deadlineAt && c.deadlineAt < t;
}

/** One board row: no history, no responses. `nowIso` lets a list page compute the clock once for all rows. */
export function caseSummaryDto(ctx: DtoContext, c: Case, nowIso?: string): z.input<typeof caseSummarySchema> {
  return {
    id: c.id,
    eventId: c.eventId,
    tier: c.tier,
    owner: c.owner,
    assignee: c.assignee,
    state: c.state,
    institution: c.institution,
    institutionName: ctx.institutionName(c.institution),
    title: c.title,
    topics: c.topics,
    openedAt: c.openedAt,
    updatedAt: c.updatedAt,
    tierSince: c.tierSince,
    ackDueAt: c.ackDueAt,
    acknowledgedAt: c.acknowledgedAt,
    deadlineAt: c.deadlineAt,
    respondedAt: c.respondedAt,
    resolvedAt: c.resolvedAt,
    ruleId: c.ruleId,
    mentionCount: c.mentionCount,
    distinctAuthors: c.distinctAuthors,
    distinctComplainants: c.distinctComplainants,
    mediaCount: c.mediaCount,
    breachedTiers: c.breachedTiers,
    overdue: isOverdue(c, nowIso ?? ctx.now()),
  };
}

/** A page of board rows, with one clock reading for the whole page. */
export function caseSummariesDto(ctx: DtoContext, cases: Case[]): Array<z.input<typeof caseSummarySchema>> {
  const nowIso = ctx.now().toISOString();
  return cases.map((c) => caseSummaryDto(ctx, c, nowIso));
}

export function caseDto(ctx: DtoContext, c: Case): z.input<typeof caseSchema> {
  return {
    ...caseSummaryDto(ctx, c),
    history: c.history.map((h) => ({ at: h.at, type: h.type, tier: h.tier, actor: h.actor, reason: h.reason, data: h.data })),
    responses: c.responses.map((r) => ({ kind: r.kind, text: r.text, url: r.url, actor: r.actor, at: r.at })),
  };
}

export function eventDto(ctx: DtoContext, e: Event): z.input<typeof eventSchema> {
  return {
    id: e.id,
    institution: e.institution,
    institutionName: ctx.institutionName(e.institution),
    title: ctx.keepRawText ? e.title : ctx.mask(e.title),
    topics: e.topics,
    keyTerms: e.keyTerms,
    firstSeenAt: e.firstSeenAt,
    lastSeenAt: e.lastSeenAt,
    mentionCount: e.mentionCount,
    distinctAuthors: e.distinctAuthors,
    distinctComplainants: e.distinctComplainants,
    negativeCount: e.negativeCount,
    mediaCount: e.mediaCount,
    sources: e.sources,
    regulatorMentioned: e.regulatorMentioned,
    runRumour: e.runRumour,
  };
}

export function notificationDto(n: Notification): z.input<typeof notificationSchema> {
  return {
    id: n.id,
    tier: n.tier,
    kind: n.kind,
    channel: n.channel,
    recipient: n.recipient,
    subject: n.subject,
    status: n.status,
    attempts: n.attempts,
    nextAttemptAt: n.nextAttemptAt,
    lastError: n.lastError,
    sentAt: n.sentAt,
    createdAt: n.createdAt,
  };
}
