import assert from 'node:assert/strict';
import type { SourceConfig } from '../../../config/schema.js';
import { sourceSchema } from '../../../config/sections/crawl.js';
import { createFetcher, HostPacer } from '../../../crawlers/core/http.js';
import { type CrawlRunnerDeps, createCrawlRunner } from '../../../crawlers/runner.js';
import type { BrowserFetcher, PageResult, SourceAdapter } from '../../../crawlers/types.js';
import { type BusMessage, MessageBus } from '../../../lib/bus.js';
import { FakeClock, MINUTE } from '../../../lib/clock.js';
import type { RawPost } from '../../../lib/domain.js';
import { BlockedError } from '../../../lib/errors.js';
import { silentLogger } from '../../../lib/logger.js';
import { createMetrics } from '../../../lib/metrics.js';
import { Loopback } from './core/loopback.js';
import { RecordingStore } from './recording-store.js';

interface FeedItem {
  id?: string;
  text?: string;
  user?: string;
  time?: string;
}

/** A platform on loopback: newest-first JSON search results, 3 per page, which tests can append to, block or break. */
class FakePlatform {
  items: FeedItem[] = [];
  mode: 'ok' | 'block432' | 'malformedJson' = 'ok';
  blockFromPage = 1;
  /** The Cookie header of every request; a request without one gets a visitor cookie. */
  readonly cookies: string[] = [];
  readonly server = new Loopback();
  constructor() {
    this.server.route('/search', (req, res) => {
      this.cookies.push(req.headers.cookie ?? '');
      if (!req.headers.cookie) res.setHeader('set-cookie', `SUB=visitor${this.cookies.length}; Path=/`);
      const url = new URL(req.url ?? '/', 'http://x');
      const page = Number(url.searchParams.get('page') ?? '1');
      if (this.mode === 'block432' && page >= this.blockFromPage) return void res.writeHead(432).end();
      if (this.mode === 'malformedJson') return void res.end('{"ok":1,"data":[');
      const q = url.searchParams.get('q') ?? '';
      const matching = this.items.filter((i) => q === '*' || (i.text ?? '').includes(q));
      const slice = matching.slice((page - 1) * 3, page * 3);
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.end(JSON.stringify({ ok: 1, data: slice, next: page * 3 < matching.length ? page + 1 : null }));
    });
  }
  /** Adds a post at the top (newest). */
  post(id: string, text: string, shanghaiTime: string, user = `用户${id}`): void {
    this.items.unshift({ id, text, user, time: shanghaiTime });
  }
}

/** A minimal adapter in the shape B2's adapters have: builds a request, parses, counts malformed items. */
function feedAdapter(baseUrl: string): SourceAdapter {
  return {
    id: 'weibo',
    type: 'social',
    async fetchPage(query, page, ctx): Promise<PageResult> {
      const res = await ctx.fetcher.fetch({ url: `${baseUrl}/search?q=${encodeURIComponent(query)}&page=${page ?? 1}`, expect: 'json' });
      const body = res.json as { data: FeedItem[]; next: number | null };
      const posts: RawPost[] = [];
      let malformed = 0;
      for (const item of body.data) {
        if (!item.id || !item.time) {
          malformed++;
          continue;
        }
        posts.push({
          source: 'weibo',
          sourceType: 'social',
          nativeId: item.id,
          text: item.text ?? '',
          author: { key: item.user ?? '?', name: item.user ?? '?', isMedia: false },
          publishedAt: new Date(`${item.time.replace(' ', 'T')}+08:00`).toISOString(),
        });
      }
      return { posts, malformed, nextPage: body.next ?? undefined };
    },
  };
}

