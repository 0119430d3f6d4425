import type { ApiRole, Case, CaseResponse } from '../../lib/domain.js';
import type { Store } from '../../store/store.js';

/** Who performs a case action (an API key's principal). */
export interface CaseActor {
  id: string;
  role: ApiRole;
}

export interface CaseResponseInput {
  kind: CaseResponse['kind'];
  text: string;
  url?: string;
}

/**
 * Human actions on a case: 受理 (acknowledge) → 处理/反馈 (respond) → 办结 (resolve) → 复盘 (review),
 * plus reassign and comment. Each checks role × tier and writes an audit history entry with the actor and time.
 */
export interface CaseWorkflow {
  acknowledge(caseId: string, actor: CaseActor, note?: string): Promise<Case>;
  respond(caseId: string, actor: CaseActor, response: CaseResponseInput): Promise<Case>;
  reassign(caseId: string, actor: CaseActor, input: { assignee: string; owner?: Case['owner'] }): Promise<Case>;
  comment(caseId: string, actor: CaseActor, text: string): Promise<Case>;
  resolve(caseId: string, actor: CaseActor, note?: string): Promise<Case>;
  review(caseId: string, actor: CaseActor, note: string): Promise<Case>;
}

/** The part of the store a case lives in (implemented by store/sqlite/cases.ts and store/postgres/cases.ts). */
export type CaseStore = Pick<Store, 'getCase' | 'getCaseByEvent' | 'listCases' | 'commitCaseChange' | 'listClocks' | 'listNotifications'>;
