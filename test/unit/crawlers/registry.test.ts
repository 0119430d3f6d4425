import assert from 'node:assert/strict';
import { buildCardFeeScenario } from '../../../app/demo/scenario/card-fee.js';
import { type FixtureServers, startFixtureServers } from '../../../app/demo/servers/index.js';
import { configSchema } from '../../../config/schema.js';
import { sourceSchema } from '../../../config/sections/crawl.js';
import { HostPacer } from '../../../crawlers/core/http.js';
import { createCrawlers, queriesForSource } from '../../../crawlers/registry.js';
import { FakeClock } from '../../../lib/clock.js';
import { silentLogger } from '../../../lib/logger.js';
import { RecordingStore } from './recording-store.js';

const watchlist = [
  { id: 'example_bank', name: '示例银行', aliases: ['示例银行信用卡中心', '示例行'], ourBank: true },
  { id: 'icbc', name: '工商银行', aliases: ['中国工商银行', '工行'] },
];

describe('crawlers/registry', () => {
  it('derives queries from the watchlist for search sources and uses * for feeds', () => {
    const wl = configSchema.shape.watchlist.parse(watchlist);
    assert.deepEqual(queriesForSource(sourceSchema.parse({ kind: 'weibo' }), wl), ['示例银行', '示例银行信用卡中心', '工商银行', '中国工商银行']);
    assert.deepEqual(queriesForSource(sourceSchema.parse({ kind: 'rss', feeds: [{ name: 'x', url: 'http://127.0.0.1/x' }] }), wl), ['*']);
    assert.deepEqual(queriesForSource(sourceSchema.parse({ kind: 'sina-roll' }), wl), ['*']);
    assert.deepEqual(queriesForSource(sourceSchema.parse({ kind: 'heimao', queries: ['示例银行', '示例银行'] }), wl), ['示例银行']);
    const withAccounts = wl.map((i, n) => ({ ...i, weiboUids: [`165000000${n}`], appStoreIds: n === 0 ? ['1459000001', '1459000002'] : ['423514795'] }));
    assert.deepEqual(queriesForSource(sourceSchema.parse({ kind: 'weibo-comments' }), withAccounts), ['1650000000', '1650000001']);
    assert.deepEqual(queriesForSource(sourceSchema.parse({ kind: 'appstore' }), withAccounts), ['1459000001', '1459000002', '423514795']);
    assert.deepEqual(queriesForSource(sourceSchema.parse({ kind: 'weibo-comments' }), wl), [], 'no uid shipped, nothing read');
    assert.deepEqual(queriesForSource(sourceSchema.parse({ kind: 'douyin' }), wl), ['示例银行', '示例银行信用卡中心', '工商银行', '中国工商银行']);
  });

  describe('against the platform fixture servers', () => {
    let servers: FixtureServers;
    let clock: FakeClock;
    beforeEach(async () => {
      clock = new FakeClock('2025-11-22T02:30:00.000Z');
      servers = await startFixtureServers({ now: () => clock.now() });
    });
    afterEach(async () => {
      await servers.close();
    });

    function build(store: RecordingStore, stored: string[][]) {
      const config = configSchema.parse({
        watchlist,
        crawl: {
          sources: {
            weibo: { kind: 'weibo', baseUrl: servers.urls.weibo, queries: ['示例银行'], cookieEnv: 'TEST_WEIBO_COOKIE', requestsPerMinute: 6000 },
            heimao: { kind: 'heimao', baseUrl: servers.urls.heimao, queries: ['示例银行'], requestsPerMinute: 6000, browserFallback: false },
            'news-rss': { kind: 'rss', feeds: [{ name: '财经', url: servers.urls.rss }], requestsPerMinute: 6000 },
            jutousu: { kind: 'jutousu', baseUrl: servers.urls.jutousu, enabled: false },
          },
        },
      });
      return createCrawlers(config, {
        store,
        clock,
        log: silentLogger(),
        pacer: new HostPacer(),
        sleep: async () => undefined,
        env: { TEST_WEIBO_COOKIE: 'SUB=_2A25test; SUBP=0033WrSX' },
        onStored: async (ids) => void stored.push(ids),
      });
    }

    it('wires enabled sources end to end: adapters fetch, the runner stores, cursors advance', async () => {
      const store = await RecordingStore.open();
      const stored: string[][] = [];
      const crawlers = build(store, stored);
      try {
        assert.deepEqual([...crawlers.adapters.keys()].sort(), ['heimao', 'news-rss', 'weibo']);
        const scenario = buildCardFeeScenario(clock.now());
        for (const phase of scenario.phases) servers.publishPhase(phase);
        for (const id of crawlers.adapters.keys()) {
          const summary = await crawlers.runner.runSource(id);
          assert.equal(summary.error, undefined, `${id}: ${summary.error}`);
          assert.ok(summary.stored > 0, `${id} stored nothing`);
        }
        const expected = servers.publishedIds().filter((id) => !id.startsWith('jutousu:'));
        const missing: string[] = [];
        for (const id of expected) if (!(await store.real.getMention(id))) missing.push(id);
        assert.deepEqual(missing, []);
        assert.ok(await store.real.getCursor('weibo', '示例银行'));
        assert.ok(await store.real.getCursor('news-rss', '*'));
        const weiboCookie = String(servers.weibo.requests.find((r) => r.path.includes('getIndex'))?.headers.cookie ?? '');
        assert.match(weiboCookie, /SUB=_2A25test/);
      } finally {
        await crawlers.close();
        await store.real.close();
      }
    });

    it('a platform block puts the source in cool-down through the real fetcher', async () => {
      const store = await RecordingStore.open();
      const crawlers = build(store, []);
      try {
        servers.weibo.setFailure('block');
        const summary = await crawlers.runner.runSource('weibo');
        assert.equal(summary.blocked, true);
        const health = await store.real.getSourceHealth('weibo');
        assert.equal(health?.status, 'blocked');
        assert.equal(health?.blockedUntil, '2025-11-22T03:00:00.000Z');
        await assert.rejects(crawlers.scheduler.runNow('jutousu'), /not found/);
      } finally {
        await crawlers.close();
        await store.real.close();
      }
    });
  });
});
