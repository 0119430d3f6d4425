import type { ApiRole, Case, CaseState, OwnerRole } from '../../lib/domain.js';
import { ApiError } from '../../lib/errors.js';

/**
 * What a refused case action tells the user: bilingual (Simplified Chinese for the dashboard / English for
 * logs and API clients), with the fields an API client needs. Notification texts live in escalation/messages.ts.
 */

export const STATE_LABELS: Record<CaseState, string> = { open: '待受理', acknowledged: '已受理', responded: '已回应', resolved: '已办结', reviewed: '已复盘' };

const INVALID_TRANSITIONS = {
  alreadyAcknowledged: ['案件已受理，不能重复受理', 'case is not awaiting acknowledgement'],
  closedForResponses: ['案件已办结，不能再记录回应', 'case is closed; no further responses'],
  reviewedNoReassign: ['案件已复盘归档，不能改派', 'a reviewed case cannot be reassigned'],
  alreadyResolved: ['案件已办结，不能重复办结', 'case is already resolved'],
  reviewBeforeResolve: ['案件办结后方可复盘', 'a case can be reviewed only after it is resolved'],
} as const;

/** 409: the action does not apply in the case's current state. */
export function invalidTransition(c: Case, which: keyof typeof INVALID_TRANSITIONS): ApiError {
  const [zh, en] = INVALID_TRANSITIONS[which];
  return new ApiError(409, 'invalid_transition', `${zh}（当前状态：${STATE_LABELS[c.state]}） / ${en} (state: ${c.state})`, { caseId: c.id, state: c.state });
}

/** 403: only compliance records a regulator notice. */
export function regulatorNoticeRoleRefused(c: Case, role: ApiRole, action: string): ApiError {
  return new ApiError(
    403,
    'forbidden_role',
    `主动报告监管须由合规部记录，角色 ${role} 无权记录 / only a compliance key may record a regulator_notice (role ${role})`,
    { caseId: c.id, role, tier: c.tier, action, kind: 'regulator_notice' },
  );
}

/** 403: the role may not act on a case of this tier. */
export function roleRefused(c: Case, role: ApiRole, action: string): ApiError {
  return new ApiError(403, 'forbidden_role', `角色 ${role} 无权对 ${c.tier} 案件执行 ${action} / role ${role} may not ${action} a ${c.tier} case`, {
    caseId: c.id,
    role,
    tier: c.tier,
    action,
  });
}

/** 400: a response or comment without text. */
export function emptyText(what: 'response' | 'comment'): ApiError {
  return what === 'response'
    ? new ApiError(400, 'invalid_input', '回应内容不能为空 / response text is required')
    : new ApiError(400, 'invalid_input', '备注内容不能为空 / comment text is required');
}

/** 400: reassigned to a role that may not handle the case's tier. */
export function ownerRefused(c: Case, owner: OwnerRole, owners: OwnerRole[]): ApiError {
  return new ApiError(400, 'invalid_request', `${c.tier} 案件不能改派给 ${owner} / invalid body.owner: role ${owner} may not handle a ${c.tier} case`, [
    { path: 'body.owner', message: `must be a role that may act on ${c.tier}: ${owners.join(', ')}` },
  ]);
}

/** 409: a severe case is resolved only after compliance recorded a regulator notice at L3. */
export function regulatorNoticeRequired(c: Case): ApiError {
  return new ApiError(
    409,
    'regulator_notice_required',
    '重度案件须先由合规部在本级别记录主动报告监管，方可办结 / a severe case needs a regulator_notice recorded by compliance at L3 before it can be resolved',
    { caseId: c.id, tier: c.tier },
  );
}
