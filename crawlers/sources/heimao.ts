import { createHash } from 'node:crypto';
import type { SourceConfig } from '../../config/sections/crawl.js';
import type { RawPost } from '../../lib/domain.js';
import { BlockedError, NonRetryableError, RateLimitBlockError } from '../../lib/errors.js';
import { parseUnixSeconds } from '../core/dates.js';
import { stripHtml } from '../core/text.js';
import type { PageResult, SourceAdapter, SourceContext } from '../types.js';
import { applyCursor, asArray, asRecord, baseOf, type Json, num, str } from './common.js';
import { absoluteUrl, complaintSn, type HeimaoDetail, parseHeimaoDetail, parseHeimaoSearchCards } from './heimao-html.js';

export type HeimaoConfig = Extract<SourceConfig, { kind: 'heimao' }>;

const RS_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * 黑猫投诉 request signature (reference/sources.md §2.2): SHA-256 (lowercase hex) of the values sorted
 * by code unit and concatenated without a separator. For search the values are ts, rs, salt, keywords
 * (raw, not URL-encoded), page_size and page.
 */
export function heimaoSignature(values: string[]): string {
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(sorted.join(''), 'utf8').digest('hex');
}

export interface HeimaoSearchParams {
  ts: string;
  rs: string;
  salt: string;
  keywords: string;
  pageSize: number;
  page: number;
}

export function signHeimaoSearch(p: HeimaoSearchParams): string {
  return heimaoSignature([p.ts, p.rs, p.salt, p.keywords, String(p.pageSize), String(p.page)]);
}

/** 16 characters from [0-9a-zA-Z], as the site's script generates per page load. */
export function randomRs(random: () => number = Math.random): string {
  let out = '';
  for (let i = 0; i < 16; i++) out += RS_ALPHABET[Math.floor(random() * RS_ALPHABET.length) % RS_ALPHABET.length];
  return out;
}

/** The signed search URL (`/api/index/s?ts&rs&signature&keywords&page_size&page`). */
export function heimaoSearchUrl(baseUrl: string, p: HeimaoSearchParams): string {
  const q = new URLSearchParams({
    ts: p.ts,
    rs: p.rs,
    signature: signHeimaoSearch(p),
    keywords: p.keywords,
    page_size: String(p.pageSize),
    page: String(p.page),
  });
  return `${baseOf(baseUrl)}/api/index/s?${q.toString()}`;
}

/** One `lists[]` item (`main` + `author`) → RawPost; undefined when sn or timestamp is missing. */
export function parseHeimaoItem(item: Json, opts: { source: string; query: string; baseUrl: string }): RawPost | undefined {
  const main = asRecord(item.main);
  const sn = str(main?.sn);
  const publishedAt = parseUnixSeconds(str(main?.timestamp));
  if (!main || !sn || !publishedAt) return undefined;
  const title = stripHtml(str(main.title) ?? '');
  const summary = stripHtml(str(main.summary) ?? '');
  const author = asRecord(item.author);
  const name = str(author?.title);
  const key = name ?? str(author?.wb_profile) ?? `anonymous:${sn}`;
  const amount = num(main.cost);
  const complaint: NonNullable<RawPost['complaint']> = {
    ...(str(main.cotitle) ? { target: str(main.cotitle) } : {}),
    ...(str(main.appeal) ? { appeal: str(main.appeal) } : {}),
    ...(str(main.issue) ? { issue: str(main.issue) } : {}),
    ...(amount !== undefined && amount > 0 ? { amount } : {}),
    ...(str(main.status) ? { status: str(main.status) } : {}),
  };
  const rawUrl = str(main.url);
  return {
    source: opts.source,
    sourceType: 'complaint',
    nativeId: sn,
    url: rawUrl ? absoluteUrl(rawUrl, opts.baseUrl) : `${baseOf(opts.baseUrl)}/complaint/view/${sn}/`,
    ...(title ? { title } : {}),
    text: summary || title,
    author: { key, name: name ?? '黑猫用户', isMedia: false },
    publishedAt: publishedAt.toISOString(),
    query: opts.query,
    complaint,
  };
}

/** A summary cut short by the platform (ends in an ellipsis): the detail page has the full text. */
export function isTruncated(text: string): boolean {
  return /(\.\.\.|…)$/.test(text.trim());
}

/**
 * 黑猫投诉 keyword search via the signed JSON API. When the API answers a login page or rejects the
 * signature (recipe drift) and a browser is available, the rendered search page is scrolled instead.
 * HTTP 456 is a rate-limit block: the core raises it and the source cools down (no browser retry).
 */
export class HeimaoAdapter implements SourceAdapter {
  readonly type = 'complaint' as const;

  constructor(
    readonly id: string,
    private readonly config: HeimaoConfig,
    private readonly random: () => number = Math.random,
  ) {}

