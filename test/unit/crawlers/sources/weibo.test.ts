import assert from 'node:assert/strict';
import { buildCardFeeScenario } from '../../../../app/demo/scenario/card-fee.js';
import type { FixtureItem } from '../../../../app/demo/servers/base.js';
import type { WeiboFixtureServer } from '../../../../app/demo/servers/weibo.js';
import { crawlSchema } from '../../../../config/sections/crawl.js';
import type { Institution } from '../../../../config/sections/watchlist.js';
import { WeiboAdapter, type WeiboConfig } from '../../../../crawlers/sources/weibo.js';
import { BlockedError, NonRetryableError, RetryLaterError } from '../../../../lib/errors.js';
import { platformFixture } from '../../../fixtures/platforms/index.js';
import { NOW, sh, testContext } from './helpers.js';
import { useWeiboServer } from './weibo-server.js';

const watchlist: Institution[] = [
  { id: 'example_bank', name: '示例银行', aliases: ['示例银行', '示例银行信用卡中心', '示例行'], exclude: [], ourBank: true, category: 'joint_stock' },
];

function config(url: string, extra: Partial<WeiboConfig> = {}): WeiboConfig {
  const parsed = crawlSchema.parse({ sources: { weibo: { kind: 'weibo', baseUrl: url, searchHtmlUrl: url, visitorUrl: url, ...extra } } });
  return parsed.sources.weibo as WeiboConfig;
}

function post(i: number, minutesAgo: number, extra: Partial<FixtureItem> = {}): FixtureItem {
  return {
    id: String(5234567890200000 + i),
    text: `示例银行信用卡年费第${i}条吐槽，客服推诿`,
    author: { id: String(7000000000 + i), name: `用户${i}` },
    publishedAt: new Date(Date.parse(NOW) - minutesAgo * 60_000).toISOString(),
    ...extra,
  };
}

