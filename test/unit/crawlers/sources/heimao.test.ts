import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { buildCardFeeScenario } from '../../../../app/demo/scenario/card-fee.js';
import type { FixtureItem } from '../../../../app/demo/servers/base.js';
import { type HeimaoFixtureServer, startHeimaoServer } from '../../../../app/demo/servers/heimao.js';
import { crawlSchema } from '../../../../config/sections/crawl.js';
import {
  HeimaoAdapter,
  type HeimaoConfig,
  heimaoSearchUrl,
  heimaoSignature,
  isTruncated,
  parseHeimaoDetail,
  randomRs,
  signHeimaoSearch,
} from '../../../../crawlers/sources/heimao.js';
import { FakeClock } from '../../../../lib/clock.js';
import { BlockedError, NonRetryableError } from '../../../../lib/errors.js';
import { platformFixture } from '../../../fixtures/platforms/index.js';
import { NOW, sh, testContext } from './helpers.js';

const SALT = '$d6eb7ff91ee257475%';

function config(url: string, extra: Partial<HeimaoConfig> = {}): HeimaoConfig {
  return crawlSchema.parse({ sources: { heimao: { kind: 'heimao', baseUrl: url, ...extra } } }).sources.heimao as HeimaoConfig;
}

function complaint(i: number, minutesAgo: number): FixtureItem {
  return {
    id: String(17390020000 + i),
    title: `示例银行信用卡年费投诉${i}`,
    text: `示例银行信用卡年费被乱收，第${i}位投诉人。`,
    author: { id: `黑猫用户${1000 + i}`, name: `黑猫用户${1000 + i}` },
    publishedAt: new Date(Date.parse(NOW) - minutesAgo * 60_000).toISOString(),
    complaint: { target: '示例银行信用卡中心', appeal: '退还年费', issue: '乱收费', amount: 100 + i },
  };
}

describe('heimao signature', () => {
  const pinned = { ts: '1763776800000', rs: 'aB3dE5gH7jK9mN1p', salt: SALT, keywords: '示例银行', pageSize: 10, page: 1 };

  it('matches a hex computed independently from the documented recipe', () => {
    const values = [pinned.ts, pinned.rs, pinned.salt, pinned.keywords, '10', '1'].sort();
    const independent = createHash('sha256')
      .update(Buffer.from(values.join(''), 'utf8'))
      .digest('hex');
    assert.equal(signHeimaoSearch(pinned), independent);
    // Computed once with Python's hashlib over the same sorted list; pins the recipe against drift in both.
    assert.equal(signHeimaoSearch(pinned), '7e13f884d9ed9007025e99e4b02170c350712369289e77010a72a3a11e51f6f3');
  });

  it('sorts by code unit, so order of arguments does not matter and keywords are hashed raw', () => {
    assert.equal(heimaoSignature(['b', 'a', 'C']), heimaoSignature(['C', 'a', 'b']));
    const url = new URL(heimaoSearchUrl('https://tousu.sina.com.cn/', pinned));
    assert.equal(url.pathname, '/api/index/s');
    assert.equal(url.searchParams.get('keywords'), '示例银行');
    assert.equal(url.searchParams.get('signature'), signHeimaoSearch(pinned));
    assert.equal(signHeimaoSearch({ ...pinned, page: 2 }) === signHeimaoSearch(pinned), false, 'page is signed');
  });

  it('generates rs as 16 characters of [0-9a-zA-Z]', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    for (let i = 0; i < 50; i++) assert.match(randomRs(random), /^[0-9a-zA-Z]{16}$/);
  });
});

