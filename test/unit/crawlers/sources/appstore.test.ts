import assert from 'node:assert/strict';
import { type AppStoreFixtureServer, startAppStoreServer } from '../../../../app/demo/servers/appstore.js';
import type { FixtureItem } from '../../../../app/demo/servers/base.js';
import { crawlSchema } from '../../../../config/sections/crawl.js';
import type { Institution } from '../../../../config/sections/watchlist.js';
import { AppStoreAdapter, type AppStoreConfig } from '../../../../crawlers/sources/appstore.js';
import { BlockedError, NonRetryableError, RetryLaterError } from '../../../../lib/errors.js';
import { platformFixture } from '../../../fixtures/platforms/index.js';
import { NOW, testContext } from './helpers.js';

const APP = '392899425';
const watchlist: Institution[] = [
  { id: 'cmb', name: '招商银行', aliases: ['招商银行', '招行'], exclude: [], ourBank: false, category: 'joint_stock', appStoreIds: [APP] },
];

function config(url: string): AppStoreConfig {
  return crawlSchema.parse({ sources: { appstore: { kind: 'appstore', baseUrl: url } } }).sources.appstore as AppStoreConfig;
}

const TEXTS = ['转账一直转圈', '人脸识别失败三次被锁', '理财页面打不开', '还款日闪退', '客服机器人答非所问'];

function review(i: number, stars = (i % 5) + 1, parent = APP): FixtureItem {
  return {
    id: String(13254000000 + i),
    parent,
    rating: stars,
    title: `第${i}条评价`,
    text: `${TEXTS[i % TEXTS.length]}，版本13.2.1 😡 #${i}`,
    author: { id: String(1600000000 + i), name: `用户${i}` },
    publishedAt: new Date(Date.parse(NOW) - (200 - i) * 60_000).toISOString(),
  };
}

async function crawlAll(adapter: AppStoreAdapter, ctx = testContext()): Promise<{ ids: string[]; calls: number }> {
  const ids: string[] = [];
  let page: number | string | undefined;
  let calls = 0;
  do {
    const res = await adapter.fetchPage(APP, page, ctx);
    ids.push(...res.posts.map((p) => p.nativeId));
    page = res.nextPage;
    calls++;
  } while (page !== undefined && calls < 20);
  return { ids, calls };
}

