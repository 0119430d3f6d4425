import type { SourceConfig } from '../../config/sections/crawl.js';
import type { Institution } from '../../config/sections/watchlist.js';
import type { RawPost } from '../../lib/domain.js';
import { NonRetryableError } from '../../lib/errors.js';
import { parseCount } from '../core/text.js';
import type { PageResult, SourceAdapter, SourceContext } from '../types.js';
import { asArray, asRecord, baseOf, type Json, num, str } from './common.js';
import { parseWeiboUser, weiboPublishedAt, weiboText } from './weibo-parse.js';

export type WeiboCommentsConfig = Extract<SourceConfig, { kind: 'weibo-comments' }>;

/** `107603{uid}` is an account's 微博 list on m.weibo.cn (reference/sources-social.md §2.1). */
const TIMELINE_CONTAINER = '107603';

interface OfficialPost {
  mid: string;
  comments: number;
  pinned: boolean;
}

/** `ok:-100` / a passport URL means a login wall; the core already turns 432 and HTML into BlockedError. */
function envelope(body: unknown, what: string): Json | undefined {
  const env = asRecord(body);
  if (!env) throw new NonRetryableError(`weibo-comments: ${what} is not a JSON object`);
  // ok:0 is "no comments / post removed" on hotflow and "no content" on the timeline.
  if (env.ok === 0) return undefined;
  if (env.ok !== 1) throw new NonRetryableError(`weibo-comments: ${what} answered ok=${String(env.ok)}`);
  return asRecord(env.data);
}

/** The account's posts from a timeline page: `card_type` 9 only; pinned posts flagged (they can be old). */
export function readTimeline(body: unknown): OfficialPost[] {
  const data = envelope(body, 'timeline');
  const posts: OfficialPost[] = [];
  for (const c of asArray(data?.cards) ?? []) {
    const card = asRecord(c);
    const mblog = asRecord(card?.mblog);
    const mid = str(mblog?.idstr) ?? str(mblog?.mid) ?? str(mblog?.id);
    if (num(card?.card_type) !== 9 || !mblog || !mid) continue;
    const pinned = num(mblog.mblogtype) === 2 || (str(card?.profile_type_id) ?? '').startsWith('proweibotop');
    posts.push({ mid, comments: parseCount(mblog.comments_count as string | number | undefined), pinned });
  }
  return posts;
}

export interface HotflowPage {
  comments: Json[];
  maxId?: string;
  maxIdType?: string;
}

/** One `comments/hotflow` page: `data.data[]`, next `max_id` (0 = last page). */
export function readHotflow(body: unknown): HotflowPage {
  const data = envelope(body, 'hotflow');
  if (!data) return { comments: [] };
  const comments = (asArray(data.data) ?? []).map((c) => asRecord(c) ?? {});
  const maxId = str(data.max_id);
  return { comments, ...(maxId && maxId !== '0' ? { maxId, maxIdType: str(data.max_id_type) ?? '0' } : {}) };
}

/**
 * Comments under the watched institutions' own Weibo posts. One query per official account uid
 * (watchlist `weiboUids`). A run reads the account's newest posts (plus a pinned one) and, for each
 * post whose comment count grew since the last run, its hot comments through `comments/hotflow`,
 * paging by `max_id` up to `maxPages` pages; nested reply previews come along. Comments are not in
 * time order, so the cursor cannot stop paging: the count check and the store's dedup make it incremental.
 */
export class WeiboCommentsAdapter implements SourceAdapter {
  readonly type = 'social' as const;
  private readonly owners = new Map<string, Institution>();
  /** Comment counts seen per post on the last successful read. */
  private readonly seenCounts = new Map<string, number>();

  constructor(
    readonly id: string,
    private readonly config: WeiboCommentsConfig,
    private readonly watchlist: Institution[] = [],
  ) {
    for (const inst of watchlist) for (const uid of inst.weiboUids ?? []) this.owners.set(uid, inst);
  }

