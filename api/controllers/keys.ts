import { z } from 'zod';
import { NotFoundError } from '../../lib/errors.js';
import { ADMIN_ONLY } from '../auth.js';
import type { ApiContext } from '../context.js';
import { createKey, listKeys, revokeKey } from '../keys.js';
import type { RouteRegistry } from '../route.js';
import { apiKeySchema, roleSchema } from '../schemas.js';

export function registerKeyRoutes(registry: RouteRegistry, ctx: ApiContext): void {
  registry.add({
    method: 'get',
    path: '/api/v1/keys',
    tag: 'keys',
    summary: 'List API keys (never their secrets)',
    access: ADMIN_ONLY,
    response: z.object({ items: z.array(apiKeySchema) }),
    handler: async () => ({ items: await listKeys(ctx.store) }),
  });

  registry.add({
    method: 'post',
    path: '/api/v1/keys',
    tag: 'keys',
    summary: 'Create an API key (the secret is shown once)',
    access: ADMIN_ONLY,
    body: z.object({ name: z.string().trim().min(1).max(100), role: roleSchema }),
    status: 201,
    response: z.object({ secret: z.string(), key: apiKeySchema }),
    handler: async ({ body, principal }) => {
      const created = await createKey(ctx.store, body, ctx.clock);
      const { hash: _hash, ...key } = created.record;
      await ctx.store.appendAudit({
        at: ctx.clock.now().toISOString(),
        actor: principal!.id,
        action: 'key.create',
        target: `key:${key.id}`,
        data: { name: key.name, role: key.role },
      });
      return { secret: created.secret, key };
    },
  });

  registry.add({
    method: 'delete',
    path: '/api/v1/keys/:id',
    tag: 'keys',
    summary: 'Revoke an API key',
    access: ADMIN_ONLY,
    params: z.object({ id: z.string().min(1).max(100) }),
    status: 204,
    handler: async ({ params, principal }) => {
      if (!(await revokeKey(ctx.store, params.id, ctx.clock))) throw new NotFoundError('key', params.id);
      ctx.auth.revoked(params.id);
      await ctx.store.appendAudit({ at: ctx.clock.now().toISOString(), actor: principal!.id, action: 'key.revoke', target: `key:${params.id}` });
      return undefined;
    },
  });
}
