import type { SourceConfig } from '../../config/sections/crawl.js';
import type { Institution } from '../../config/sections/watchlist.js';
import type { RawPost } from '../../lib/domain.js';
import { BlockedError, RetryLaterError } from '../../lib/errors.js';
import type { CaptureResult, PageResult, SourceAdapter, SourceContext } from '../types.js';
import { asArray, asRecord, baseOf, num, str } from './common.js';
import { checkEnvelope, type DouyinPostOptions, douyinObjects, parseAweme, parseDouyinComment, searchAwemes } from './douyin-parse.js';

export type DouyinConfig = Extract<SourceConfig, { kind: 'douyin' }>;

export const SEARCH_APIS = ['/aweme/v1/web/general/search/single/', '/aweme/v1/web/general/search/stream/', '/aweme/v1/web/search/item/'];
export const COMMENT_API = '/aweme/v1/web/comment/list/';

/** Slider-captcha and login pages (reference/sources-social.md §1.9). */
const BLOCK_SELECTOR = '#captcha_container, #captcha-verify-image, #login-panel-new';
const CAPTCHA_MARKS = /验证码中间页|captcha_container|captcha-verify-image|secsdk_captcha|操作过慢/;
const LOGIN_MARKS = /id=["']login-panel-new["']/;

/**
 * Whether a captured body says another page exists: some object (a stream body has several, not all
 * with data) has `has_more: 1` and items. `has_more: 1` with an empty list is a dead end, not a page.
 */
export function hasMore(body: string): boolean {
  try {
    return douyinObjects(body).some((o) => num(o.has_more) === 1 && (asArray(o.data)?.length ?? asArray(o.comments)?.length ?? 0) > 0);
  } catch {
    return false;
  }
}

/** `a=b; c=d` (the operator's logged-in cookies) → browser cookies for the host. */
export function parseCookieHeader(header: string | undefined, host: string): Array<{ name: string; value: string; domain: string }> {
  return (header ?? '')
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part.includes('='))
    .map((part) => ({ name: part.slice(0, part.indexOf('=')).trim(), value: part.slice(part.indexOf('=') + 1).trim(), domain: host }));
}

/**
 * Douyin keyword search and the comments under the matching videos, through the browser pool: the
 * search page is opened with the operator's cookies and its own signed API responses are captured
 * (`page.on('response')`), so no request is signed here. A verify/captcha page, a `verify_check`
 * empty result, a login prompt or an empty/"blocked" body is a BlockedError (cool-down).
 * Comments are read for the most commented videos whose comment count grew since the last run.
 */
export class DouyinAdapter implements SourceAdapter {
  readonly type = 'social' as const;
  private readonly seenCounts = new Map<string, number>();

  constructor(
    readonly id: string,
    private readonly config: DouyinConfig,
    private readonly watchlist: Institution[] = [],
  ) {}

  async fetchPage(query: string, _page: number | string | undefined, ctx: SourceContext): Promise<PageResult> {
    const capture = ctx.browser?.capture?.bind(ctx.browser);
    if (!capture) throw new Error('douyin: needs the browser pool (install Chromium or set CHROME_PATH)');
    const base = baseOf(this.config.baseUrl);
    const cookies = parseCookieHeader(this.config.cookie, new URL(base).hostname.replace(/^www\./, '.'));
    const opts: DouyinPostOptions = { source: this.id, query, baseUrl: base, watchlist: this.watchlist };
    const search = await capture(`${base}/search/${encodeURIComponent(query)}?type=general`, {
      match: SEARCH_APIS,
      scrolls: this.config.searchScrolls,
      more: hasMore,
      cookies,
      blockSelector: BLOCK_SELECTOR,
    });
    const { videos, malformed } = this.readSearch(search, opts);
    const posts: RawPost[] = [];
    let bad = malformed;
    for (const video of this.videosForComments(videos)) {
      const read = await this.readComments(video, opts, (url) =>
        capture(url, { match: [COMMENT_API], scrolls: this.config.commentScrolls, more: hasMore, cookies, blockSelector: BLOCK_SELECTOR }),
      );
      posts.push(...read.posts);
      bad += read.malformed;
      this.seenCounts.set(video.nativeId, video.metrics?.comments ?? 0);
    }
    // 综合 results are not in time order and an old video can resurface when it goes viral: no cursor
    // cut here; the store drops the videos it already has.
    return { posts: [...videos, ...posts], malformed: bad };
  }

  private readSearch(page: CaptureResult, opts: DouyinPostOptions): { videos: RawPost[]; malformed: number } {
    blockedPage(page);
    if (page.responses.length === 0) throw new RetryLaterError('douyin: the search page made no search request (layout change or slow page)');
    const videos: RawPost[] = [];
    const seen = new Set<string>();
    let malformed = 0;
    for (const res of page.responses) {
      for (const obj of douyinObjects(res.body)) {
        checkEnvelope(obj);
        for (const aweme of searchAwemes(obj).awemes) {
          const post = parseAweme(aweme, opts);
          if (post === null) continue;
          if (!post) malformed++;
          else if (!seen.has(post.nativeId)) {
            seen.add(post.nativeId);
            videos.push(post);
          }
        }
      }
    }
    return { videos, malformed };
  }

  /** The most commented videos whose comment count changed since they were last read. */
  private videosForComments(videos: RawPost[]): RawPost[] {
    return videos
      .filter((v) => (v.metrics?.comments ?? 0) > 0 && this.seenCounts.get(v.nativeId) !== v.metrics?.comments)
      .sort((a, b) => (b.metrics?.comments ?? 0) - (a.metrics?.comments ?? 0))
      .slice(0, this.config.commentVideos);
  }

  private async readComments(
    video: RawPost,
    opts: DouyinPostOptions,
    capture: (url: string) => Promise<CaptureResult>,
  ): Promise<{ posts: RawPost[]; malformed: number }> {
    const page = await capture(`${baseOf(this.config.baseUrl)}/video/${video.nativeId}`);
    blockedPage(page);
    const posts: RawPost[] = [];
    const seen = new Set<string>();
    let malformed = 0;
    for (const res of page.responses) {
      for (const obj of douyinObjects(res.body)) {
        checkEnvelope(obj);
        for (const raw of asArray(obj.comments) ?? []) {
          const c = asRecord(raw);
          // The list can carry comments of another video; they belong there.
          if (c && str(c.aweme_id) !== undefined && str(c.aweme_id) !== video.nativeId) continue;
          for (const item of c ? [c, ...(asArray(c.reply_comment) ?? []).map((r) => asRecord(r) ?? {})] : [{}]) {
            const post = parseDouyinComment(item, { id: video.nativeId, desc: video.text }, opts);
            if (!post) malformed++;
            else if (!seen.has(post.nativeId)) {
              seen.add(post.nativeId);
              posts.push(post);
            }
          }
        }
      }
    }
    return { posts, malformed };
  }
}

/** A captcha/verify page or a login wall instead of the page that loads results. */
function blockedPage(page: CaptureResult): void {
  if (CAPTCHA_MARKS.test(page.title) || (page.responses.length === 0 && CAPTCHA_MARKS.test(page.html))) {
    throw new BlockedError(`douyin: verification page "${page.title.slice(0, 30)}" (${page.finalUrl})`);
  }
  if (page.responses.length === 0 && LOGIN_MARKS.test(page.html)) throw new BlockedError('douyin: login prompt instead of results (cookies expired)');
  if (/isSpider["']?\s*:\s*true/.test(page.html)) throw new BlockedError('douyin: page classed the visit as a crawler (isSpider)');
}
