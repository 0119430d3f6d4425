import { z } from 'zod';
import { ApiError } from '../../lib/errors.js';
import { ADMIN_ONLY } from '../auth.js';
import type { ApiContext } from '../context.js';
import type { RouteRegistry } from '../route.js';

const yamlBody = z.object({ yaml: z.string().min(1).max(200_000).describe('The escalation rule set as YAML text') });
const issues = z.array(z.object({ path: z.string(), message: z.string() }));

export function registerRuleRoutes(registry: RouteRegistry, ctx: ApiContext): void {
  registry.add({
    method: 'get',
    path: '/api/v1/rules',
    tag: 'rules',
    summary: 'The active escalation rule set',
    access: ADMIN_ONLY,
    response: z.object({ version: z.number().int(), yaml: z.string() }),
    handler: async () => {
      const r = await ctx.rules.get();
      return { version: r.version, yaml: r.yaml };
    },
  });

  registry.add({
    method: 'post',
    path: '/api/v1/rules/validate',
    tag: 'rules',
    summary: 'Validate a rule set without saving it',
    access: ADMIN_ONLY,
    body: yamlBody,
    response: z.object({ valid: z.boolean(), issues }),
    handler: ({ body }) => {
      const found = ctx.rules.validate(body.yaml);
      return { valid: found.length === 0, issues: found };
    },
  });

  registry.add({
    method: 'put',
    path: '/api/v1/rules',
    tag: 'rules',
    summary: 'Replace the rule set (validated, versioned, audited)',
    access: ADMIN_ONLY,
    body: yamlBody,
    response: z.object({ version: z.number().int() }),
    handler: async ({ body, principal }) => {
      const found = ctx.rules.validate(body.yaml);
      if (found.length > 0) {
        throw new ApiError(
          400,
          'invalid_rules',
          `invalid rules: ${found[0]!.path}: ${found[0]!.message}`,
          found.map((i) => ({ path: `body.yaml.${i.path}`, message: i.message })),
        );
      }
      const before = await ctx.rules.get().catch(() => undefined);
      const { version } = await ctx.rules.update(body.yaml, principal!.id);
      await ctx.store.appendAudit({
        at: ctx.clock.now().toISOString(),
        actor: principal!.id,
        action: 'rules.update',
        target: 'rules',
        data: { version, previousVersion: before?.version, keyId: principal!.keyId },
      });
      ctx.log.info('rules updated', { version, actor: principal!.id });
      return { version };
    },
  });
}
