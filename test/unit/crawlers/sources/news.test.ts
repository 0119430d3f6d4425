import assert from 'node:assert/strict';
import { buildCardFeeScenario } from '../../../../app/demo/scenario/card-fee.js';
import type { FixtureItem, NewsFeed } from '../../../../app/demo/servers/base.js';
import { type NewsFixtureServer, rfc822, startNewsServer } from '../../../../app/demo/servers/news.js';
import type { SourceConfig } from '../../../../config/sections/crawl.js';
import { crawlSchema } from '../../../../config/sections/crawl.js';
import { isFeedKind } from '../../../../crawlers/registry.js';
import { ClsAdapter, type ClsConfig, clsSign } from '../../../../crawlers/sources/cls.js';
import { EastmoneyAdapter, type EastmoneyConfig } from '../../../../crawlers/sources/eastmoney.js';
import { createAdapter } from '../../../../crawlers/sources/index.js';
import { RssAdapter, type RssConfig } from '../../../../crawlers/sources/rss.js';
import { SinaRollAdapter, type SinaRollConfig } from '../../../../crawlers/sources/sina-roll.js';
import { BlockedError, NonRetryableError } from '../../../../lib/errors.js';
import { platformFixture } from '../../../fixtures/platforms/index.js';
import { NOW, sh, testContext } from './helpers.js';

function source<T extends SourceConfig>(cfg: Record<string, unknown>): T {
  return crawlSchema.parse({ sources: { s: cfg } }).sources.s as T;
}

function article(i: number, feed: NewsFeed, minutesAgo: number, extra: Partial<FixtureItem> = {}): FixtureItem {
  return {
    id: String(3000 + i),
    title: `示例银行信用卡年费争议追踪${i}`,
    text: `示例银行信用卡中心表示将逐笔核查年费扣收情况（${i}）。`,
    author: { id: '示例财经日报', name: '示例财经日报' },
    publishedAt: new Date(Date.parse(NOW) - minutesAgo * 60_000).toISOString(),
    media: true,
    feed,
    ...extra,
  };
}

