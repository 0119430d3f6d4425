import type { SourceConfig } from '../../config/sections/crawl.js';
import type { Clock } from '../../lib/clock.js';
import type { RawPost } from '../../lib/domain.js';
import { NonRetryableError } from '../../lib/errors.js';
import { parseChineseDate } from '../core/dates.js';
import { stripHtml } from '../core/text.js';
import type { PageResult, SourceAdapter, SourceContext } from '../types.js';
import { applyCursor, asArray, asRecord, baseOf, type Json, outlet, str } from './common.js';

export type EastmoneyConfig = Extract<SourceConfig, { kind: 'eastmoney' }>;

export const EASTMONEY_PAGE_SIZE = 10;

/** The `param` JSON of the search-api-web JSONP call (akshare's shape). */
export function eastmoneyParam(keyword: string, pageIndex: number): Record<string, unknown> {
  return {
    uid: '',
    keyword,
    type: ['cmsArticleWebOld'],
    client: 'web',
    clientType: 'web',
    clientVersion: 'curr',
    param: { cmsArticleWebOld: { searchScope: 'default', sort: 'default', pageIndex, pageSize: EASTMONEY_PAGE_SIZE, preTag: '<em>', postTag: '</em>' } },
  };
}

/** One `cmsArticleWebOld[]` item → RawPost; `date` is `YYYY-MM-DD HH:MM:SS` China time. */
export function parseEastmoneyItem(item: Json, opts: { source: string; query: string; clock: Clock }): RawPost | undefined {
  const code = str(item.code);
  const title = stripHtml(str(item.title) ?? '');
  const publishedAt = parseChineseDate(str(item.date), opts.clock);
  if (!code || !title || !publishedAt) return undefined;
  return {
    source: opts.source,
    sourceType: 'news',
    nativeId: code,
    url: str(item.url) ?? `http://finance.eastmoney.com/a/${code}.html`,
    title,
    text: stripHtml(str(item.content) ?? '') || title,
    author: outlet(str(item.mediaName) ?? '东方财富网'),
    publishedAt: publishedAt.toISOString(),
    query: opts.query,
  };
}

/** Eastmoney news search (`/search/jsonp?cb=…&param=…`); the core strips the JSONP wrapper. */
export class EastmoneyAdapter implements SourceAdapter {
  readonly type = 'news' as const;

  constructor(
    readonly id: string,
    private readonly config: EastmoneyConfig,
  ) {}

  async fetchPage(query: string, page: number | string | undefined, ctx: SourceContext): Promise<PageResult> {
    const pageIndex = page === undefined ? 1 : Number(page);
    const now = ctx.clock.now().getTime();
    const cb = `jQuery35107${String(now).slice(-9)}_${now}`;
    const res = await ctx.fetcher.fetch({
      url: `${baseOf(this.config.baseUrl)}/search/jsonp?cb=${cb}&param=${encodeURIComponent(JSON.stringify(eastmoneyParam(query, pageIndex)))}&_=${now}`,
      headers: { referer: `https://so.eastmoney.com/news/s?keyword=${encodeURIComponent(query)}` },
      expect: 'json',
    });
    const list = asArray(asRecord(asRecord(res.json)?.result)?.cmsArticleWebOld);
    if (!list) throw new NonRetryableError('eastmoney: response without result.cmsArticleWebOld');
    const posts: RawPost[] = [];
    let malformed = 0;
    for (const raw of list) {
      const post = asRecord(raw) ? parseEastmoneyItem(raw as Json, { source: this.id, query, clock: ctx.clock }) : undefined;
      if (post) posts.push(post);
      else malformed += 1;
    }
    const cut = applyCursor(posts, ctx.cursor);
    return { posts: cut.posts, malformed, ...(list.length >= EASTMONEY_PAGE_SIZE && !cut.reached ? { nextPage: pageIndex + 1 } : {}) };
  }
}