describe('heimao adapter', () => {
  let server: HeimaoFixtureServer;
  let adapter: HeimaoAdapter;

  before(async () => {
    server = await startHeimaoServer();
  });
  after(() => server.close());
  beforeEach(() => {
    server.publish([]);
    server.setFailure(null);
    server.salt = SALT;
    server.serveCanned('/api/index/s', null);
    server.requests.length = 0;
    adapter = new HeimaoAdapter('heimao', config(server.url));
  });

  it('parses every field of the documented payload and counts the item without sn', async () => {
    server.serveCanned('/api/index/s', { body: platformFixture('heimao-search.json'), contentType: 'application/json' });
    const res = await adapter.fetchPage('示例银行', undefined, testContext());
    assert.equal(res.malformed, 1);
    assert.equal(res.nextPage, 2);
    assert.deepEqual(res.posts, [
      {
        source: 'heimao',
        sourceType: 'complaint',
        nativeId: '17390001234',
        url: 'https://tousu.sina.com.cn/complaint/view/17390001234/',
        title: '示例银行信用卡中心委外催收频繁骚扰家人',
        text: '本人在示例银行办理的信用卡因失业逾期两个月，已主动协商分期，催收人员仍每天拨打我父母和同事电话……',
        author: { key: '黑猫用户8823', name: '黑猫用户8823', isMedia: false },
        publishedAt: '2025-11-22T02:00:00.000Z',
        query: '示例银行',
        complaint: { target: '示例银行信用卡中心', appeal: '停止骚扰,协商分期,道歉赔偿/解释', issue: '暴力催收,骚扰他人', amount: 23650, status: '3' },
      },
    ]);
    assert.ok(isTruncated(res.posts[0]?.text ?? ''));
  });

  it('sends a signature the server verifies, and pages with pager.current/page_amount', async () => {
    server.publish(Array.from({ length: 13 }, (_, i) => complaint(i, i + 1)));
    const ctx = testContext();
    const first = await adapter.fetchPage('示例银行', undefined, ctx);
    assert.equal(first.posts.length, 10);
    assert.equal(first.nextPage, 2);
    const second = await adapter.fetchPage('示例银行', first.nextPage, ctx);
    assert.equal(second.posts.length, 3);
    assert.equal(second.nextPage, undefined);
    const req = server.requests[0];
    assert.equal(req?.query.ts, String(Date.parse(NOW)));
    assert.match(req?.query.rs ?? '', /^[0-9a-zA-Z]{16}$/);
    assert.equal(req?.query.page_size, '10');
    assert.match(String(req?.headers.referer), /\/index\/search\/\?keywords=/);
    assert.equal(second.posts[0]?.url, `${server.url}/complaint/view/17390020010/`, 'protocol-relative url resolved against the base');
  });

  it('reports a rejected signature (salt drift) as NonRetryableError without a browser', async () => {
    server.publish([complaint(1, 1)]);
    server.salt = 'P0tk894Tcxi4t%S$';
    await assert.rejects(adapter.fetchPage('示例银行', undefined, testContext()), (err: Error) => {
      assert.ok(err instanceof NonRetryableError);
      assert.match(err.message, /signature rejected/);
      return true;
    });
  });

  it('stops at the cursor', async () => {
    server.publish(Array.from({ length: 13 }, (_, i) => complaint(i, i * 10 + 1)));
    const cursor = { lastPublishedAt: new Date(Date.parse(NOW) - 25 * 60_000).toISOString() };
    const res = await adapter.fetchPage('示例银行', undefined, testContext(undefined, { cursor }));
    assert.deepEqual(
      res.posts.map((p) => p.nativeId),
      ['17390020000', '17390020001', '17390020002'],
    );
    assert.equal(res.nextPage, undefined);
  });

  it('carries the scenario complaint into RawPost.complaint', async () => {
    server.publish(buildCardFeeScenario(new Date(NOW)).phases[0]?.heimao ?? []);
    const [post] = (await adapter.fetchPage('示例银行', undefined, testContext())).posts;
    assert.equal(post?.complaint?.amount, 880);
    assert.equal(post?.complaint?.target, '示例银行信用卡中心');
    assert.equal(post?.title, '示例银行信用卡违规收取年费，客服推诿不处理');
    assert.equal(post?.author.key, '黑猫用户7315');
  });

  it('treats HTTP 456 as a block (no browser retry)', async () => {
    server.setFailure('block');
    await assert.rejects(adapter.fetchPage('示例银行', undefined, testContext()), BlockedError);
  });

  it('treats an HTML login page instead of JSON as a block when no browser is available', async () => {
    server.setFailure('login');
    await assert.rejects(adapter.fetchPage('示例银行', undefined, testContext()), BlockedError);
  });

  it('treats a captcha page as a block', async () => {
    server.setFailure('captcha');
    await assert.rejects(adapter.fetchPage('示例银行', undefined, testContext()), BlockedError);
  });

  it('skips and counts one malformed item', async () => {
    server.publish([complaint(1, 1), complaint(2, 2)]);
    server.setFailure('malformed');
    const res = await adapter.fetchPage('示例银行', undefined, testContext());
    assert.equal(res.malformed, 1);
    assert.equal(res.posts.length, 2);
  });

  it('throws NonRetryableError on a broken body', async () => {
    server.publish([complaint(1, 1)]);
    server.setFailure('broken');
    await assert.rejects(adapter.fetchPage('示例银行', undefined, testContext()), NonRetryableError);
  });

  it('treats an empty page despite item_count as risk control', async () => {
    server.serveCanned('/api/index/s', {
      body: JSON.stringify({ result: { status: { code: 0 }, data: { pager: { current: 1, page_amount: 3, item_count: 25 }, lists: [] } } }),
      contentType: 'application/json',
    });
    await assert.rejects(adapter.fetchPage('示例银行', undefined, testContext()), BlockedError);
  });

  it('parses a complaint detail page (label/value rows, timeline) and fetches it', async () => {
    const clock = new FakeClock(NOW);
    const detail = parseHeimaoDetail(platformFixture('heimao-detail.html.txt'), clock);
    assert.deepEqual(detail?.complaint, { target: '示例银行信用卡中心', issue: '乱收费,客服推诿', appeal: '退还年费,解释说明', amount: 880, status: '已回复' });
    assert.equal(detail?.sn, '17390012001');
    assert.equal(detail?.authorName, '黑猫用户7315');
    assert.equal(detail?.publishedAt, sh('2025-11-21T20:15:00'));
    assert.equal(detail?.text, '本人办理的示例银行白金信用卡承诺刷满6次免次年年费，今年却被扣年费880元。\n客服推诿一周未处理。');
    assert.deepEqual(
      detail?.steps.map((s) => s.status),
      ['发起投诉', '商家回复'],
    );
    const long = { ...complaint(5, 3), text: `${'示例银行信用卡年费乱收费。'.repeat(12)}完` };
    server.publish([long]);
    const fetched = await adapter.fetchDetail(long.id, testContext(clock));
    assert.equal(fetched.text, long.text);
    assert.equal(fetched.complaint.amount, 105);
  });
});
