import type { SourceConfig } from '../../config/sections/crawl.js';
import type { Institution } from '../../config/sections/watchlist.js';
import type { Clock } from '../../lib/clock.js';
import type { RawPost } from '../../lib/domain.js';
import { NonRetryableError } from '../../lib/errors.js';
import { parseChineseDate } from '../core/dates.js';
import type { PageResult, SourceAdapter, SourceContext } from '../types.js';
import { asArray, asRecord, baseOf, type Json, num, str } from './common.js';

export type AppStoreConfig = Extract<SourceConfig, { kind: 'appstore' }>;

/** Reviews per feed page, and the last page Apple serves (reference/sources-social.md §3.3). */
export const APPSTORE_PAGE_SIZE = 50;
export const APPSTORE_MAX_PAGE = 10;

/** Every scalar in the feed is wrapped as `{ label: "…" }`. */
function label(value: unknown): string | undefined {
  return str(asRecord(value)?.label);
}

/** Review ids are numeric strings that grow over time. */
function newerId(id: string, than: string | undefined): boolean {
  if (!than || !/^\d+$/.test(id) || !/^\d+$/.test(than)) return true;
  return BigInt(id) > BigInt(than);
}

export interface AppStoreEntryOptions {
  source: string;
  appId: string;
  appName: string;
  country: string;
  query: string;
  clock: Clock;
}

/**
 * One `feed.entry` → RawPost. Entries without `im:rating` are app metadata (older feeds put it
 * first) and return null; a review missing a required field returns undefined (malformed).
 */
export function parseAppStoreEntry(entry: Json, opts: AppStoreEntryOptions): RawPost | null | undefined {
  if (entry['im:rating'] === undefined) return null;
  const rating = num(label(entry['im:rating']));
  const id = label(entry.id);
  const content = label(entry.content);
  const author = asRecord(entry.author);
  const name = label(author?.name);
  const updated = label(entry.updated);
  // Feeds before ~2021 had no `updated` on entries; such a review cannot be placed in time.
  const publishedAt = updated ? parseChineseDate(updated, opts.clock) : undefined;
  if (!id || !/^\d+$/.test(id) || !content || !name || !publishedAt || rating === undefined || rating < 1 || rating > 5) return undefined;
  const userId = /\/id(\d+)/.exec(label(author?.uri) ?? '')?.[1];
  const title = label(entry.title);
  return {
    source: opts.source,
    sourceType: 'social',
    nativeId: id,
    url: `https://apps.apple.com/${opts.country}/app/id${opts.appId}?see-all=reviews`,
    // The review rarely names the bank; the title carries which app it is about.
    title: `${opts.appName} App评价${title ? `：${title}` : ''}`,
    text: content,
    author: { key: userId ?? `name:${name}`, name, isMedia: false },
    publishedAt: publishedAt.toISOString(),
    rating: Math.round(rating),
    query: opts.query,
    ...(label(entry['im:voteSum']) ? { metrics: { likes: num(label(entry['im:voteSum'])) ?? 0 } } : {}),
  };
}

/** `feed.entry` is an array, a single object when there is one entry, or absent when there are none. */
export function feedEntries(body: unknown): Json[] {
  const feed = asRecord(asRecord(body)?.feed);
  if (!feed) throw new NonRetryableError('appstore: response without feed');
  const entry = feed.entry;
  if (entry === undefined) return [];
  const list = asArray(entry) ?? [entry];
  return list.map((e) => asRecord(e) ?? {});
}

/**
 * App Store customer reviews (public JSON feed), newest first, one query per app id. Incremental by
 * review id: paging stops at the first review not newer than the stored cursor id, at a short page,
 * or at page 10 (Apple serves no more).
 */
export class AppStoreAdapter implements SourceAdapter {
  readonly type = 'social' as const;
  private readonly appNames = new Map<string, string>();

  constructor(
    readonly id: string,
    private readonly config: AppStoreConfig,
    watchlist: Institution[] = [],
  ) {
    for (const inst of watchlist) for (const appId of inst.appStoreIds ?? []) this.appNames.set(appId, inst.name);
  }

  async fetchPage(query: string, page: number | string | undefined, ctx: SourceContext): Promise<PageResult> {
    const appId = query.trim();
    if (!/^\d+$/.test(appId)) throw new NonRetryableError(`appstore: query must be a numeric app id, got "${query}"`);
    const pageNo = page === undefined ? 1 : Number(page);
    if (!Number.isInteger(pageNo) || pageNo < 1 || pageNo > APPSTORE_MAX_PAGE) return { posts: [], malformed: 0 };
    const cc = this.config.country;
    const res = await ctx.fetcher.fetch({
      url: `${baseOf(this.config.baseUrl)}/${cc}/rss/customerreviews/page=${pageNo}/id=${appId}/sortby=mostrecent/json`,
      headers: { accept: 'application/json' },
      expect: 'json',
    });
    const entries = feedEntries(res.json);
    const opts = { source: this.id, appId, appName: this.appNames.get(appId) ?? `App ${appId}`, country: cc, query: appId, clock: ctx.clock };
    const posts: RawPost[] = [];
    let malformed = 0;
    let reached = false;
    let reviews = 0;
    const seen = new Set<string>();
    for (const entry of entries) {
      const post = parseAppStoreEntry(entry, opts);
      if (post === null) continue;
      reviews++;
      if (!post) {
        malformed++;
        continue;
      }
      // An edited review reappears under the same id: keep the first (newest) copy.
      if (seen.has(post.nativeId)) continue;
      seen.add(post.nativeId);
      if (!newerId(post.nativeId, ctx.cursor?.lastId)) {
        reached = true;
        continue;
      }
      posts.push(post);
    }
    const more = !reached && reviews >= APPSTORE_PAGE_SIZE && pageNo < APPSTORE_MAX_PAGE;
    return { posts, malformed, ...(more ? { nextPage: pageNo + 1 } : {}) };
  }
}
