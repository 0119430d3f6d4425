/**
 * Domain types shared by every layer. This file has no imports from the project and no I/O;
 * `store/`, `analysis/`, `escalation/`, `crawlers/` and `api/` all speak these shapes.
 *
 * Times are UTC ISO-8601 strings. Weibo ids and every other native id stay strings.
 */

export type SourceType = 'social' | 'complaint' | 'news';
export type SentimentLabel = 'negative' | 'neutral' | 'positive';
export type Tier = 'L1' | 'L2' | 'L3';
export type OwnerRole = 'customer_service' | 'pr' | 'executive' | 'compliance';

/** Who wrote a post. `key` identifies the author across posts of one source (distinct-author counting). */
export interface Author {
  /** Stable per source: a uid, a username, or a hash of the display name when nothing better exists. */
  key: string;
  name: string;
  /** Weibo `verified_type` (-1 ordinary, 0 personal, 1 government, 2 enterprise, 3 media, 5 website …). */
  verifiedType?: number;
  verifiedReason?: string;
  followers?: number;
  /** A news outlet or a media account (Weibo verified_type 3/5, 记者/日报 in verified_reason). */
  isMedia: boolean;
}

/** What a source adapter returns for one post, before storage. */
export interface RawPost {
  /** Source id from config, e.g. `weibo`, `heimao`, `jutousu`, `rss:people-finance`. */
  source: string;
  sourceType: SourceType;
  nativeId: string;
  url?: string;
  title?: string;
  /** Plain text (HTML already stripped by the adapter); may still contain #话题#, @mentions, [表情]. */
  text: string;
  author: Author;
  /** UTC ISO-8601. */
  publishedAt: string;
  /** The keyword query that found the post, if any. */
  query?: string;
  metrics?: { reposts?: number; comments?: number; likes?: number };
  /**
   * Weibo long text that could not be expanded: `text` is the visible beginning only (the platform's
   * "…全文" cut). The crawler retries expansion on later runs.
   */
  truncated?: boolean;
  /** `day` when the platform gave only a date and the time could not be derived (publishedAt is that day's start). */
  datePrecision?: 'day';
  /** App-store star rating, 1–5 (a 1–2-star review is a complaint by construction). */
  rating?: number;
  /** Complaint-platform fields (黑猫投诉 / 聚投诉). */
  complaint?: {
    target?: string;
    appeal?: string;
    issue?: string;
    amount?: number;
    status?: string;
  };
}

/** A stored post. `id` = `${source}:${nativeId}`. */
export interface Mention extends RawPost {
  id: string;
  fetchedAt: string;
  /** Content fingerprint (normalized text hash) used for cross-source dedup. */
  contentHash: string;
  /** Set when the same content was already stored under another id. */
  duplicateOf?: string;
  /** Set once the mention went through analysis + clustering + escalation. */
  processedAt?: string;
}

export interface InstitutionHit {
  /** Stable watchlist id, e.g. `icbc`. */
  id: string;
  /** Chinese display name, e.g. 工商银行. */
  name: string;
  /** The alias that matched in the text. */
  matched: string;
  /** 分行 / 支行 extracted, e.g. 深圳分行. */
  branch?: string;
  /** Product line, e.g. 信用卡中心, 理财子公司. */
  productLine?: string;
  /** Sentiment towards this institution specifically (the target of the negativity). */
  sentiment?: SentimentLabel;
}

export interface TopicHit {
  /** Stable id, e.g. `service_attitude`. */
  id: string;
  /** Chinese label, e.g. 服务态度. */
  label: string;
  /** Business line id for monthly attribution, e.g. `credit_card`. */
  businessLine: string;
  /** Cause id for monthly attribution, e.g. `service_attitude`. */
  cause: string;
  /** The phrases in the text that triggered this label. */
  phrases: string[];
}

export interface SeveritySignals {
  regulatorMentioned: boolean;
  regulators: string[];
  collectiveAction: boolean;
  /** Largest money amount mentioned, in yuan. */
  amount?: number;
  /** Audience estimate: followers + reposts etc. */
  reach: number;
  /** 挤兑 / 兑付 rumours. */
  runRumour: boolean;
}

export interface Analysis {
  mentionId: string;
  sentiment: { label: SentimentLabel; score: number };
  institutions: InstitutionHit[];
  /** Id of the institution the post is mainly about (first negative target, else first hit). */
  primaryInstitution?: string;
  topics: TopicHit[];
  severity: SeveritySignals;
  /** Tokens of the normalized text (stop words removed), used for search and clustering. */
  tokens: string[];
  keyTerms: string[];
  /** 64-bit SimHash as 16 hex chars. */
  simhash: string;
  /** PII-masked text for display, API and notifications. */
  displayText: string;
  /** Negative phrases found, for highlighting. */
  negativePhrases: string[];
  modelVersion: string;
  analyzedAt: string;
}

