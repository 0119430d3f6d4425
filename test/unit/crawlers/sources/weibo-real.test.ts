import assert from 'node:assert/strict';
import type { WeiboFixtureServer } from '../../../../app/demo/servers/weibo.js';
import { crawlSchema } from '../../../../config/sections/crawl.js';
import type { Institution } from '../../../../config/sections/watchlist.js';
import { isWeiboMedia, WeiboAdapter, type WeiboConfig, weiboIdTime } from '../../../../crawlers/sources/weibo.js';
import { parseWeiboSearchHtml } from '../../../../crawlers/sources/weibo-html.js';
import { FakeClock } from '../../../../lib/clock.js';
import { platformFixture } from '../../../fixtures/platforms/index.js';
import { NOW, sh, testContext } from './helpers.js';
import { useWeiboServer } from './weibo-server.js';

const watchlist: Institution[] = [
  { id: 'example_bank', name: '示例银行', aliases: ['示例银行', '示例行'], exclude: [], ourBank: true, category: 'joint_stock' },
];

function config(url: string, extra: Partial<WeiboConfig> = {}): WeiboConfig {
  return crawlSchema.parse({ sources: { weibo: { kind: 'weibo', baseUrl: url, searchHtmlUrl: url, visitorUrl: url, ...extra } } }).sources.weibo as WeiboConfig;
}

const LONG_OWN = '【长文】示例银行信用卡分期手续费到底怎么算？我把三个月的账单全部摊开来算了一遍，结果发现实际年化利率接近15%，远高于宣传的“0.6%月费率”。';
const LONG_ORIGINAL = '示例银行信用卡年费争议汇总：办卡时承诺刷6次免年费，今年却被统一扣费，客服口径前后不一，已有二十多位网友在超话里登记。';

