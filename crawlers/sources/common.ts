import type { Institution } from '../../config/sections/watchlist.js';
import type { RawPost } from '../../lib/domain.js';
import type { BrowserFetcher, Fetcher, SourceContext } from '../types.js';

/** Helpers shared by the source adapters: safe access to untyped JSON, cursors, media detection. */

export type Json = Record<string, unknown>;

export function asRecord(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

export function asArray(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

/** A string or number field as a string; undefined for anything else or an empty string. */
export function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

export function num(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** Words in an organisation's verification text or name that mark a news outlet (not 媒体 alone: 自媒体 is a blogger). */
export const OUTLET_WORDS = /日报|晚报|早报|商报|时报|周刊|新闻|电视台|广播电台|杂志|报社|通讯社|财经网|财新|第一财经|证券报|经济报道|报业|融媒体中心/;

/** Self-media, bloggers and KOLs: never media coverage, whatever else their verification says. */
export const SELF_MEDIA_WORDS = /自媒体|博主|达人|UP主|up主|作者|撰稿人|KOL|创作者|主播/;

/** Well-known outlets whose accounts count as media coverage even when their verification text is terse. */
export const KNOWN_OUTLETS = [
  '新华社',
  '人民日报',
  '央视新闻',
  '央视财经',
  '中国新闻网',
  '中新网',
  '澎湃新闻',
  '界面新闻',
  '财新网',
  '第一财经',
  '21世纪经济报道',
  '经济观察报',
  '每日经济新闻',
  '证券时报',
  '中国证券报',
  '上海证券报',
  '新京报',
  '南方都市报',
  '财联社',
  '中国经营报',
  '华夏时报',
  '北京商报',
  '新浪财经',
  '凤凰网财经',
];

/**
 * Media coverage per DESIGN.md "who counts": an organisation account of a news outlet, not a
 * self-media blogger. `organisation` is the platform's own "this is an organisation/media account"
 * signal (Weibo verified_type 3/5, Douyin enterprise verification).
 */
export function isNewsOutlet(organisation: boolean, name: string, reason: string | undefined): boolean {
  if (!organisation) return false;
  const text = `${name} ${reason ?? ''}`;
  if (SELF_MEDIA_WORDS.test(text)) return false;
  return OUTLET_WORDS.test(text) || KNOWN_OUTLETS.some((o) => name.startsWith(o));
}

/** True when `name` is one of the watched institutions' own names or aliases (their accounts are not media). */
export function isInstitutionAccount(name: string, watchlist: Institution[]): boolean {
  return watchlist.some((inst) => inst.aliases.some((alias) => name.startsWith(alias)) || name.startsWith(inst.name));
}

export interface CursorCut {
  posts: RawPost[];
  /** True when the page reached what the previous run had already stored: stop paging. */
  reached: boolean;
}

/**
 * Drops posts the previous run already stored and says whether paging should stop. Posts published
 * at the same instant as the cursor are kept (ids differ; storage is idempotent), older ones dropped.
 */
export function applyCursor(posts: RawPost[], cursor: SourceContext['cursor']): CursorCut {
  if (!cursor || (!cursor.lastId && !cursor.lastPublishedAt)) return { posts, reached: false };
  const last = cursor.lastPublishedAt ? Date.parse(cursor.lastPublishedAt) : Number.NaN;
  let reached = false;
  let passedId = false;
  const kept = posts.filter((p) => {
    // Result lists are newest first: everything after the last stored id is older.
    if (passedId || (cursor.lastId !== undefined && p.nativeId === cursor.lastId)) {
      passedId = true;
      reached = true;
      return false;
    }
    const at = Date.parse(p.publishedAt);
    if (!Number.isNaN(last) && at <= last) {
      reached = true;
      return at === last;
    }
    return true;
  });
  return { posts: kept, reached };
}

export interface CookieCapableFetcher extends Fetcher {
  setCookies?(cookies: Array<{ name: string; value: string; domain: string; path?: string }>): Promise<void>;
}

/** Visits url with the browser and puts the cookies it set into the fetcher's jar (or returns a Cookie header). */
export async function harvestInto(browser: BrowserFetcher, fetcher: CookieCapableFetcher, url: string): Promise<string | undefined> {
  const cookies = await browser.harvestCookies(url);
  if (typeof fetcher.setCookies === 'function') {
    await fetcher.setCookies(cookies);
    return undefined;
  }
  return cookies.map((c) => `${c.name}=${c.value}`).join('; ');
}

/** Normalised containment check for sources whose search is fuzzy or that have no search at all. */
export function mentions(text: string, query: string): boolean {
  if (query === '*' || query.trim() === '') return true;
  const hay = text.normalize('NFKC');
  return query
    .normalize('NFKC')
    .split(/\s+/)
    .filter(Boolean)
    .every((w) => hay.includes(w));
}

export function baseOf(url: string): string {
  return url.replace(/\/+$/, '');
}

/** A news outlet as an author: keyed by its name, always media. */
export function outlet(name: string): RawPost['author'] {
  return { key: name, name, isMedia: true };
}
