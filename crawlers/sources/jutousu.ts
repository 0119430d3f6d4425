import * as cheerio from 'cheerio';
import type { SourceConfig } from '../../config/sections/crawl.js';
import type { RawPost } from '../../lib/domain.js';
import { BlockedError, NonRetryableError } from '../../lib/errors.js';
import { parseUnixSeconds } from '../core/dates.js';
import { stripHtml } from '../core/text.js';
import type { PageResult, SourceAdapter, SourceContext } from '../types.js';
import { applyCursor, asArray, asRecord, baseOf, type Json, mentions, str } from './common.js';

export type JutousuConfig = Extract<SourceConfig, { kind: 'jutousu' }>;

/** The search API returns 10 posts per page; a full page means another may follow. */
export const JUTOUSU_PAGE_SIZE = 10;

const LOGIN_WALL = /登录聚投诉/;

/** One `postList[]` item → RawPost; undefined when id or ctime is missing. */
export function parseJutousuItem(item: Json, opts: { source: string; query: string; baseUrl: string }): RawPost | undefined {
  const id = str(item.id);
  const publishedAt = parseUnixSeconds(str(item.ctime));
  const title = stripHtml(str(item.title) ?? '');
  if (!id || !publishedAt || !title) return undefined;
  const username = str(item.username);
  const appeal = str(item.shuqiu);
  const target = str(item.merchantName);
  return {
    source: opts.source,
    sourceType: 'complaint',
    nativeId: id,
    url: `${baseOf(opts.baseUrl)}/tousu/show/id/${id}`,
    title,
    text: stripHtml(str(item.shortTopic) ?? '') || title,
    author: { key: username ?? `anonymous:${id}`, name: username ?? '聚投诉网友', isMedia: false },
    publishedAt: publishedAt.toISOString(),
    query: opts.query,
    ...(appeal || target ? { complaint: { ...(appeal ? { appeal } : {}), ...(target ? { target } : {}) } } : {}),
  };
}

/** `input#postKeyValue` on `/tousu/show/id/{id}`: the key for getPostContent.do. */
export function parseJutousuPostKey(html: string): string | undefined {
  const value = cheerio.load(html)('input#postKeyValue').attr('value')?.trim();
  return value || undefined;
}

/** getPostContent.do → full text (`post.topic`, HTML with &nbsp; and <br>) and username. */
export function parseJutousuPostContent(body: unknown): { text: string; username?: string } | undefined {
  const post = asRecord(asRecord(body)?.post);
  const topic = str(post?.topic);
  if (!topic) return undefined;
  const username = str(post?.username);
  return { text: stripHtml(topic), ...(username ? { username } : {}) };
}

/**
 * 聚投诉 keyword search (`/front/api/search/searchPostList.do`). The platform's search is fuzzy, so
 * hits whose title and summary do not contain the keyword are dropped. A body containing 登录聚投诉 is
 * the login wall (BlockedError).
 */
export class JutousuAdapter implements SourceAdapter {
  readonly type = 'complaint' as const;

  constructor(
    readonly id: string,
    private readonly config: JutousuConfig,
  ) {}

  async fetchPage(query: string, page: number | string | undefined, ctx: SourceContext): Promise<PageResult> {
    const pageNo = page === undefined ? 1 : Number(page);
    const base = baseOf(this.config.baseUrl);
    const kw = encodeURIComponent(query);
    const res = await ctx.fetcher.fetch({
      url: `${base}/front/api/search/searchPostList.do?pageNo=${pageNo}&title=${kw}&listType=1`,
      headers: { referer: `${base}/home/search?keyword=${kw}`, 'x-requested-with': 'XMLHttpRequest' },
      expect: 'json',
    });
    if (LOGIN_WALL.test(res.text)) throw new BlockedError('jutousu: login wall (登录聚投诉)');
    const list = asArray(asRecord(res.json)?.postList);
    if (!list) throw new NonRetryableError('jutousu: response without postList');
    const posts: RawPost[] = [];
    let malformed = 0;
    for (const raw of list) {
      const post = asRecord(raw) ? parseJutousuItem(raw as Json, { source: this.id, query, baseUrl: base }) : undefined;
      if (!post) malformed += 1;
      else if (mentions(`${post.title ?? ''} ${post.text}`, query)) posts.push(post);
    }
    const cut = applyCursor(posts, ctx.cursor);
    return { posts: cut.posts, malformed, ...(list.length >= JUTOUSU_PAGE_SIZE && !cut.reached ? { nextPage: pageNo + 1 } : {}) };
  }

  /** Full text of one post: the detail page's postKey, then getPostContent.do. */
  async fetchFullText(id: string, ctx: SourceContext): Promise<{ text: string; username?: string }> {
    const base = baseOf(this.config.baseUrl);
    const page = await ctx.fetcher.fetch({ url: `${base}/tousu/show/id/${id}`, expect: 'text' });
    const key = parseJutousuPostKey(page.text);
    if (!key) throw new NonRetryableError(`jutousu: no postKeyValue on post ${id}`);
    const res = await ctx.fetcher.fetch({
      url: `${base}/front/api/post/getPostContent.do?postKey=${encodeURIComponent(key)}`,
      headers: { referer: `${base}/tousu/show/id/${id}` },
      expect: 'json',
    });
    const content = parseJutousuPostContent(res.json);
    if (!content) throw new NonRetryableError(`jutousu: no post.topic for post ${id}`);
    return content;
  }
}
