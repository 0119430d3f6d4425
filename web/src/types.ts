/**
 * The API's JSON shapes as the dashboard reads them (see /openapi.json). The dashboard talks to the
 * service over HTTP only, so these mirror the responses rather than importing server code.
 */
export type Tier = 'L1' | 'L2' | 'L3';
export type OwnerRole = 'customer_service' | 'pr' | 'executive' | 'compliance';
export type CaseState = 'open' | 'acknowledged' | 'responded' | 'resolved' | 'reviewed';
export type ResponseKind = 'reply_to_complainant' | 'public_statement' | 'regulator_notice';

export interface HistoryEntry {
  at: string;
  type: string;
  tier?: Tier;
  actor?: string;
  reason?: string;
  data?: Record<string, unknown>;
}

export interface CaseResponse {
  kind: ResponseKind;
  text: string;
  url?: string;
  actor: string;
  at: string;
}

export interface Case {
  id: string;
  eventId: string;
  tier: Tier;
  owner: OwnerRole;
  assignee?: string;
  state: CaseState;
  institution: string;
  /** Display name when the API adds it (示例银行); else the watchlist id is shown. */
  institutionName?: string;
  title: string;
  topics?: string[];
  openedAt: string;
  updatedAt?: string;
  tierSince?: string;
  ackDueAt?: string;
  acknowledgedAt?: string;
  deadlineAt?: string;
  respondedAt?: string;
  resolvedAt?: string;
  ruleId?: string;
  mentionCount: number;
  /** All distinct authors (media and neutral posters included): 作者, not 投诉人. */
  distinctAuthors: number;
  /** Distinct complainants (lib/who-counts.ts): the 投诉人 count. */
  distinctComplainants: number;
  mediaCount?: number;
  responses?: CaseResponse[];
  history?: HistoryEntry[];
  breachedTiers?: Tier[];
}

export interface Author {
  key?: string;
  name: string;
  verifiedType?: number;
  verifiedReason?: string;
  followers?: number;
  isMedia?: boolean;
}

export interface Mention {
  id: string;
  source: string;
  sourceType?: 'social' | 'complaint' | 'news';
  url?: string;
  title?: string;
  /** PII-masked display text. */
  text?: string;
  author: Author;
  publishedAt: string;
  /** The platform cut the text and it is not expanded yet. */
  truncated?: boolean;
  datePrecision?: 'day';
  /** App-store star rating, 1–5. */
  rating?: number;
  sentiment?: { label: 'negative' | 'neutral' | 'positive'; score: number };
  topics?: Array<{ id: string; label: string }>;
  /** Negative phrases for highlighting (top level or inside `analysis`, whichever the API sends). */
  negativePhrases?: string[];
  analysis?: {
    sentiment?: { label: 'negative' | 'neutral' | 'positive'; score: number };
    displayText?: string;
    negativePhrases?: string[];
    topics?: Array<{ id: string; label: string }>;
  };
}

export interface EventDetail {
  id: string;
  institution: string;
  title: string;
  topics?: string[];
  firstSeenAt?: string;
  lastSeenAt?: string;
  mentionCount?: number;
  distinctAuthors?: number;
  distinctComplainants?: number;
  mediaCount?: number;
  sources?: string[];
  institutionName?: string;
  mentions?: Mention[];
}

export interface SourceHealth {
  source: string;
  /** Adapter kind from the config (weibo, rss, cls …). */
  kind?: string;
  enabled?: boolean;
  schedule?: string;
  status: 'ok' | 'blocked' | 'failing' | 'idle' | 'disabled';
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

export interface SeriesPoint {
  bucket: string;
  group?: string;
  negative: number;
  neutral: number;
  positive: number;
  total: number;
  netSentiment: number;
}

export interface ShareOfVoiceItem {
  institution: string;
  name?: string;
  ourBank?: boolean;
  mentions: number;
  negative: number;
  positive: number;
  neutral: number;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export type StreamMessage =
  | { type: 'case.changed'; case: Case; change: string }
  | { type: 'source.health'; health: SourceHealth }
  | { type: 'mention.stored'; count: number };
