import { z } from 'zod';

const commonSource = {
  enabled: z.boolean().default(true),
  /** node-cron expression (seconds field optional), e.g. every five minutes. */
  schedule: z.string().default('*/5 * * * *'),
  /** Requests per minute to this source's host(s). */
  requestsPerMinute: z.number().positive().default(20),
  /** Random extra delay as a fraction of the pacing interval (0.3 = up to +30%). */
  jitter: z.number().min(0).max(1).default(0.3),
  maxPages: z.number().int().min(1).max(100).default(5),
  /** Cool-down after a block (432/456/captcha/login wall). */
  cooldownMinutes: z.number().positive().default(30),
  /** Cookie header sent verbatim (may also come from env, see cookieEnv). */
  cookie: z.string().optional(),
  /** Name of an env var holding the cookie, e.g. WEIBO_COOKIE. */
  cookieEnv: z.string().optional(),
  /** http(s) proxy URL. */
  proxy: z.string().optional(),
  timeoutMs: z.number().int().positive().default(15000),
  /** Keyword queries; empty = derived from the watchlist names and aliases. */
  queries: z.array(z.string()).default([]),
};

export const sourceSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('weibo'),
      ...commonSource,
      baseUrl: z.string().url().default('https://m.weibo.cn'),
      searchHtmlUrl: z.string().url().default('https://s.weibo.com'),
      visitorUrl: z.string().url().default('https://visitor.passport.weibo.cn'),
      expandLongText: z.boolean().default(true),
    })
    .strict(),
  z
    .object({
      kind: z.literal('heimao'),
      ...commonSource,
      baseUrl: z.string().url().default('https://tousu.sina.com.cn'),
      salt: z.string().default('$d6eb7ff91ee257475%'),
      pageSize: z.number().int().default(10),
      browserFallback: z.boolean().default(true),
    })
    .strict(),
  z.object({ kind: z.literal('jutousu'), ...commonSource, baseUrl: z.string().url().default('https://ts.21cn.com') }).strict(),
  z.object({ kind: z.literal('rss'), ...commonSource, feeds: z.array(z.object({ name: z.string(), url: z.string().url() }).strict()).min(1) }).strict(),
  z
    .object({
      kind: z.literal('sina-roll'),
      ...commonSource,
      baseUrl: z.string().url().default('https://feed.mix.sina.com.cn'),
      pageid: z.number().int().default(153),
      lid: z.number().int().default(2516),
    })
    .strict(),
  z.object({ kind: z.literal('cls'), ...commonSource, baseUrl: z.string().url().default('https://www.cls.cn') }).strict(),
  z.object({ kind: z.literal('eastmoney'), ...commonSource, baseUrl: z.string().url().default('https://search-api-web.eastmoney.com') }).strict(),
  z
    .object({
      kind: z.literal('douyin'),
      ...commonSource,
      /** Web host the browser opens (search and video pages); the page signs its own API calls. */
      baseUrl: z.string().url().default('https://www.douyin.com'),
      /** Scrolls of the search result list per keyword (each loads about 10 more videos). */
      searchScrolls: z.number().int().min(0).max(20).default(2),
      /** Videos per keyword whose comments are read (most commented first among the new ones). */
      commentVideos: z.number().int().min(0).max(50).default(5),
      /** Scrolls of a video's comment list (each loads about 20 more comments). */
      commentScrolls: z.number().int().min(0).max(20).default(2),
    })
    .strict(),
  z
    .object({
      kind: z.literal('weibo-comments'),
      ...commonSource,
      baseUrl: z.string().url().default('https://m.weibo.cn'),
      /** Newest posts per official account whose comments are read (a pinned post is read in addition). */
      recentPosts: z.number().int().min(1).max(50).default(5),
    })
    .strict(),
  z
    .object({
      kind: z.literal('appstore'),
      ...commonSource,
      baseUrl: z.string().url().default('https://itunes.apple.com'),
      /** Storefront (cn = 中国大陆). */
      country: z
        .string()
        .regex(/^[a-z]{2}$/)
        .default('cn'),
    })
    .strict(),
]);

export const crawlSchema = z
  .object({
    /** Source id → source config. The id is the `source` field of stored mentions. */
    sources: z.record(z.string().regex(/^[a-z][a-z0-9:_-]*$/), sourceSchema).default({}),
    userAgent: z.string().default('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36'),
    mobileUserAgent: z
      .string()
      .default('Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1'),
    /** Path of a Chromium binary (env CHROME_PATH); found automatically when unset. */
    chromePath: z.string().optional(),
    browserPages: z.number().int().min(1).max(8).default(2),
  })
  .strict();

export type SourceConfig = z.infer<typeof sourceSchema>;