  async fetchPage(query: string, _page: number | string | undefined, ctx: SourceContext): Promise<PageResult> {
    const uid = query.trim();
    if (!/^\d+$/.test(uid)) throw new NonRetryableError(`weibo-comments: query must be a numeric uid, got "${query}"`);
    const base = baseOf(this.config.baseUrl);
    const timeline = await ctx.fetcher.fetch({
      url: `${base}/api/container/getIndex?type=uid&value=${uid}&containerid=${TIMELINE_CONTAINER}${uid}`,
      headers: this.headers(`${base}/u/${uid}`),
      expect: 'json',
    });
    const all = readTimeline(timeline.json);
    const recent = [...all.filter((p) => p.pinned).slice(0, 1), ...all.filter((p) => !p.pinned).slice(0, this.config.recentPosts)];
    const posts: RawPost[] = [];
    let malformed = 0;
    for (const post of recent) {
      if (post.comments === 0 || this.seenCounts.get(post.mid) === post.comments) continue;
      const read = await this.readComments(uid, post.mid, ctx);
      posts.push(...read.posts);
      malformed += read.malformed;
      this.seenCounts.set(post.mid, post.comments);
    }
    return { posts, malformed };
  }

  private headers(referer: string): Record<string, string> {
    return { referer, 'x-requested-with': 'XMLHttpRequest', 'mweibo-pwa': '1' };
  }

  private async readComments(uid: string, mid: string, ctx: SourceContext): Promise<{ posts: RawPost[]; malformed: number }> {
    const base = baseOf(this.config.baseUrl);
    const posts: RawPost[] = [];
    const seen = new Set<string>();
    let malformed = 0;
    let maxId: string | undefined;
    let maxIdType = '0';
    for (let page = 0; page < this.config.maxPages; page++) {
      const paging = maxId ? `&max_id=${maxId}&max_id_type=${maxIdType}` : '&max_id_type=0';
      const res = await ctx.fetcher.fetch({
        url: `${base}/comments/hotflow?id=${mid}&mid=${mid}${paging}`,
        headers: this.headers(`${base}/detail/${mid}`),
        expect: 'json',
      });
      const hot = readHotflow(res.json);
      for (const c of hot.comments) {
        for (const item of [c, ...(asArray(c.comments) ?? []).map((r) => asRecord(r) ?? {})]) {
          const post = this.parseComment(item, uid, mid, ctx);
          if (!post) malformed++;
          else if (!seen.has(post.nativeId)) {
            seen.add(post.nativeId);
            posts.push(post);
          }
        }
      }
      if (!hot.maxId || hot.maxId === maxId) break;
      maxId = hot.maxId;
      maxIdType = hot.maxIdType ?? '0';
    }
    return { posts, malformed };
  }

  private parseComment(c: Json, uid: string, mid: string, ctx: SourceContext): RawPost | undefined {
    const id = str(c.idstr) ?? str(c.id);
    const user = asRecord(c.user);
    const author = user ? parseWeiboUser(user, this.watchlist) : undefined;
    const published = weiboPublishedAt(str(c.created_at), id, ctx.clock);
    const text = weiboText(str(c.text)).text;
    if (!id || !author || !published || !text) return undefined;
    const owner = this.owners.get(uid);
    return {
      source: this.id,
      sourceType: 'social',
      nativeId: id,
      url: `${baseOf(this.config.baseUrl)}/detail/${mid}?cid=${id}`,
      // A comment rarely names the bank; the title says whose post it sits under.
      title: `${owner?.name ?? `微博用户${uid}`}官方微博下的评论`,
      text,
      author,
      publishedAt: published.at.toISOString(),
      ...(published.dayOnly ? { datePrecision: 'day' as const } : {}),
      query: uid,
      metrics: { likes: parseCount(c.like_count as string | number | undefined), comments: parseCount(c.total_number as string | number | undefined) },
    };
  }
}
