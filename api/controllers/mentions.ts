import { z } from 'zod';
import { ApiError, NotFoundError } from '../../lib/errors.js';
import type { MentionQuery } from '../../store/store.js';
import { READ_ROLES } from '../auth.js';
import type { ApiContext } from '../context.js';
import { csvRow, startDownload, UTF8_BOM, writeChunk } from '../csv.js';
import { createHighlighter, mentionDto } from '../dto.js';
import type { RouteRegistry } from '../route.js';
import { idParams, instantParam, limitParam, mentionSchema, pageOf, sentimentLabelSchema } from '../schemas.js';

const filters = {
  q: z.string().trim().min(1).max(200).optional().describe('Full-text query: all terms must match (space-separated; Chinese is segmented)'),
  institution: z.string().max(64).optional(),
  source: z.string().max(64).optional(),
  sentiment: sentimentLabelSchema.optional(),
  topic: z.string().max(64).optional(),
  from: instantParam.optional().describe('Published at or after (ISO-8601)'),
  to: instantParam.optional().describe('Published before (ISO-8601)'),
};

const searchQuery = z.object({ ...filters, limit: limitParam(200, 20), cursor: z.string().max(500).optional() });
const exportQuery = z.object({ ...filters, format: z.enum(['csv', 'ndjson']).default('csv'), max: limitParam(1_000_000, 10_000).describe('Row cap') });

/** Search terms: whitespace-separated parts, each segmented by the tokenizer when one is wired. */
export function queryTerms(q: string | undefined, tokenize?: (t: string) => string[]): string[] {
  if (!q) return [];
  const parts = q.split(/\s+/).filter(Boolean);
  const terms = tokenize ? parts.flatMap((p) => tokenize(p)) : parts;
  return [...new Set(terms.map((t) => t.trim()).filter((t) => t.length > 0 && !/^[\p{P}\p{S}\s]+$/u.test(t)))];
}

function checkRange(from: string | undefined, to: string | undefined): void {
  if (from && to && from >= to)
    throw new ApiError(400, 'invalid_request', 'invalid query.from: must be before query.to', [{ path: 'query.from', message: 'must be before to' }]);
}

function toStoreQuery(q: z.output<typeof searchQuery> | z.output<typeof exportQuery>, terms: string[], limit: number, cursor?: string): MentionQuery {
  return {
    q: terms.length > 0 ? terms.join(' ') : undefined,
    institution: q.institution,
    source: q.source,
    sentiment: q.sentiment,
    topic: q.topic,
    from: q.from,
    to: q.to,
    limit,
    cursor,
  };
}

function registerMentionSearch(registry: RouteRegistry, ctx: ApiContext): void {
  registry.add({
    method: 'get',
    path: '/api/v1/mentions',
    tag: 'mentions',
    summary: 'Search mentions',
    description: 'Full-text search over PII-masked mentions, newest first, with <mark> highlights of the matched terms.',
    access: READ_ROLES,
    query: searchQuery,
    cache: 'mentions',
    response: pageOf(mentionSchema),
    handler: async ({ query }) => {
      checkRange(query.from, query.to);
      const terms = queryTerms(query.q, ctx.tokenize);
      const page = await ctx.search.search(toStoreQuery(query, terms, query.limit, query.cursor));
      const highlight = terms.length > 0 ? createHighlighter(terms) : undefined;
      return {
        items: page.items.map((m) => mentionDto(ctx.dto, m, highlight)),
        nextCursor: page.nextCursor,
        total: page.total,
      };
    },
  });
}

function registerMentionExport(registry: RouteRegistry, ctx: ApiContext): void {
  registry.add({
    method: 'get',
    path: '/api/v1/mentions/export',
    tag: 'mentions',
    summary: 'Export mentions as CSV (UTF-8 with BOM) or NDJSON',
    description: 'Streams every mention matching the filters (up to `max`), newest first.',
    access: READ_ROLES,
    query: exportQuery,
    produces: ['text/csv; charset=utf-8', 'application/x-ndjson'],
    handler: async ({ query, res }) => {
      checkRange(query.from, query.to);
      const terms = queryTerms(query.q, ctx.tokenize);
      const csv = query.format === 'csv';
      startDownload(res, csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8', `mentions.${csv ? 'csv' : 'ndjson'}`);
      if (csv) {
        await writeChunk(
          res,
          UTF8_BOM +
            csvRow(['id', 'source', 'sourceType', 'publishedAt', 'institutions', 'sentiment', 'negativeScore', 'topics', 'author', 'title', 'text', 'url']),
        );
      }
      let written = 0;
      let cursor: string | undefined;
      do {
        const page = await ctx.search.search(toStoreQuery(query, terms, Math.min(500, query.max - written), cursor));
        let chunk = '';
        for (const m of page.items) {
          const d = mentionDto(ctx.dto, m);
          chunk += csv
            ? csvRow([
                d.id,
                d.source,
                d.sourceType,
                d.publishedAt,
                d.institutions.map((i) => i.name).join('|'),
                d.sentiment?.label,
                d.sentiment?.score,
                d.topics.map((t) => t.label).join('|'),
                d.author.name,
                d.title,
                d.text,
                d.url,
              ])
            : `${JSON.stringify(d)}\n`;
        }
        written += page.items.length;
        cursor = page.nextCursor;
        if (!(await writeChunk(res, chunk))) return undefined;
      } while (cursor && written < query.max);
      res.end();
      return undefined;
    },
  });
}

function registerMentionGet(registry: RouteRegistry, ctx: ApiContext): void {
  registry.add({
    method: 'get',
    path: '/api/v1/mentions/:id',
    tag: 'mentions',
    summary: 'One mention',
    access: READ_ROLES,
    params: idParams,
    response: mentionSchema,
    handler: async ({ params }) => {
      const m = await ctx.store.getMention(params.id);
      if (!m) throw new NotFoundError('mention', params.id);
      return mentionDto(ctx.dto, m);
    },
  });
}

export function registerMentionRoutes(registry: RouteRegistry, ctx: ApiContext): void {
  registerMentionSearch(registry, ctx);
  registerMentionExport(registry, ctx);
  registerMentionGet(registry, ctx);
}
