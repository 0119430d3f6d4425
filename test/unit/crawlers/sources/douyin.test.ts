import assert from 'node:assert/strict';
import type { FixtureItem } from '../../../../app/demo/servers/base.js';
import { type DouyinFixtureServer, startDouyinServer } from '../../../../app/demo/servers/douyin.js';
import { crawlSchema } from '../../../../config/sections/crawl.js';
import type { Institution } from '../../../../config/sections/watchlist.js';
import { BrowserPool, findChrome } from '../../../../crawlers/core/browser.js';
import { DouyinAdapter, type DouyinConfig, hasMore, parseCookieHeader } from '../../../../crawlers/sources/douyin.js';
import { checkEnvelope, douyinObjects, parseAweme, searchAwemes } from '../../../../crawlers/sources/douyin-parse.js';
import { BlockedError, NonRetryableError, RetryLaterError } from '../../../../lib/errors.js';
import { silentLogger } from '../../../../lib/logger.js';
import { platformFixture } from '../../../fixtures/platforms/index.js';
import { NOW, testContext } from './helpers.js';

const watchlist: Institution[] = [
  { id: 'example_bank', name: '示例银行', aliases: ['示例银行', '示例银行信用卡', '示例行'], exclude: [], ourBank: true, category: 'joint_stock' },
];
const opts = { source: 'douyin', query: '示例银行', baseUrl: 'https://www.douyin.com', watchlist };

function config(url: string, extra: Partial<DouyinConfig> = {}): DouyinConfig {
  return crawlSchema.parse({ sources: { douyin: { kind: 'douyin', baseUrl: url, ...extra } } }).sources.douyin as DouyinConfig;
}

describe('douyin: page JSON parsing', () => {
  it('reads every card kind of the documented search page and classifies authors from the verification text', () => {
    const [obj] = douyinObjects(platformFixture('douyin-search.json'));
    assert.ok(obj);
    checkEnvelope(obj);
    const { awemes, hasMore } = searchAwemes(obj);
    assert.equal(hasMore, true);
    assert.equal(awemes.length, 6, 'aweme_info ×3, mix item, attached aweme_list, user card item; related_words skipped');
    const posts = awemes.map((a) => parseAweme(a, opts));
    assert.equal(posts[5], null, 'a deleted video is skipped, not malformed');
    const byId = Object.fromEntries(posts.filter((p) => p).map((p) => [p?.nativeId, p]));
    const wang = byId['7575218890123456789'];
    assert.equal(wang?.publishedAt, '2025-11-22T02:00:00.000Z');
    assert.equal(wang?.url, 'https://www.douyin.com/video/7575218890123456789');
    assert.deepEqual(wang?.metrics, { likes: 2304, comments: 418, reposts: 96 });
    assert.deepEqual(wang?.author, { key: '3845123400112233', name: '不想再被扣费的小王', verifiedType: -1, followers: 1320, isMedia: false });
    assert.equal(byId['7575301122334455667']?.author.isMedia, true, 'enterprise verification of a newspaper = media');
    assert.equal(byId['7575301122334455667']?.author.verifiedType, 3);
    const blogger = byId['7575400000000000001']?.author;
    assert.deepEqual([blogger?.isMedia, blogger?.verifiedType], [false, 0], 'custom_verify 财经自媒体 = a verified person, not media');
    const bank = byId['7575400000000000002']?.author;
    assert.deepEqual([bank?.isMedia, bank?.verifiedType], [false, 2], "the bank's own enterprise account");
    assert.ok(byId['7575400000000000003'], 'video inside a user card');
  });

  it('splits the general/search/stream/ framing and keeps the objects that carry data', () => {
    const objects = douyinObjects(platformFixture('douyin-search-stream.txt'));
    assert.equal(objects.length, 3);
    const ids = objects.flatMap((o) => searchAwemes(o).awemes.map((a) => a.aweme_id));
    assert.deepEqual(ids, ['7575218890123456789', '7575301122334455667']);
  });

  it('verify_check and invalid_login empty results, an empty or "blocked" body are blocks; status_code ≠ 0 is an error', () => {
    const nil = (t: string) => ({ status_code: 0, data: [], has_more: 0, search_nil_info: { search_nil_type: t, search_nil_item: t, text_type: 9 } });
    assert.throws(() => checkEnvelope(nil('verify_check')), BlockedError);
    assert.throws(() => checkEnvelope(nil('invalid_login')), BlockedError);
    assert.throws(() => douyinObjects(''), BlockedError);
    assert.throws(() => douyinObjects('blocked'), BlockedError);
    assert.throws(() => checkEnvelope({ status_code: 2483, status_msg: '参数错误' }), NonRetryableError);
    assert.throws(() => douyinObjects('<html>oops</html>'), NonRetryableError);
    assert.doesNotThrow(() => checkEnvelope({ status_code: 0, data: [{ type: 1 }], has_more: 1 }));
  });

  it('pages on has_more only while pages carry items (page 2 with data:[] and has_more:1 stops), also in stream bodies', () => {
    assert.equal(hasMore(platformFixture('douyin-search.json')), true);
    assert.equal(hasMore(platformFixture('douyin-search-stream.txt')), true);
    assert.equal(hasMore('{"status_code":0,"data":[],"has_more":1,"cursor":20}'), false);
    assert.equal(hasMore('{"status_code":0,"comments":null,"has_more":0,"cursor":0}'), false);
    assert.equal(hasMore('blocked'), false);
  });

  it('turns the operator cookie header into browser cookies for the site', () => {
    assert.deepEqual(parseCookieHeader('sessionid=abc; LOGIN_STATUS=1; ttwid=1%7Cx=y', '.douyin.com'), [
      { name: 'sessionid', value: 'abc', domain: '.douyin.com' },
      { name: 'LOGIN_STATUS', value: '1', domain: '.douyin.com' },
      { name: 'ttwid', value: '1%7Cx=y', domain: '.douyin.com' },
    ]);
  });
});

