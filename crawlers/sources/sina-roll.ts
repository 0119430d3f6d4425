import type { SourceConfig } from '../../config/sections/crawl.js';
import type { RawPost } from '../../lib/domain.js';
import { NonRetryableError } from '../../lib/errors.js';
import { parseUnixSeconds } from '../core/dates.js';
import { stripHtml } from '../core/text.js';
import type { PageResult, SourceAdapter, SourceContext } from '../types.js';
import { applyCursor, asArray, asRecord, baseOf, type Json, mentions, outlet, str } from './common.js';

export type SinaRollConfig = Extract<SourceConfig, { kind: 'sina-roll' }>;

/** Items per request (the API caps `num` at 50). */
export const SINA_ROLL_NUM = 50;

/** One `result.data[]` item → RawPost; undefined without title, url or a Unix-seconds ctime. */
export function parseSinaRollItem(item: Json, opts: { source: string; query: string }): RawPost | undefined {
  const title = stripHtml(str(item.title) ?? '');
  const url = str(item.url);
  const publishedAt = parseUnixSeconds(str(item.ctime) ?? str(item.intime));
  if (!title || !url || !publishedAt) return undefined;
  return {
    source: opts.source,
    sourceType: 'news',
    nativeId: str(item.docid) ?? url,
    url,
    title,
    text: stripHtml(str(item.intro) ?? '') || title,
    author: outlet(str(item.media_name) ?? '新浪财经'),
    publishedAt: publishedAt.toISOString(),
    query: opts.query,
  };
}

/** Sina roll news (feed.mix.sina.com.cn `/api/roll/get`): a feed, filtered locally when a keyword is given. */
export class SinaRollAdapter implements SourceAdapter {
  readonly type = 'news' as const;

  constructor(
    readonly id: string,
    private readonly config: SinaRollConfig,
  ) {}

  async fetchPage(query: string, page: number | string | undefined, ctx: SourceContext): Promise<PageResult> {
    const pageNo = page === undefined ? 1 : Number(page);
    const now = ctx.clock.now().getTime();
    const q = new URLSearchParams({
      pageid: String(this.config.pageid),
      lid: String(this.config.lid),
      k: '',
      num: String(SINA_ROLL_NUM),
      page: String(pageNo),
      r: ((now % 1_000_000) / 1_000_000).toFixed(6),
      _: String(now),
    });
    const res = await ctx.fetcher.fetch({
      url: `${baseOf(this.config.baseUrl)}/api/roll/get?${q.toString()}`,
      headers: { referer: 'https://news.sina.com.cn/' },
      expect: 'json',
    });
    const data = asArray(asRecord(asRecord(res.json)?.result)?.data);
    if (!data) throw new NonRetryableError('sina-roll: response without result.data');
    const posts: RawPost[] = [];
    let malformed = 0;
    for (const raw of data) {
      const post = asRecord(raw) ? parseSinaRollItem(raw as Json, { source: this.id, query }) : undefined;
      if (!post) malformed += 1;
      else if (mentions(`${post.title ?? ''} ${post.text}`, query)) posts.push(post);
    }
    const cut = applyCursor(posts, ctx.cursor);
    return { posts: cut.posts, malformed, ...(data.length >= SINA_ROLL_NUM && !cut.reached ? { nextPage: pageNo + 1 } : {}) };
  }
}
