import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { SourceConfig } from '../../config/sections/crawl.js';
import type { Clock } from '../../lib/clock.js';
import type { RawPost } from '../../lib/domain.js';
import { NonRetryableError } from '../../lib/errors.js';
import { parseChineseDate } from '../core/dates.js';
import { contentHash, stripHtml } from '../core/text.js';
import type { PageResult, SourceAdapter, SourceContext } from '../types.js';
import { applyCursor, asArray, asRecord, type Json, mentions, outlet } from './common.js';

export type RssConfig = Extract<SourceConfig, { kind: 'rss' }>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  // Keep guids such as 20251122001 as strings.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
});

/** Text of a node that may be a string, `{ '#text': … }` (attributes present) or a CDATA-decoded string. */
function textOf(node: unknown): string | undefined {
  if (typeof node === 'string') return node.trim() || undefined;
  if (typeof node === 'number') return String(node);
  const rec = asRecord(node);
  if (rec && typeof rec['#text'] === 'string') return rec['#text'].trim() || undefined;
  if (Array.isArray(node)) return textOf(node[0]);
  return undefined;
}

function listOf(node: unknown): Json[] {
  if (node === undefined || node === null) return [];
  return (asArray(node) ?? [node]).map((n) => asRecord(n) ?? {});
}

/** Atom `<link rel="alternate" href>`; RSS `<link>` text. */
function linkOf(node: unknown): string | undefined {
  const links = asArray(node) ?? (node === undefined ? [] : [node]);
  for (const l of links) {
    const rec = asRecord(l);
    if (rec && typeof rec['@_href'] === 'string' && (rec['@_rel'] === undefined || rec['@_rel'] === 'alternate')) return rec['@_href'];
    const text = textOf(l);
    if (text) return text;
  }
  return undefined;
}

export interface FeedParseResult {
  title?: string;
  posts: RawPost[];
  malformed: number;
}

/**
 * RSS 2.0 (`rss.channel.item`) or Atom (`feed.entry`) → RawPost[]. The caller decodes the bytes (the
 * core honours the XML declaration's encoding, e.g. gb2312). nativeId = guid / Atom id, else the link.
 * Items without a title-or-text, or without a parseable date, are malformed.
 */
export function parseFeed(xml: string, opts: { source: string; feedName: string; query: string; clock: Clock }): FeedParseResult {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new NonRetryableError(`feed ${opts.feedName}: invalid XML (${valid.err.msg} at line ${valid.err.line})`);
  const doc = parser.parse(xml) as Json;
  const channel = asRecord(asRecord(doc.rss)?.channel) ?? asRecord(asRecord(doc['rdf:RDF']));
  const atom = asRecord(doc.feed);
  if (!channel && !atom) throw new NonRetryableError(`feed ${opts.feedName}: neither RSS nor Atom`);
  const items = channel ? listOf(channel.item ?? asRecord(doc['rdf:RDF'])?.item) : listOf(atom?.entry);
  const posts: RawPost[] = [];
  let malformed = 0;
  for (const item of items) {
    const title = stripHtml(textOf(item.title) ?? '');
    const body = stripHtml(textOf(item.description) ?? textOf(item['content:encoded']) ?? textOf(item.summary) ?? textOf(item.content) ?? '');
    const link = linkOf(item.link);
    const dateText = textOf(item.pubDate) ?? textOf(item['dc:date']) ?? textOf(item.updated) ?? textOf(item.published);
    const publishedAt = dateText ? parseChineseDate(dateText, opts.clock) : undefined;
    const id = textOf(item.guid) ?? textOf(item.id) ?? link;
    if ((!title && !body) || !publishedAt || !id) {
      malformed += 1;
      continue;
    }
    const authorName = textOf(item.author) ?? textOf(asRecord(item.author)?.name) ?? textOf(item['dc:creator']);
    const post: RawPost = {
      source: opts.source,
      sourceType: 'news',
      nativeId: id.length > 200 ? contentHash(id) : id,
      ...(link ? { url: link } : {}),
      ...(title ? { title } : {}),
      text: body || title,
      author: authorName && authorName !== opts.feedName ? { ...outlet(authorName) } : outlet(opts.feedName),
      publishedAt: publishedAt.toISOString(),
      query: opts.query,
    };
    if (mentions(`${title} ${body}`, opts.query)) posts.push(post);
  }
  return { ...(textOf(channel?.title ?? atom?.title) ? { title: textOf(channel?.title ?? atom?.title) } : {}), posts, malformed };
}

/**
 * Generic RSS/Atom source: one configured feed per page (page = index into `feeds`). Feeds have no
 * search; the query is '*' (or a keyword filtered locally).
 */
export class RssAdapter implements SourceAdapter {
  readonly type = 'news' as const;

  constructor(
    readonly id: string,
    private readonly config: RssConfig,
  ) {}

  async fetchPage(query: string, page: number | string | undefined, ctx: SourceContext): Promise<PageResult> {
    const index = page === undefined ? 0 : Number(page);
    const feed = this.config.feeds[index];
    if (!feed) return { posts: [], malformed: 0 };
    const res = await ctx.fetcher.fetch({
      url: feed.url,
      expect: 'text',
      headers: { accept: 'application/rss+xml, application/atom+xml, application/xml, text/xml' },
    });
    const parsed = parseFeed(res.text, { source: this.id, feedName: feed.name, query, clock: ctx.clock });
    // One cursor covers all feeds of the source, and feeds differ in freshness: with several feeds an
    // older item of a slower feed would be lost, so only a single-feed source filters by the cursor.
    // By publication time only: feeds are not always in date order, so an item listed below the
    // last-seen id may still be newer (stopping at the id would lose it).
    const byTime = ctx.cursor?.lastPublishedAt ? { lastPublishedAt: ctx.cursor.lastPublishedAt } : undefined;
    const posts = this.config.feeds.length === 1 ? applyCursor(parsed.posts, byTime).posts : parsed.posts;
    return { posts, malformed: parsed.malformed, ...(index + 1 < this.config.feeds.length ? { nextPage: index + 1 } : {}) };
  }
}