describe('appstore adapter', () => {
  let server: AppStoreFixtureServer;
  let adapter: AppStoreAdapter;

  before(async () => {
    server = await startAppStoreServer();
  });
  after(() => server.close());
  beforeEach(() => {
    server.publish([]);
    server.setFailure(null);
    server.legacyMetadata = false;
    server.requests.length = 0;
    server.serveCanned(`/cn/rss/customerreviews/page=1/id=${APP}/sortby=mostrecent/json`, null);
    adapter = new AppStoreAdapter('appstore', config(server.url), watchlist);
  });

  it('parses the documented feed: rating, title with the app, plain text with newlines, Pacific offset', async () => {
    server.serveCanned(`/cn/rss/customerreviews/page=1/id=${APP}/sortby=mostrecent/json`, {
      body: platformFixture('appstore-reviews.json'),
      contentType: 'text/javascript',
    });
    const res = await adapter.fetchPage(APP, undefined, testContext());
    assert.equal(res.nextPage, undefined, 'a page of 2 < 50 is the last');
    assert.deepEqual(res.posts[0], {
      source: 'appstore',
      sourceType: 'social',
      nativeId: '13254876021',
      url: `https://apps.apple.com/cn/app/id${APP}?see-all=reviews`,
      title: '招商银行 App评价：更新后登录一直闪退',
      text: '升级13.2.1以后人脸识别完就闪退，信用卡还款日到了还不了款，客服电话排队四十分钟。',
      author: { key: '1605206013', name: '还款日焦虑症', isMedia: false },
      publishedAt: '2025-11-22T02:05:42.000Z',
      rating: 1,
      query: APP,
      metrics: { likes: 0 },
    });
    assert.equal(res.posts[1]?.rating, 2);
    assert.equal(res.posts[1]?.text, '没有任何通知就把我的非柜面转账限额改成5000，\n去网点才知道是风控，希望提前告知。');
  });

  it('pages 50 at a time, newest first, and never asks past page 10', async () => {
    server.publish(Array.from({ length: 120 }, (_, i) => review(i)));
    const { ids, calls } = await crawlAll(adapter);
    assert.equal(calls, 3);
    assert.equal(ids.length, 120);
    assert.equal(ids[0], '13254000119');
    server.publish(Array.from({ length: 560 }, (_, i) => review(i)));
    server.requests.length = 0;
    const all = await crawlAll(adapter);
    assert.equal(all.ids.length, 500);
    assert.equal(Math.max(...server.requests.map((r) => Number(/page=(\d+)/.exec(r.path)?.[1]))), 10);
  });

  it('is incremental by review id: stops at the stored id, no next page', async () => {
    server.publish(Array.from({ length: 80 }, (_, i) => review(i)));
    const res = await adapter.fetchPage(APP, undefined, testContext(undefined, { cursor: { lastId: '13254000075' } }));
    assert.deepEqual(
      res.posts.map((p) => p.nativeId),
      ['13254000079', '13254000078', '13254000077', '13254000076'],
    );
    assert.equal(res.nextPage, undefined);
  });

  it('keeps the single-review object form, an empty feed, and skips the legacy metadata entry without losing a review', async () => {
    server.publish([review(1, 1)]);
    assert.deepEqual(
      (await adapter.fetchPage(APP, undefined, testContext())).posts.map((p) => p.nativeId),
      ['13254000001'],
    );
    server.legacyMetadata = true;
    server.publish([review(1, 1), review(2, 4)]);
    const legacy = await adapter.fetchPage(APP, undefined, testContext());
    assert.deepEqual(
      legacy.posts.map((p) => p.nativeId),
      ['13254000002', '13254000001'],
    );
    assert.equal(legacy.malformed, 0);
    server.legacyMetadata = false;
    server.publish([]);
    const empty = await adapter.fetchPage(APP, undefined, testContext());
    assert.deepEqual(empty, { posts: [], malformed: 0 });
  });

  it('an edited review that reappears under the same id is kept once (the newest text)', async () => {
    const edited = { ...review(3, 1), text: '改评：问题依旧，转账还是失败', publishedAt: NOW };
    server.publish([edited, review(3, 2), review(2)]);
    const res = await adapter.fetchPage(APP, undefined, testContext());
    assert.deepEqual(
      res.posts.map((p) => [p.nativeId, p.rating]),
      [
        ['13254000003', 1],
        ['13254000002', 3],
      ],
    );
    assert.equal(res.posts[0]?.text, '改评：问题依旧，转账还是失败');
  });

  it('counts a malformed review and keeps the rest; rejects a non-numeric query', async () => {
    server.publish([review(1), review(2), review(3)]);
    server.setFailure('malformed');
    const res = await adapter.fetchPage(APP, undefined, testContext());
    assert.equal(res.malformed, 1);
    assert.equal(res.posts.length, 3);
    await assert.rejects(adapter.fetchPage('招商银行', undefined, testContext()), NonRetryableError);
  });

  it('block page → BlockedError, captcha page → BlockedError, 502 → RetryLaterError, half a body → NonRetryableError, slow → RetryLaterError', async () => {
    server.publish([review(1)]);
    server.setFailure('block');
    await assert.rejects(adapter.fetchPage(APP, undefined, testContext()), BlockedError);
    server.setFailure('captcha');
    await assert.rejects(adapter.fetchPage(APP, undefined, testContext()), BlockedError);
    server.setFailure('unavailable');
    await assert.rejects(adapter.fetchPage(APP, undefined, testContext()), RetryLaterError);
    server.setFailure('broken');
    await assert.rejects(adapter.fetchPage(APP, undefined, testContext()), NonRetryableError);
    server.setFailure('slow', 1, { delayMs: 2000 });
    await assert.rejects(adapter.fetchPage(APP, undefined, testContext(undefined, { timeoutMs: 150 })), RetryLaterError);
  });
});
