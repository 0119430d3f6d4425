import { z } from 'zod';
import { loadDigest } from '../../escalation/digest.js';
import { attributionReport, dayBounds, monthBounds, netSentiment, shanghaiDate, slaReport, sumSeries } from '../../escalation/reports.js';
import { ApiError } from '../../lib/errors.js';
import { READ_ROLES } from '../auth.js';
import type { ApiContext } from '../context.js';
import { csvRow, startDownload, UTF8_BOM, writeChunk } from '../csv.js';
import type { RouteRegistry } from '../route.js';
import { instantParam, limitParam, sentimentLabelSchema, seriesPointSchema, tierSchema } from '../schemas.js';

const DAY = 86_400_000;
const totalsSchema = z.object({
  negative: z.number().int(),
  neutral: z.number().int(),
  positive: z.number().int(),
  total: z.number().int(),
  netSentiment: z.number().nullable(),
});
const tierCounts = z.object({ L1: z.number().int(), L2: z.number().int(), L3: z.number().int() });
const slaRow = z.object({
  cases: z.number().int(),
  open: z.number().int(),
  acknowledged: z.number().int(),
  meanTimeToAcknowledgeMinutes: z.number().nullable(),
  responded: z.number().int(),
  meanTimeToRespondMinutes: z.number().nullable(),
  due: z.number().int(),
  withinDeadline: z.number().int(),
  withinDeadlinePct: z.number().nullable(),
  breaches: z.number().int(),
});
const labelled = z.array(z.object({ id: z.string(), label: z.string(), count: z.number().int() }));

function range(from: string | undefined, to: string | undefined, now: Date, defaultDays: number, maxDays: number): { from: string; to: string } {
  const end = to ?? now.toISOString();
  const start = from ?? new Date(new Date(end).getTime() - defaultDays * DAY).toISOString();
  if (start >= end)
    throw new ApiError(400, 'invalid_request', 'invalid query.from: must be before query.to', [{ path: 'query.from', message: 'must be before to' }]);
  if (new Date(end).getTime() - new Date(start).getTime() > maxDays * DAY) {
    throw new ApiError(400, 'invalid_request', `invalid query.from: range longer than ${maxDays} days`, [
      { path: 'query.from', message: `range longer than ${maxDays} days` },
    ]);
  }
  return { from: start, to: end };
}

function registerSentimentReport(registry: RouteRegistry, ctx: ApiContext): void {
  registry.add({
    method: 'get',
    path: '/api/v1/reports/sentiment',
    tag: 'reports',
    summary: 'Sentiment time series (counts per label and net sentiment index)',
    description:
      'netSentiment = (positive − negative) / total. Defaults: the last 30 days by day, the last 48 hours by hour. `format=csv` downloads the series.',
    access: READ_ROLES,
    query: z.object({
      interval: z.enum(['hour', 'day']).default('day'),
      groupBy: z.enum(['source', 'topic', 'institution']).optional(),
      from: instantParam.optional(),
      to: instantParam.optional(),
      institution: z.string().max(64).optional(),
      source: z.string().max(64).optional(),
      topic: z.string().max(64).optional(),
      format: z.enum(['json', 'csv']).default('json'),
    }),
    response: z.object({
      interval: z.enum(['hour', 'day']),
      groupBy: z.enum(['source', 'topic', 'institution']).optional(),
      from: z.string(),
      to: z.string(),
      points: z.array(seriesPointSchema),
      totals: totalsSchema,
    }),
    produces: ['text/csv; charset=utf-8'],
    cache: 'mentions',
    handler: async ({ query, res }) => {
      const { from, to } = range(query.from, query.to, ctx.clock.now(), query.interval === 'hour' ? 2 : 30, query.interval === 'hour' ? 31 : 400);
      const points = await ctx.search.sentimentSeries({
        from,
        to,
        interval: query.interval,
        groupBy: query.groupBy,
        institution: query.institution,
        source: query.source,
        topic: query.topic,
      });
      if (query.format === 'csv') {
        startDownload(res, 'text/csv; charset=utf-8', `sentiment-${query.interval}.csv`);
        let body = UTF8_BOM + csvRow(['bucket', 'group', 'negative', 'neutral', 'positive', 'total', 'netSentiment']);
        for (const p of points) body += csvRow([p.bucket, p.group, p.negative, p.neutral, p.positive, p.total, p.netSentiment]);
        await writeChunk(res, body);
        res.end();
        return undefined;
      }
      const totals = sumSeries(points);
      return { interval: query.interval, groupBy: query.groupBy, from, to, points, totals: { ...totals, netSentiment: netSentiment(totals) } };
    },
  });
}

