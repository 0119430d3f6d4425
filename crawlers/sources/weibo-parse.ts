import type { Institution } from '../../config/sections/watchlist.js';
import type { Clock } from '../../lib/clock.js';
import type { Author, RawPost } from '../../lib/domain.js';
import { isDateOnly, parseChineseDate, shanghaiDay } from '../core/dates.js';
import { parseCount, stripHtml } from '../core/text.js';
import { asRecord, baseOf, isInstitutionAccount, isNewsOutlet, type Json, num, str } from './common.js';

/** Weibo verified_type values of organisation accounts that can be news outlets (3 媒体, 5 网站). */
const OUTLET_TYPES = new Set([3, 5]);

/**
 * Media per DESIGN.md "who counts": an organisation account of a news outlet (verified_type 3/5 with an
 * outlet-like reason or a known outlet name). A personal V (type 0) is never media, whatever its reason
 * says (自媒体, 财经博主, even a journalist's own account).
 */
export function isWeiboMedia(verifiedType: number | undefined, verifiedReason: string | undefined, name = ''): boolean {
  return isNewsOutlet(verifiedType !== undefined && OUTLET_TYPES.has(verifiedType), name, verifiedReason);
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
    isMedia: isWeiboMedia(verifiedType, verifiedReason, name) && !isInstitutionAccount(name, watchlist),
  };
}

/** Seconds between the Unix epoch and Weibo's id epoch: an id's creation second is `(id >> 22) + WEIBO_ID_EPOCH`. */
const WEIBO_ID_EPOCH = 515483463n;
const MIN_ID_TIME_S = 1_262_304_000; // 2010-01-01: older ids do not encode time this way

/** The creation instant a Weibo post/comment id encodes (16+ digit ids), or undefined. */
export function weiboIdTime(id: string | undefined): Date | undefined {
  if (!id || !/^\d{16,19}$/.test(id)) return undefined;
  const seconds = Number((BigInt(id) >> 22n) + WEIBO_ID_EPOCH);
  return seconds >= MIN_ID_TIME_S ? new Date(seconds * 1000) : undefined;
}

/**
 * `created_at` → instant. A date without a time (`06-14`) takes its time from the id when the id's
 * instant falls on that Shanghai day; otherwise the day is kept with `datePrecision: 'day'` (its start),
 * never an invented time of day.
 */
export function weiboPublishedAt(createdAt: string | undefined, id: string | undefined, clock: Clock): { at: Date; dayOnly: boolean } | undefined {
  const at = parseChineseDate(createdAt, clock);
  if (!at || !isDateOnly(createdAt)) return at ? { at, dayOnly: false } : undefined;
  const fromId = weiboIdTime(id);
  if (fromId && shanghaiDay(fromId) === shanghaiDay(at)) return { at: fromId, dayOnly: false };
  return { at, dayOnly: true };
}

/** The "…全文" link m.weibo.cn appends to a cut text. */
const FULL_TEXT_LINK = /\s*(\.\.\.|…)?\s*全文$/;

/** m.weibo.cn `text` HTML → plain text without the 全文 link; `cut` says the link was there. */
export function weiboText(html: string | undefined): { text: string; cut: boolean } {
  const plain = stripHtml(html ?? '');
  const cut = FULL_TEXT_LINK.test(plain);
  return { text: cut ? `${plain.replace(FULL_TEXT_LINK, '')}…` : plain, cut };
}

export interface MblogOptions {
  source: string;
  query: string;
  clock: Clock;
  baseUrl: string;
  watchlist?: Institution[];
}

/** Joins a repost's comment and its original as one text. */
export function withRetweet(text: string, retweetUser: string | undefined, retweetText: string): string {
  return `${text}\n//@${retweetUser ?? '原微博'}: ${retweetText}`;
}

/**
 * m.weibo.cn mblog → RawPost; undefined when a required field is missing or unparseable. A long post
 * (or a repost of one) comes back `truncated: true`; the adapter expands it when it can.
 */
export function parseMblog(mblog: Json, opts: MblogOptions): RawPost | undefined {
  const id = str(mblog.idstr) ?? str(mblog.mid) ?? str(mblog.id);
  const user = asRecord(mblog.user);
  const author = user ? parseWeiboUser(user, opts.watchlist) : undefined;
  const published = weiboPublishedAt(str(mblog.created_at), id, opts.clock);
  if (!id || !author || !published) return undefined;
  const own = weiboText(str(mblog.text));
  let text = own.text;
  let truncated = mblog.isLongText === true || own.cut;
  const retweet = asRecord(mblog.retweeted_status);
  if (retweet) {
    const original = weiboText(str(retweet.text));
    text = withRetweet(text, str(asRecord(retweet.user)?.screen_name), original.text);
    truncated ||= retweet.isLongText === true || original.cut;
  }
  return {
    source: opts.source,
    sourceType: 'social',
    nativeId: id,
    url: `${baseOf(opts.baseUrl)}/detail/${id}`,
    text,
    author,
    publishedAt: published.at.toISOString(),
    ...(published.dayOnly ? { datePrecision: 'day' as const } : {}),
    ...(truncated ? { truncated: true } : {}),
    query: opts.query,
    metrics: {
      reposts: parseCount(mblog.reposts_count as string | number | undefined),
      comments: parseCount(mblog.comments_count as string | number | undefined),
      likes: parseCount(mblog.attitudes_count as string | number | undefined),
    },
  };
}
