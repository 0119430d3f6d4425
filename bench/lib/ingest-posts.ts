import type { Institution } from '../../config/schema.js';
import type { Mention, SourceType } from '../../lib/domain.js';
import { BRANCHES, CLOSERS_NEGATIVE, CLOSERS_OTHER, MEDIA_OUTLETS, NEUTRAL, POSITIVE, TOPIC_TEXT } from './seed-text.js';

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

/**
 * `n` fresh crawled posts (not analysed) about the watchlist, deterministic for a seed: complaints on
 * complaint platforms and Weibo (most of them, on a few dozen recurring issues, so clustering and
 * escalation have work), praise, and news reports from media outlets, published over the last `hours`.
 */
export function ingestPosts(n: number, watchlist: Institution[], options: { seed?: number; end?: Date; hours?: number } = {}): Mention[] {
  const rand = prng(options.seed ?? 20251130);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const end = (options.end ?? new Date()).getTime();
  const spanMs = (options.hours ?? 24) * 3_600_000;
  const banks = watchlist.slice(0, 8);
  const out: Mention[] = [];
  for (let i = 0; i < n; i++) {
    const bank = pick(banks);
    const r = rand();
    const kind: SourceType = r < 0.45 ? 'complaint' : r < 0.9 ? 'social' : 'news';
    const topic = pick(TOPIC_TEXT);
    const words =
      kind === 'news'
        ? [pick(NEUTRAL), pick(CLOSERS_OTHER)]
        : rand() < 0.85
          ? [pick(topic.negative), pick(topic.details), pick(CLOSERS_NEGATIVE)]
          : [pick(POSITIVE), pick(CLOSERS_OTHER)];
    const text = words
      .join('|')
      .replaceAll('{B}', rand() < 0.7 ? bank.name : (bank.aliases[0] ?? bank.name))
      .replaceAll('{S}', pick(BRANCHES))
      .replaceAll('{N}', String(2 + Math.floor(rand() * 50)))
      .split('|')
      .join('');
    const source = kind === 'complaint' ? (rand() < 0.6 ? 'heimao' : 'jutousu') : kind === 'social' ? 'weibo' : 'news-rss';
    const author = kind === 'news' ? pick(MEDIA_OUTLETS) : `用户${Math.floor(rand() * 5000)}`;
    const nativeId = String(5_100_000_000 + i);
    out.push({
      id: `${source}:${nativeId}`,
      source,
      sourceType: kind,
      nativeId,
      text,
      author: { key: author, name: author, isMedia: kind === 'news' },
      publishedAt: new Date(end - Math.floor(rand() * spanMs)).toISOString(),
      fetchedAt: new Date(end).toISOString(),
      contentHash: `ingest-${options.seed ?? 20251130}-${i}`,
    });
  }
  return out;
}
