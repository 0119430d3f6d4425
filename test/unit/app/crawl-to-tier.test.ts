import assert from 'node:assert/strict';
import { createAnalyzer } from '../../../analysis/index.js';
import type { FixtureItem } from '../../../app/demo/servers/base.js';
import { startWeiboServer, type WeiboFixtureServer } from '../../../app/demo/servers/weibo.js';
import type { MentionProcessor } from '../../../app/process-mentions.js';
import { loadConfig, projectPath } from '../../../config/load.js';
import { crawlSchema } from '../../../config/sections/crawl.js';
import { createCrawlRunner } from '../../../crawlers/runner.js';
import { WeiboAdapter, type WeiboConfig } from '../../../crawlers/sources/weibo.js';
import { evaluate } from '../../../escalation/engine.js';
import { loadRules } from '../../../escalation/rules.js';
import { FakeClock } from '../../../lib/clock.js';
import type { Event } from '../../../lib/domain.js';
import { silentLogger } from '../../../lib/logger.js';
import { createStore } from '../../../store/index.js';
import type { Store } from '../../../store/store.js';
import { testFetcher } from '../crawlers/sources/helpers.js';
import { testProcessor } from './processor.js';

const NOW = '2025-11-22T03:00:00.000Z';
const config = loadConfig({ overrides: { store: { dataDir: ':memory:' } } });
const rules = loadRules(projectPath('config/escalation.yaml'));

const complaint = (i: number): FixtureItem => ({
  id: String(5234800000000000 + i),
  text: `示例银行信用卡年费被乱扣了880元，客服一直推诿，太气人了 #${i}`,
  author: { id: String(7700000000 + i), name: `被扣年费的用户${i}` },
  publishedAt: new Date(Date.parse(NOW) - (30 - i) * 60_000).toISOString(),
});

/** Crawl (real adapter against the Weibo fixture) → store → pipeline → escalation engine. */
describe('crawl → store → analysis → tier', function () {
  this.timeout(30_000);
  let server: WeiboFixtureServer;
  let store: Store;
  let pipeline: MentionProcessor;
  let events: Event[];
  let adapter: WeiboAdapter;
  const clock = new FakeClock(NOW);
  const analyzer = createAnalyzer(config);

  before(async () => {
    server = await startWeiboServer({ now: () => clock.now() });
  });
  after(() => server.close());
  beforeEach(async () => {
    server.publish([]);
    server.serveCanned('/statuses/extend', null);
    adapter = new WeiboAdapter(
      'weibo',
      crawlSchema.parse({ sources: { weibo: { kind: 'weibo', baseUrl: server.url } } }).sources.weibo as WeiboConfig,
      config.watchlist,
    );
    store = await createStore(config.store, { log: silentLogger() });
    events = [];
    pipeline = testProcessor(
      { store, analyzer, config, clock },
      {
        onEventUpdated: async (e) => {
          events.push(e);
        },
      },
    );
  });
  afterEach(() => store.close());

  async function crawl(): Promise<void> {
    const source = crawlSchema.parse({ sources: { weibo: { kind: 'weibo', baseUrl: server.url, queries: ['示例银行'] } } }).sources.weibo as WeiboConfig;
    const runner = createCrawlRunner({
      store,
      adapters: new Map([['weibo', adapter]]),
      sourceConfigs: { weibo: source },
      fetcherFor: () => testFetcher(clock),
      clock,
      log: silentLogger(),
      queriesFor: () => ['示例银行'],
      onStored: async () => undefined,
    });
    await runner.runSource('weibo');
    await pipeline.drainUnprocessed();
  }

  function tierOf(event: Event | undefined): string | undefined {
    assert.ok(event, 'an event was formed');
    const opened = evaluate({ event, now: clock.now(), rules }).find((d) => d.type === 'open');
    return opened && 'tier' in opened ? opened.tier : undefined;
  }

  it('a self-media blogger (verified_type 0, 自媒体) does not open L3; an outlet account does', async () => {
    server.publish([
      complaint(1),
      {
        id: '5234800000000090',
        text: '示例银行信用卡年费乱收费，客服推诿，这事我作为财经博主必须说两句',
        author: { id: '2100000001', name: '财经老司机阿K', verifiedType: 0, verifiedReason: '知名财经自媒体 财经博主' },
        publishedAt: new Date(Date.parse(NOW) - 5 * 60_000).toISOString(),
      },
    ]);
    await crawl();
    const last = events.at(-1);
    assert.equal(last?.mediaCount, 0);
    assert.notEqual(tierOf(last), 'L3');

    server.add([
      {
        id: '5234800000000091',
        text: '【示例银行信用卡年费乱收费遭投诉，客服推诿】记者调查发现多名用户反映被扣年费',
        author: { id: '1650000001', name: '示例财经日报', verifiedType: 3, verifiedReason: '示例财经日报官方微博' },
        publishedAt: new Date(Date.parse(NOW) - 2 * 60_000).toISOString(),
      },
    ]);
    await crawl();
    assert.equal(events.at(-1)?.mediaCount, 1);
    assert.equal(tierOf(events.at(-1)), 'L3');
  });

  it('a post stored truncated (extend 5xx) is flagged, then expanded and re-analysed on a later run without counting twice', async () => {
    const long = {
      ...complaint(2),
      text: '示例银行信用卡年费被乱扣了880元，客服一直推诿。我在网点办卡时经理承诺刷满六次免年费，结果照样扣费，要求退还并书面道歉，否则向金融监管总局投诉。',
      longText: true,
    };
    server.publish([long]);
    server.serveCanned('/statuses/extend', { status: 503, body: 'Service Unavailable', contentType: 'text/plain' });
    await crawl();
    const id = `weibo:${long.id}`;
    const cut = await store.getMention(id);
    assert.equal(cut?.truncated, true);
    assert.ok(!cut?.analysis?.displayText.includes('金融监管总局'));
    const before = events.at(-1);
    assert.equal(before?.mentionCount, 1);

    server.serveCanned('/statuses/extend', null);
    clock.advance(10 * 60_000);
    await crawl();
    const full = await store.getMention(id);
    assert.equal(full?.truncated, undefined);
    assert.match(full?.analysis?.displayText ?? '', /金融监管总局投诉/);
    assert.equal((await store.listUnprocessedMentions(10)).length, 0);
    const after = await store.getEvent(before?.id ?? '');
    assert.equal(after?.mentionCount, 1, 'the expanded post is the same mention');
  });
});
