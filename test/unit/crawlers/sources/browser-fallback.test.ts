import assert from 'node:assert/strict';
import type { FixtureItem } from '../../../../app/demo/servers/base.js';
import { type HeimaoFixtureServer, startHeimaoServer } from '../../../../app/demo/servers/heimao.js';
import { startWeiboServer, type WeiboFixtureServer } from '../../../../app/demo/servers/weibo.js';
import { crawlSchema } from '../../../../config/sections/crawl.js';
import { BrowserPool, findChrome } from '../../../../crawlers/core/browser.js';
import { HeimaoAdapter, type HeimaoConfig } from '../../../../crawlers/sources/heimao.js';
import { WeiboAdapter, type WeiboConfig } from '../../../../crawlers/sources/weibo.js';
import { silentLogger } from '../../../../lib/logger.js';
import { NOW, sh, testContext } from './helpers.js';

const chrome = findChrome();

function at(minutesAgo: number): string {
  return new Date(Date.parse(NOW) - minutesAgo * 60_000).toISOString();
}

describe('browser fallbacks in headless Chromium', function () {
  this.timeout(90_000);
  let pool: BrowserPool;
  let heimao: HeimaoFixtureServer;
  let weibo: WeiboFixtureServer;

  before(async function () {
    if (!chrome) {
      console.warn('    skipped: no Chromium found (set CHROME_PATH or install /usr/bin/chromium)');
      this.skip();
    }
    pool = new BrowserPool({ executablePath: chrome as string, log: silentLogger(), timeoutMs: 30_000, scrollWaitMs: 1000, maxPages: 1 });
    [heimao, weibo] = await Promise.all([startHeimaoServer(), startWeiboServer({ now: () => new Date(NOW) })]);
  });

  after(async () => {
    await pool?.close();
    await heimao?.close();
    await weibo?.close();
  });

  describe('黑猫投诉 search page', () => {
    const complaints: FixtureItem[] = Array.from({ length: 12 }, (_, i) => ({
      id: String(17390030000 + i),
      title: `示例银行信用卡年费乱收费投诉${i}`,
      text: `示例银行信用卡年费被违规扣收，客服推诿（${i}）`,
      author: { id: `黑猫用户${2000 + i}`, name: `黑猫用户${2000 + i}` },
      publishedAt: at(i * 60 + 30),
      complaint: { target: '示例银行信用卡中心', issue: '乱收费', appeal: '退还年费', amount: 300 + i },
    }));

    function adapter(): HeimaoAdapter {
      const config = crawlSchema.parse({ sources: { h: { kind: 'heimao', baseUrl: heimao.url, maxPages: 3 } } }).sources.h as HeimaoConfig;
      return new HeimaoAdapter('heimao', config);
    }

    beforeEach(() => {
      heimao.publish(complaints);
      heimao.setFailure(null);
      heimao.salt = '$d6eb7ff91ee257475%';
      heimao.requests.length = 0;
    });

    it('scrolls the rendered search page when the API answers a login page', async () => {
      heimao.setFailure('login');
      const res = await adapter().fetchPage('示例银行', undefined, testContext(undefined, { browser: pool }));
      assert.equal(res.posts.length, 12, 'first load plus scroll loads (5 cards each)');
      assert.equal(res.malformed, 0);
      assert.equal(res.nextPage, undefined);
      const first = res.posts.find((p) => p.nativeId === '17390030000');
      assert.equal(first?.title, '示例银行信用卡年费乱收费投诉0');
      assert.equal(first?.text, '示例银行信用卡年费被违规扣收，客服推诿（0）');
      assert.equal(first?.author.key, '黑猫用户2000');
      assert.deepEqual(first?.complaint, { target: '示例银行信用卡中心', issue: '乱收费', appeal: '退还年费', amount: 300 });
      assert.equal(first?.publishedAt, sh('2025-11-22T00:00:00'), 'card dates carry the day only');
      assert.equal(first?.url, `${heimao.url}/complaint/view/17390030000/`);
      const scrolls = heimao.requests.filter((r) => r.path === '/index/search/more').length;
      assert.ok(scrolls >= 3, `scroll loads: ${scrolls}`);
    });

    it('falls back to the page when the signature is rejected (recipe drift)', async () => {
      heimao.salt = 'P0tk894Tcxi4t%S$';
      const res = await adapter().fetchPage('示例银行', undefined, testContext(undefined, { browser: pool }));
      assert.equal(res.posts.length, 12);
    });

    it('does not use the browser on HTTP 456', async () => {
      heimao.setFailure('block');
      await assert.rejects(adapter().fetchPage('示例银行', undefined, testContext(undefined, { browser: pool })), { name: 'BlockedError' });
      assert.ok(!heimao.requests.some((r) => r.path === '/index/search/'));
    });
  });

  describe('Weibo visitor cookies', () => {
    const posts: FixtureItem[] = Array.from({ length: 3 }, (_, i) => ({
      id: String(5234567890300000 + i),
      text: `示例银行信用卡年费乱扣，客服推诿 ${i}`,
      author: { id: String(7100000000 + i), name: `路人${i}` },
      publishedAt: at(i + 2),
    }));

    function adapter(): WeiboAdapter {
      const config = crawlSchema.parse({ sources: { w: { kind: 'weibo', baseUrl: weibo.url, searchHtmlUrl: weibo.url, visitorUrl: weibo.url } } }).sources
        .w as WeiboConfig;
      return new WeiboAdapter('weibo', config, []);
    }

    beforeEach(() => {
      weibo.publish(posts);
      weibo.setFailure(null);
      weibo.requireVisitorCookie = false;
      weibo.requests.length = 0;
    });

    it('harvests the script-set SUB cookie in the browser, injects it and retries the JSON API', async () => {
      weibo.requireVisitorCookie = true;
      const ctx = testContext(undefined, { browser: pool });
      const res = await adapter().fetchPage('示例银行', undefined, ctx);
      assert.equal(res.posts.length, 3);
      const searches = weibo.requests.filter((r) => r.path === '/api/container/getIndex');
      assert.equal(searches.length, 2, 'one blocked attempt, one retry');
      assert.equal(searches[0]?.headers.cookie, undefined);
      assert.match(String(searches[1]?.headers.cookie), /SUB=_2AkMv[0-9a-f]+/);
      // The fetcher keeps the cookie for later pages.
      const again = await adapter().fetchPage('示例银行', undefined, ctx);
      assert.equal(again.posts.length, 3);
    });

    it('falls back to s.weibo.com HTML search when cookies do not lift the block', async () => {
      weibo.setFailure('block');
      const res = await adapter().fetchPage('示例银行', undefined, testContext(undefined, { browser: pool }));
      assert.equal(res.posts.length, 3);
      assert.equal(res.posts[0]?.publishedAt, at(2), '2分钟前');
      assert.ok(weibo.requests.some((r) => r.path === '/weibo'));
      assert.equal(res.nextPage, undefined);
    });
  });
});
