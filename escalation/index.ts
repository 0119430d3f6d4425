export {
  type CaseActor,
  type CaseResponseInput,
  type CaseStore,
  type CaseWorkflow,
  type CaseWorkflowDeps,
  createCaseWorkflow,
  hasRegulatorNotice,
  ROLE_TIERS,
} from './case/index.js';
export { type EngineInput, type EventFacts, evaluate, matchesTrigger, sourceTypeOf } from './engine.js';
export { caseLink, type MessageInput, type MessageKind, ROLE_LABELS, renderMessage, tierText } from './messages.js';
export { managersFor, type Recipient, recipientsFor } from './recipients.js';
export {
  expectedResponse,
  governingRule,
  loadRules,
  parseRules,
  type Rule,
  type RuleSet,
  RulesError,
  requiresRegulatorNotice,
  TIER_LABELS,
  tierRank,
  validateRules,
} from './rules.js';
export { caseIdForEvent, createEscalationService, type EscalationService, type EscalationServiceDeps } from './service.js';
export { createSweeper, type Sweeper, type SweeperDeps } from './sweeper.js';
export type { Decision, EvaluateInput } from './types.js';
