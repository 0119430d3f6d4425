/**
 * The case: one home for what a case is and how it changes.
 *
 * - types: `Case`, `CaseState`, `CaseClock`, `CaseHistoryEntry`, `CaseResponse` (declared in lib/domain.ts,
 *   the bottom layer, because the stores persist them) and, here, `CaseActor`, `CaseWorkflow`, `CaseStore`;
 * - system transitions: escalation/engine.ts decides (pure), ./plan.ts turns decisions into one `CaseChange`
 *   (history, clocks, notifications), escalation/service.ts commits it;
 * - human transitions: ./workflow.ts (受理 → 回应 → 办结 → 复盘, reassign, comment; role × tier);
 * - persistence: `CaseStore` (./types.ts), implemented by store/sqlite/cases.ts and store/postgres/cases.ts;
 *   `caseIdForEvent`/`clockId` name a case and its clocks;
 * - messages: why an action was refused in ./messages.ts (state labels, bilingual errors); notification texts in
 *   escalation/messages.ts;
 * - API: request/response schemas in api/schemas.ts, DTO mapping in api/dto.ts, routes in api/controllers/alerts.ts.
 */
export type { Case, CaseClock, CaseHistoryEntry, CaseResponse, CaseState } from '../../lib/domain.js';
export type { CaseChange, CaseQuery } from '../../store/store.js';
export { caseIdForEvent, clockId, tierClocks } from '../engine.js';
export { STATE_LABELS } from './messages.js';
export { type PlanContext, planCaseChange, withStats } from './plan.js';
export type { CaseActor, CaseResponseInput, CaseStore, CaseWorkflow } from './types.js';
export { type CaseWorkflowDeps, createCaseWorkflow, hasRegulatorNotice, ROLE_TIERS } from './workflow.js';
