import type { SourceConfig } from '../../config/sections/crawl.js';
import type { Institution } from '../../config/sections/watchlist.js';
import type { RawPost } from '../../lib/domain.js';
import { BlockedError, NonRetryableError, RetryLaterError } from '../../lib/errors.js';
import { stripHtml } from '../core/text.js';
import type { PageResult, SourceAdapter, SourceContext } from '../types.js';
import { applyCursor, asArray, asRecord, baseOf, type CookieCapableFetcher, harvestInto, type Json, num, str } from './common.js';
import { parseWeiboSearchHtml } from './weibo-html.js';
import { parseMblog, weiboText, withRetweet } from './weibo-parse.js';

export { isWeiboMedia, parseMblog, parseWeiboUser, weiboIdTime, weiboPublishedAt } from './weibo-parse.js';

export type WeiboConfig = Extract<SourceConfig, { kind: 'weibo' }>;

/** Search type 61 = 实时 (chronological), the right order for incremental monitoring. */
const SEARCH_TYPE = 61;
const HTML_PAGE = /^html:(\d+)$/;
/** A post whose expansion failed is retried on this many later runs, then left truncated. */
const MAX_EXPAND_ATTEMPTS = 4;
const MAX_PENDING = 200;

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
  private readonly pending = new Map<string, { post: RawPost; mblog: Json; attempts: number }>();
  private readonly triedThisQuery = new Set<string>();
  private expansionBlocked = false;

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
    if (page === undefined) {
      this.triedThisQuery.clear();
      this.expansionBlocked = false;
    }
    const posts: RawPost[] = [];
    const rescued: RawPost[] = [];
    let malformed = page1.broken;
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
      const wasPending = this.pending.has(post.nativeId);
      if (post.truncated && (await this.expand(post, mblog, ctx)) && wasPending) rescued.push(post);
      posts.push(post);
    }
    const cut = applyCursor(posts, ctx.cursor);
    const next = page1.nextPage !== undefined && page1.nextPage > pageNo && !cut.reached ? page1.nextPage : undefined;
    // Posts stored cut short on earlier runs come back expanded even when the cursor has passed them.
    const extra = rescued.filter((p) => !cut.posts.includes(p));
    if (next === undefined) extra.push(...(await this.retryPending(ctx)));
    return { posts: [...cut.posts, ...extra], malformed, ...(next !== undefined ? { nextPage: next } : {}) };
  }

  /**
   * Expands a truncated post (its own text and/or its repost original) through /statuses/extend. A
   * failed call (5xx after retries, malformed answer) leaves the post `truncated` and queues it for a
   * later run; it never fails the page. A block stops expansion for this run.
   */
  private async expand(post: RawPost, mblog: Json, ctx: SourceContext): Promise<boolean> {
    this.triedThisQuery.add(post.nativeId);
    if (!this.config.expandLongText || this.expansionBlocked) return false;
    const retweet = asRecord(mblog.retweeted_status);
    try {
      const own = weiboText(str(mblog.text));
      const ownText = mblog.isLongText === true || own.cut ? await this.longText(post.nativeId, ctx) : own.text;
      let text = ownText;
      if (retweet) {
        const original = weiboText(str(retweet.text));
        const rtId = str(retweet.idstr) ?? str(retweet.mid) ?? str(retweet.id);
        const rtText = (retweet.isLongText === true || original.cut) && rtId ? await this.longText(rtId, ctx) : original.text;
        text = ownText === undefined || rtText === undefined ? undefined : withRetweet(ownText, str(asRecord(retweet.user)?.screen_name), rtText);
      }
      if (text === undefined) throw new NonRetryableError('weibo: extend answered without longTextContent');
      post.text = text;
      delete post.truncated;
      this.pending.delete(post.nativeId);
      return true;
    } catch (err) {
      if (!(err instanceof BlockedError || err instanceof RetryLaterError || err instanceof NonRetryableError)) throw err;
      if (err instanceof BlockedError) this.expansionBlocked = true;
      this.queueRetry(post, mblog);
      return false;
    }
  }

  private queueRetry(post: RawPost, mblog: Json): void {
    const entry = this.pending.get(post.nativeId);
    const attempts = (entry?.attempts ?? 0) + 1;
    if (attempts > MAX_EXPAND_ATTEMPTS) {
      this.pending.delete(post.nativeId);
      return;
    }
    if (!entry && this.pending.size >= MAX_PENDING) return;
    this.pending.set(post.nativeId, { post: { ...post }, mblog, attempts });
  }

  private async retryPending(ctx: SourceContext): Promise<RawPost[]> {
    const expanded: RawPost[] = [];
    for (const [id, entry] of [...this.pending]) {
      if (this.triedThisQuery.has(id) || this.expansionBlocked) continue;
      const post = { ...entry.post };
      if (await this.expand(post, entry.mblog, ctx)) expanded.push(post);
    }
    return expanded;
  }

  /** Ids of posts stored truncated whose expansion is still to be retried (source health, tests). */
  get pendingExpansions(): string[] {
    return [...this.pending.keys()];
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
