import type { Analysis, Case, Event, Mention, Notification, SentimentLabel, SourceType } from '../../../lib/domain.js';
import { emptyEventStats } from '../../../lib/domain.js';
import type { Store } from '../../../store/store.js';

export const T0 = '2025-11-22T02:00:00.000Z';

export function plus(at: string, minutes: number): string {
  return new Date(Date.parse(at) + minutes * 60_000).toISOString();
}

export interface PostSpec {
  source: string;
  sourceType: SourceType;
  nativeId: string;
  text: string;
  displayText: string;
  title?: string;
  author: string;
  isMedia?: boolean;
  publishedAt: string;
  label: SentimentLabel;
  institution: { id: string; name: string };
  topics: Array<{ id: string; label: string; businessLine: string; cause: string }>;
  tokens: string[];
  eventId?: string;
}

const annualFee = { id: 'annual_fee', label: '年费争议', businessLine: 'credit_card', cause: 'fees' };
const attitude = { id: 'service_attitude', label: '服务态度', businessLine: 'branch_service', cause: 'service_attitude' };
const outage = { id: 'system_outage', label: '系统故障', businessLine: 'digital', cause: 'system_failure' };
const example = { id: 'example_bank', name: '示例银行' };

/** Realistic posts: simplified and traditional Chinese, emoji, full-width characters, a phone number that must be masked. */
export const POSTS: PostSpec[] = [
  {
    source: 'weibo',
    sourceType: 'social',
    nativeId: '4990000000000001',
    text: '示例银行信用卡年费乱收！打客服13812345678没人管😡 #示例银行#',
    displayText: '示例银行信用卡年费乱收！打客服138****5678没人管😡 #示例银行#',
    author: '卡奴小王',
    publishedAt: plus(T0, -180),
    label: 'negative',
    institution: example,
    topics: [annualFee],
    tokens: ['示例银行', '信用卡', '年费', '乱收', '客服'],
    eventId: 'ev_fee',
  },
  {
    source: 'heimao',
    sourceType: 'complaint',
    nativeId: '17354001',
    title: '投诉示例银行信用卡中心：未经同意扣除年费',
    text: '示例银行信用卡中心未经同意扣我年费680元，要求退还，"客服"说系统自动扣的',
    displayText: '示例银行信用卡中心未经同意扣我年费680元，要求退还，"客服"说系统自动扣的',
    author: '黑猫用户8812',
    publishedAt: plus(T0, -120),
    label: 'negative',
    institution: example,
    topics: [annualFee],
    tokens: ['示例银行', '信用卡', '中心', '同意', '扣', '年费', '680', '退还', '客服', '系统'],
    eventId: 'ev_fee',
  },
  {
    source: 'news-rss',
    sourceType: 'news',
    nativeId: 'chinanews-20251122-01',
    title: '示例银行信用卡年费争议引发关注',
    text: '多名持卡人反映示例银行信用卡年费被扣，记者调查发现,部分客户并未激活卡片',
    displayText: '多名持卡人反映示例银行信用卡年费被扣，记者调查发现,部分客户并未激活卡片',
    author: '中新网财经',
    isMedia: true,
    publishedAt: plus(T0, -60),
    label: 'negative',
    institution: example,
    topics: [annualFee],
    tokens: ['持卡人', '反映', '示例银行', '信用卡', '年费', '扣', '记者', '调查', '客户', '激活', '卡片'],
    eventId: 'ev_fee',
  },
  {
    source: 'weibo',
    sourceType: 'social',
    nativeId: '4990000000000002',
    text: '工商銀行的網點服務態度很好，點讚👍',
    displayText: '工商銀行的網點服務態度很好，點讚👍',
    author: '小李子',
    publishedAt: plus(T0, -240),
    label: 'positive',
    institution: { id: 'icbc', name: '工商银行' },
    topics: [attitude],
    tokens: ['工商银行', '网点', '服务', '态度', '很好', '点赞'],
  },
  {
    source: 'weibo',
    sourceType: 'social',
    nativeId: '4990000000000003',
    text: '建设银行ＡＰＰ又崩了，转账失败，=SUM(A1)怎么回事',
    displayText: '建设银行ＡＰＰ又崩了，转账失败，=SUM(A1)怎么回事',
    author: '打工人',
    publishedAt: plus(T0, -30),
    label: 'negative',
    institution: { id: 'ccb', name: '建设银行' },
    topics: [outage],
    tokens: ['建设银行', 'app', '崩', '转账', '失败'],
    eventId: 'ev_ccb',
  },
];

export function toMention(p: PostSpec): Mention {
  return {
    id: `${p.source}:${p.nativeId}`,
    source: p.source,
    sourceType: p.sourceType,
    nativeId: p.nativeId,
    url: `https://example.invalid/${p.source}/${p.nativeId}`,
    ...(p.title ? { title: p.title } : {}),
    text: p.text,
    author: { key: p.author, name: p.author, isMedia: p.isMedia ?? false, ...(p.isMedia ? { verifiedType: 3 } : {}), followers: 1200 },
    publishedAt: p.publishedAt,
    fetchedAt: plus(p.publishedAt, 2),
    contentHash: `h-${p.source}-${p.nativeId}`,
  };
}

