import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { CaseResponse, OwnerRole, Tier } from '../lib/domain.js';

/**
 * Escalation rules as data (config/escalation.yaml). Every trigger condition present on a rule must
 * hold; the engine opens or promotes a case at the highest tier whose rule matches.
 */

export const TIERS = ['L1', 'L2', 'L3'] as const satisfies readonly Tier[];
export const ROLES = ['customer_service', 'pr', 'executive', 'compliance'] as const satisfies readonly OwnerRole[];
export const RESPONSE_KINDS = ['reply_to_complainant', 'public_statement', 'regulator_notice'] as const satisfies readonly CaseResponse['kind'][];

/** Chinese tier labels used in messages and the dashboard. */
export const TIER_LABELS: Record<Tier, string> = { L1: '轻度', L2: '中度', L3: '重度' };

/** The response kind that meets a tier's deadline when a rule does not say otherwise. */
export const DEFAULT_EXPECTED_RESPONSE: Record<Tier, CaseResponse['kind']> = { L1: 'reply_to_complainant', L2: 'public_statement', L3: 'public_statement' };

export function tierRank(tier: Tier): number {
  return TIERS.indexOf(tier);
}

const tier = z.enum(TIERS);
const role = z.enum(ROLES);

const triggerSchema = z
  .object({
    /** The event has at least one post with this sentiment. */
    sentiment: z.literal('negative').optional(),
    /** Any of these source types contributed to the event. */
    sourceTypes: z
      .array(z.enum(['social', 'complaint', 'news']))
      .min(1)
      .optional(),
    /** At least this many distinct negative complainants (distinct authors, not posts)… */
    minDistinctComplainants: z.number().int().min(1).optional(),
    /** …counted over the last `windowHours` (default: the whole event). */
    windowHours: z.number().positive().optional(),
    /** The event has media coverage (a news outlet or a media account). */
    mediaCoverage: z.boolean().optional(),
    /** A regulator (银保监会, 金融监管总局, 人民银行 …) is mentioned. */
    regulatorMentioned: z.boolean().optional(),
    /** 挤兑 / 兑付 rumours. */
    runRumour: z.boolean().optional(),
    /** Any of these topic ids. */
    topics: z.array(z.string().min(1)).min(1).optional(),
    /** Any of these institution ids (default: every watched institution). */
    institutions: z.array(z.string().min(1)).min(1).optional(),
    /** Mentions in the last hour >= max(min, factor × the event's baseline hourly rate). */
    velocity: z
      .object({ factor: z.number().positive(), min: z.number().int().min(1) })
      .strict()
      .optional(),
  })
  .strict()
  .refine((t) => Object.values(t).some((v) => v !== undefined), { message: 'a trigger needs at least one condition' })
  .refine((t) => t.windowHours === undefined || t.minDistinctComplainants !== undefined, {
    message: 'windowHours needs minDistinctComplainants',
    path: ['windowHours'],
  });

export const ruleSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9_]*$/, 'lowercase id (a-z, 0-9, _)'),
    /** Chinese label shown in messages and the audit trail. */
    label: z.string().min(1),
    /** `tier` opens/promotes a case; `early_warning` only warns (once per event). */
    kind: z.enum(['tier', 'early_warning']).default('tier'),
    tier: tier,
    trigger: triggerSchema,
    /** The role that owns the case at this tier. */
    owner: role,
    /** Roles told about the case without owning it (compliance on L3). */
    inform: z.array(role).default([]),
    /** Re-notify the owner when not acknowledged (受理) within this many minutes. */
    ackTimeoutMinutes: z.number().int().min(1).default(30),
    /** Notify the owner's manager when still not acknowledged after this many minutes. */
    managerAfterMinutes: z.number().int().min(1).default(60),
    /** The tier's completion deadline (required on tier rules). */
    deadlineMinutes: z.number().int().min(1).optional(),
    /** On a missed deadline: promote to this tier, or page this role. */
    nextOnBreach: z.union([tier, role]).optional(),
    /** The response kind that meets the deadline (default: L1 reply_to_complainant, L2/L3 public_statement). */
    expectedResponse: z.enum(RESPONSE_KINDS).optional(),
    /** Resolving needs a recorded regulator_notice (default: true on L3). */
    requireRegulatorNotice: z.boolean().optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.kind === 'tier' && r.deadlineMinutes === undefined) ctx.addIssue({ code: 'custom', path: ['deadlineMinutes'], message: 'required on tier rules' });
    if (r.managerAfterMinutes < r.ackTimeoutMinutes) {
      ctx.addIssue({ code: 'custom', path: ['managerAfterMinutes'], message: 'must be >= ackTimeoutMinutes' });
    }
    if (r.nextOnBreach && (TIERS as readonly string[]).includes(r.nextOnBreach) && tierRank(r.nextOnBreach as Tier) <= tierRank(r.tier)) {
      ctx.addIssue({ code: 'custom', path: ['nextOnBreach'], message: `must be a higher tier than ${r.tier} or a role` });
    }
  });

