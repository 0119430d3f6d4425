/**
 * Who counts (DESIGN.md "Who counts"): the one definition of a complaint, a complainant and media
 * coverage, used by the store's event stats, the escalation engine, the early-warning window and the
 * backtest. Pure: no I/O, no imports beyond the domain types.
 */
import type { Mention, SentimentLabel } from './domain.js';

/** The mention fields the definitions read. */
export type CountedMention = Pick<Mention, 'source' | 'sourceType' | 'rating'> & { author: Pick<Mention['author'], 'key' | 'isMedia'> };

/** App-store reviews with this many stars or fewer are complaints by construction. */
export const COMPLAINT_MAX_RATING = 2;

/**
 * A complaint whatever the model scores: a post on a complaint platform (黑猫投诉, 聚投诉) or a
 * 1–2-star review. The event a post joins is per institution, so the post names it.
 */
export function isComplaintByConstruction(m: Pick<CountedMention, 'sourceType' | 'rating'>): boolean {
  return m.sourceType === 'complaint' || (m.rating !== undefined && m.rating >= 1 && m.rating <= COMPLAINT_MAX_RATING);
}

/** Media coverage: a news source, or a media account (a news outlet's organisation account, Weibo verified_type 3). */
export function isMediaMention(m: Pick<CountedMention, 'sourceType' | 'author'>): boolean {
  return m.sourceType === 'news' || m.author.isMedia;
}

/**
 * A complaint: complaint-platform posts and 1–2-star reviews by construction, otherwise a negative
 * social post or comment. News articles are coverage, not complaints.
 */
export function isComplaint(m: Pick<CountedMention, 'sourceType' | 'rating'>, label: SentimentLabel | undefined): boolean {
  if (isComplaintByConstruction(m)) return true;
  return label === 'negative' && m.sourceType !== 'news';
}

/** A complainant: a non-media author of a complaint. */
export function isComplainant(m: CountedMention, label: SentimentLabel | undefined): boolean {
  return !isMediaMention(m) && isComplaint(m, label);
}

/** Distinct-author key (authors are distinct per source). */
export function authorKey(m: Pick<CountedMention, 'source' | 'author'>): string {
  return `${m.source}:${m.author.key}`;
}