export function toAnalysis(p: PostSpec, m: Mention): Analysis {
  return {
    mentionId: m.id,
    sentiment: { label: p.label, score: p.label === 'negative' ? 0.93 : p.label === 'positive' ? 0.08 : 0.4 },
    institutions: [{ id: p.institution.id, name: p.institution.name, matched: p.institution.name, sentiment: p.label }],
    primaryInstitution: p.institution.id,
    topics: p.topics.map((t) => ({ ...t, phrases: [] })),
    severity: { regulatorMentioned: false, regulators: [], collectiveAction: false, reach: 1200, runRumour: false },
    tokens: p.tokens,
    keyTerms: p.tokens.slice(0, 3),
    simhash: '0123456789abcdef',
    displayText: p.displayText,
    negativePhrases: [],
    modelVersion: 'test-1',
    analyzedAt: plus(p.publishedAt, 3),
  };
}

function event(id: string, institution: string, title: string, topics: string[], at: string): Event {
  return {
    id,
    institution,
    topics,
    keyTerms: ['信用卡', '年费'],
    title,
    simhash: 'fedcba9876543210',
    firstSeenAt: at,
    lastSeenAt: at,
    ...emptyEventStats(),
  };
}

export function caseFixture(id: string, eventId: string, openedAt: string, over: Partial<Case> = {}): Case {
  return {
    id,
    eventId,
    tier: 'L1',
    owner: 'customer_service',
    state: 'open',
    institution: 'example_bank',
    title: '示例银行信用卡年费乱收费',
    topics: ['annual_fee'],
    openedAt,
    updatedAt: openedAt,
    tierSince: openedAt,
    ackDueAt: plus(openedAt, 30),
    deadlineAt: plus(openedAt, 120),
    ruleId: 'l1_single_complaint',
    mentionCount: 1,
    distinctAuthors: 1,
    distinctComplainants: 1,
    mediaCount: 0,
    responses: [],
    history: [{ at: openedAt, type: 'opened', tier: 'L1', reason: '单条客户投诉 (l1_single_complaint)' }],
    breachedTiers: [],
    ...over,
  };
}

function notification(caseId: string, at: string): Notification {
  return {
    id: `n_${caseId}`,
    caseId,
    tier: 'L3',
    kind: 'promoted',
    channel: 'webhook',
    recipient: '高管值班',
    idempotencyKey: `${caseId}:L3:promoted:webhook:exec`,
    subject: '【重度 L3】示例银行信用卡年费争议',
    body: '媒体已报道，请立即处理。',
    status: 'pending',
    attempts: 0,
    nextAttemptAt: at,
    createdAt: at,
  };
}

/**
 * Cases: c_l3 (L3 fee story, open, overdue on ack), c_l1 (L1 ccb outage, open, not overdue),
 * c_done (L1, resolved yesterday), c_l2 (L2 acknowledged, for PR).
 */
export async function seedApiFixtures(store: Store): Promise<void> {
  await store.saveEvent(event('ev_fee', 'example_bank', '示例银行信用卡年费争议', ['annual_fee'], POSTS[0]!.publishedAt));
  await store.saveEvent(event('ev_ccb', 'ccb', '建设银行手机银行故障', ['system_outage'], POSTS[4]!.publishedAt));
  await store.saveEvent(event('ev_other', 'example_bank', '示例银行网点服务态度差', ['service_attitude'], plus(T0, -1500)));
  await store.saveEvent(event('ev_l2', 'example_bank', '示例银行理财产品亏损', ['wealth_loss'], plus(T0, -90)));
  await store.upsertMentions(POSTS.map(toMention));
  for (const p of POSTS) {
    const m = toMention(p);
    await store.completeMention(m.id, toAnalysis(p, m), p.eventId, plus(p.publishedAt, 3));
  }
  const l3Opened = plus(T0, -180);
  const l3 = caseFixture('c_l3', 'ev_fee', l3Opened, {
    tier: 'L3',
    owner: 'executive',
    tierSince: plus(T0, -55),
    ackDueAt: plus(T0, -45),
    deadlineAt: plus(T0, 60),
    ruleId: 'l3_media_coverage',
    mentionCount: 3,
    distinctAuthors: 3,
    distinctComplainants: 2,
    mediaCount: 1,
    topics: ['annual_fee'],
    history: [
      { at: l3Opened, type: 'opened', tier: 'L1', reason: '单条客户投诉' },
      { at: plus(T0, -55), type: 'promoted', tier: 'L3', reason: '媒体报道 (l3_media_coverage)', data: { mentionIds: ['news-rss:chinanews-20251122-01'] } },
    ],
  });
  const cases = [
    l3,
    caseFixture('c_l1', 'ev_ccb', plus(T0, -25), { institution: 'ccb', title: '建设银行手机银行转账失败', topics: ['system_outage'] }),
    caseFixture('c_done', 'ev_other', plus(T0, -1500), {
      state: 'resolved',
      acknowledgedAt: plus(T0, -1490),
      respondedAt: plus(T0, -1440),
      resolvedAt: plus(T0, -1400),
      title: '示例银行网点服务态度差',
      topics: ['service_attitude'],
    }),
    caseFixture('c_l2', 'ev_l2', plus(T0, -90), {
      tier: 'L2',
      owner: 'pr',
      state: 'acknowledged',
      acknowledgedAt: plus(T0, -80),
      deadlineAt: plus(T0, 150),
      title: '示例银行理财产品亏损集中投诉',
      topics: ['wealth_loss'],
      distinctAuthors: 12,
      distinctComplainants: 11,
      mentionCount: 15,
    }),
  ];
  for (const c of cases) {
    await store.commitCaseChange({
      case: c,
      history: c.history,
      scheduleClocks: [],
      cancelClockKinds: [],
      notifications: c.id === 'c_l3' ? [notification(c.id, c.tierSince)] : [],
    });
  }
}