const video = (i: number, extra: Partial<FixtureItem> = {}): FixtureItem => ({
  id: String(7575218890123400000n + BigInt(i)),
  text: `示例银行信用卡年费被乱扣，第${i}个视频 #示例银行`,
  author: { id: String(3845123400110000 + i), name: `抖音用户${i}` },
  publishedAt: new Date(Date.parse(NOW) - (100 - i) * 60_000).toISOString(),
  ...extra,
});
const comment = (v: number, i: number): FixtureItem => ({
  id: String(7575322001122300000n + BigInt(v * 1000 + i)),
  parent: video(v).id,
  text: `我也被扣了年费，客服推诿 ${v}-${i}`,
  author: { id: String(5987123400 + v * 1000 + i), name: `评论用户${v}-${i}` },
  publishedAt: new Date(Date.parse(NOW) - (50 - i) * 60_000).toISOString(),
});

describe('douyin adapter in headless Chromium', function () {
  this.timeout(90_000);
  const chrome = findChrome();
  let server: DouyinFixtureServer;
  let pool: BrowserPool;

  before(async function () {
    if (!chrome) {
      console.warn('      (skipped: no Chromium binary found; set CHROME_PATH or install chromium)');
      this.skip();
    }
    server = await startDouyinServer();
    pool = new BrowserPool({ executablePath: chrome as string, log: silentLogger(), timeoutMs: 20_000, scrollWaitMs: 3000 });
  });
  after(async () => {
    await pool?.close();
    await server?.close();
  });
  beforeEach(() => {
    server.setFailure(null);
    server.requests.length = 0;
    server.serveCanned('/aweme/v1/web/general/search/single/', null);
    server.publish([
      ...Array.from({ length: 14 }, (_, i) => video(i)),
      video(20, {
        text: '示例银行回应年费争议',
        author: { id: '91234567890', name: '示例财经日报', verifiedType: 3, verifiedReason: '示例财经日报官方抖音账号' },
      }),
      ...Array.from({ length: 25 }, (_, i) => comment(3, i)),
      comment(5, 0),
    ]);
  });

  it('captures the search pages (scroll, cursor, dedup) and the comments of commented videos, with the cookies set', async () => {
    const adapter = new DouyinAdapter('douyin', config(server.url, { cookie: 'sessionid=op-session; LOGIN_STATUS=1', commentScrolls: 3 }), watchlist);
    const res = await adapter.fetchPage('示例银行', undefined, testContext(undefined, { browser: pool }));
    const videos = res.posts.filter((p) => !p.nativeId.startsWith('c'));
    const comments = res.posts.filter((p) => p.nativeId.startsWith('c'));
    assert.equal(videos.length, 15, 'two result pages, the repeated video kept once');
    assert.equal(new Set(res.posts.map((p) => p.nativeId)).size, res.posts.length);
    assert.equal(videos.find((p) => p.author.name === '示例财经日报')?.author.isMedia, true);
    assert.equal(comments.length, 26, '25 under video 3 over two comment pages, 1 under video 5; the foreign comment dropped');
    const c0 = comments.find((p) => p.nativeId === `c${comment(3, 0).id}`);
    assert.equal(c0?.text, '我也被扣了年费，客服推诿 3-0');
    assert.match(c0?.title ?? '', /^抖音视频「示例银行信用卡年费被乱扣，第3个视频/);
    assert.equal(c0?.author.name, '评论用户3-0');
    const searches = server.requests.filter((r) => r.path === '/aweme/v1/web/general/search/single/');
    assert.deepEqual(
      searches.map((r) => r.query.offset),
      ['0', '10'],
    );
    assert.equal(searches[1]?.query.search_id, '202511221053200A1B2C3D4E5F60718293');
    assert.ok(searches.every((r) => r.headers.cookie?.includes('sessionid=op-session')));
    assert.deepEqual(
      server.requests.filter((r) => r.path === '/aweme/v1/web/comment/list/' && r.query.aweme_id === video(3).id).map((r) => r.query.cursor),
      ['0', '20'],
    );

    // Next run: comment counts unchanged → no comment page is opened again; the videos come back (the
    // store keeps them once) and a video with new comments has them read.
    server.requests.length = 0;
    server.add([comment(5, 1)]);
    const again = await adapter.fetchPage('示例银行', undefined, testContext(undefined, { browser: pool, cursor: { lastPublishedAt: NOW } }));
    assert.deepEqual(
      again.posts
        .filter((p) => p.nativeId.startsWith('c'))
        .map((p) => p.nativeId)
        .sort(),
      [`c${comment(5, 0).id}`, `c${comment(5, 1).id}`],
    );
    assert.deepEqual([...new Set(server.requests.filter((r) => r.path === '/aweme/v1/web/comment/list/').map((r) => r.query.aweme_id))], [video(5).id]);
  });

  it('counts a malformed video and keeps the rest', async () => {
    const adapter = new DouyinAdapter('douyin', config(server.url, { searchScrolls: 0, commentVideos: 0 }), watchlist);
    server.setFailure('malformed', 2);
    const res = await adapter.fetchPage('示例银行', undefined, testContext(undefined, { browser: pool }));
    assert.equal(res.malformed, 1);
    assert.equal(res.posts.length, 10);
  });

  it('the captcha page, a verify_check result, a login prompt and a "blocked" body are BlockedError', async () => {
    const adapter = () => new DouyinAdapter('douyin', config(server.url, { searchScrolls: 0, commentVideos: 0 }), watchlist);
    for (const [mode, count, reason] of [
      ['captcha', 1, /verification page "验证码中间页"/],
      ['block', 2, /verify_check/],
      ['login', 1, /login prompt/],
      ['broken', 2, /blocked/],
    ] as const) {
      server.setFailure(mode, count);
      await assert.rejects(adapter().fetchPage('示例银行', undefined, testContext(undefined, { browser: pool })), (err: Error) => {
        assert.ok(err instanceof BlockedError, `${mode}: ${err.name} ${err.message}`);
        assert.match(err.message, reason);
        return true;
      });
      server.setFailure(null);
    }
  });

  it('a slow page is retried later; without a browser the source says what it needs', async () => {
    const slowPool = new BrowserPool({ executablePath: chrome as string, log: silentLogger(), timeoutMs: 1500 });
    try {
      server.setFailure('slow', 1, { delayMs: 4000 });
      const adapter = new DouyinAdapter('douyin', config(server.url, { searchScrolls: 0, commentVideos: 0 }), watchlist);
      await assert.rejects(adapter.fetchPage('示例银行', undefined, testContext(undefined, { browser: slowPool })), RetryLaterError);
    } finally {
      await slowPool.close();
    }
    await assert.rejects(new DouyinAdapter('douyin', config(server.url), watchlist).fetchPage('示例银行', undefined, testContext()), /needs the browser pool/);
  });
});
