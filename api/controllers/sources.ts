import { z } from 'zod';
import type { SourceHealth } from '../../lib/domain.js';
import { NotFoundError } from '../../lib/errors.js';
import { ADMIN_ONLY, CASE_ROLES } from '../auth.js';
import type { ApiContext } from '../context.js';
import type { RouteRegistry } from '../route.js';
import { sourceStatusSchema } from '../schemas.js';

export function registerSourceRoutes(registry: RouteRegistry, ctx: ApiContext): void {
  registry.add({
    method: 'get',
    path: '/api/v1/sources',
    tag: 'sources',
    summary: 'Crawl sources and their health',
    access: CASE_ROLES,
    response: z.object({ items: z.array(sourceStatusSchema) }),
    handler: async () => {
      const health = new Map((await ctx.store.listSourceHealth()).map((h) => [h.source, h]));
      const configured = ctx.config.crawl.sources;
      const ids = [...new Set([...ctx.crawl.sourceIds(), ...Object.keys(configured), ...health.keys()])].sort();
      return {
        items: ids.map((id) => {
          const cfg = configured[id];
          const h: SourceHealth = health.get(id) ?? {
            source: id,
            status: cfg && !cfg.enabled ? 'disabled' : 'idle',
            consecutiveFailures: 0,
            itemsFetched: 0,
            itemsMalformed: 0,
            running: false,
          };
          return { ...h, kind: cfg?.kind, enabled: cfg?.enabled ?? true, schedule: cfg?.schedule };
        }),
      };
    },
  });

  registry.add({
    method: 'post',
    path: '/api/v1/sources/:id/run',
    tag: 'sources',
    summary: 'Run a crawl of one source now',
    description: 'Starts the crawl and answers 202 at once; watch GET /api/v1/sources or the event stream for the result.',
    access: ADMIN_ONLY,
    params: z.object({ id: z.string().regex(/^[a-z][a-z0-9:_-]*$/, 'expected a source id') }),
    status: 202,
    response: z.object({ source: z.string(), status: z.literal('started') }),
    handler: async ({ params, principal }) => {
      if (!ctx.crawl.sourceIds().includes(params.id)) throw new NotFoundError('source', params.id);
      ctx.crawl.runNow(params.id).catch((err: unknown) => ctx.log.warn('manual crawl failed', { source: params.id, err: String(err) }));
      await ctx.store.appendAudit({ at: ctx.clock.now().toISOString(), actor: principal!.id, action: 'source.run', target: `source:${params.id}` });
      return { source: params.id, status: 'started' as const };
    },
  });
}
