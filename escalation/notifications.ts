import type { Config } from '../config/schema.js';
import { iso } from '../lib/clock.js';
import type { Case, Notification, Tier } from '../lib/domain.js';
import { newId } from '../lib/ids.js';
import { type MessageKind, RESPONSE_LABELS, renderMessage } from './messages.js';
import type { Recipient } from './recipients.js';
import { expectedResponse, governingRule, type RuleSet } from './rules.js';

/** Message details beyond the case itself. */
export interface NotifyExtra {
  fromTier?: Tier;
  reason?: string;
  ruleLabel?: string;
  /** The idempotency key's kind when it differs from the message kind (informed, one early warning per rule). */
  keyKind?: string;
  complainants?: number;
}

/** One outbox notification per target for a case message; the idempotency key makes a retry send nothing twice. */
export function caseNotifications(
  c: Case,
  m: { kind: MessageKind; tier: Tier; targets: Recipient[]; now: Date; extra: NotifyExtra },
  ctx: { rules: RuleSet; config: Config },
): Notification[] {
  const { kind, tier, now, extra } = m;
  const rule = governingRule(ctx.rules, c.ruleId, c.tier);
  const expected = kind === 'opened' || kind === 'ack_reminder' || kind === 'ack_manager' ? RESPONSE_LABELS[expectedResponse(rule, c.tier)] : undefined;
  const institutionName = ctx.config.watchlist.find((i) => i.id === c.institution)?.name ?? c.institution;
  return m.targets.map((t) => {
    const { subject, body } = renderMessage({
      kind,
      case: c,
      institutionName,
      publicUrl: ctx.config.server.publicUrl,
      role: t.role,
      names: t.names,
      expectedAction: expected,
      ...extra,
    });
    return {
      id: newId('n', now),
      caseId: c.id,
      tier,
      kind: kind === 'informed' ? 'opened' : kind,
      channel: t.channel,
      recipient: t.recipient,
      idempotencyKey: `${c.id}:${tier}:${extra.keyKind ?? kind}:${t.channel}:${t.recipient}`,
      subject,
      body,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: iso(now),
      createdAt: iso(now),
    };
  });
}

/** One target per channel and recipient, @-mentioning every name any of the merged targets had. */
export function dedupeTargets(list: Recipient[]): Recipient[] {
  const out = new Map<string, Recipient>();
  for (const r of list) {
    const key = `${r.channel}:${r.recipient}`;
    const prior = out.get(key);
    out.set(key, prior ? { ...prior, names: [...new Set([...prior.names, ...r.names])] } : r);
  }
  return [...out.values()];
}
