import type { Institution } from '../../config/sections/watchlist.js';
import type { Author, RawPost } from '../../lib/domain.js';
import { BlockedError, NonRetryableError } from '../../lib/errors.js';
import { parseUnixSeconds } from '../core/dates.js';
import { asArray, asRecord, isInstitutionAccount, isNewsOutlet, type Json, num, str } from './common.js';

/**
 * Douyin web JSON as the page receives it (reference/sources-social.md §1): search cards, videos
 * (aweme), comments, and the risk-control answers that look like "no results".
 */

/**
 * The JSON objects in a body: one document, or the `general/search/stream/` framing (a hex length
 * line, then a JSON object, repeated). Empty body / literal `blocked` is an account block.
 */
export function douyinObjects(body: string): Json[] {
  const text = body.trim();
  if (text === '' || text === 'blocked') throw new BlockedError(`douyin: ${text === '' ? 'empty body' : 'body "blocked"'} (account blocked)`);
  try {
    const one = asRecord(JSON.parse(text));
    if (one) return [one];
  } catch {
    // not one document: try the stream framing
  }
  const objects: Json[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"' && depth > 0) inString = true;
    else if (ch === '{') {
      if (depth === 0) start = i;
      depth++;
    } else if (ch === '}' && depth > 0 && --depth === 0) {
      try {
        const obj = asRecord(JSON.parse(text.slice(start, i + 1)));
        if (obj) objects.push(obj);
      } catch {
        // a broken chunk: skipped, the envelope check below decides
      }
    }
  }
  if (objects.length === 0) throw new NonRetryableError(`douyin: response is not JSON (starts ${JSON.stringify(text.slice(0, 40))})`);
  return objects;
}

/** Risk control disguised as an empty result, a login wall, or an API error. */
export function checkEnvelope(obj: Json): void {
  const nil = asRecord(obj.search_nil_info);
  const nilType = `${str(nil?.search_nil_type) ?? ''} ${str(nil?.search_nil_item) ?? ''}`;
  if (/verify_check/.test(nilType)) throw new BlockedError('douyin: search answered verify_check (slider verification needed)');
  if (/invalid_login|\blogin\b/.test(nilType)) throw new BlockedError('douyin: login expired (search_nil invalid_login)');
  const status = num(obj.status_code);
  if (status !== undefined && status !== 0) {
    const msg = str(obj.status_msg) ?? '';
    if (/登录|login/i.test(msg)) throw new BlockedError(`douyin: status ${status} ${msg}`);
    throw new NonRetryableError(`douyin: status_code ${status} ${msg}`);
  }
}

/** Verification text → author class (DESIGN.md "who counts"): media (outlet organisation), enterprise, verified person, ordinary. */
export function douyinAuthor(user: Json, watchlist: Institution[] = []): Author | undefined {
  const key = str(user.uid) ?? str(user.sec_uid);
  const name = str(user.nickname);
  if (!key || !name) return undefined;
  const enterprise = str(user.enterprise_verify_reason);
  const custom = str(user.custom_verify);
  const media = enterprise !== undefined && isNewsOutlet(true, name, enterprise) && !isInstitutionAccount(name, watchlist);
  // Weibo's verified_type numbering, the project's common scale: 3 media, 2 enterprise, 0 verified person, -1 ordinary.
  const verifiedType = media ? 3 : enterprise ? 2 : custom ? 0 : -1;
  const followers = num(user.follower_count);
  return {
    key,
    name,
    verifiedType,
    ...(enterprise || custom ? { verifiedReason: enterprise ?? custom } : {}),
    ...(followers !== undefined ? { followers } : {}),
    isMedia: media,
  };
}

/** The videos in search cards: `aweme_info`, `aweme_mix_info.mix_items[]`, `card_info.attached_info.aweme_list[]`, `user_list[].items[]`. */
export function searchAwemes(obj: Json): { awemes: Json[]; hasMore: boolean } {
  const awemes: Json[] = [];
  for (const c of asArray(obj.data) ?? []) {
    const card = asRecord(c);
    if (!card) continue;
    const single = asRecord(card.aweme_info);
    if (single) awemes.push(single);
    for (const m of asArray(asRecord(card.aweme_mix_info)?.mix_items) ?? []) if (asRecord(m)) awemes.push(m as Json);
    for (const a of asArray(asRecord(asRecord(card.card_info)?.attached_info)?.aweme_list) ?? []) if (asRecord(a)) awemes.push(a as Json);
    for (const u of asArray(card.user_list) ?? []) for (const a of asArray(asRecord(u)?.items) ?? []) if (asRecord(a)) awemes.push(a as Json);
  }
  return { awemes, hasMore: num(obj.has_more) === 1 };
}

export interface DouyinPostOptions {
  source: string;
  query: string;
  baseUrl: string;
  watchlist: Institution[];
}

/** aweme → RawPost; null for a deleted video, undefined when a required field is missing. */
export function parseAweme(aweme: Json, opts: DouyinPostOptions): RawPost | null | undefined {
  if (asRecord(aweme.status)?.is_delete === true) return null;
  // aweme_id is above 2^53: only the string form is exact.
  const id = typeof aweme.aweme_id === 'string' ? aweme.aweme_id : undefined;
  const user = asRecord(aweme.author);
  const author = user ? douyinAuthor(user, opts.watchlist) : undefined;
  const publishedAt = parseUnixSeconds(num(aweme.create_time));
  const text = str(aweme.desc)?.trim();
  if (!id || !author || !publishedAt || !text) return undefined;
  const stats = asRecord(aweme.statistics);
  const note = (asArray(aweme.images)?.length ?? 0) > 0;
  return {
    source: opts.source,
    sourceType: 'social',
    nativeId: id,
    url: `https://www.douyin.com/${note ? 'note' : 'video'}/${id}`,
    text,
    author,
    publishedAt: publishedAt.toISOString(),
    query: opts.query,
    metrics: { likes: num(stats?.digg_count) ?? 0, comments: num(stats?.comment_count) ?? 0, reposts: num(stats?.share_count) ?? 0 },
  };
}

/** A comment → RawPost (a social post with its own author), titled with the video it sits under. */
export function parseDouyinComment(c: Json, video: { id: string; desc: string }, opts: DouyinPostOptions): RawPost | undefined {
  const id = typeof c.cid === 'string' ? c.cid : undefined;
  const user = asRecord(c.user);
  const author = user ? douyinAuthor(user, opts.watchlist) : undefined;
  const publishedAt = parseUnixSeconds(num(c.create_time));
  const text = str(c.text)?.trim();
  if (!id || !author || !publishedAt || !text) return undefined;
  return {
    source: opts.source,
    sourceType: 'social',
    nativeId: `c${id}`,
    url: `https://www.douyin.com/video/${video.id}?cid=${id}`,
    // A comment rarely names the bank; the title says which video it sits under.
    title: `抖音视频「${video.desc.slice(0, 30)}」下的评论`,
    text,
    author,
    publishedAt: publishedAt.toISOString(),
    query: opts.query,
    metrics: { likes: num(c.digg_count) ?? 0, comments: num(c.reply_comment_total) ?? 0 },
  };
}
