import { createHash } from 'node:crypto';
import type { SourceConfig } from '../../config/sections/crawl.js';
import type { RawPost } from '../../lib/domain.js';
import { NonRetryableError } from '../../lib/errors.js';
import { parseUnixSeconds } from '../core/dates.js';
import { stripHtml } from '../core/text.js';
import type { PageResult, SourceAdapter, SourceContext } from '../types.js';
import { applyCursor, asArray, asRecord, baseOf, type Json, mentions, num, outlet, str } from './common.js';

export type ClsConfig = Extract<SourceConfig, { kind: 'cls' }>;

/** Telegraphs per request. */
export const CLS_RN = 20;

/**
 * 财联社 `sign` (reference/sources.md §4.3): the query without `sign`, keys sorted, URL-encoded
 * (`URLSearchParams` form), SHA-1 hex, then MD5 hex of that.
 */
export function clsSign(params: Record<string, string>): string {
  const q = new URLSearchParams(Object.entries(params).filter(([k]) => k !== 'sign'));
  q.sort();
  const sha1 = createHash('sha1').update(q.toString(), 'utf8').digest('hex');
  return createHash('md5').update(sha1, 'utf8').digest('hex');
}

/** Paid-column (VIP 专栏) names that head teaser rows, e.g. 【金牌纪要库】. */
const PAID_COLUMN = /^【(金牌纪要库|风口研报|电报解读|研选|公司调研|题材挖掘|午间解读|盘中宝|科创板日报VIP)/;

/**
 * A paid-column teaser, not a telegraph: real telegraphs carry `type: -1`; teasers another type and a
 * column name as the title. Rows without `type` (older payloads) count as telegraphs unless titled like a column.
 */
export function isPaidTeaser(item: Json): boolean {
  const type = num(item.type);
  if (type !== undefined && type !== -1) return true;
  return PAID_COLUMN.test(str(item.title) ?? '');
}

/** One `roll_data[]` item → RawPost; ads (is_ad=1) are the caller's to drop. Empty title → brief, then content. */
export function parseClsItem(item: Json, opts: { source: string; query: string; baseUrl: string }): RawPost | undefined {
  const id = str(item.id);
  const publishedAt = parseUnixSeconds(str(item.ctime));
  const content = stripHtml(str(item.content) ?? '');
  const brief = stripHtml(str(item.brief) ?? '');
  const rawTitle = stripHtml(str(item.title) ?? '') || brief || content;
  if (!id || !publishedAt || !rawTitle) return undefined;
  const title = (/^【([^】]+)】/.exec(rawTitle)?.[1] ?? rawTitle).slice(0, 120);
  return {
    source: opts.source,
    sourceType: 'news',
    nativeId: id,
    url: `${baseOf(opts.baseUrl)}/detail/${id}`,
    title,
    text: content || brief || title,
    author: outlet('财联社'),
    publishedAt: publishedAt.toISOString(),
    query: opts.query,
  };
}

/** 财联社 telegraph roll (`/v1/roll/get_roll_list`), paged backwards by `last_time` (page = ctime of the oldest item seen). */
export class ClsAdapter implements SourceAdapter {
  readonly type = 'news' as const;

  constructor(
    readonly id: string,
    private readonly config: ClsConfig,
  ) {}

  async fetchPage(query: string, page: number | string | undefined, ctx: SourceContext): Promise<PageResult> {
    const lastTime = page === undefined ? String(Math.floor(ctx.clock.now().getTime() / 1000)) : String(page);
    const params: Record<string, string> = {
      app: 'CailianpressWeb',
      category: '',
      last_time: lastTime,
      os: 'web',
      refresh_type: '1',
      rn: String(CLS_RN),
      sv: '8.4.6',
    };
    const q = new URLSearchParams(params);
    q.sort();
    q.append('sign', clsSign(params));
    const res = await ctx.fetcher.fetch({
      url: `${baseOf(this.config.baseUrl)}/v1/roll/get_roll_list?${q.toString()}`,
      headers: { referer: 'https://www.cls.cn/telegraph' },
      expect: 'json',
    });
    const body = asRecord(res.json);
    if (num(body?.errno) !== 0) throw new NonRetryableError(`cls: errno ${String(body?.errno)} ${str(body?.msg) ?? ''}`);
    const roll = asArray(asRecord(body?.data)?.roll_data);
    if (!roll) throw new NonRetryableError('cls: response without data.roll_data');
    const posts: RawPost[] = [];
    let malformed = 0;
    let oldest: number | undefined;
    for (const raw of roll) {
      const item = asRecord(raw);
      const ctime = num(item?.ctime);
      if (ctime !== undefined) oldest = oldest === undefined ? ctime : Math.min(oldest, ctime);
      if (item && (num(item.is_ad) === 1 || isPaidTeaser(item))) continue;
      const post = item ? parseClsItem(item, { source: this.id, query, baseUrl: this.config.baseUrl }) : undefined;
      if (!post) malformed += 1;
      else if (mentions(`${post.title ?? ''} ${post.text}`, query)) posts.push(post);
    }
    const cut = applyCursor(posts, ctx.cursor);
    const more = roll.length >= CLS_RN && oldest !== undefined && String(oldest) !== lastTime && !cut.reached;
    return { posts: cut.posts, malformed, ...(more ? { nextPage: String(oldest) } : {}) };
  }
}
