import type { Analysis, Case, Event, Mention, Notification, SentimentLabel, SourceType } from '../../../lib/domain.js';
import { emptyEventStats } from '../../../lib/domain.js';

export interface MentionSpec {
  source?: string;
  sourceType?: SourceType;
  nativeId: string;
  text: string;
  title?: string;
  author?: string;
  isMedia?: boolean;
  publishedAt: string;
  contentHash?: string;
}

export function mention(spec: MentionSpec): Mention {
  const source = spec.source ?? 'weibo';
  const author = spec.author ?? `u${spec.nativeId}`;
  const m: Mention = {
    id: `${source}:${spec.nativeId}`,
    source,
    sourceType: spec.sourceType ?? 'social',
    nativeId: spec.nativeId,
    url: `https://example.invalid/${source}/${spec.nativeId}`,
    text: spec.text,
    author: { key: author, name: `用户${author}`, isMedia: spec.isMedia ?? false, followers: 120 },
    publishedAt: spec.publishedAt,
    fetchedAt: spec.publishedAt,
    contentHash: spec.contentHash ?? `h-${source}-${spec.nativeId}`,
    metrics: { reposts: 1, comments: 2, likes: 3 },
  };
  if (spec.title) m.title = spec.title;
  return m;
}

export interface AnalysisSpec {
  label?: SentimentLabel;
  tokens: string[];
  institution?: string;
  topics?: string[];
  displayText?: string;
  regulator?: boolean;
  rumour?: boolean;
}

export function analysis(m: Mention, spec: AnalysisSpec): Analysis {
  const label = spec.label ?? 'negative';
  const institution = spec.institution ?? 'icbc';
  return {
    mentionId: m.id,
    sentiment: { label, score: label === 'negative' ? 0.9 : label === 'positive' ? 0.1 : 0.5 },
    institutions: [{ id: institution, name: '工商银行', matched: '工行', sentiment: label }],
    primaryInstitution: institution,
    topics: (spec.topics ?? ['service_attitude']).map((id) => ({ id, label: id, businessLine: 'branch_service', cause: id, phrases: [] })),
    severity: {
      regulatorMentioned: spec.regulator ?? false,
      regulators: spec.regulator ? ['金融监管总局'] : [],
      collectiveAction: false,
      reach: 10,
      runRumour: spec.rumour ?? false,
    },
    tokens: spec.tokens,
    keyTerms: spec.tokens.slice(0, 3),
    simhash: '0123456789abcdef',
    displayText: spec.displayText ?? m.text,
    negativePhrases: [],
    modelVersion: 'test-1',
    analyzedAt: m.publishedAt,
  };
}

export function event(id: string, at: string, institution = 'icbc'): Event {
  return {
    id,
    institution,
    topics: ['credit_limit'],
    keyTerms: ['信用卡', '降额'],
    title: '工商银行信用卡被降额',
    simhash: 'fedcba9876543210',
    firstSeenAt: at,
    lastSeenAt: at,
    ...emptyEventStats(),
  };
}

export function kase(id: string, eventId: string, openedAt: string, over: Partial<Case> = {}): Case {
  return {
    id,
    eventId,
    tier: 'L1',
    owner: 'customer_service',
    state: 'open',
    institution: 'icbc',
    title: '工商银行深圳分行网点服务态度差',
    topics: ['service_attitude'],
    openedAt,
    updatedAt: openedAt,
    tierSince: openedAt,
    ackDueAt: new Date(Date.parse(openedAt) + 15 * 60_000).toISOString(),
    deadlineAt: new Date(Date.parse(openedAt) + 2 * 3_600_000).toISOString(),
    mentionCount: 1,
    distinctAuthors: 1,
    distinctComplainants: 1,
    mediaCount: 0,
    responses: [],
    history: [],
    breachedTiers: [],
    ...over,
  };
}

export function notification(id: string, caseId: string, key: string, at: string): Notification {
  return {
    id,
    caseId,
    tier: 'L1',
    kind: 'opened',
    channel: 'webhook',
    recipient: 'cs-desk',
    idempotencyKey: key,
    subject: '【L1】工商银行客户投诉',
    body: '客户投诉：网点服务态度差，请 2 小时内响应。',
    status: 'pending',
    attempts: 0,
    nextAttemptAt: at,
    createdAt: at,
  };
}

/** Adds minutes to an ISO instant. */
export function plus(at: string, minutes: number): string {
  return new Date(Date.parse(at) + minutes * 60_000).toISOString();
}

/**
 * Rows as stored before cases carried complainants (SQLite ≤ 5, PostgreSQL 1); plain SQL for both backends.
 * c_kept's event counted 5 authors but 4 complainants (a media account); c_orphan's event row is gone.
 */
export const PRE_COMPLAINANT_ROWS_SQL = `
  INSERT INTO events (id, institution, topics, key_terms, title, simhash, first_seen_at, last_seen_at, mention_count, distinct_authors, distinct_complainants, media_count)
    VALUES ('ev_kept', 'example_bank', '["fees"]', '[]', '示例银行信用卡年费乱收费', '0000000000000000', '2025-11-22T02:00:00.000Z', '2025-11-22T03:00:00.000Z', 6, 5, 4, 1);
  INSERT INTO cases (id, event_id, tier, owner, state, institution, title, topics, opened_at, updated_at, tier_since, mention_count, distinct_authors, media_count, responses, breached_tiers)
    VALUES ('c_kept', 'ev_kept', 'L3', 'executive', 'open', 'example_bank', '示例银行信用卡年费乱收费', '["fees"]', '2025-11-22T02:00:00.000Z',
      '2025-11-22T03:00:00.000Z', '2025-11-22T03:00:00.000Z', 6, 5, 1, '[]', '[]'),
    ('c_orphan', 'ev_gone', 'L1', 'customer_service', 'resolved', 'example_bank', '示例银行网点排队', '[]', '2025-10-01T02:00:00.000Z',
      '2025-10-02T02:00:00.000Z', '2025-10-01T02:00:00.000Z', 3, 3, 0, '[]', '[]');
`;