  async fetchPage(query: string, page: number | string | undefined, ctx: SourceContext): Promise<PageResult> {
    if (page === 'browser') return this.browserSearch(query, ctx);
    const pageNo = page === undefined ? 1 : Number(page);
    const url = heimaoSearchUrl(this.config.baseUrl, {
      ts: String(ctx.clock.now().getTime()),
      rs: randomRs(this.random),
      salt: this.config.salt,
      keywords: query,
      pageSize: this.config.pageSize,
      page: pageNo,
    });
    let body: unknown;
    try {
      const res = await ctx.fetcher.fetch({
        url,
        headers: {
          referer: `${baseOf(this.config.baseUrl)}/index/search/?keywords=${encodeURIComponent(query)}&t=1`,
          'x-requested-with': 'XMLHttpRequest',
        },
        expect: 'json',
      });
      body = res.json;
    } catch (err) {
      // A login page instead of JSON; 456 is a rate limit and is left to the cool-down.
      if (err instanceof BlockedError && !(err instanceof RateLimitBlockError) && this.canBrowse(ctx)) return this.browserSearch(query, ctx);
      throw err;
    }
    const result = asRecord(asRecord(body)?.result);
    const status = asRecord(result?.status);
    const code = num(status?.code);
    if (code !== 0) {
      const msg = str(status?.msg) ?? '';
      if (this.canBrowse(ctx)) return this.browserSearch(query, ctx);
      if (code === 403 || /sign/i.test(msg)) throw new NonRetryableError(`heimao: signature rejected (${msg}); the recipe or salt may have changed`);
      throw new NonRetryableError(`heimao: error status ${String(status?.code)} ${msg}`);
    }
    const data = asRecord(result?.data);
    const lists = asArray(data?.lists);
    if (!lists) throw new NonRetryableError('heimao: response without result.data.lists');
    const pager = asRecord(data?.pager);
    const current = num(pager?.current) ?? pageNo;
    const amount = num(pager?.page_amount) ?? current;
    const itemCount = num(pager?.item_count) ?? 0;
    // An empty list although the pager promises items is how the site signals risk control.
    if (lists.length === 0 && itemCount > 0 && current <= amount) throw new BlockedError('heimao: empty result page despite item_count (risk control)');
    const posts: RawPost[] = [];
    let malformed = 0;
    for (const raw of lists) {
      const post = asRecord(raw) ? parseHeimaoItem(raw as Json, { source: this.id, query, baseUrl: this.config.baseUrl }) : undefined;
      if (post) posts.push(post);
      else malformed += 1;
    }
    const cut = applyCursor(posts, ctx.cursor);
    return { posts: cut.posts, malformed, ...(current < amount && !cut.reached ? { nextPage: current + 1 } : {}) };
  }

  /** Fetches `/complaint/view/{sn}/` for the full text when a summary was truncated. */
  async fetchDetail(sn: string, ctx: SourceContext): Promise<HeimaoDetail> {
    const res = await ctx.fetcher.fetch({ url: `${baseOf(this.config.baseUrl)}/complaint/view/${sn}/`, expect: 'text' });
    const detail = parseHeimaoDetail(res.text, ctx.clock);
    if (!detail) throw new NonRetryableError(`heimao: complaint page ${sn} has no h1.article`);
    return detail;
  }

  private canBrowse(ctx: SourceContext): boolean {
    return this.config.browserFallback && ctx.browser !== undefined;
  }

  private async browserSearch(query: string, ctx: SourceContext): Promise<PageResult> {
    if (!ctx.browser) throw new NonRetryableError('heimao: browser fallback requested without a browser');
    const url = `${baseOf(this.config.baseUrl)}/index/search/?keywords=${encodeURIComponent(query)}&t=1`;
    // No waitForSelector: a search without results has no card to wait for; scrolling waits for growth.
    const html = await ctx.browser.render(url, { scrolls: Math.max(1, this.config.maxPages) });
    if (/passport\.(sina|weibo)|请先登录|geetest/.test(html) && !complaintSn(html)) throw new BlockedError('heimao: search page asks for login/captcha');
    const parsed = parseHeimaoSearchCards(html, { source: this.id, query, baseUrl: this.config.baseUrl, clock: ctx.clock });
    const cut = applyCursor(parsed.posts, ctx.cursor);
    return { posts: cut.posts, malformed: parsed.malformed };
  }
}

export type { HeimaoDetail } from './heimao-html.js';
export { parseHeimaoDetail, parseHeimaoSearchCards } from './heimao-html.js';

/** Merges a detail page into the post found by search (full text, complaint fields). */
export function detailToPost(detail: HeimaoDetail, base: RawPost): RawPost {
  return {
    ...base,
    text: detail.text || base.text,
    complaint: { ...base.complaint, ...detail.complaint },
  };
}