describe('weibo adapter', () => {
  let server: WeiboFixtureServer;
  let adapter: WeiboAdapter;

  useWeiboServer((s) => {
    server = s;
    server.publish([]);
    server.requireVisitorCookie = false;
    server.serveCanned('/api/container/getIndex', null);
    server.serveCanned('/weibo', null);
    adapter = new WeiboAdapter('weibo', config(server.url), watchlist);
  });

  it('parses every field of the documented search payload (type 9 and type 11 cards, counts, media, ids as strings)', async () => {
    server.serveCanned('/api/container/getIndex', { body: platformFixture('weibo-search.json'), contentType: 'application/json' });
    server.publish([
      {
        id: '5234567890120001',
        text: '【示例银行回应信用卡年费争议】记者从示例银行信用卡中心获悉，该行将逐笔核查。',
        author: { id: '1650000001', name: '示例财经日报' },
        publishedAt: NOW,
      },
    ]);
    const page = await adapter.fetchPage('示例银行', undefined, testContext());
    assert.equal(page.nextPage, 2);
    assert.equal(page.malformed, 1, 'the card without user/created_at');
    assert.deepEqual(
      page.posts.map((p) => p.nativeId),
      ['5234567890123456', '5234567890120001', '5234567890110002', '5234567890110003'],
    );
    const [wang, daily, reporter, bank] = page.posts;
    assert.equal(wang?.source, 'weibo');
    assert.equal(wang?.sourceType, 'social');
    assert.equal(wang?.publishedAt, sh('2025-11-22T10:00:00'));
    assert.equal(wang?.text, '@示例银行 信用卡被违规收取年费，客服一直推诿，已经打了十几次电话 #示例银行乱收费# [怒]');
    assert.deepEqual(wang?.metrics, { reposts: 12, comments: 34, likes: 12000 });
    assert.deepEqual(wang?.author, { key: '7712345678', name: '不想再被扣费的小王', verifiedType: -1, followers: 321, isMedia: false });
    assert.equal(wang?.query, '示例银行');
    assert.equal(wang?.url, `${server.url}/detail/5234567890123456`);
    // Long text expanded through /statuses/extend.
    assert.equal(daily?.text, '【示例银行回应信用卡年费争议】记者从示例银行信用卡中心获悉，该行将逐笔核查。');
    assert.deepEqual(daily?.author, {
      key: '1650000001',
      name: '示例财经日报',
      verifiedType: 3,
      verifiedReason: '示例财经日报官方微博',
      followers: 12_345_000,
      isMedia: true,
    });
    assert.equal(reporter?.author.isMedia, false, "a journalist's personal V (type 0) is not an outlet's account");
    assert.equal(reporter?.author.followers, 88_000);
    assert.equal(reporter?.metrics?.reposts, 1_000_000);
    assert.equal(bank?.author.isMedia, false, "the bank's own enterprise account is not media");
    assert.ok(server.requests.some((r) => r.path === '/statuses/extend' && r.query.id === '5234567890120001'));
    const search = server.requests.find((r) => r.path === '/api/container/getIndex');
    assert.equal(search?.query.containerid, '100103type=61&q=示例银行');
    assert.equal(search?.query.page_type, 'searchall');
  });

  it('drops a post repeated on the same page', async () => {
    const body = JSON.parse(platformFixture('weibo-search.json'));
    body.data.cards.push({ card_type: 11, card_group: [body.data.cards[1]] });
    server.serveCanned('/api/container/getIndex', { body: JSON.stringify(body), contentType: 'application/json' });
    const page = await adapter.fetchPage('示例银行', undefined, testContext());
    assert.equal(page.posts.filter((p) => p.nativeId === '5234567890123456').length, 1);
  });

  it('pages through the fixture server (10 per page, next page from cardlistInfo.page) and keeps 16-digit ids exact', async () => {
    server.publish(Array.from({ length: 23 }, (_, i) => post(i, i + 1)));
    const ctx = testContext();
    const seen: string[] = [];
    let page: number | string | undefined;
    let calls = 0;
    do {
      const res = await adapter.fetchPage('示例银行', page, ctx);
      seen.push(...res.posts.map((p) => p.nativeId));
      page = res.nextPage;
      calls += 1;
    } while (page !== undefined && calls < 10);
    assert.equal(calls, 3);
    assert.equal(seen.length, 23);
    assert.equal(new Set(seen).size, 23);
    assert.ok(seen.includes('5234567890200022'));
  });

  it('stops at the cursor: older posts dropped, no next page', async () => {
    server.publish(Array.from({ length: 15 }, (_, i) => post(i, i * 10 + 1)));
    const cursorAt = new Date(Date.parse(NOW) - 41 * 60_000).toISOString();
    const res = await adapter.fetchPage('示例银行', undefined, testContext(undefined, { cursor: { lastId: '5234567890200004', lastPublishedAt: cursorAt } }));
    assert.deepEqual(
      res.posts.map((p) => p.nativeId),
      ['5234567890200000', '5234567890200001', '5234567890200002', '5234567890200003'],
    );
    assert.equal(res.nextPage, undefined);
  });

  it('leaves long posts truncated when expandLongText is off', async () => {
    const scenario = buildCardFeeScenario(new Date(NOW));
    server.publish(scenario.phases.flatMap((p) => p.weibo));
    adapter = new WeiboAdapter('weibo', config(server.url, { expandLongText: false }), watchlist);
    const res = await adapter.fetchPage('示例银行', undefined, testContext());
    const long = res.posts.find((p) => p.nativeId === '5234567890123404');
    assert.ok(long && long.text.length < 50, long?.text ?? 'missing');
    assert.ok(!server.requests.some((r) => r.path === '/statuses/extend'));
  });

  it('marks the scenario media account as media and ordinary users not', async () => {
    const scenario = buildCardFeeScenario(new Date(NOW));
    server.publish(scenario.phases.flatMap((p) => p.weibo));
    const res = await adapter.fetchPage('示例银行', undefined, testContext());
    const media = res.posts.filter((p) => p.author.isMedia).map((p) => p.author.name);
    assert.deepEqual(media, ['示例财经日报']);
    const traditional = res.posts.find((p) => p.author.name === '台北的林小姐');
    assert.match(traditional?.text ?? '', /信用卡年費/);
    assert.ok(!res.posts.some((p) => p.text.includes('招商银行')), 'the 招商银行 post does not match the query');
  });

  for (const [mode, label] of [
    ['block', 'HTTP 432'],
    ['login', 'ok:-100'],
    ['captcha', 'captcha page'],
  ] as const) {
    it(`raises BlockedError on ${label} when no browser is available`, async () => {
      server.publish([post(1, 1)]);
      server.setFailure(mode);
      await assert.rejects(adapter.fetchPage('示例银行', undefined, testContext()), BlockedError);
    });
  }

  it('skips and counts a malformed item, keeps the rest', async () => {
    server.publish([post(1, 1), post(2, 2)]);
    server.setFailure('malformed');
    const res = await adapter.fetchPage('示例银行', undefined, testContext());
    assert.equal(res.malformed, 1);
    assert.equal(res.posts.length, 2);
  });

  it('throws NonRetryableError for a truncated JSON body', async () => {
    server.publish([post(1, 1)]);
    server.setFailure('broken');
    await assert.rejects(adapter.fetchPage('示例银行', undefined, testContext()), NonRetryableError);
  });

  it('decodes a GBK-encoded JSON answer', async () => {
    server.publish([post(1, 1, { text: '示例银行信用卡年费乱收费，客服推诿！' })]);
    server.setFailure('gbk');
    const res = await adapter.fetchPage('示例银行', undefined, testContext());
    assert.equal(res.posts[0]?.text, '示例银行信用卡年费乱收费，客服推诿！');
  });

  it('times out on a slow answer (RetryLaterError after the core gives up)', async () => {
    server.publish([post(1, 1)]);
    server.setFailure('slow', 1, { delayMs: 2000 });
    await assert.rejects(adapter.fetchPage('示例银行', undefined, testContext(undefined, { timeoutMs: 200 })), (err: Error) => {
      assert.ok(err instanceof RetryLaterError, err.name);
      assert.match(String((err.cause as Error)?.message ?? err.message), /timeout|abort/i);
      return true;
    });
  });

  it('parses s.weibo.com HTML (selectors, relative times, badges, counts, next page)', async () => {
    server.serveCanned('/weibo', { body: platformFixture('weibo-search-card.html.txt'), contentType: 'text/html' });
    const res = await adapter.fetchPage('示例银行', 'html:1', testContext());
    assert.equal(res.malformed, 1);
    assert.equal(res.nextPage, 'html:2');
    const [daily, wang] = res.posts;
    assert.equal(daily?.nativeId, '5234567890123456');
    assert.equal(daily?.publishedAt, sh('2025-11-22T09:41:00'));
    assert.equal(daily?.text, '【示例银行回应信用卡年费争议】记者从示例银行信用卡中心获悉，该行将逐笔核查年费扣收情况。');
    assert.equal(daily?.author.key, '1650000001');
    assert.equal(daily?.author.isMedia, true);
    assert.deepEqual(daily?.metrics, { reposts: 806, comments: 1532, likes: 4410 });
    assert.equal(daily?.url, 'https://weibo.com/1650000001/PbXyY0c9d');
    assert.equal(wang?.publishedAt, sh('2025-11-20T10:00:00'));
    assert.equal(wang?.text, '示例银行信用卡年费乱收，客服推诿');
    assert.equal(wang?.author.isMedia, false);
    assert.deepEqual(wang?.metrics, { reposts: 0, comments: 0, likes: 0 });
    const req = server.requests.find((r) => r.path === '/weibo');
    assert.deepEqual(req?.query, { q: '示例银行', typeall: '1', suball: '1', page: '1' });
  });

  it('renders and parses the fixture HTML search with pagination', async () => {
    server.publish(Array.from({ length: 12 }, (_, i) => post(i, i * 30 + 5)));
    const ctx = testContext();
    const first = await adapter.fetchPage('示例银行', 'html:1', ctx);
    assert.equal(first.posts.length, 10);
    assert.equal(first.nextPage, 'html:2');
    assert.equal(first.posts[0]?.publishedAt, new Date(Date.parse(NOW) - 5 * 60_000).toISOString(), '5分钟前');
    const second = await adapter.fetchPage('示例银行', first.nextPage, ctx);
    assert.equal(second.posts.length, 2);
    assert.equal(second.nextPage, undefined);
  });
});