function registerShareOfVoiceReport(registry: RouteRegistry, ctx: ApiContext): void {
  registry.add({
    method: 'get',
    path: '/api/v1/reports/share-of-voice',
    tag: 'reports',
    summary: 'Share of voice against the peers on the watchlist',
    description: 'Every watched institution, our bank flagged, sorted by mentions. Default range: the last 30 days.',
    access: READ_ROLES,
    query: z.object({ from: instantParam.optional(), to: instantParam.optional() }),
    response: z.object({
      from: z.string(),
      to: z.string(),
      totalMentions: z.number().int(),
      items: z.array(
        z.object({
          institution: z.string(),
          name: z.string(),
          ourBank: z.boolean(),
          mentions: z.number().int(),
          negative: z.number().int(),
          neutral: z.number().int(),
          positive: z.number().int(),
          /** mentions / all watched mentions, 0..1 */
          share: z.number(),
          negativeShare: z.number(),
          netSentiment: z.number().nullable(),
        }),
      ),
    }),
    handler: async ({ query }) => {
      const { from, to } = range(query.from, query.to, ctx.clock.now(), 30, 400);
      const rows = new Map((await ctx.search.shareOfVoice(from, to)).map((r) => [r.institution, r]));
      const totalMentions = [...rows.values()].reduce((a, r) => a + r.mentions, 0);
      const totalNegative = [...rows.values()].reduce((a, r) => a + r.negative, 0);
      const items = ctx.config.watchlist.map((inst) => {
        const r = rows.get(inst.id) ?? { mentions: 0, negative: 0, neutral: 0, positive: 0 };
        return {
          institution: inst.id,
          name: inst.name,
          ourBank: inst.ourBank,
          mentions: r.mentions,
          negative: r.negative,
          neutral: r.neutral,
          positive: r.positive,
          share: totalMentions === 0 ? 0 : Math.round((r.mentions / totalMentions) * 10_000) / 10_000,
          negativeShare: totalNegative === 0 ? 0 : Math.round((r.negative / totalNegative) * 10_000) / 10_000,
          netSentiment: netSentiment({ negative: r.negative, positive: r.positive, total: r.mentions }),
        };
      });
      items.sort((a, b) => b.mentions - a.mentions || Number(b.ourBank) - Number(a.ourBank) || a.institution.localeCompare(b.institution));
      return { from, to, totalMentions, items };
    },
  });
}

function registerTopTermsReport(registry: RouteRegistry, ctx: ApiContext): void {
  registry.add({
    method: 'get',
    path: '/api/v1/reports/top-terms',
    tag: 'reports',
    summary: 'Top terms (高频词): the words most mentions contain',
    description: 'Counts mentions published in [from, to) per jieba token of two or more characters. Default range: the last 7 days.',
    access: READ_ROLES,
    query: z.object({
      from: instantParam.optional(),
      to: instantParam.optional(),
      institution: z.string().max(64).optional(),
      source: z.string().max(64).optional(),
      sentiment: sentimentLabelSchema.optional(),
      topic: z.string().max(64).optional(),
      limit: limitParam(200, 50),
    }),
    response: z.object({ from: z.string(), to: z.string(), items: z.array(z.object({ term: z.string(), count: z.number().int() })) }),
    cache: 'mentions',
    handler: async ({ query }) => {
      const { from, to } = range(query.from, query.to, ctx.clock.now(), 7, 400);
      const { institution, source, sentiment, topic, limit } = query;
      return { from, to, items: await ctx.search.topTerms({ from, to, institution, source, sentiment, topic, limit }) };
    },
  });
}

