import type { Case, CaseClock, CaseHistoryEntry, Event, Notification, OwnerRole, Tier } from '../lib/domain.js';

/**
 * The engine is pure: `evaluate(input) → decisions`. The escalation service applies decisions to the
 * store (commitCaseChange) and the outbox; nothing in the engine does I/O.
 */
export type Decision =
  | { type: 'open'; tier: Tier; owner: OwnerRole; ruleId: string; reason: string }
  | { type: 'promote'; from: Tier; to: Tier; owner: OwnerRole; ruleId: string; reason: string }
  | { type: 'inhibit'; tier: Tier; reason: string; ruleId?: string }
  | { type: 'ack_reminder'; tier: Tier; reason: string }
  | { type: 'ack_manager'; tier: Tier; reason: string }
  | { type: 'breach'; tier: Tier; next?: Tier; reason: string; ruleId?: string; nextRole?: OwnerRole }
  | { type: 'early_warning'; ruleId: string; reason: string; owner?: OwnerRole };

export interface EvaluateInput {
  event: Event;
  case?: Case;
  /** A clock that came due, when the evaluation is triggered by the SLA sweeper. */
  clock?: CaseClock;
  now: Date;
}

export interface CaseActionResult {
  case: Case;
  history: CaseHistoryEntry[];
  notifications: Notification[];
}

/** A channel that delivers one notification (one file per channel under escalation/notifiers/). */
export interface Notifier {
  readonly channel: string;
  send(notification: Notification): Promise<void>;
}
