import { z } from 'zod';
import { NotFoundError } from '../../lib/errors.js';
import { isMediaMention } from '../../lib/who-counts.js';
import { READ_ROLES } from '../auth.js';
import type { ApiContext } from '../context.js';
import { caseSummaryDto, eventDto, mentionDto } from '../dto.js';
import type { RouteRegistry } from '../route.js';
import { caseSummarySchema, eventSchema, idParams, instantParam, limitParam, mentionSchema, pageOf } from '../schemas.js';

const timelineEntrySchema = z.object({
  at: z.string(),
  /** `mention` (a post joined), `media` (a media post), or a case history type (`opened`, `promoted` …). */
  type: z.string(),
  text: z.string(),
  tier: z.enum(['L1', 'L2', 'L3']).optional(),
  ref: z.string().optional(),
});

const eventDetailSchema = eventSchema.extend({
  mentions: z.array(mentionSchema),
  /** Mentions per hour (UTC hour start; Asia/Shanghai has the same hour boundaries). */
  hourly: z.array(z.object({ bucket: z.string(), count: z.number().int(), negative: z.number().int() })),
  timeline: z.array(timelineEntrySchema),
  case: caseSummarySchema.optional(),
});

export function registerEventRoutes(registry: RouteRegistry, ctx: ApiContext): void {
  registry.add({
    method: 'get',
    path: '/api/v1/events',
    tag: 'events',
    summary: 'List events (clusters of mentions about one issue)',
    access: READ_ROLES,
    query: z.object({
      institution: z.string().max(64).optional(),
      topic: z.string().max(64).optional(),
      from: instantParam.optional(),
      to: instantParam.optional(),
      limit: limitParam(200, 50),
      cursor: z.string().max(500).optional(),
    }),
    response: pageOf(eventSchema),
    handler: async ({ query }) => {
      const page = await ctx.store.listEvents(query);
      return { items: page.items.map((e) => eventDto(ctx.dto, e)), nextCursor: page.nextCursor, total: page.total };
    },
  });

  registry.add({
    method: 'get',
    path: '/api/v1/events/:id',
    tag: 'events',
    summary: 'One event with its mentions, hourly volume and timeline',
    access: READ_ROLES,
    params: idParams,
    query: z.object({ mentions: limitParam(500, 100).describe('How many mentions to include') }),
    response: eventDetailSchema,
    handler: async ({ params, query, principal }) => {
      const event = await ctx.store.getEvent(params.id);
      if (!event) throw new NotFoundError('event', params.id);
      const [mentions, kase] = await Promise.all([ctx.store.listEventMentions(event.id, query.mentions), ctx.store.getCaseByEvent(event.id)]);
      const dtos = mentions.map((m) => mentionDto(ctx.dto, m));
      const hourly = new Map<string, { count: number; negative: number }>();
      for (const m of dtos) {
        const bucket = `${m.publishedAt.slice(0, 13)}:00:00.000Z`;
        const h = hourly.get(bucket) ?? { count: 0, negative: 0 };
        h.count += 1;
        if (m.sentiment?.label === 'negative') h.negative += 1;
        hourly.set(bucket, h);
      }
      const media = mentions.map(isMediaMention);
      const timeline: z.input<typeof timelineEntrySchema>[] = dtos.map((m, i) => ({
        at: m.publishedAt,
        type: media[i] ? 'media' : 'mention',
        text: `${m.author.name}: ${(m.title ?? m.text).slice(0, 80)}`,
        ref: m.id,
      }));
      const showCase = kase && principal?.role !== 'consumer';
      if (showCase) for (const h of kase.history) timeline.push({ at: h.at, type: h.type, text: h.reason ?? h.type, tier: h.tier, ref: kase.id });
      timeline.sort((a, b) => a.at.localeCompare(b.at));
      return {
        ...eventDto(ctx.dto, event),
        mentions: dtos,
        hourly: [...hourly.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([bucket, h]) => ({ bucket, ...h })),
        timeline,
        case: showCase ? caseSummaryDto(ctx.dto, kase) : undefined,
      };
    },
  });
}
