import { z } from 'zod';
import type { Tier } from '../../lib/domain.js';
import { ADMIN_ONLY, READ_ROLES } from '../auth.js';
import type { ApiContext } from '../context.js';
import type { RouteRegistry } from '../route.js';

const TIERS: Tier[] = ['L1', 'L2', 'L3'];

/** Active cases of one tier (uses the page total when the backend gives one, else pages through). */
async function countActive(ctx: ApiContext, tier: Tier): Promise<number> {
  const first = await ctx.store.listCases({ tier, state: 'active', limit: 500, withHistory: false });
  if (first.total !== undefined) return first.total;
  let count = first.items.length;
  let cursor = first.nextCursor;
  while (cursor) {
    const page = await ctx.store.listCases({ tier, state: 'active', limit: 500, cursor, withHistory: false, withTotal: false });
    count += page.items.length;
    cursor = page.nextCursor;
  }
  return count;
}

export function registerHealthRoutes(registry: RouteRegistry, ctx: ApiContext): void {
  registry.add({
    method: 'get',
    path: '/health',
    tag: 'system',
    summary: 'Liveness',
    access: 'public',
    response: z.object({ status: z.literal('ok'), time: z.string() }),
    handler: () => ({ status: 'ok' as const, time: ctx.clock.now().toISOString() }),
  });

  registry.add({
    method: 'get',
    path: '/api/v1/me',
    tag: 'system',
    summary: 'The calling key (who am I)',
    description: 'The role and name of the API key making the request, so a client can show only the actions that role may take.',
    access: READ_ROLES,
    response: z.object({ keyId: z.string(), name: z.string(), role: z.enum(['consumer', 'customer_service', 'pr', 'executive', 'compliance', 'admin']) }),
    handler: async ({ principal }) => {
      // Authenticated routes always have a principal; the name is the key's label.
      const p = principal!;
      return { keyId: p.keyId, name: p.id, role: p.role };
    },
  });

  registry.add({
    method: 'get',
    path: '/metrics',
    tag: 'system',
    summary: 'Prometheus metrics',
    description: 'Admin key required unless server.metricsPublic is set. Refreshes the open-cases-by-tier gauge on each scrape.',
    access: ctx.config.server.metricsPublic ? 'public' : ADMIN_ONLY,
    produces: ['text/plain; version=0.0.4'],
    handler: async ({ res }) => {
      for (const tier of TIERS) ctx.metrics.openCases.set({ tier }, await countActive(ctx, tier));
      res.setHeader('Content-Type', ctx.metrics.registry.contentType);
      res.send(await ctx.metrics.registry.metrics());
      return undefined;
    },
  });
}
