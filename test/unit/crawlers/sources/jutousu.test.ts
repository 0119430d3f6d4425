import assert from 'node:assert/strict';
import { buildCardFeeScenario } from '../../../../app/demo/scenario/card-fee.js';
import type { FixtureItem } from '../../../../app/demo/servers/base.js';
import { type JutousuFixtureServer, startJutousuServer } from '../../../../app/demo/servers/jutousu.js';
import { crawlSchema } from '../../../../config/sections/crawl.js';
import { JutousuAdapter, type JutousuConfig, parseJutousuPostContent, parseJutousuPostKey } from '../../../../crawlers/sources/jutousu.js';
import { BlockedError, NonRetryableError } from '../../../../lib/errors.js';
import { platformFixture } from '../../../fixtures/platforms/index.js';
import { NOW, testContext } from './helpers.js';

function config(url: string): JutousuConfig {
  return crawlSchema.parse({ sources: { jutousu: { kind: 'jutousu', baseUrl: url } } }).sources.jutousu as JutousuConfig;
}

function post(i: number, minutesAgo: number): FixtureItem {
  return {
    id: String(1600000 + i),
    title: `示例银行信用卡年费乱收费${i}`,
    text: `示例银行信用卡年费被扣，客服推诿（${i}）`,
    author: { id: `聚投诉网友_${i}`, name: `聚投诉网友_${i}` },
    publishedAt: new Date(Date.parse(NOW) - minutesAgo * 60_000).toISOString(),
    complaint: { appeal: '退还年费', target: '示例银行' },
  };
}

describe('jutousu adapter', () => {
  let server: JutousuFixtureServer;
  let adapter: JutousuAdapter;

  before(async () => {
    server = await startJutousuServer();
  });
  after(() => server.close());
  beforeEach(() => {
    server.publish([]);
    server.setFailure(null);
    server.serveCanned('/front/api/search/searchPostList.do', null);
    server.requests.length = 0;
    adapter = new JutousuAdapter('jutousu', config(server.url));
  });

  it('parses the documented payload, drops fuzzy hits without the keyword and counts the item without id', async () => {
    server.serveCanned('/front/api/search/searchPostList.do', { body: platformFixture('jutousu-search.json'), contentType: 'application/json' });
    const res = await adapter.fetchPage('示例银行', undefined, testContext());
    assert.equal(res.malformed, 1);
    assert.equal(res.nextPage, undefined, 'fewer than 10 ⇒ last page');
    assert.deepEqual(res.posts, [
      {
        source: 'jutousu',
        sourceType: 'complaint',
        nativeId: '1512345',
        url: `${server.url}/tousu/show/id/1512345`,
        title: '示例银行擅自开通信用卡分期并收取手续费',
        text: '2025年11月我的示例银行信用卡账单被自动分期12期，手续费1380元，我从未申请过...',
        author: { key: '聚投诉网友_9f3a', name: '聚投诉网友_9f3a', isMedia: false },
        publishedAt: new Date(1763781300 * 1000).toISOString(),
        query: '示例银行',
        complaint: { appeal: '退还手续费,取消分期' },
      },
    ]);
    const req = server.requests[0];
    assert.deepEqual(req?.query, { pageNo: '1', title: '示例银行', listType: '1' });
    assert.match(String(req?.headers.referer), /\/home\/search\?keyword=/);
  });

  it('requests the next page after a full page of 10 and stops at the cursor', async () => {
    server.publish(Array.from({ length: 14 }, (_, i) => post(i, i * 5 + 1)));
    const ctx = testContext();
    const first = await adapter.fetchPage('示例银行', undefined, ctx);
    assert.equal(first.posts.length, 10);
    assert.equal(first.nextPage, 2);
    const second = await adapter.fetchPage('示例银行', 2, ctx);
    assert.equal(second.posts.length, 4);
    assert.equal(second.nextPage, undefined);
    const cursor = { lastId: '1600003' };
    const again = await adapter.fetchPage('示例银行', undefined, testContext(undefined, { cursor }));
    assert.deepEqual(
      again.posts.map((p) => p.nativeId),
      ['1600000', '1600001', '1600002'],
    );
    assert.equal(again.nextPage, undefined);
  });

  it('keeps the scenario complaints and drops the 示例保险 fuzzy hit', async () => {
    server.publish(buildCardFeeScenario(new Date(NOW)).phases.flatMap((p) => p.jutousu));
    const res = await adapter.fetchPage('示例银行', undefined, testContext());
    assert.equal(res.posts.length, 4);
    assert.equal(new Set(res.posts.map((p) => p.author.key)).size, 4);
    assert.ok(!res.posts.some((p) => p.text.includes('示例保险')));
  });

  it('raises BlockedError on the login wall (登录聚投诉)', async () => {
    server.setFailure('block');
    await assert.rejects(adapter.fetchPage('示例银行', undefined, testContext()), BlockedError);
  });

  it('raises BlockedError on a captcha page', async () => {
    server.setFailure('captcha');
    await assert.rejects(adapter.fetchPage('示例银行', undefined, testContext()), BlockedError);
  });

  it('skips a malformed item and fails a broken page', async () => {
    server.publish([post(1, 1)]);
    server.setFailure('malformed', 1);
    const res = await adapter.fetchPage('示例银行', undefined, testContext());
    assert.equal(res.malformed, 1);
    assert.equal(res.posts.length, 1);
    server.setFailure('broken', 1);
    await assert.rejects(adapter.fetchPage('示例银行', undefined, testContext()), NonRetryableError);
  });

  it('decodes a GBK answer', async () => {
    server.publish([post(1, 1)]);
    server.setFailure('gbk');
    const res = await adapter.fetchPage('示例银行', undefined, testContext());
    assert.equal(res.posts[0]?.title, '示例银行信用卡年费乱收费1');
  });

  it('fetches the full text through the detail page postKey and getPostContent.do', async () => {
    const full = { ...post(9, 1), text: '示例银行信用卡年费  乱收费\n客服推诿，要求退还年费。' };
    server.publish([full]);
    const res = await adapter.fetchFullText(full.id, testContext());
    assert.equal(res.username, '聚投诉网友_9');
    assert.equal(res.text, '示例银行信用卡年费 乱收费\n客服推诿，要求退还年费。');
    assert.equal(parseJutousuPostKey('<input type="hidden" id="postKeyValue" value="abc123">'), 'abc123');
    assert.equal(parseJutousuPostKey('<html><body>无</body></html>'), undefined);
    assert.equal(parseJutousuPostContent({ post: {} }), undefined);
  });
});
