import type { SourceConfig } from '../../config/sections/crawl.js';
import type { Institution } from '../../config/sections/watchlist.js';
import type { Clock } from '../../lib/clock.js';
import type { Author, RawPost } from '../../lib/domain.js';
import { BlockedError, NonRetryableError } from '../../lib/errors.js';
import { parseChineseDate } from '../core/dates.js';
import { parseCount, stripHtml } from '../core/text.js';
import type { PageResult, SourceAdapter, SourceContext } from '../types.js';
import {
  applyCursor,
  asArray,
  asRecord,
  baseOf,
  type CookieCapableFetcher,
  harvestInto,
  isInstitutionAccount,
  type Json,
  MEDIA_REASON,
  num,
  str,
} from './common.js';
import { parseWeiboSearchHtml } from './weibo-html.js';

export type WeiboConfig = Extract<SourceConfig, { kind: 'weibo' }>;

/** Search type 61 = 实时 (chronological), the right order for incremental monitoring. */
const SEARCH_TYPE = 61;
const HTML_PAGE = /^html:(\d+)$/;

/** Media per reference/sources.md §1.5: verified_type 3 (媒体) or 5 (网站), or a personal V whose reason names a newsroom. */
export function isWeiboMedia(verifiedType: number | undefined, verifiedReason: string | undefined): boolean {
  if (verifiedType === 3 || verifiedType === 5) return true;
  return verifiedType === 0 && MEDIA_REASON.test(verifiedReason ?? '');
}

export function parseWeiboUser(user: Json, watchlist: Institution[] = []): Author | undefined {
  const key = str(user.idstr) ?? str(user.id);
  const name = str(user.screen_name);
  if (!key || !name) return undefined;
  const verifiedType = num(user.verified_type);
  const verifiedReason = str(user.verified_reason);
  const followers = user.followers_count ?? user.followers_count_str;
  return {
    key,
    name,
    ...(verifiedType !== undefined ? { verifiedType } : {}),
    ...(verifiedReason ? { verifiedReason } : {}),
    ...(followers !== undefined ? { followers: parseCount(followers as string | number) } : {}),
    isMedia: isWeiboMedia(verifiedType, verifiedReason) && !isInstitutionAccount(name, watchlist),
  };
}

/** m.weibo.cn mblog → RawPost; undefined when a required field is missing or unparseable. */
export function parseMblog(
  mblog: Json,
  opts: { source: string; query: string; clock: Clock; baseUrl: string; watchlist?: Institution[] },
): RawPost | undefined {
  const id = str(mblog.idstr) ?? str(mblog.mid) ?? str(mblog.id);
  const user = asRecord(mblog.user);
  const author = user ? parseWeiboUser(user, opts.watchlist) : undefined;
  const publishedAt = parseChineseDate(str(mblog.created_at), opts.clock);
  if (!id || !author || !publishedAt) return undefined;
  let text = stripHtml(str(mblog.text) ?? '').replace(/\s*(\.\.\.|…)?全文$/, '');
  const retweet = asRecord(mblog.retweeted_status);
  if (retweet) {
    const rtUser = str(asRecord(retweet.user)?.screen_name);
    text = `${text}\n//@${rtUser ?? '原微博'}: ${stripHtml(str(retweet.text) ?? '')}`;
  }
  return {
    source: opts.source,
    sourceType: 'social',
    nativeId: id,
    url: `${baseOf(opts.baseUrl)}/detail/${id}`,
    text,
    author,
    publishedAt: publishedAt.toISOString(),
    query: opts.query,
    metrics: {
      reposts: parseCount(mblog.reposts_count as string | number | undefined),
      comments: parseCount(mblog.comments_count as string | number | undefined),
      likes: parseCount(mblog.attitudes_count as string | number | undefined),
    },
  };
}

export interface WeiboSearchPage {
  mblogs: Json[];
  /** Cards that claimed to be posts but had no mblog object. */
  broken: number;
  nextPage?: number;
}

/** The container envelope: `ok:1` with cards; type 9 cards and the type 9 members of type 11 card groups. */
export function readWeiboSearch(body: unknown): WeiboSearchPage {
  const env = asRecord(body);
  if (!env) throw new NonRetryableError('weibo: response is not a JSON object');
  if (env.ok === -100 || (env.data === undefined && typeof env.url === 'string')) throw new BlockedError(`weibo: login/captcha required (${String(env.url)})`);
  // ok:0 with a message is how m.weibo.cn says "no results" (这里还没有内容).
  if (env.ok === 0) return { mblogs: [], broken: 0 };
  const data = asRecord(env.data);
  const cards = asArray(data?.cards);
  if (env.ok !== 1 || !cards) throw new NonRetryableError(`weibo: unexpected envelope ok=${String(env.ok)}`);
  const mblogs: Json[] = [];
  let broken = 0;
  const take = (card: Json | undefined) => {
    if (num(card?.card_type) !== 9) return;
    const mblog = asRecord(card?.mblog);
    if (mblog) mblogs.push(mblog);
    else broken += 1;
  };
  for (const c of cards) {
    const card = asRecord(c);
    take(card);
    if (num(card?.card_type) === 11) for (const member of asArray(card?.card_group) ?? []) take(asRecord(member));
  }
  const next = num(asRecord(data?.cardlistInfo)?.page);
  return { mblogs, broken, ...(next !== undefined ? { nextPage: next } : {}) };
}

