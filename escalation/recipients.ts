import type { Config } from '../config/schema.js';
import type { OwnerRole } from '../lib/domain.js';

/**
 * Who gets paged: roster (role → people) × routes (role → channels).
 *
 * Addresses per channel: `email` → the person's e-mail, `sms` → the person's phone; group-bot channels
 * (webhook, dingtalk, wecom, feishu) post once per role into the configured group, addressed
 * `role:<role>`, with the people's names in the message for @-mentions. People without an address for
 * a personal channel are skipped. When the roster has nobody for a role, one notification per routed
 * channel is still created, addressed to the role, so that nothing is silently dropped.
 */

export type EscalationConfig = Config['escalation'];
export type Channel = NonNullable<EscalationConfig['routes'][OwnerRole]>[number];
export type Person = NonNullable<EscalationConfig['roster'][OwnerRole]>[number];

export interface Recipient {
  channel: Channel;
  /** e-mail address, phone number, or `role:<role>` for group channels and empty rosters. */
  recipient: string;
  role: OwnerRole;
  /** Names to @-mention / greet. */
  names: string[];
}

const PERSONAL: ReadonlySet<Channel> = new Set<Channel>(['email', 'sms']);

function address(person: Person, channel: Channel): string | undefined {
  if (channel === 'email') return person.email;
  if (channel === 'sms') return person.phone;
  return undefined;
}

function forPeople(role: OwnerRole, people: Person[], channels: Channel[]): Recipient[] {
  const out: Recipient[] = [];
  for (const channel of channels) {
    if (people.length === 0) {
      out.push({ channel, recipient: `role:${role}`, role, names: [] });
    } else if (PERSONAL.has(channel)) {
      for (const p of people) {
        const a = address(p, channel);
        if (a) out.push({ channel, recipient: a, role, names: [p.name] });
      }
    } else {
      out.push({ channel, recipient: `role:${role}`, role, names: people.map((p) => p.name) });
    }
  }
  return dedupe(out);
}

function dedupe(list: Recipient[]): Recipient[] {
  const seen = new Map<string, Recipient>();
  for (const r of list) {
    const key = `${r.channel}:${r.recipient}`;
    const prior = seen.get(key);
    if (prior) prior.names = [...new Set([...prior.names, ...r.names])];
    else seen.set(key, { ...r, names: [...r.names] });
  }
  return [...seen.values()];
}

/** The people and channels that page `role`. */
export function recipientsFor(config: EscalationConfig, role: OwnerRole): Recipient[] {
  return forPeople(role, config.roster[role] ?? [], config.routes[role] ?? []);
}

/**
 * The managers of a role's people (`manager` names another roster person, or is an e-mail address),
 * over the role's routes. Without any configured manager, the role itself is paged again.
 */
export function managersFor(config: EscalationConfig, role: OwnerRole): Recipient[] {
  const everyone = Object.values(config.roster).flat();
  const managers: Person[] = [];
  for (const p of config.roster[role] ?? []) {
    if (!p.manager) continue;
    const known = everyone.find((q) => q.name === p.manager);
    if (known) managers.push(known);
    else if (p.manager.includes('@')) managers.push({ name: p.manager, email: p.manager });
  }
  const unique = [...new Map(managers.map((m) => [m.name, m])).values()];
  if (unique.length === 0) return recipientsFor(config, role);
  return forPeople(role, unique, config.routes[role] ?? []);
}

/** Roles that have no route: their cases are only visible on the dashboard. */
export function unroutedRoles(config: EscalationConfig): OwnerRole[] {
  return (['customer_service', 'pr', 'executive', 'compliance'] as const).filter((r) => (config.routes[r] ?? []).length === 0);
}