describe('crawlers/runner', () => {
  let platform: FakePlatform;
  let clock: FakeClock;
  let store: RecordingStore;
  let stored: string[][];
  let bus: MessageBus;
  let busMessages: BusMessage[];
  let metrics: ReturnType<typeof createMetrics>;
  let config: SourceConfig;
  let queries: string[];

  beforeEach(async () => {
    platform = new FakePlatform();
    await platform.server.start();
    clock = new FakeClock('2025-11-22T02:30:00.000Z');
    store = await RecordingStore.open();
    stored = [];
    bus = new MessageBus();
    busMessages = [];
    bus.subscribe((m) => busMessages.push(m));
    metrics = createMetrics({ defaultMetrics: false });
    config = sourceSchema.parse({ kind: 'weibo', maxPages: 5, cooldownMinutes: 30 });
    queries = ['示例银行'];
  });
  afterEach(async () => {
    await platform.server.close();
    await store.real.close();
  });

  function runner(extra: Partial<CrawlRunnerDeps> = {}) {
    const fetcher = createFetcher({
      sourceId: 'weibo',
      requestsPerMinute: 60_000,
      userAgent: 'test',
      clock,
      log: silentLogger(),
      pacer: new HostPacer(),
      maxRetries: 0,
      sleep: async () => undefined,
    });
    return createCrawlRunner({
      store,
      adapters: new Map([['weibo', feedAdapter(platform.server.url(''))]]),
      sourceConfigs: { weibo: config },
      fetcherFor: () => fetcher,
      clock,
      log: silentLogger(),
      metrics,
      bus,
      queriesFor: () => queries,
      onStored: async (ids) => void stored.push(ids),
      ...extra,
    });
  }

  function seedPosts(n: number, startMinute = 0): void {
    for (let i = 0; i < n; i++) {
      const minute = String(startMinute + i).padStart(2, '0');
      platform.post(
        `52345678901200${String(startMinute + i).padStart(2, '0')}`,
        `示例银行信用卡被违规收取年费第${startMinute + i}次，客服推诿`,
        `2025-11-22 09:${minute}:00`,
      );
    }
  }

  it('pages through a query, stores mentions, then advances the cursor and reports fresh ids', async () => {
    seedPosts(7);
    const summary = await runner().runSource('weibo');
    assert.deepEqual(
      { fetched: summary.fetched, stored: summary.stored, pages: summary.pages, blocked: summary.blocked, error: summary.error },
      { fetched: 7, stored: 7, pages: 3, blocked: false, error: undefined },
    );
    const m = await store.real.getMention('weibo:5234567890120006');
    assert.ok(m);
    assert.equal(m.fetchedAt, '2025-11-22T02:30:00.000Z');
    assert.equal(m.query, '示例银行');
    assert.match(m.contentHash, /^[0-9a-f]{16}$/);
    assert.deepEqual(await store.real.getCursor('weibo', '示例银行'), {
      source: 'weibo',
      query: '示例银行',
      lastId: '5234567890120006',
      lastPublishedAt: '2025-11-22T01:06:00.000Z',
      updatedAt: '2025-11-22T02:30:00.000Z',
    });
    assert.deepEqual(store.calls, ['upsertMentions', 'setCursor']);
    assert.equal(stored.length, 1);
    assert.equal(stored[0]?.length, 7);
    const health = await store.real.getSourceHealth('weibo');
    assert.equal(health?.status, 'ok');
    assert.equal(health?.itemsFetched, 7);
    assert.equal(health?.running, false);
    assert.equal(health?.lastSuccessAt, '2025-11-22T02:30:00.000Z');
    const published = busMessages.filter((b) => b.type === 'source.health');
    assert.equal(published.length, 2); // running, then finished
  });

  it('stops paging when it reaches posts stored before (incremental run)', async () => {
    seedPosts(7);
    await runner().runSource('weibo');
    const hitsBefore = platform.server.hits.get('/search') ?? 0;
    seedPosts(2, 30); // two new posts on top
    clock.advance(5 * MINUTE);
    const summary = await runner().runSource('weibo');
    assert.equal(summary.pages, 1, 'the first page already contains a known post');
    assert.equal((platform.server.hits.get('/search') ?? 0) - hitsBefore, 1);
    assert.equal(summary.stored, 2);
    assert.equal(summary.duplicates, 1);
    assert.deepEqual(stored[1]?.sort(), ['weibo:5234567890120030', 'weibo:5234567890120031']);
    assert.equal((await store.real.getCursor('weibo', '示例银行'))?.lastId, '5234567890120031');
  });

  it('does not advance the cursor when the store fails, and loses nothing on the next run', async () => {
    seedPosts(4);
    store.failNextUpsert = true;
    const failed = await runner().runSource('weibo');
    assert.match(failed.error ?? '', /disk I\/O/);
    assert.equal(await store.real.getCursor('weibo', '示例银行'), undefined, 'cursor must not move past posts that were not stored');
    assert.equal(await store.real.getMention('weibo:5234567890120000'), undefined);
    assert.equal(stored.length, 0);
    const h = await store.real.getSourceHealth('weibo');
    assert.equal(h?.status, 'failing');
    assert.equal(h?.consecutiveFailures, 1);
    assert.match(h?.lastError ?? '', /disk I\/O/);

    const retry = await runner().runSource('weibo');
    assert.equal(retry.stored, 4);
    assert.equal((await store.real.getCursor('weibo', '示例银行'))?.lastId, '5234567890120003');
    assert.equal((await store.real.getSourceHealth('weibo'))?.status, 'ok');
    assert.equal((await store.real.getSourceHealth('weibo'))?.consecutiveFailures, 0);
  });

  it('a block cools the source down, skips runs meanwhile and resumes after the cool-down', async () => {
    seedPosts(7);
    platform.mode = 'block432';
    platform.blockFromPage = 2;
    const summary = await runner().runSource('weibo');
    assert.equal(summary.blocked, true);
    assert.equal(summary.stored, 3, 'page 1 is kept');
    assert.equal(await store.real.getCursor('weibo', '示例银行'), undefined, 'but the cursor stays, so the unseen pages are fetched later');
    const h = await store.real.getSourceHealth('weibo');
    assert.equal(h?.status, 'blocked');
    assert.equal(h?.blockedUntil, '2025-11-22T03:00:00.000Z');
    assert.equal((await metrics.blockEvents.get()).values[0]?.value, 1);
    assert.ok(busMessages.some((b) => b.type === 'source.health' && b.health.status === 'blocked'));

    platform.mode = 'ok';
    clock.advance(29 * MINUTE);
    const hits = platform.server.hits.get('/search');
    const skipped = await runner().runSource('weibo');
    assert.equal(skipped.blocked, true);
    assert.equal(platform.server.hits.get('/search'), hits, 'no request while cooling down');

    clock.advance(2 * MINUTE);
    const resumed = await runner().runSource('weibo');
    assert.equal(resumed.blocked, false);
    assert.equal(resumed.stored, 4);
    assert.equal((await store.real.getSourceHealth('weibo'))?.status, 'ok');
    assert.equal((await store.real.getSourceHealth('weibo'))?.blockedUntil, undefined);
    assert.equal((await store.real.getCursor('weibo', '示例银行'))?.lastId, '5234567890120006');
  });

  it('uses the longer of the configured cool-down and the platform hint', async () => {
    const fetcher = {
      fetch: async (): Promise<never> => {
        throw new BlockedError('HTTP 456', 90 * MINUTE);
      },
    };
    await runner({ fetcherFor: () => fetcher }).runSource('weibo');
    assert.equal((await store.real.getSourceHealth('weibo'))?.blockedUntil, '2025-11-22T04:00:00.000Z');
  });

  it('counts malformed items and malformed pages and goes on', async () => {
    seedPosts(2);
    platform.items.splice(1, 0, { text: '示例银行 没有id的帖子' }, { id: 'x1', text: '示例银行 没有时间' });
    const summary = await runner().runSource('weibo');
    assert.equal(summary.malformed, 2);
    assert.equal(summary.stored, 2);
    assert.equal((await store.real.getSourceHealth('weibo'))?.itemsMalformed, 2);
    assert.equal((await store.real.getSourceHealth('weibo'))?.status, 'ok');

    platform.mode = 'malformedJson';
    queries = ['示例银行', '另一家银行'];
    const broken = await runner().runSource('weibo');
    assert.equal(broken.malformed, 2, 'one malformed page per query');
    assert.equal(broken.error, undefined);
    assert.equal((await store.real.getSourceHealth('weibo'))?.itemsMalformed, 4);
    const values = (await metrics.crawlItems.get()).values;
    assert.equal(values.find((v) => v.labels.result === 'malformed')?.value, 4);
  });

  it('drops posts failing the filter and dedups across queries within a run', async () => {
    seedPosts(3);
    platform.post('9001', '今天天气不错，和银行无关', '2025-11-22 09:50:00');
    queries = ['示例银行', '*'];
    const summary = await runner({ filter: (p) => p.text.includes('示例银行') }).runSource('weibo');
    assert.equal(summary.fetched, 4, 'the 3 bank posts of query 2 repeat query 1');
    assert.equal(summary.filtered, 1);
    assert.equal(summary.stored, 3);
    assert.equal(summary.duplicates, 3);
    assert.equal(Boolean(await store.real.getMention('weibo:9001')), false);
    assert.equal((await store.real.getCursor('weibo', '*'))?.lastId, '9001', 'the cursor covers filtered posts too');
  });

  it('marks cross-post copies as duplicates and does not report them as fresh', async () => {
    platform.post('1', '示例银行理财产品亏损30%，客户经理当初说保本！', '2025-11-22 09:00:00');
    platform.post('2', '示例银行 理财产品亏损30% 客户经理当初说保本', '2025-11-22 09:01:00');
    const summary = await runner().runSource('weibo');
    assert.equal(summary.stored, 2);
    assert.equal(summary.duplicates, 1);
    assert.deepEqual(stored[0], ['weibo:2']);
  });

  it('other errors mark the source failing and count consecutive failures', async () => {
    await platform.server.close();
    await runner().runSource('weibo');
    await runner().runSource('weibo');
    const h = await store.real.getSourceHealth('weibo');
    assert.equal(h?.status, 'failing');
    assert.equal(h?.consecutiveFailures, 2);
    await platform.server.start();
  });

  it('retries once with browser cookies when Weibo blocks, then stays blocked if that fails', async () => {
    seedPosts(2);
    platform.mode = 'block432';
    const harvested: string[] = [];
    const browser: BrowserFetcher = {
      render: async () => '',
      harvestCookies: async (url) => {
        harvested.push(url);
        platform.mode = 'ok'; // the fresh cookies work
        return [{ name: 'SUB', value: 'visitor', domain: '127.0.0.1' }];
      },
    };
    const summary = await runner({ browser }).runSource('weibo');
    assert.deepEqual(harvested, ['https://m.weibo.cn']);
    assert.equal(summary.blocked, false);
    assert.equal(summary.stored, 2);
    const cookie = platform.server.requests.at(-1)?.headers.cookie;
    assert.equal(cookie, 'SUB=visitor');
  });

  it('rejects unknown sources', async () => {
    await assert.rejects(runner().runSource('nope'), /source nope not found/);
  });

  it('keeps the cookie jar in the store: the next run, in any worker, continues the session', async () => {
    platform.post('1', '示例银行信用卡年费乱收费', '2025-11-22 10:20');
    await runner().runSource('weibo');
    assert.deepEqual(platform.cookies, ['']);
    // Another worker: its own fetcher, empty jar in memory, same store.
    await runner().runSource('weibo');
    assert.deepEqual(platform.cookies, ['', 'SUB=visitor1']);
    assert.match((await store.loadCookieJar('weibo')) ?? '', /visitor1/);
  });
});