/**
 * Weibo keyword search. Primary path: m.weibo.cn container search JSON (type 61, newest first), long
 * posts expanded through /statuses/extend. When blocked and a browser is available: harvest visitor
 * cookies from the base URL, retry once, then fall back to s.weibo.com HTML search (pages `html:N`).
 */
export class WeiboAdapter implements SourceAdapter {
  readonly type = 'social' as const;
  private cookieHeader: string | undefined;

  constructor(
    readonly id: string,
    private readonly config: WeiboConfig,
    private readonly watchlist: Institution[] = [],
  ) {}

  async fetchPage(query: string, page: number | string | undefined, ctx: SourceContext): Promise<PageResult> {
    const htmlPage = typeof page === 'string' ? HTML_PAGE.exec(page) : null;
    if (htmlPage) return this.fetchHtml(query, Number(htmlPage[1]), ctx);
    const pageNo = page === undefined ? 1 : Number(page);
    let body: unknown;
    try {
      body = await this.getIndex(query, pageNo, ctx);
    } catch (err) {
      if (!(err instanceof BlockedError) || !ctx.browser) throw err;
      try {
        const header = await harvestInto(ctx.browser, ctx.fetcher as CookieCapableFetcher, this.config.baseUrl);
        if (header) this.cookieHeader = header;
        body = await this.getIndex(query, pageNo, ctx);
      } catch (retryErr) {
        if (!(retryErr instanceof BlockedError)) throw retryErr;
        return this.fetchHtml(query, pageNo, ctx);
      }
    }
    const page1 = readWeiboSearch(body);
    const posts: RawPost[] = [];
    let malformed = page1.broken;
    let expand = this.config.expandLongText;
    const seen = new Set<string>();
    for (const mblog of page1.mblogs) {
      const post = parseMblog(mblog, { source: this.id, query, clock: ctx.clock, baseUrl: this.config.baseUrl, watchlist: this.watchlist });
      if (!post) {
        malformed += 1;
        continue;
      }
      // The same post can appear twice on a page (a plain card and inside a card group).
      if (seen.has(post.nativeId)) continue;
      seen.add(post.nativeId);
      if (expand && mblog.isLongText === true) {
        try {
          const full = await this.longText(post.nativeId, ctx);
          if (full) post.text = full;
        } catch (err) {
          // Keep the truncated text; a block here surfaces on the next search request.
          if (err instanceof BlockedError) expand = false;
          else if (!(err instanceof NonRetryableError)) throw err;
        }
      }
      posts.push(post);
    }
    const cut = applyCursor(posts, ctx.cursor);
    const next = page1.nextPage !== undefined && page1.nextPage > pageNo && !cut.reached ? page1.nextPage : undefined;
    return { posts: cut.posts, malformed, ...(next !== undefined ? { nextPage: next } : {}) };
  }

  private headers(referer: string): Record<string, string> {
    return {
      referer,
      'x-requested-with': 'XMLHttpRequest',
      'mweibo-pwa': '1',
      ...(this.cookieHeader ? { cookie: this.cookieHeader } : {}),
    };
  }

  private async getIndex(query: string, page: number, ctx: SourceContext): Promise<unknown> {
    const base = baseOf(this.config.baseUrl);
    const containerid = encodeURIComponent(`100103type=${SEARCH_TYPE}&q=${query}`);
    const res = await ctx.fetcher.fetch({
      url: `${base}/api/container/getIndex?containerid=${containerid}&page_type=searchall&page=${page}`,
      headers: this.headers(`${base}/search?containerid=${containerid}`),
      expect: 'json',
    });
    return res.json;
  }

  /** Full text of a truncated post (`data.longTextContent`), plain text. */
  private async longText(id: string, ctx: SourceContext): Promise<string | undefined> {
    const base = baseOf(this.config.baseUrl);
    const res = await ctx.fetcher.fetch({ url: `${base}/statuses/extend?id=${id}`, headers: this.headers(`${base}/detail/${id}`), expect: 'json' });
    const content = str(asRecord(asRecord(res.json)?.data)?.longTextContent);
    return content ? stripHtml(content) : undefined;
  }

  private async fetchHtml(query: string, page: number, ctx: SourceContext): Promise<PageResult> {
    const base = baseOf(this.config.searchHtmlUrl);
    const res = await ctx.fetcher.fetch({
      url: `${base}/weibo?q=${encodeURIComponent(query)}&typeall=1&suball=1&page=${page}`,
      headers: { referer: `${base}/`, ...(this.cookieHeader ? { cookie: this.cookieHeader } : {}) },
      expect: 'text',
    });
    const parsed = parseWeiboSearchHtml(res.text, { source: this.id, query, clock: ctx.clock });
    const cut = applyCursor(parsed.posts, ctx.cursor);
    return { posts: cut.posts, malformed: parsed.malformed, ...(parsed.hasNext && !cut.reached ? { nextPage: `html:${page + 1}` } : {}) };
  }
}