export interface EventStats {
  mentionCount: number;
  distinctAuthors: number;
  /** Distinct authors among complaint/social posts with negative sentiment. */
  distinctComplainants: number;
  negativeCount: number;
  mediaCount: number;
  sources: string[];
  regulatorMentioned: boolean;
  runRumour: boolean;
  /** Mentions per hour over the last hour vs the event baseline, for velocity rules. */
  lastHourCount: number;
}

/** An issue: mentions about one institution and one problem within a time window. */
export interface Event extends EventStats {
  id: string;
  institution: string;
  /** Topic ids shared by the event's mentions. */
  topics: string[];
  keyTerms: string[];
  title: string;
  simhash: string;
  firstSeenAt: string;
  lastSeenAt: string;
}

export type CaseState = 'open' | 'acknowledged' | 'responded' | 'resolved' | 'reviewed';

export interface CaseHistoryEntry {
  at: string;
  type: string;
  tier?: Tier;
  actor?: string;
  reason?: string;
  data?: Record<string, unknown>;
}

export interface CaseResponse {
  kind: 'reply_to_complainant' | 'public_statement' | 'regulator_notice';
  text: string;
  url?: string;
  actor: string;
  at: string;
  /** The recording key's role and the case's tier at the time (the L3 regulator gate reads both). */
  role?: ApiRole;
  tier?: Tier;
}

export interface Case {
  id: string;
  eventId: string;
  tier: Tier;
  owner: OwnerRole;
  assignee?: string;
  state: CaseState;
  institution: string;
  title: string;
  topics: string[];
  openedAt: string;
  updatedAt: string;
  tierSince: string;
  ackDueAt?: string;
  acknowledgedAt?: string;
  deadlineAt?: string;
  respondedAt?: string;
  resolvedAt?: string;
  /** Rule id that set the current tier. */
  ruleId?: string;
  mentionCount: number;
  /** Distinct authors of the event's mentions, complainants or not (media, neutral posters included). */
  distinctAuthors: number;
  /** Distinct complainants as lib/who-counts.ts defines them (the event's `distinctComplainants`). */
  distinctComplainants: number;
  mediaCount: number;
  responses: CaseResponse[];
  history: CaseHistoryEntry[];
  /** Set once a breach of the current tier deadline was escalated (never twice). */
  breachedTiers: Tier[];
}

export type ClockKind = 'ack' | 'ack_manager' | 'deadline';

/** A persisted timer. Fires once: `claimClock` sets `firedAt` atomically. */
export interface CaseClock {
  id: string;
  caseId: string;
  kind: ClockKind;
  tier: Tier;
  dueAt: string;
  firedAt?: string;
  cancelledAt?: string;
}

export type NotificationStatus = 'pending' | 'sent' | 'failed' | 'suppressed';

/** One message to one recipient over one channel (the outbox row). */
export interface Notification {
  id: string;
  caseId: string;
  tier: Tier;
  /** e.g. `opened`, `promoted`, `ack_reminder`, `ack_manager`, `breach`, `digest`. */
  kind: string;
  channel: string;
  recipient: string;
  /** Unique: a restart never sends the same (case, tier, kind, channel, recipient) twice. */
  idempotencyKey: string;
  subject: string;
  body: string;
  status: NotificationStatus;
  attempts: number;
  nextAttemptAt: string;
  lastError?: string;
  sentAt?: string;
  createdAt: string;
}

export type SourceStatus = 'ok' | 'blocked' | 'failing' | 'idle' | 'disabled';

export interface SourceHealth {
  source: string;
  status: SourceStatus;
  lastRunAt?: string;
  lastSuccessAt?: string;
  lastErrorAt?: string;
  lastError?: string;
  consecutiveFailures: number;
  blockedUntil?: string;
  itemsFetched: number;
  itemsMalformed: number;
  running: boolean;
}

export interface SourceCursor {
  source: string;
  query: string;
  /** Newest native id seen. */
  lastId?: string;
  /** Newest publish time seen (UTC ISO). */
  lastPublishedAt?: string;
  updatedAt: string;
}

export type ApiRole = 'consumer' | 'customer_service' | 'pr' | 'executive' | 'compliance' | 'admin';

export interface ApiKeyRecord {
  id: string;
  name: string;
  role: ApiRole;
  /** sha256 hex of the secret; the secret itself is never stored. */
  hash: string;
  prefix: string;
  createdAt: string;
  revokedAt?: string;
  lastUsedAt?: string;
}

export interface AuditEntry {
  id?: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  data?: Record<string, unknown>;
}

/** The stats of an event no mention has joined yet (the store maintains them as mentions join). */
export function emptyEventStats(): EventStats {
  return {
    mentionCount: 0,
    distinctAuthors: 0,
    distinctComplainants: 0,
    negativeCount: 0,
    mediaCount: 0,
    sources: [],
    regulatorMentioned: false,
    runRumour: false,
    lastHourCount: 0,
  };
}
