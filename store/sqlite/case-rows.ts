import type { Case, CaseClock, CaseHistoryEntry, Notification } from '../../lib/domain.js';

/**
 * A case row as an array in CASE_COLUMNS order. Case reads use raw (array) statements: better-sqlite3
 * builds a 24-key object per row otherwise, which costs more than the query on a 50-row board page.
 */
export type CaseRow = [
  id: string,
  eventId: string,
  tier: Case['tier'],
  owner: Case['owner'],
  assignee: string | null,
  state: Case['state'],
  institution: string,
  title: string,
  topics: string,
  openedAt: string,
  updatedAt: string,
  tierSince: string,
  ackDueAt: string | null,
  acknowledgedAt: string | null,
  deadlineAt: string | null,
  respondedAt: string | null,
  resolvedAt: string | null,
  ruleId: string | null,
  mentionCount: number,
  distinctAuthors: number,
  mediaCount: number,
  responses: string,
  breachedTiers: string,
  distinctComplainants: number,
];

export const CASE_COLUMNS = `id, event_id, tier, owner, assignee, state, institution, title, topics, opened_at, updated_at, tier_since, ack_due_at,
  acknowledged_at, deadline_at, responded_at, resolved_at, rule_id, mention_count, distinct_authors, media_count, responses, breached_tiers,
  distinct_complainants`;

export interface HistoryRow {
  case_id: string;
  at: string;
  type: string;
  tier: Case['tier'] | null;
  actor: string | null;
  reason: string | null;
  data: string | null;
}

export interface ClockRow {
  id: string;
  case_id: string;
  kind: CaseClock['kind'];
  tier: CaseClock['tier'];
  due_at: string;
  fired_at: string | null;
  cancelled_at: string | null;
}

export type NotificationRow = Record<string, string | number | null>;

export const ACTIVE_FILTER = "state IN ('open', 'acknowledged', 'responded')";

export const isCaseCursor = (v: unknown): v is { t: string; id: string } =>
  typeof v === 'object' && v !== null && typeof (v as { t: unknown }).t === 'string' && typeof (v as { id: unknown }).id === 'string';

function opt<T>(v: T | null): T | undefined {
  return v === null ? undefined : v;
}

function stripUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as Array<keyof T>) if (o[k] === undefined) delete o[k];
  return o;
}

/** Builds the case without `delete` (objects stay in V8's fast mode, which matters for list pages and JSON). */
export function rowToCase(r: CaseRow, history: CaseHistoryEntry[]): Case {
  const [id, eventId, tier, owner, assignee, state, institution, title, topics, openedAt, updatedAt, tierSince, ackDueAt, acknowledgedAt] = r;
  const [
    ,
    ,
    ,
    ,
    ,
    ,
    ,
    ,
    ,
    ,
    ,
    ,
    ,
    ,
    deadlineAt,
    respondedAt,
    resolvedAt,
    ruleId,
    mentionCount,
    distinctAuthors,
    mediaCount,
    responses,
    breached,
    distinctComplainants,
  ] = r;
  const c: Case = {
    id,
    eventId,
    tier,
    owner,
    state,
    institution,
    title,
    topics: JSON.parse(topics) as string[],
    openedAt,
    updatedAt,
    tierSince,
    mentionCount,
    distinctAuthors,
    distinctComplainants,
    mediaCount,
    responses: (responses === '[]' ? [] : JSON.parse(responses)) as Case['responses'],
    history,
    breachedTiers: (breached === '[]' ? [] : JSON.parse(breached)) as Case['breachedTiers'],
  };
  if (assignee !== null) c.assignee = assignee;
  if (ackDueAt !== null) c.ackDueAt = ackDueAt;
  if (acknowledgedAt !== null) c.acknowledgedAt = acknowledgedAt;
  if (deadlineAt !== null) c.deadlineAt = deadlineAt;
  if (respondedAt !== null) c.respondedAt = respondedAt;
  if (resolvedAt !== null) c.resolvedAt = resolvedAt;
  if (ruleId !== null) c.ruleId = ruleId;
  return c;
}

export function rowToHistory(r: HistoryRow): CaseHistoryEntry {
  return stripUndefined({
    at: r.at,
    type: r.type,
    tier: opt(r.tier),
    actor: opt(r.actor),
    reason: opt(r.reason),
    data: r.data ? (JSON.parse(r.data) as Record<string, unknown>) : undefined,
  });
}

export function rowToClock(r: ClockRow): CaseClock {
  return stripUndefined({
    id: r.id,
    caseId: r.case_id,
    kind: r.kind,
    tier: r.tier,
    dueAt: r.due_at,
    firedAt: opt(r.fired_at),
    cancelledAt: opt(r.cancelled_at),
  });
}

export function rowToNotification(r: NotificationRow): Notification {
  return stripUndefined({
    id: r.id as string,
    caseId: r.case_id as string,
    tier: r.tier as Notification['tier'],
    kind: r.kind as string,
    channel: r.channel as string,
    recipient: r.recipient as string,
    idempotencyKey: r.idempotency_key as string,
    subject: r.subject as string,
    body: r.body as string,
    status: r.status as Notification['status'],
    attempts: r.attempts as number,
    nextAttemptAt: r.next_attempt_at as string,
    lastError: opt(r.last_error as string | null),
    sentAt: opt(r.sent_at as string | null),
    createdAt: r.created_at as string,
  });
}
