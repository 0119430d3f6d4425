import type { Clock } from '../lib/clock.js';
import type { RawPost, SourceType } from '../lib/domain.js';

/**
 * What a source adapter asks the crawler core to fetch. The core does fetching, pacing, retries,
 * cookies, charset and block detection; the adapter only builds requests and parses responses.
 */
export interface FetchRequest {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** `json` parses JSON (after stripping a JSONP wrapper); `text` decodes with charset detection. */
  expect: 'json' | 'text';
}

export interface FetchResponse {
  status: number;
  url: string;
  headers: Record<string, string>;
  text: string;
  /** Present when expect = json and the body parsed. */
  json?: unknown;
}

/** The fetcher the core hands to adapters (per-host pacing, retry, block detection built in). */
export interface Fetcher {
  fetch(req: FetchRequest): Promise<FetchResponse>;
}

/** A rendered page from the browser pool, for sources that need JavaScript. */
export interface BrowserFetcher {
  /** Opens url, optionally scrolls `scrolls` times, returns the final HTML. */
  render(
    url: string,
    options?: { scrolls?: number; waitForSelector?: string; cookies?: Array<{ name: string; value: string; domain: string }> },
  ): Promise<string>;
  /** Visits url and returns the cookies the page set (Weibo visitor cookies). */
  harvestCookies(url: string): Promise<Array<{ name: string; value: string; domain: string }>>;
  /**
   * Opens url and captures the bodies of the page's own API responses whose URL contains one of
   * `match` (the page signs its requests; we read what it received). Scrolls up to `scrolls` times
   * while `more(lastBody)` says another page exists, waiting for the next matching response each time.
   */
  capture?(url: string, options: CaptureOptions): Promise<CaptureResult>;
}

export interface CaptureOptions {
  match: string[];
  scrolls?: number;
  more?: (body: string) => boolean;
  cookies?: Array<{ name: string; value: string; domain: string }>;
  /** Upper bound for the first matching response to arrive (default: the pool's scroll wait × 4). */
  firstResponseMs?: number;
  /** A selector that marks a verification/login page: when it appears, waiting for responses ends. */
  blockSelector?: string;
}

export interface CaptureResult {
  /** URL after redirects (a captcha/login redirect shows here). */
  finalUrl: string;
  title: string;
  html: string;
  responses: Array<{ url: string; status: number; body: string }>;
}

export interface PageResult {
  posts: RawPost[];
  /** Items that failed to parse on this page (skipped and counted). */
  malformed: number;
  /** Set when another page exists. */
  nextPage?: number | string;
}

export interface SourceContext {
  fetcher: Fetcher;
  browser?: BrowserFetcher;
  clock: Clock;
  /** Newest id/time this source+query had stored before this run; adapters stop paging at it. */
  cursor?: { lastId?: string; lastPublishedAt?: string };
}

/** One file per platform under crawlers/sources/ implements this. */
export interface SourceAdapter {
  /** Source id, e.g. `weibo`, `heimao`, `jutousu`, `sina-roll`, `rss:people-finance`. */
  readonly id: string;
  readonly type: SourceType;
  /**
   * Fetches one page of results for a keyword query (or the whole feed when the source has no
   * search: query = '*'). `page` is undefined for the first page.
   */
  fetchPage(query: string, page: number | string | undefined, ctx: SourceContext): Promise<PageResult>;
}
