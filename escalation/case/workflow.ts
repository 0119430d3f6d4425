import type { MessageBus } from '../../lib/bus.js';
import { type Clock, iso } from '../../lib/clock.js';
import type { ApiRole, Case, CaseClock, CaseHistoryEntry, CaseResponse, Tier } from '../../lib/domain.js';
import { ConflictError, NotFoundError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { RESPONSE_LABELS } from '../messages.js';
import { expectedResponse, governingRule, type RuleSet, requiresRegulatorNotice, TIERS } from '../rules.js';
import { emptyText, invalidTransition, ownerRefused, regulatorNoticeRequired, regulatorNoticeRoleRefused, roleRefused } from './messages.js';
import type { CaseActor, CaseResponseInput, CaseStore, CaseWorkflow } from './types.js';

export interface CaseWorkflowDeps {
  store: CaseStore;
  clock: Clock;
  log: Logger;
  bus?: MessageBus;
  /** The current rules (a function when they can be replaced at run time). */
  rules: RuleSet | (() => RuleSet);
}

/** Which tiers each role may act on (the API checks the role itself; this checks role × tier). */
export const ROLE_TIERS: Record<ApiRole, readonly Tier[]> = {
  consumer: [],
  customer_service: ['L1'],
  pr: ['L1', 'L2'],
  executive: ['L3'],
  compliance: ['L3'],
  admin: TIERS,
};

function ownersFor(tier: Tier): Case['owner'][] {
  return (['customer_service', 'pr', 'executive'] as const).filter((r) => ROLE_TIERS[r].includes(tier));
}

type Action = 'acknowledge' | 'respond' | 'reassign' | 'comment' | 'resolve' | 'review';

function checkRole(c: Case, actor: CaseActor, action: Action, response?: CaseResponseInput): void {
  const allowed = ROLE_TIERS[actor.role]?.includes(c.tier) ?? false;
  const complianceOk = actor.role !== 'compliance' || action === 'comment' || (action === 'respond' && response?.kind === 'regulator_notice');
  if (action === 'respond' && response?.kind === 'regulator_notice' && actor.role !== 'compliance') {
    throw regulatorNoticeRoleRefused(c, actor.role, action);
  }
  if (!allowed || !complianceOk) {
    throw roleRefused(c, actor.role, action);
  }
}

/**
 * The L3 gate: a regulator notice counts only when a compliance key recorded it while the case was on its
 * current L3 tier (not an executive's, nor one recorded by PR while the case was still L2).
 */
export function hasRegulatorNotice(c: Case): boolean {
  return c.tier === 'L3' && c.responses.some((r) => r.kind === 'regulator_notice' && r.role === 'compliance' && r.tier === 'L3' && r.at >= c.tierSince);
}

interface Step {
  case: Case;
  entry: Omit<CaseHistoryEntry, 'at' | 'actor'>;
  cancel?: CaseClock['kind'][];
}

type StepFn = (c: Case, at: string) => Step;

const isOpen = (c: Case) => c.state === 'open' || c.state === 'acknowledged' || c.state === 'responded';

/** 回应: a response of the expected kind meets the deadline; any response acknowledges. */
function respondStep(actor: CaseActor, input: CaseResponseInput, rules: () => RuleSet): StepFn {
  return (c, at) => {
    if (!isOpen(c)) throw invalidTransition(c, 'closedForResponses');
    if (input.text.trim() === '') throw emptyText('response');
    const response: CaseResponse = {
      kind: input.kind,
      text: input.text,
      ...(input.url ? { url: input.url } : {}),
      actor: actor.id,
      at,
      role: actor.role,
      tier: c.tier,
    };
    const expected = expectedResponse(governingRule(rules(), c.ruleId, c.tier), c.tier);
    const meets = input.kind === expected && c.state !== 'responded';
    const next: Case = { ...c, responses: [...c.responses, response], acknowledgedAt: c.acknowledgedAt ?? at };
    if (meets) {
      next.state = 'responded';
      next.respondedAt = at;
    } else if (c.state === 'open') {
      next.state = 'acknowledged';
    }
    return {
      case: next,
      entry: {
        type: 'responded',
        reason: `${RESPONSE_LABELS[input.kind]} (${input.kind})`,
        data: { kind: input.kind, meetsDeadline: meets, expected, ...(input.url ? { url: input.url } : {}) },
      },
      cancel: meets ? ['ack', 'ack_manager', 'deadline'] : ['ack', 'ack_manager'],
    };
  };
}

/** 改派: only to a role that may act on the case's tier. */
function reassignStep(input: { assignee: string; owner?: Case['owner'] }): StepFn {
  return (c) => {
    if (c.state === 'reviewed') throw invalidTransition(c, 'reviewedNoReassign');
    // The new owner must be able to act on the case, or it would sit with someone who gets 403 on it
    // while the reminders follow them. Compliance only records regulator notices: it never owns a case.
    if (input.owner && (input.owner === 'compliance' || !ROLE_TIERS[input.owner].includes(c.tier))) {
      throw ownerRefused(c, input.owner, ownersFor(c.tier));
    }
    return {
      case: { ...c, assignee: input.assignee, owner: input.owner ?? c.owner },
      entry: {
        type: 'reassigned',
        reason: `→ ${input.assignee}${input.owner ? ` (${input.owner})` : ''}`,
        data: { assignee: input.assignee, owner: input.owner ?? c.owner, previousAssignee: c.assignee ?? null, previousOwner: c.owner },
      },
    };
  };
}

/** 办结: a severe case needs the regulator notice first. */
function resolveStep(note: string | undefined, rules: () => RuleSet): StepFn {
  return (c, at) => {
    if (!isOpen(c)) throw invalidTransition(c, 'alreadyResolved');
    if (requiresRegulatorNotice(governingRule(rules(), c.ruleId, c.tier), c.tier) && !hasRegulatorNotice(c)) {
      throw regulatorNoticeRequired(c);
    }
    return {
      case: { ...c, state: 'resolved', resolvedAt: at },
      entry: { type: 'resolved', ...(note ? { reason: note } : {}) },
      cancel: ['ack', 'ack_manager', 'deadline'],
    };
  };
}

/** The case's human transitions (see CaseWorkflow): each re-reads the case and commits it with expectedUpdatedAt. */
export function createCaseWorkflow(deps: CaseWorkflowDeps): CaseWorkflow {
  const log = deps.log.child({ component: 'workflow' });
  const rules = (): RuleSet => (typeof deps.rules === 'function' ? deps.rules() : deps.rules);

  async function act(caseId: string, actor: CaseActor, action: Action, step: StepFn, response?: CaseResponseInput): Promise<Case> {
    for (let attempt = 1; ; attempt++) {
      const current = await deps.store.getCase(caseId);
      if (!current) throw new NotFoundError('case', caseId);
      checkRole(current, actor, action, response);
      const at = iso(deps.clock.now());
      const s = step(current, at);
      const entry: CaseHistoryEntry = { at, actor: actor.id, ...s.entry, tier: s.entry.tier ?? current.tier };
      try {
        const saved = await deps.store.commitCaseChange({
          case: { ...s.case, updatedAt: at, history: [...current.history, entry] },
          expectedUpdatedAt: current.updatedAt,
          history: [entry],
          scheduleClocks: [],
          cancelClockKinds: s.cancel ?? [],
          notifications: [],
        });
        log.info('case action', { caseId, action, actor: actor.id, role: actor.role, tier: saved.tier, state: saved.state });
        deps.bus?.publish({ type: 'case.changed', case: saved, change: entry.type });
        return saved;
      } catch (err) {
        if (!(err instanceof ConflictError) || attempt >= 3) throw err;
      }
    }
  }

  return {
    acknowledge(caseId, actor, note) {
      return act(caseId, actor, 'acknowledge', (c, at) => {
        if (c.state !== 'open') throw invalidTransition(c, 'alreadyAcknowledged');
        return {
          case: { ...c, state: 'acknowledged', acknowledgedAt: at },
          entry: { type: 'acknowledged', ...(note ? { reason: note } : {}) },
          // The deadline keeps running: acknowledging is not responding.
          cancel: ['ack', 'ack_manager'],
        };
      });
    },

    respond(caseId, actor, input) {
      return act(caseId, actor, 'respond', respondStep(actor, input, rules), input);
    },

    reassign(caseId, actor, input) {
      return act(caseId, actor, 'reassign', reassignStep(input));
    },

    comment(caseId, actor, text) {
      return act(caseId, actor, 'comment', (c) => {
        if (text.trim() === '') throw emptyText('comment');
        return { case: c, entry: { type: 'commented', reason: text } };
      });
    },

    resolve(caseId, actor, note) {
      return act(caseId, actor, 'resolve', resolveStep(note, rules));
    },

    review(caseId, actor, note) {
      return act(caseId, actor, 'review', (c) => {
        if (c.state !== 'resolved') throw invalidTransition(c, 'reviewBeforeResolve');
        return { case: { ...c, state: 'reviewed' }, entry: { type: 'reviewed', reason: note } };
      });
    },
  };
}
