import type { CaseState, OwnerRole, ResponseKind, Tier } from './types.js';

export const TIERS: readonly Tier[] = ['L1', 'L2', 'L3'];

export const TIER_LABEL: Record<Tier, string> = { L1: '轻度', L2: '中度', L3: '重度' };

export const OWNER_LABEL: Record<OwnerRole, string> = {
  customer_service: '客服部',
  pr: '公关部',
  executive: '高管',
  compliance: '合规',
};

export const STATE_LABEL: Record<CaseState, string> = {
  open: '待受理',
  acknowledged: '已受理',
  responded: '已回应',
  resolved: '已解决',
  reviewed: '已复盘',
};

export const RESPONSE_KIND_LABEL: Record<ResponseKind, string> = {
  reply_to_complainant: '回复投诉人',
  public_statement: '公开声明',
  regulator_notice: '主动报告监管',
};

/** History entry types as the workflow writes them, with the aliases seen across versions. */
const HISTORY_LABEL: Record<string, string> = {
  opened: '开案',
  open: '开案',
  created: '开案',
  promoted: '升级',
  promote: '升级',
  escalated: '升级',
  acknowledged: '受理',
  ack: '受理',
  responded: '回应',
  respond: '回应',
  reassigned: '改派',
  reassign: '改派',
  assigned: '改派',
  note: '备注',
  comment: '备注',
  commented: '备注',
  resolved: '解决',
  resolve: '解决',
  reviewed: '复盘',
  review: '复盘',
  breach: '超时升级',
  breached: '超时升级',
  deadline_breached: '超时升级',
  sla_breach: '超时升级',
  deadline: '超时升级',
  reminder: '催办',
  ack_reminder: '催办',
  ack_manager: '催办',
  ack_timeout: '催办',
  nudge: '催办',
  inhibited: '抑制',
  early_warning: '预警',
  notified: '通知',
};

export function historyLabel(type: string): string {
  return HISTORY_LABEL[type] ?? type;
}

const SOURCE_LABEL: Record<string, string> = {
  weibo: '微博',
  heimao: '黑猫投诉',
  jutousu: '聚投诉',
  news: '新闻',
  'news-rss': '新闻 · RSS',
  'sina-roll': '新闻 · 新浪财经',
  cls: '新闻 · 财联社',
  eastmoney: '新闻 · 东方财富',
  'weibo-comments': '微博 · 官方账号评论',
  douyin: '抖音',
  appstore: 'App Store 评价',
};

/** `rss:people-finance` and other news feeds are shown as 新闻 with the feed id. */
export function sourceLabel(source: string, kind?: string): string {
  if (SOURCE_LABEL[source]) return SOURCE_LABEL[source];
  const [prefix, rest] = source.split(':', 2);
  if (prefix === 'rss' || prefix === 'news') return rest ? `新闻 · ${rest}` : '新闻';
  if (kind === 'rss') return `新闻 · ${source}`;
  if (kind && SOURCE_LABEL[kind]) return SOURCE_LABEL[kind];
  return source;
}

export const SOURCE_STATUS_LABEL: Record<string, string> = {
  ok: '正常',
  blocked: '已封禁',
  failing: '失败',
  idle: '空闲',
  disabled: '已停用',
};

/** Every topic id of the taxonomy (analysis/taxonomy.ts) with its Chinese label, plus older ids still in stored data. */
const TOPIC_LABEL: Record<string, string> = {
  wealth_loss: '理财亏损',
  service_attitude: '服务态度',
  fees: '乱收费',
  card_annual_fee: '信用卡年费',
  debt_collection: '暴力催收',
  system_failure: '系统故障',
  fraud: '盗刷/诈骗',
  credit_limit: '额度/降额',
  loan_approval: '贷款审批',
  mis_selling: '误导销售',
  run_rumour: '挤兑/兑付传闻',
  regulatory_penalty: '监管处罚',
  data_breach: '数据泄露',
  queue_wait: '网点排队',
  account_freeze: '账户冻结/限额',
  deposit_missing: '存款/转账异常',
  complaint_handling: '投诉处理不力',
  system_outage: '系统故障',
  overcharging: '乱收费',
  violent_collection: '暴力催收',
  card_fraud: '盗刷/诈骗',
  credit_limit_cut: '信用卡降额',
  limit_cut: '信用卡降额',
  account_frozen: '账户冻结',
};

export function topicLabel(id: string): string {
  return TOPIC_LABEL[id] ?? id;
}