export const ruleSetSchema = z
  .object({
    version: z.literal(1).default(1),
    rules: z.array(ruleSchema).min(1),
  })
  .strict()
  .superRefine((set, ctx) => {
    const seen = new Set<string>();
    for (const [i, r] of set.rules.entries()) {
      if (seen.has(r.id)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `duplicate rule id ${r.id}` });
      seen.add(r.id);
    }
    for (const t of TIERS) {
      const tierRules = set.rules.filter((r) => r.kind === 'tier' && r.tier === t);
      const targeted = set.rules.some((r) => r.nextOnBreach === t);
      if (targeted && tierRules.length === 0)
        ctx.addIssue({ code: 'custom', path: ['rules'], message: `nextOnBreach targets ${t} but no tier rule has tier ${t}` });
    }
  });

export type Rule = z.infer<typeof ruleSchema>;
export type RuleTrigger = Rule['trigger'];
export type RuleSet = z.infer<typeof ruleSetSchema>;

export class RulesError extends Error {
  override name = 'RulesError';
  constructor(
    message: string,
    readonly issues: Array<{ path: string; message: string }>,
  ) {
    super(message);
  }
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out || '(root)';
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') return `expected ${issue.expected}`;
  if (issue.code === 'invalid_value') return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  if (issue.code === 'unrecognized_keys') return `unknown key(s) ${issue.keys.join(', ')}`;
  return issue.message;
}

/** Validates an already-parsed object. Throws RulesError with `rules[2].trigger.minDistinctComplainants: expected number`. */
export function validateRules(raw: unknown, origin = 'rules'): RuleSet {
  const result = ruleSetSchema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ path: formatPath(i.path), message: describe(i) }));
    throw new RulesError(`invalid escalation rules (${origin}):\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`, issues);
  }
  return result.data;
}

export function parseRules(yamlText: string, origin = 'rules'): RuleSet {
  let raw: unknown;
  try {
    raw = parseYaml(yamlText);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new RulesError(`invalid escalation rules (${origin}): YAML syntax: ${message}`, [{ path: '(yaml)', message }]);
  }
  return validateRules(raw, origin);
}

export function loadRules(file: string): RuleSet {
  return parseRules(readFileSync(file, 'utf8'), file);
}

export function findRule(rules: RuleSet, id: string | undefined): Rule | undefined {
  return id === undefined ? undefined : rules.rules.find((r) => r.id === id);
}

/** The first tier rule of a tier: its owner and clocks apply when a case reaches the tier by breach. */
export function primaryRule(rules: RuleSet, t: Tier): Rule | undefined {
  return rules.rules.find((r) => r.kind === 'tier' && r.tier === t);
}

/** The rule whose clocks and response expectations govern a case at its current tier. */
export function governingRule(rules: RuleSet, ruleId: string | undefined, t: Tier): Rule | undefined {
  const r = findRule(rules, ruleId);
  return r && r.tier === t && r.kind === 'tier' ? r : primaryRule(rules, t);
}

export function expectedResponse(rule: Rule | undefined, t: Tier): CaseResponse['kind'] {
  return rule?.expectedResponse ?? DEFAULT_EXPECTED_RESPONSE[t];
}

export function requiresRegulatorNotice(rule: Rule | undefined, t: Tier): boolean {
  return rule?.requireRegulatorNotice ?? t === 'L3';
}
