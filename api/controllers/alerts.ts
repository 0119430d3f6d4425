import { z } from 'zod';
import type { Case } from '../../lib/domain.js';
import { NotFoundError } from '../../lib/errors.js';
import { CASE_ROLES } from '../auth.js';
import type { ApiContext, CaseActor } from '../context.js';
import { caseDto, caseSummariesDto, notificationDto } from '../dto.js';
import type { RouteRegistry } from '../route.js';
import { caseSchema, caseStateSchema, caseSummarySchema, idParams, limitParam, notificationSchema, ownerSchema, pageOf, tierSchema } from '../schemas.js';

const note = z.string().trim().min(1).max(2000);

const listQuery = z.object({
  tier: tierSchema.optional(),
  state: z
    .union([caseStateSchema, z.literal('active')])
    .optional()
    .describe('`active` = open, acknowledged or responded'),
  owner: ownerSchema.optional(),
  assignee: z.string().max(100).optional(),
  institution: z.string().max(64).optional(),
  overdue: z.enum(['true', 'false']).optional().describe('`true`: only cases past an unmet ack or completion deadline'),
  limit: limitParam(200, 50),
  cursor: z.string().max(500).optional(),
});

type Action = {
  name: string;
  summary: string;
  body: z.ZodObject<z.ZodRawShape>;
  run: (caseId: string, actor: CaseActor, body: Record<string, unknown>) => Promise<unknown>;
};

async function loadCase(ctx: ApiContext, id: string): Promise<Case> {
  const c = await ctx.store.getCase(id);
  if (!c) throw new NotFoundError('case', id);
  return c;
}

function registerAlertList(registry: RouteRegistry, ctx: ApiContext): void {
  registry.add({
    method: 'get',
    path: '/api/v1/alerts',
    tag: 'alerts',
    summary: 'List cases (the alert board)',
    description: 'Newest first. Items omit history and responses; fetch one case for those. `total` is given on the first page (no cursor).',
    access: CASE_ROLES,
    query: listQuery,
    cache: 'cases',
    response: pageOf(caseSummarySchema),
    handler: async ({ query }) => {
      const { overdue, ...rest } = query;
      // Board rows omit history, so the store skips loading it; the total is counted for the first page only.
      const page = await ctx.store.listCases({
        ...rest,
        overdueAt: overdue === 'true' ? ctx.clock.now().toISOString() : undefined,
        withHistory: false,
        withTotal: rest.cursor === undefined,
      });
      return { items: caseSummariesDto(ctx.dto, page.items), nextCursor: page.nextCursor, total: page.total };
    },
  });
}

function registerAlertGet(registry: RouteRegistry, ctx: ApiContext): void {
  registry.add({
    method: 'get',
    path: '/api/v1/alerts/:id',
    tag: 'alerts',
    summary: 'One case with its history',
    access: CASE_ROLES,
    params: idParams,
    response: caseSchema,
    handler: async ({ params }) => caseDto(ctx.dto, await loadCase(ctx, params.id)),
  });
}

function registerAlertNotifications(registry: RouteRegistry, ctx: ApiContext): void {
  registry.add({
    method: 'get',
    path: '/api/v1/alerts/:id/notifications',
    tag: 'alerts',
    summary: 'Notification delivery log of a case',
    access: CASE_ROLES,
    params: idParams,
    response: z.object({ items: z.array(notificationSchema) }),
    handler: async ({ params }) => {
      await loadCase(ctx, params.id);
      const items = await ctx.store.listNotifications(params.id);
      return { items: items.map(notificationDto) };
    },
  });
}

function caseActions(ctx: ApiContext): Action[] {
  return [
    {
      name: 'ack',
      summary: 'Acknowledge a case (stops the acknowledgement clock)',
      body: z.object({ note: note.optional() }),
      run: (id, actor, b) => ctx.workflow.acknowledge(id, actor, b.note as string | undefined),
    },
    {
      name: 'respond',
      summary: 'Record the response (reply to complainant, public statement, regulator notice)',
      body: z.object({
        kind: z.enum(['reply_to_complainant', 'public_statement', 'regulator_notice']),
        text: z.string().trim().min(1).max(10_000),
        url: z.url({ protocol: /^https?$/ }).optional(),
      }),
      run: (id, actor, b) => ctx.workflow.respond(id, actor, b as { kind: 'reply_to_complainant'; text: string; url?: string }),
    },
    {
      name: 'reassign',
      summary: 'Reassign a case to a person (and optionally another owner role)',
      body: z.object({ assignee: z.string().trim().min(1).max(100), owner: ownerSchema.optional() }),
      run: (id, actor, b) => ctx.workflow.reassign(id, actor, b as { assignee: string; owner?: Case['owner'] }),
    },
    {
      name: 'comment',
      summary: 'Add a comment to the case history',
      body: z.object({ text: z.string().trim().min(1).max(5000) }),
      run: (id, actor, b) => ctx.workflow.comment(id, actor, b.text as string),
    },
    {
      name: 'resolve',
      summary: 'Resolve a case',
      body: z.object({ note: note.optional() }),
      run: (id, actor, b) => ctx.workflow.resolve(id, actor, b.note as string | undefined),
    },
    {
      name: 'review',
      summary: 'Record the post-incident review (复盘) of a resolved case',
      body: z.object({ note }),
      run: (id, actor, b) => ctx.workflow.review(id, actor, b.note as string),
    },
  ];
}

function registerAlertAction(registry: RouteRegistry, ctx: ApiContext, action: Action): void {
  registry.add({
    method: 'post',
    path: `/api/v1/alerts/:id/${action.name}`,
    tag: 'alerts',
    summary: action.summary,
    description: 'The workflow decides whether the caller’s role may act on the case’s tier (403 otherwise) and whether the state allows it (409).',
    access: CASE_ROLES,
    params: idParams,
    body: action.body,
    response: caseSchema,
    handler: async ({ params, body, principal }) => {
      await loadCase(ctx, params.id);
      const actor: CaseActor = { id: principal!.id, role: principal!.role };
      await action.run(params.id, actor, body as Record<string, unknown>);
      return caseDto(ctx.dto, await loadCase(ctx, params.id));
    },
  });
}

export function registerAlertRoutes(registry: RouteRegistry, ctx: ApiContext): void {
  registerAlertList(registry, ctx);
  registerAlertGet(registry, ctx);
  registerAlertNotifications(registry, ctx);
  for (const action of caseActions(ctx)) registerAlertAction(registry, ctx, action);
}