describe('weibo: real-format behaviours', () => {
  let server: WeiboFixtureServer;
  let adapter: WeiboAdapter;

  useWeiboServer((s) => {
    server = s;
    server.serveCanned('/api/container/getIndex', { body: platformFixture('weibo-search-real.json'), contentType: 'application/json' });
    server.serveCanned('/statuses/extend', null);
    // /statuses/extend answers from the item list.
    server.publish([
      { id: '5234600000000102', text: LONG_OWN, author: { id: '7812345002', name: '算账的老周' }, publishedAt: NOW },
      { id: '5234600000000104', text: LONG_ORIGINAL, author: { id: '7812345004', name: '信用卡维权互助' }, publishedAt: NOW },
    ]);
    adapter = new WeiboAdapter('weibo', config(server.url), watchlist);
  });

  it('keeps quoted and unquoted emoticon alt text and <br> breaks in m.weibo.cn text', async () => {
    const page = await adapter.fetchPage('示例银行', undefined, testContext());
    const post = page.posts.find((p) => p.nativeId === '5234600000000101');
    assert.equal(post?.text, '示例银行的客服真的绝了[doge]转人工排队半小时\n最后还说系统升级[怒]');
  });

  it('expands long posts and the long original of a repost through /statuses/extend', async () => {
    const page = await adapter.fetchPage('示例银行', undefined, testContext());
    const own = page.posts.find((p) => p.nativeId === '5234600000000102');
    assert.equal(own?.text, LONG_OWN);
    assert.equal(own?.truncated, undefined);
    const repost = page.posts.find((p) => p.nativeId === '5234600000000103');
    assert.equal(repost?.text, `转发微博 也被乱扣了\n//@信用卡维权互助: ${LONG_ORIGINAL}`);
    assert.equal(repost?.truncated, undefined);
    assert.deepEqual(
      server.requests
        .filter((r) => r.path === '/statuses/extend')
        .map((r) => r.query.id)
        .sort(),
      ['5234600000000102', '5234600000000104'],
    );
  });

  it('a 5xx on extend keeps the whole page, flags the posts truncated (visible cut) and expands them on a later run', async () => {
    server.serveCanned('/statuses/extend', { status: 502, body: '<html><body>502 Bad Gateway</body></html>', contentType: 'text/html' });
    const first = await adapter.fetchPage('示例银行', undefined, testContext());
    assert.equal(first.posts.length, 7, 'every post of the page survives');
    const own = first.posts.find((p) => p.nativeId === '5234600000000102');
    assert.equal(own?.truncated, true);
    assert.ok(own?.text.endsWith('结果发现…'), own?.text);
    assert.ok(!own?.text.includes('全文'));
    assert.equal(first.posts.find((p) => p.nativeId === '5234600000000103')?.truncated, true, 'repost of a long original');
    assert.deepEqual(adapter.pendingExpansions.sort(), ['5234600000000102', '5234600000000103']);

    // Next run: the search no longer returns those posts, extend works again.
    server.serveCanned('/statuses/extend', null);
    server.serveCanned('/api/container/getIndex', {
      body: JSON.stringify({ ok: 1, data: { cardlistInfo: { page: null }, cards: [] } }),
      contentType: 'application/json',
    });
    const later = await adapter.fetchPage('示例银行', undefined, testContext());
    const expanded = Object.fromEntries(later.posts.map((p) => [p.nativeId, p]));
    assert.equal(expanded['5234600000000102']?.text, LONG_OWN);
    assert.equal(expanded['5234600000000102']?.truncated, undefined);
    assert.match(expanded['5234600000000103']?.text ?? '', /已有二十多位网友在超话里登记/);
    assert.deepEqual(adapter.pendingExpansions, []);
  });

  it('a date without a time takes its time from the id; an id without time keeps day precision', async () => {
    const page = await adapter.fetchPage('示例银行', undefined, testContext());
    const fromId = page.posts.find((p) => p.nativeId === '5235063168017075');
    assert.equal(fromId?.publishedAt, sh('2025-11-20T14:23:05'));
    assert.equal(fromId?.datePrecision, undefined);
    const dayOnly = page.posts.find((p) => p.nativeId === '98765');
    assert.equal(dayOnly?.datePrecision, 'day');
    assert.equal(dayOnly?.publishedAt, sh('2025-11-19T00:00:00'));
    assert.equal(weiboIdTime('5234567890123456')?.toISOString(), '2025-11-18T21:35:01.000Z');
    assert.equal(weiboIdTime('98765'), undefined);
  });

  it('media = an outlet organisation account; self-media (type 0, or type 3 saying 自媒体) is not', async () => {
    const page = await adapter.fetchPage('示例银行', undefined, testContext());
    const byId = Object.fromEntries(page.posts.map((p) => [p.nativeId, p.author]));
    assert.equal(byId['5234600000000106']?.isMedia, true, '示例财经日报, type 3');
    assert.equal(byId['5234600000000102']?.isMedia, false, '知名财经自媒体, type 0');
    assert.equal(byId['5234600000000107']?.isMedia, false, 'type 3 whose reason says 财经自媒体');
    assert.equal(isWeiboMedia(0, '某某晚报财经记者', '财经记者老陈'), false);
    assert.equal(isWeiboMedia(3, undefined, '澎湃新闻'), true);
    assert.equal(isWeiboMedia(2, '示例银行股份有限公司官方微博', '示例银行'), false);
  });

  it('parses s.weibo.com cards whose time line is <p class="from">, with unquoted alt and <br>', () => {
    const page = parseWeiboSearchHtml(platformFixture('weibo-search-card-pfrom.html.txt'), {
      source: 'weibo',
      query: '示例银行',
      clock: new FakeClock(NOW),
    });
    assert.equal(page.malformed, 0);
    assert.deepEqual(
      page.posts.map((p) => p.nativeId),
      ['5234700000000201', '5234700000000202', '5234700000000203', '5234700000000204'],
    );
    assert.equal(page.posts[3]?.text, '示例银行信用卡分期手续费的坑，我整理了三个月账单发现…');
    assert.equal(page.posts[3]?.truncated, true, 'a cut card without its full paragraph');
    assert.equal(page.posts[0]?.truncated, undefined);
    const [xiaochen, daily, selfMedia] = page.posts;
    assert.equal(xiaochen?.text, '示例银行APP又崩了[哭]还款日当天登不上\n打客服电话一直占线\n逾期算谁的？[doge]');
    assert.equal(xiaochen?.publishedAt, sh('2025-11-21T20:15:00'));
    assert.equal(xiaochen?.url, 'https://weibo.com/7912345001/PcAbCdE01');
    assert.deepEqual(xiaochen?.metrics, { reposts: 2, comments: 15, likes: 37 });
    assert.equal(daily?.author.isMedia, true);
    assert.equal(selfMedia?.author.isMedia, false, 'a yellow-V self-media account whose name says 新闻');
    assert.equal(selfMedia?.publishedAt, sh('2025-11-22T08:55:00'));
  });
});
