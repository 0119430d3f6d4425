import { formatShanghai } from '../lib/clock.js';
import type { Case, CaseResponse, OwnerRole, Tier } from '../lib/domain.js';
import { TIER_LABELS } from './rules.js';

/**
 * Notification texts (Simplified Chinese). Titles come from the event title, which is built from
 * PII-masked display text only; nothing here reads raw post text. Crawled text is attacker text: it goes
 * into every channel through `inertText`, so only the links built here are links.
 */

/** Characters that are markup in markdown (DingTalk, WeCom, Feishu), in HTML, or in WeCom's font tags. */
const ACTIVE: Record<string, string> = {
  '[': '［',
  ']': '］',
  '(': '（',
  ')': '）',
  '<': '＜',
  '>': '＞',
  '*': '＊',
  _: '＿',
  '`': '｀',
  '#': '＃',
  '|': '｜',
  '~': '～',
  '!': '！',
  '\\': '＼',
  '&': '＆',
};

/**
 * Crawled or user text made inert for every channel: markup characters become their full-width
 * look-alikes (readable in Chinese text, markup in no dialect), line breaks become spaces (no injected
 * heading or list), and URL schemes are defanged (`https：//`) so no client auto-links them.
 */
export function inertText(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/[[\]()<>*_`#|~!\\&]/g, (c) => ACTIVE[c] ?? c)
    .replace(/\b(https?|ftp|javascript|data):(\/\/)?/gi, (_m, scheme: string, slashes: string | undefined) => `${scheme}：${slashes ?? ''}`)
    .replace(/\bwww\./gi, 'www．');
}

export const ROLE_LABELS: Record<OwnerRole, string> = { customer_service: '客服部', pr: '公关部', executive: '高管', compliance: '合规部' };

export const RESPONSE_LABELS: Record<CaseResponse['kind'], string> = {
  reply_to_complainant: '回复投诉人',
  public_statement: '发布公开声明',
  regulator_notice: '主动报告监管',
};

export type MessageKind = 'opened' | 'informed' | 'promoted' | 'ack_reminder' | 'ack_manager' | 'breach' | 'early_warning';

export interface MessageInput {
  kind: MessageKind;
  case: Case;
  /** Chinese institution name (watchlist), e.g. 工商银行. */
  institutionName: string;
  publicUrl: string;
  /** The role this message goes to. */
  role: OwnerRole;
  /** Names to @-mention. */
  names?: string[];
  /** Tier the case came from (promoted) or whose deadline was missed (breach). */
  fromTier?: Tier;
  /** Why (rule label + counts). */
  reason?: string;
  /** What the owner must do (e.g. 发布公开声明). */
  expectedAction?: string;
  /** Early warning rule label. */
  ruleLabel?: string;
  /** Distinct complainants of the event (default: the case's distinct authors). */
  complainants?: number;
}

export function tierText(tier: Tier): string {
  return `${tier} ${TIER_LABELS[tier]}`;
}

export function caseLink(publicUrl: string, caseId: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/#/cases/${encodeURIComponent(caseId)}`;
}

function headline(m: MessageInput): string {
  const c = m.case;
  switch (m.kind) {
    case 'opened':
      return `新舆情案件，请${ROLE_LABELS[m.role]}立即受理`;
    case 'informed':
      return `重大舆情知会${ROLE_LABELS[m.role]}${m.role === 'compliance' ? '，请评估并主动向监管报告' : ''}`;
    case 'promoted':
      return `案件已由 ${m.fromTier ? tierText(m.fromTier) : '低级别'} 升级为 ${tierText(c.tier)}，现由${ROLE_LABELS[c.owner]}负责`;
    case 'ack_reminder':
      return '案件尚未受理，请尽快受理';
    case 'ack_manager':
      return `案件超时未受理，上报${ROLE_LABELS[m.role]}负责人`;
    case 'breach':
      return `${m.fromTier ? tierText(m.fromTier) : tierText(c.tier)} 处置时限已超时，已按规则升级`;
    case 'early_warning':
      return `预警：${m.ruleLabel ?? '投诉快速上升'}`;
  }
}

/** Subject line and a markdown body for one notification. */
export function renderMessage(m: MessageInput): { subject: string; body: string } {
  const c = { ...m.case, title: inertText(m.case.title), ...(m.case.assignee ? { assignee: inertText(m.case.assignee) } : {}) };
  const deadline = c.deadlineAt ? `${formatShanghai(c.deadlineAt)}（北京时间）` : '—';
  const subject = `【舆情${tierText(c.tier)}】${m.institutionName}：${c.title}｜${headline(m)}`;
  const lines: Array<string | undefined> = [
    `### ${headline(m)}`,
    '',
    m.names && m.names.length > 0 ? m.names.map((n) => `@${n}`).join(' ') : undefined,
    `- **级别**：${tierText(c.tier)}`,
    `- **机构**：${m.institutionName}`,
    `- **问题**：${c.title}`,
    `- **提及数**：${c.mentionCount}　**投诉人数**：${m.complainants ?? c.distinctComplainants}　**媒体报道**：${c.mediaCount}`,
    `- **负责部门**：${ROLE_LABELS[c.owner]}${c.assignee ? `（${c.assignee}）` : ''}`,
    m.expectedAction ? `- **要求**：${m.expectedAction}` : undefined,
    `- **处置时限**：${deadline}`,
    c.ackDueAt && c.state === 'open' ? `- **受理时限**：${formatShanghai(c.ackDueAt)}（北京时间）` : undefined,
    m.reason ? `- **触发原因**：${m.reason}` : undefined,
    '',
    `[查看案件](${caseLink(m.publicUrl, c.id)})`,
  ];
  return { subject, body: lines.filter((l) => l !== undefined).join('\n') };
}

/** The 触发原因 of an early warning: complainants so far, below the 中度 bar. */
export function earlyWarningReason(complainants: number | undefined, windowHours: number | undefined): string {
  return `投诉人数已达 ${complainants}${windowHours ? `（近 ${windowHours} 小时内快速上升）` : ''}，尚未达到中度标准，请提前准备口径`;
}

/** The 触发原因 of an acknowledgement reminder or manager page. */
export function ackOverdueReason(ackDueAt: string | undefined, owner: OwnerRole): string {
  return `受理时限 ${ackDueAt ? formatShanghai(ackDueAt) : ''} 已过，${ROLE_LABELS[owner]}仍未受理`;
}

/** The 触发原因 of a missed deadline: what was not done, and where the case goes next. */
export function breachReason(m: { tier: Tier; deadlineAt?: string; missed: CaseResponse['kind']; next?: Tier; nextRole?: OwnerRole }): string {
  const onward = m.next ? `，升级为 ${tierText(m.next)}` : m.nextRole ? `，已通知${ROLE_LABELS[m.nextRole]}` : '';
  return `${tierText(m.tier)} 处置时限 ${m.deadlineAt ? formatShanghai(m.deadlineAt) : ''} 已过，未完成「${RESPONSE_LABELS[m.missed]}」${onward}`;
}
