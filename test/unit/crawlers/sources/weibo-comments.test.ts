import assert from 'node:assert/strict';
import type { FixtureItem } from '../../../../app/demo/servers/base.js';
import type { WeiboFixtureServer } from '../../../../app/demo/servers/weibo.js';
import { crawlSchema } from '../../../../config/sections/crawl.js';
import type { Institution } from '../../../../config/sections/watchlist.js';
import { WeiboCommentsAdapter, type WeiboCommentsConfig } from '../../../../crawlers/sources/weibo-comments.js';
import { BlockedError, NonRetryableError, RetryLaterError } from '../../../../lib/errors.js';
import { NOW, sh, testContext } from './helpers.js';
import { useWeiboServer } from './weibo-server.js';

const UID = '1650000002';
const watchlist: Institution[] = [
  { id: 'example_bank', name: '示例银行', aliases: ['示例银行', '示例行'], exclude: [], ourBank: true, category: 'joint_stock', weiboUids: [UID] },
];
const POST = '5236011100000001';
const PINNED = '5230000000000009';

function config(url: string, extra: Partial<WeiboCommentsConfig> = {}): WeiboCommentsConfig {
  return crawlSchema.parse({ sources: { c: { kind: 'weibo-comments', baseUrl: url, ...extra } } }).sources.c as WeiboCommentsConfig;
}

const at = (minutesAgo: number) => new Date(Date.parse(NOW) - minutesAgo * 60_000).toISOString();

function comment(i: number, parent = POST, likes = 100 - i): FixtureItem {
  return {
    id: String(5236011122330000 + i),
    parent,
    text: `年费的事说退就退？我上个月被扣的到现在还没退[怒] 第${i}楼`,
    author: { id: String(7712300000 + i), name: `网友${i}` },
    publishedAt: at(60 - i),
    metrics: { likes },
  };
}

