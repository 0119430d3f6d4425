import type { Analysis, SentimentLabel } from '../../../lib/domain.js';
import type { IndexDoc } from '../../../store/search/search-index.js';
import { analysis, mention } from '../store/fixtures.js';

interface DocSpec {
  source: string;
  nativeId: string;
  publishedAt: string;
  institution?: string;
  topics: string[];
  label: SentimentLabel;
  tokens: string[];
  text: string;
  displayText?: string;
}

function doc(spec: DocSpec): IndexDoc {
  const m = mention({
    source: spec.source,
    sourceType: spec.source === 'news' ? 'news' : spec.source === 'heimao' ? 'complaint' : 'social',
    nativeId: spec.nativeId,
    text: spec.text,
    publishedAt: spec.publishedAt,
  });
  const a: Analysis = analysis(m, {
    label: spec.label,
    tokens: spec.tokens,
    topics: spec.topics,
    institution: spec.institution,
    displayText: spec.displayText,
  });
  if (spec.institution === undefined) {
    delete a.primaryInstitution;
    a.institutions = [];
  }
  return { ...m, analysis: a };
}

/** The raw phone number in the first post: it must never come back from any index. */
export const RAW_PHONE = '13812341234';

/** Six analysed posts over three Asia/Shanghai days (20–22 Nov 2026). */
export const DOCS: IndexDoc[] = [
  doc({
    source: 'weibo',
    nativeId: '1001',
    publishedAt: '2026-11-20T01:00:00.000Z',
    institution: 'icbc',
    topics: ['credit_limit'],
    label: 'negative',
    tokens: ['工商银行', '信用卡', '突然', '降额', '客服', '电话', '不接'],
    text: `工商银行信用卡突然降额，打客服电话一直不接，回电${RAW_PHONE}`,
    displayText: '工商银行信用卡突然降额，打客服电话一直不接，回电138****1234',
  }),
  doc({
    source: 'heimao',
    nativeId: '2001',
    publishedAt: '2026-11-20T15:30:00.000Z',
    institution: 'icbc',
    topics: ['fees'],
    label: 'negative',
    tokens: ['工商银行', '乱收费', '信用卡', '年费', '告知', '投诉'],
    text: '工商银行乱收费，信用卡年费没有提前告知，已投诉',
  }),
  doc({
    source: 'weibo',
    nativeId: '1002',
    publishedAt: '2026-11-20T16:30:00.000Z',
    institution: 'cmb',
    topics: ['service_attitude'],
    label: 'positive',
    tokens: ['招商银行', '客服', '态度', '很好', '解决'],
    text: '招商银行客服态度很好，半小时就解决了',
  }),
  doc({
    source: 'news',
    nativeId: '3001',
    publishedAt: '2026-11-21T02:00:00.000Z',
    institution: 'icbc',
    topics: ['credit_limit'],
    label: 'neutral',
    tokens: ['工商银行', '回应', '信用卡', '降额', '风控'],
    text: '工商银行回应信用卡降额：系风控模型调整',
  }),
  doc({
    source: 'weibo',
    nativeId: '1003',
    publishedAt: '2026-11-21T03:15:00.000Z',
    topics: [],
    label: 'neutral',
    tokens: ['今天', '天气', '不错'],
    text: '今天天气不错',
  }),
  doc({
    source: 'weibo',
    nativeId: '1004',
    publishedAt: '2026-11-22T05:00:00.000Z',
    institution: 'cmb',
    topics: ['credit_limit'],
    label: 'negative',
    tokens: ['招商银行', '信用卡', '降额', '了', '气死', '无语'],
    text: '招商银行信用卡也被降额了 <b>气死</b> & 无语',
  }),
];