function registerSlaReport(registry: RouteRegistry, ctx: ApiContext): void {
  registry.add({
    method: 'get',
    path: '/api/v1/reports/sla',
    tag: 'reports',
    summary: 'SLA per tier: time to acknowledge and respond, share within deadline, breaches',
    description: 'Over cases opened in [from, to) (default: the last 30 days), by each case’s current tier.',
    access: READ_ROLES,
    query: z.object({ from: instantParam.optional(), to: instantParam.optional() }),
    response: z.object({
      from: z.string(),
      to: z.string(),
      tiers: z.array(slaRow.extend({ tier: tierSchema, label: z.string() })),
      total: slaRow,
    }),
    handler: async ({ query }) => {
      const now = ctx.clock.now();
      const { from, to } = range(query.from, query.to, now, 30, 400);
      const cases = await ctx.store.listCasesOpenedBetween(from, to);
      return { from, to, ...slaReport(cases, now) };
    },
  });
}

function registerAttributionReport(registry: RouteRegistry, ctx: ApiContext): void {
  registry.add({
    method: 'get',
    path: '/api/v1/reports/attribution',
    tag: 'reports',
    summary: 'Monthly attribution (月度归因): business line × cause',
    access: READ_ROLES,
    query: z.object({
      month: z
        .string()
        .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected YYYY-MM')
        .optional()
        .describe('Default: the current month (Asia/Shanghai)'),
    }),
    response: z.object({
      month: z.string(),
      from: z.string(),
      to: z.string(),
      totalCases: z.number().int(),
      businessLines: labelled,
      causes: labelled,
      cells: z.array(z.object({ businessLine: z.string(), cause: z.string(), count: z.number().int(), byTier: tierCounts })),
    }),
    handler: async ({ query }) => {
      const month = query.month ?? shanghaiDate(ctx.clock.now()).slice(0, 7);
      const { from, to } = monthBounds(month);
      const cases = await ctx.store.listCasesOpenedBetween(from, to);
      return attributionReport(cases, month, ctx.topicInfo);
    },
  });
}

function registerDigestReport(registry: RouteRegistry, ctx: ApiContext): void {
  registry.add({
    method: 'get',
    path: '/api/v1/reports/digest',
    tag: 'reports',
    summary: 'Daily digest (每日简报)',
    description:
      'New cases by tier, promotions, breaches, top negative events and net sentiment vs the previous 7-day average. Default date: yesterday (Asia/Shanghai).',
    access: READ_ROLES,
    query: z.object({
      date: z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
        .optional(),
    }),
    response: z.object({
      date: z.string(),
      from: z.string(),
      to: z.string(),
      newCases: tierCounts.extend({ total: z.number().int() }),
      promotions: z.number().int(),
      breaches: z.array(z.object({ caseId: z.string(), tier: tierSchema, title: z.string(), institution: z.string(), at: z.string() })),
      topNegativeEvents: z.array(
        z.object({
          id: z.string(),
          title: z.string(),
          institution: z.string(),
          institutionName: z.string(),
          negativeCount: z.number().int(),
          mentionCount: z.number().int(),
        }),
      ),
      sentiment: totalsSchema.extend({ sevenDayAverage: z.number().nullable(), delta: z.number().nullable() }),
      lines: z.array(z.string()),
    }),
    handler: async ({ query }) => {
      const date = query.date ?? shanghaiDate(new Date(ctx.clock.now().getTime() - DAY));
      try {
        dayBounds(date);
      } catch {
        throw new ApiError(400, 'invalid_request', 'invalid query.date: not a calendar date', [{ path: 'query.date', message: 'not a calendar date' }]);
      }
      return loadDigest(ctx.store, date, ctx.dto.institutionName);
    },
  });
}

export function registerReportRoutes(registry: RouteRegistry, ctx: ApiContext): void {
  registerSentimentReport(registry, ctx);
  registerShareOfVoiceReport(registry, ctx);
  registerTopTermsReport(registry, ctx);
  registerSlaReport(registry, ctx);
  registerAttributionReport(registry, ctx);
  registerDigestReport(registry, ctx);
}