describe('weibo-comments adapter', () => {
  let server: WeiboFixtureServer;
  let adapter: WeiboCommentsAdapter;

  useWeiboServer((s) => {
    server = s;
    server.serveCanned('/comments/hotflow', null);
    server.comments.officialPosts = [
      { uid: UID, mid: PINNED, text: '【置顶】示例银行信用卡官方客服渠道', publishedAt: '2025-01-02T02:00:00.000Z', pinned: true },
      { uid: UID, mid: POST, text: '示例银行信用卡年费政策说明', publishedAt: at(90) },
      { uid: UID, mid: '5236011100000002', text: '双十一刷卡有礼', publishedAt: at(300) },
    ];
    server.publish([
      ...Array.from({ length: 23 }, (_, i) => comment(i)),
      comment(50, PINNED, 5),
      {
        id: '5236019988776655',
        parent: `${POST}/${comment(0).id}`,
        text: '回复@网友0:您好，已私信您，请留意查收。',
        author: { id: UID, name: '示例银行信用卡', verifiedType: 2, verifiedReason: '示例银行股份有限公司信用卡中心官方微博' },
        publishedAt: at(30),
      },
    ]);
    adapter = new WeiboCommentsAdapter('weibo-comments', config(server.url), watchlist);
  });

  it('reads the account timeline, then every hotflow page by max_id; nested replies, emoticons and ids kept', async () => {
    const res = await adapter.fetchPage(UID, undefined, testContext());
    assert.equal(res.malformed, 0);
    const ids = res.posts.map((p) => p.nativeId);
    assert.equal(new Set(ids).size, ids.length, 'the comment repeated across pages is kept once');
    assert.equal(ids.length, 23 + 1 + 1, '23 comments, the bank reply preview, the pinned post comment');
    const first = res.posts.find((p) => p.nativeId === comment(0).id);
    assert.equal(first?.text, '年费的事说退就退？我上个月被扣的到现在还没退[怒] 第0楼');
    assert.equal(first?.title, '示例银行官方微博下的评论');
    assert.equal(first?.publishedAt, at(60));
    assert.equal(first?.metrics?.likes, 100);
    assert.equal(first?.metrics?.comments, 1);
    assert.equal(first?.url, `${server.url}/detail/${POST}?cid=${comment(0).id}`);
    assert.equal(res.posts.find((p) => p.nativeId === comment(1).id)?.text, '年费的事说退就退？我上个月被扣的到现在还没退[怒] 第1楼', 'unquoted alt');
    const reply = res.posts.find((p) => p.nativeId === '5236019988776655');
    assert.equal(reply?.author.isMedia, false);
    assert.equal(reply?.author.verifiedType, 2);
    const hotflow = server.requests.filter((r) => r.path === '/comments/hotflow' && r.query.mid === POST);
    assert.deepEqual(
      hotflow.map((r) => r.query.max_id ?? '-'),
      ['-', '139274018475601', '139274018475602'],
    );
    assert.ok(hotflow.every((r) => r.headers.referer === `${server.url}/detail/${POST}`));
    assert.ok(!server.requests.some((r) => r.query.mid === '5236011100000002'), 'a post without comments is not read');
    assert.ok(
      server.requests.some((r) => r.query.mid === PINNED),
      'the pinned post is read although it is old',
    );
  });

  it('is incremental: a post whose comment count did not change is not read again', async () => {
    await adapter.fetchPage(UID, undefined, testContext());
    server.requests.length = 0;
    const again = await adapter.fetchPage(UID, undefined, testContext());
    assert.deepEqual(again.posts, []);
    assert.ok(!server.requests.some((r) => r.path === '/comments/hotflow'));
    server.add([comment(40)]);
    const more = await adapter.fetchPage(UID, undefined, testContext());
    assert.ok(more.posts.some((p) => p.nativeId === comment(40).id));
    assert.ok(!server.requests.some((r) => r.query.mid === PINNED), 'only the post with new comments');
  });

  it('stops at maxPages and when max_id is 0', async () => {
    adapter = new WeiboCommentsAdapter('weibo-comments', config(server.url, { maxPages: 1 }), watchlist);
    const res = await adapter.fetchPage(UID, undefined, testContext());
    assert.equal(server.requests.filter((r) => r.path === '/comments/hotflow' && r.query.mid === POST).length, 1);
    assert.ok(res.posts.length >= 10);
  });

  it('counts a malformed comment and keeps the rest; ok:0 (comments closed) skips the post', async () => {
    // The first failing answer goes to the timeline request, which ignores it; the second to the first hotflow page.
    server.setFailure('malformed', 2);
    const res = await adapter.fetchPage(UID, undefined, testContext());
    assert.equal(res.malformed, 1);
    assert.equal(res.posts.length, 25);
    server.comments.officialPosts.push({ uid: UID, mid: '5236011100000003', text: '已删除', publishedAt: at(10) });
    server.add([comment(60, '5236011100000003')]);
    server.serveCanned('/comments/hotflow', { body: '{"ok":0,"msg":"评论已关闭"}', contentType: 'application/json' });
    const closed = await adapter.fetchPage(UID, undefined, testContext());
    assert.deepEqual(closed.posts, []);
  });

  it('432, 418, the captcha page and ok:-100 are blocks; a cut body is malformed; a slow answer is retried later', async () => {
    for (const mode of ['block', 'captcha', 'login'] as const) {
      server.setFailure(mode, 1);
      await assert.rejects(new WeiboCommentsAdapter('c', config(server.url), watchlist).fetchPage(UID, undefined, testContext()), BlockedError, mode);
    }
    server.serveCanned('/comments/hotflow', { status: 418, body: '', contentType: 'text/plain' });
    await assert.rejects(new WeiboCommentsAdapter('c', config(server.url), watchlist).fetchPage(UID, undefined, testContext()), BlockedError);
    server.serveCanned('/comments/hotflow', null);
    server.setFailure('broken', 2);
    await assert.rejects(new WeiboCommentsAdapter('c', config(server.url), watchlist).fetchPage(UID, undefined, testContext()), NonRetryableError);
    server.setFailure('slow', 1, { delayMs: 2000 });
    await assert.rejects(
      new WeiboCommentsAdapter('c', config(server.url), watchlist).fetchPage(UID, undefined, testContext(undefined, { timeoutMs: 150 })),
      RetryLaterError,
    );
    await assert.rejects(adapter.fetchPage('示例银行', undefined, testContext()), NonRetryableError);
  });

  it('a date-only comment time comes from the comment id', async () => {
    const body = {
      ok: 1,
      data: {
        max_id: 0,
        max_id_type: 0,
        data: [{ id: 5235063168017075, created_at: '11-20', text: '去年的评论', user: { id: 7712399999, screen_name: '老网友', verified_type: -1 } }],
      },
    };
    server.serveCanned('/comments/hotflow', { body: JSON.stringify(body), contentType: 'application/json' });
    const res = await adapter.fetchPage(UID, undefined, testContext());
    assert.equal(res.posts[0]?.publishedAt, sh('2025-11-20T14:23:05'));
  });
});