describe('news adapters', () => {
  let server: NewsFixtureServer;

  before(async () => {
    server = await startNewsServer();
  });
  after(() => server.close());
  beforeEach(() => {
    server.publish([]);
    server.setFailure(null);
    for (const p of ['/api/roll/get', '/v1/roll/get_roll_list', '/search/jsonp', '/rss/finance.xml']) server.serveCanned(p, null);
    server.requests.length = 0;
  });

  describe('rss', () => {
    const rss = (feeds: Array<{ name: string; url: string }>) => new RssAdapter('news-rss', source<RssConfig>({ kind: 'rss', feeds }));

    it('parses RSS 2.0 items (guid, link, pubDate RFC-822 +0800, author) and walks feeds page by page', async () => {
      server.publish([article(1, 'rss', 5), article(2, 'atom', 7), { ...article(3, 'rss', 9), author: { id: 'x', name: '记者 张三' } }]);
      const adapter = rss([
        { name: '人民网财经', url: `${server.url}/rss/finance.xml` },
        { name: '财经要闻', url: `${server.url}/atom/finance.xml` },
      ]);
      const ctx = testContext();
      const first = await adapter.fetchPage('*', undefined, ctx);
      assert.equal(first.nextPage, 1);
      assert.equal(first.malformed, 0);
      const [a, b] = first.posts;
      assert.deepEqual(a, {
        source: 'news-rss',
        sourceType: 'news',
        nativeId: '3001',
        url: `${server.url}/a/3001.shtml`,
        title: '示例银行信用卡年费争议追踪1',
        text: '示例银行信用卡中心表示将逐笔核查年费扣收情况（1）。',
        author: { key: '示例财经日报', name: '示例财经日报', isMedia: true },
        publishedAt: new Date(Date.parse(NOW) - 5 * 60_000).toISOString(),
        query: '*',
      });
      assert.equal(b?.author.name, '记者 张三');
      assert.equal(b?.author.isMedia, true);
      const second = await adapter.fetchPage('*', first.nextPage, ctx);
      assert.equal(second.nextPage, undefined);
      assert.equal(second.posts[0]?.nativeId, 'urn:news:3002', 'Atom id');
      assert.equal(second.posts[0]?.publishedAt, new Date(Date.parse(NOW) - 7 * 60_000).toISOString());
      assert.equal(second.posts[0]?.text, '示例银行信用卡中心表示将逐笔核查年费扣收情况（2）。');
    });

    it('decodes a GB2312 feed from its XML declaration end to end', async () => {
      server.publish([
        article(4, 'rss-gbk', 3, {
          title: '示例银行回应信用卡年费争议：将全额退还误扣年费',
          text: '中新网11月22日电 示例银行信用卡中心称，误扣年费将全额退还。',
        }),
      ]);
      const res = await rss([{ name: '中新网财经', url: `${server.url}/rss/gbk.xml` }]).fetchPage('*', undefined, testContext());
      assert.equal(res.posts[0]?.title, '示例银行回应信用卡年费争议：将全额退还误扣年费');
      assert.equal(res.posts[0]?.text, '中新网11月22日电 示例银行信用卡中心称，误扣年费将全额退还。');
      assert.equal(res.posts[0]?.author.name, '示例财经日报');
    });

    it('filters by the cursor on a single feed, counts a malformed item, rejects broken XML, blocks on 访问受限', async () => {
      server.publish([article(1, 'rss', 5), article(2, 'rss', 50)]);
      const adapter = rss([{ name: '人民网财经', url: `${server.url}/rss/finance.xml` }]);
      const cursor = { lastPublishedAt: new Date(Date.parse(NOW) - 20 * 60_000).toISOString() };
      const cut = await adapter.fetchPage('*', undefined, testContext(undefined, { cursor }));
      assert.deepEqual(
        cut.posts.map((p) => p.nativeId),
        ['3001'],
      );
      server.setFailure('malformed', 1);
      const res = await adapter.fetchPage('*', undefined, testContext());
      assert.equal(res.malformed, 1);
      assert.equal(res.posts.length, 2);
      server.setFailure('broken', 1);
      await assert.rejects(adapter.fetchPage('*', undefined, testContext()), NonRetryableError);
      server.setFailure('block', 1);
      await assert.rejects(adapter.fetchPage('*', undefined, testContext()), BlockedError);
    });

    it('keeps an item that appears below the last-seen one: the cursor stops by publication time, not by id', async () => {
      const at = (minutesAgo: number) => rfc822(new Date(Date.parse(NOW) - minutesAgo * 60_000).toISOString());
      const item = (id: string, title: string, minutesAgo: number) =>
        `<item><title>${title}</title><link>${server.url}/a/${id}.shtml</link><description>${title}，记者持续关注。</description><pubDate>${at(minutesAgo)}</pubDate><guid isPermaLink="false">${id}</guid></item>`;
      // Feeds are not always in date order: 4003 was published after 4002 but is listed below it.
      const xml = `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>人民网财经</title>${[
        item('4001', '示例银行回应信用卡年费争议', 5),
        item('4002', '示例银行信用卡年费争议持续发酵', 20),
        item('4003', '监管部门约谈示例银行信用卡中心', 10),
        item('4000', '示例银行发布三季度报告', 90),
      ].join('')}</channel></rss>`;
      server.serveCanned('/rss/finance.xml', { body: xml, contentType: 'application/rss+xml; charset=utf-8' });
      const adapter = rss([{ name: '人民网财经', url: `${server.url}/rss/finance.xml` }]);
      const cursor = { lastId: '4002', lastPublishedAt: new Date(Date.parse(NOW) - 20 * 60_000).toISOString() };
      const res = await adapter.fetchPage('*', undefined, testContext(undefined, { cursor }));
      const ids = res.posts.map((p) => p.nativeId);
      assert.ok(ids.includes('4003'), `the newer item below the last-seen one is fetched: ${ids.join(',')}`);
      assert.ok(ids.includes('4001'));
      assert.ok(!ids.includes('4000'), 'older than the cursor: already stored');
    });

    it('serves the scenario: the media report plus the 招商局 noise item, all marked media', async () => {
      const scenario = buildCardFeeScenario(new Date(NOW));
      server.publish(scenario.phases.flatMap((p) => p.news));
      const res = await rss([{ name: '人民网财经', url: `${server.url}/rss/finance.xml` }]).fetchPage('*', undefined, testContext());
      assert.equal(res.posts.length, 2);
      assert.ok(res.posts.every((p) => p.author.isMedia && p.sourceType === 'news'));
      const filtered = await rss([{ name: '人民网财经', url: `${server.url}/rss/finance.xml` }]).fetchPage('示例银行', undefined, testContext());
      assert.deepEqual(
        filtered.posts.map((p) => p.nativeId),
        ['news-20251122-017'],
      );
    });
  });

  describe('sina-roll', () => {
    it('parses the documented payload and the fixture roll with paging by num', async () => {
      const adapter = new SinaRollAdapter('sina-roll', source<SinaRollConfig>({ kind: 'sina-roll', baseUrl: server.url }));
      server.serveCanned('/api/roll/get', { body: platformFixture('sina-roll.json'), contentType: 'application/json' });
      const canned = await adapter.fetchPage('*', undefined, testContext());
      assert.deepEqual(canned.posts[0], {
        source: 'sina-roll',
        sourceType: 'news',
        nativeId: 'https://finance.sina.com.cn/jjxw/2025-11-22/doc-inexample1234567.shtml',
        url: 'https://finance.sina.com.cn/jjxw/2025-11-22/doc-inexample1234567.shtml',
        title: '示例银行回应信用卡年费争议：将逐笔核查',
        text: '针对近日网友反映的年费问题，示例银行表示……',
        author: { key: '新浪财经', name: '新浪财经', isMedia: true },
        publishedAt: sh('2025-11-22T10:30:00'),
        query: '*',
      });
      server.serveCanned('/api/roll/get', null);
      server.publish(Array.from({ length: 55 }, (_, i) => article(i, 'sina-roll', i + 1)));
      const first = await adapter.fetchPage('*', undefined, testContext());
      assert.equal(first.posts.length, 50);
      assert.equal(first.nextPage, 2);
      const req = server.requests.at(-1);
      assert.equal(req?.query.pageid, '153');
      assert.equal(req?.query.lid, '2516');
      server.setFailure('malformed', 1);
      const bad = await adapter.fetchPage('*', 2, testContext());
      assert.equal(bad.malformed, 1);
      assert.equal(bad.posts.length, 5);
    });
  });

  describe('cls', () => {
    it('signs like the documented recipe (pinned) and the server accepts it', async () => {
      const params = { app: 'CailianpressWeb', category: '', last_time: '1763780000', os: 'web', refresh_type: '1', rn: '20', sv: '8.4.6' };
      // Computed with Python's urllib/hashlib from the same parameters.
      assert.equal(clsSign(params), 'a514debecc47c1e7b1e70e3aaa578976');
      assert.equal(clsSign({ ...params, sign: 'ignored' }), clsSign(params));
      const adapter = new ClsAdapter('cls', source<ClsConfig>({ kind: 'cls', baseUrl: server.url }));
      server.publish(Array.from({ length: 25 }, (_, i) => article(i, 'cls', i + 1)));
      const first = await adapter.fetchPage('*', undefined, testContext());
      assert.equal(first.posts.length, 20, 'the ad is dropped');
      assert.equal(first.malformed, 0);
      assert.equal(first.posts[0]?.title, '示例银行信用卡年费争议追踪0', 'empty title → brief without 【】');
      assert.equal(first.posts[0]?.url, `${server.url}/detail/3000`);
      assert.ok(first.nextPage);
      const second = await adapter.fetchPage('*', first.nextPage, testContext());
      assert.equal(second.posts.length, 5);
      assert.equal(second.nextPage, undefined);
    });

    it('parses the documented payload and fails loudly on a sign error', async () => {
      const adapter = new ClsAdapter('cls', source<ClsConfig>({ kind: 'cls', baseUrl: server.url }));
      server.serveCanned('/v1/roll/get_roll_list', { body: platformFixture('cls-roll.json'), contentType: 'application/json' });
      const res = await adapter.fetchPage('*', undefined, testContext());
      assert.equal(res.posts.length, 1, 'the ad and the 【金牌纪要库】 paid-column teaser (type 20) are not news');
      assert.equal(res.malformed, 0);
      assert.equal(res.posts[0]?.title, '示例银行：信用卡年费争议系系统误扣，将全额退还');
      assert.equal(res.posts[0]?.text, '【示例银行：信用卡年费争议系系统误扣，将全额退还】财联社11月22日电，……');
      assert.equal(res.posts[0]?.publishedAt, new Date(1763780000 * 1000).toISOString());
      server.serveCanned('/v1/roll/get_roll_list', { body: '{"errno":50002,"msg":"sign error","data":{}}', contentType: 'application/json' });
      await assert.rejects(adapter.fetchPage('*', undefined, testContext()), /sign error/);
    });
  });

  describe('eastmoney', () => {
    it('parses the documented JSONP payload (em stripped, Shanghai time) and searches the fixture with paging', async () => {
      const adapter = new EastmoneyAdapter('eastmoney', source<EastmoneyConfig>({ kind: 'eastmoney', baseUrl: server.url }));
      server.serveCanned('/search/jsonp', { body: platformFixture('eastmoney-search.jsonp.txt'), contentType: 'application/javascript' });
      const canned = await adapter.fetchPage('示例银行', undefined, testContext());
      assert.deepEqual(canned.posts[0], {
        source: 'eastmoney',
        sourceType: 'news',
        nativeId: '202511223456789012',
        url: 'http://finance.eastmoney.com/a/202511223456789012.html',
        title: '示例银行信用卡中心回应年费投诉',
        text: '……示例银行表示已成立专项小组……',
        author: { key: '证券时报网', name: '证券时报网', isMedia: true },
        publishedAt: sh('2025-11-22T10:15:02'),
        query: '示例银行',
      });
      server.serveCanned('/search/jsonp', null);
      server.publish(Array.from({ length: 12 }, (_, i) => article(i, 'eastmoney', i + 1)));
      const first = await adapter.fetchPage('示例银行', undefined, testContext());
      assert.equal(first.posts.length, 10);
      assert.equal(first.nextPage, 2);
      const req = server.requests.at(-1);
      const param = JSON.parse(req?.query.param ?? '{}');
      assert.equal(param.keyword, '示例银行');
      assert.equal(param.param.cmsArticleWebOld.pageIndex, 1);
      assert.match(req?.query.cb ?? '', /^jQuery\d+_\d+$/);
      const second = await adapter.fetchPage('示例银行', 2, testContext());
      assert.equal(second.posts.length, 2);
      server.setFailure('broken', 1);
      await assert.rejects(adapter.fetchPage('示例银行', undefined, testContext()), NonRetryableError);
    });
  });

  describe('createAdapter', () => {
    it('builds one adapter per kind with the config id and type; feeds are rss, sina-roll and cls', () => {
      const kinds: Array<[Record<string, unknown>, string]> = [
        [{ kind: 'weibo' }, 'social'],
        [{ kind: 'heimao' }, 'complaint'],
        [{ kind: 'jutousu' }, 'complaint'],
        [{ kind: 'rss', feeds: [{ name: 'a', url: 'http://127.0.0.1/a.xml' }] }, 'news'],
        [{ kind: 'sina-roll' }, 'news'],
        [{ kind: 'cls' }, 'news'],
        [{ kind: 'eastmoney' }, 'news'],
      ];
      for (const [cfg, type] of kinds) {
        const adapter = createAdapter(`x-${String(cfg.kind)}`, source(cfg), []);
        assert.equal(adapter.id, `x-${String(cfg.kind)}`);
        assert.equal(adapter.type, type);
      }
      assert.deepEqual(['weibo', 'heimao', 'jutousu', 'rss', 'sina-roll', 'cls', 'eastmoney'].filter(isFeedKind), ['rss', 'sina-roll', 'cls']);
    });
  });
});
