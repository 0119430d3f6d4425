import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import iconv from 'iconv-lite';
import { createFetcher, type FetcherOptions, HostPacer, parseJsonBody, parseRetryAfter, sniffCharset } from '../../../../crawlers/core/http.js';
import { FakeClock } from '../../../../lib/clock.js';
import { BlockedError, NonRetryableError, RetryLaterError } from '../../../../lib/errors.js';
import { silentLogger } from '../../../../lib/logger.js';
import { createMetrics } from '../../../../lib/metrics.js';
import { Loopback } from './loopback.js';

const UA = 'Mozilla/5.0 (test) radar';

describe('crawlers/core/http', () => {
  let server: Loopback;
  let clock: FakeClock;
  let sleeps: number[];

  beforeEach(async () => {
    server = await new Loopback().start();
    clock = new FakeClock('2025-11-22T02:00:00.000Z');
    sleeps = [];
  });
  afterEach(async () => {
    await server.close();
  });

  /** A fetcher whose sleeps advance the fake clock instead of waiting. */
  function fetcher(extra: Partial<FetcherOptions> = {}) {
    return createFetcher({
      sourceId: 'test',
      requestsPerMinute: 60_000,
      userAgent: UA,
      clock,
      log: silentLogger(),
      pacer: new HostPacer(),
      random: () => 0,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock.advance(ms);
      },
      ...extra,
    });
  }

  describe('pacing', () => {
    it('spaces requests to one host by 60000/rpm plus jitter, shared across fetchers', async () => {
      server.route('/a', (_req, res) => res.end('ok'));
      const pacer = new HostPacer();
      const recorded: number[] = [];
      const opts = { pacer, random: () => 0.5, jitter: 0.4, requestsPerMinute: 30, sleep: async (ms: number) => void recorded.push(ms) };
      const f1 = fetcher(opts);
      const f2 = fetcher({ ...opts, sourceId: 'other' });
      await f1.fetch({ url: server.url('/a'), expect: 'text' });
      await f2.fetch({ url: server.url('/a'), expect: 'text' });
      await f1.fetch({ url: server.url('/a'), expect: 'text' });
      // Interval 2000 ms · (1 + 0.4 · 0.5) = 2400 ms per slot; the clock did not move, so slots queue up.
      assert.deepEqual(recorded, [2400, 4800]);
      // Another host has its own schedule.
      await f1.fetch({ url: `http://localhost:${server.port}/a`, expect: 'text' });
      assert.deepEqual(recorded, [2400, 4800]);
    });
    it('does not wait when the interval already passed', async () => {
      server.route('/a', (_req, res) => res.end('ok'));
      const f = fetcher({ requestsPerMinute: 60 });
      await f.fetch({ url: server.url('/a'), expect: 'text' });
      clock.advance(5000);
      await f.fetch({ url: server.url('/a'), expect: 'text' });
      assert.deepEqual(sleeps, []);
    });
  });

  describe('retries', () => {
    it('retries 5xx with exponential backoff, then succeeds', async () => {
      server.route('/flaky', (_req, res, hit) => (hit <= 2 ? res.writeHead(502).end('bad gateway') : res.end('好了')));
      const res = await fetcher({ backoffMs: 1000 }).fetch({ url: server.url('/flaky'), expect: 'text' });
      assert.equal(res.text, '好了');
      assert.equal(server.hits.get('/flaky'), 3);
      assert.deepEqual(sleeps, [1000, 2000]);
    });
    it('gives up after maxRetries with RetryLaterError', async () => {
      server.route('/down', (_req, res) => res.writeHead(500).end());
      const metrics = createMetrics({ defaultMetrics: false });
      await assert.rejects(fetcher({ maxRetries: 2, metrics }).fetch({ url: server.url('/down'), expect: 'text' }), RetryLaterError);
      assert.equal(server.hits.get('/down'), 3);
      const values = (await metrics.crawlRequests.get()).values;
      assert.equal(values.find((v) => v.labels.outcome === 'retry')?.value, 2);
      assert.equal(values.find((v) => v.labels.outcome === 'error')?.value, 1);
    });
    it('retries network errors (connection reset)', async () => {
      server.route('/reset', (req, res, hit) => {
        if (hit === 1) req.socket.destroy();
        else res.end('ok');
      });
      const res = await fetcher().fetch({ url: server.url('/reset'), expect: 'text' });
      assert.equal(res.text, 'ok');
      assert.equal(server.hits.get('/reset'), 2);
    });
    it('times out a slow response and retries', async () => {
      server.route('/slow', (_req, res, hit) => {
        if (hit === 1) {
          res.writeHead(200);
          res.write('partial');
          return; // never ends
        }
        res.end('fast');
      });
      const res = await fetcher({ timeoutMs: 150 }).fetch({ url: server.url('/slow'), expect: 'text' });
      assert.equal(res.text, 'fast');
      assert.equal(server.hits.get('/slow'), 2);
    });
    it('a response that is always slow ends in RetryLaterError naming the timeout', async () => {
      server.route('/hang', () => undefined);
      await assert.rejects(fetcher({ timeoutMs: 100, maxRetries: 1 }).fetch({ url: server.url('/hang'), expect: 'text' }), (err: Error) => {
        assert.ok(err instanceof RetryLaterError);
        assert.match(err.message, /timeout after 100 ms/);
        return true;
      });
    });
    it('does not retry other 4xx', async () => {
      await assert.rejects(fetcher().fetch({ url: server.url('/missing'), expect: 'text' }), NonRetryableError);
      assert.equal(server.hits.get('/missing'), 1);
    });
  });

  describe('Retry-After', () => {
    it('waits the given seconds on 429 and retries', async () => {
      server.route('/busy', (_req, res, hit) => (hit === 1 ? res.writeHead(429, { 'retry-after': '2' }).end() : res.end('ok')));
      const res = await fetcher().fetch({ url: server.url('/busy'), expect: 'text' });
      assert.equal(res.text, 'ok');
      assert.deepEqual(sleeps, [2000]);
    });
    it('understands an HTTP date on 503', async () => {
      const at = new Date(clock.now().getTime() + 30_000).toUTCString();
      server.route('/busy', (_req, res, hit) => (hit === 1 ? res.writeHead(503, { 'retry-after': at }).end() : res.end('ok')));
      await fetcher().fetch({ url: server.url('/busy'), expect: 'text' });
      assert.deepEqual(sleeps, [30_000]);
    });
    it('throws RetryLaterError when the wait exceeds the cap', async () => {
      server.route('/busy', (_req, res) => res.writeHead(429, { 'retry-after': '3600' }).end());
      await assert.rejects(fetcher().fetch({ url: server.url('/busy'), expect: 'text' }), (err: unknown) => {
        assert.ok(err instanceof RetryLaterError);
        assert.equal(err.retryAfterMs, 3_600_000);
        return true;
      });
      assert.equal(server.hits.get('/busy'), 1);
    });
    it('parseRetryAfter', () => {
      const now = new Date('2025-11-22T02:00:00Z');
      assert.equal(parseRetryAfter('120', now), 120_000);
      assert.equal(parseRetryAfter('Sat, 22 Nov 2025 02:01:00 GMT', now), 60_000);
      assert.equal(parseRetryAfter('garbage', now), undefined);
      assert.equal(parseRetryAfter(undefined, now), undefined);
    });
  });

  describe('block detection', () => {
    async function expectBlocked(
      path: string,
      handler: Parameters<Loopback['route']>[1],
      expect: 'json' | 'text',
      reason: RegExp,
      extra: Partial<FetcherOptions> = {},
    ) {
      server.route(path, handler);
      await assert.rejects(fetcher(extra).fetch({ url: server.url(path), expect }), (err: unknown) => {
        assert.ok(err instanceof BlockedError, `expected BlockedError, got ${String(err)}`);
        assert.match(err.message, reason);
        return true;
      });
      assert.equal(server.hits.get(path), 1, 'a block is never retried');
    }
    it('Weibo HTTP 432', () => expectBlocked('/api/container/getIndex', (_q, r) => r.writeHead(432).end(''), 'json', /432/));
    it('黑猫 HTTP 456 with a cooldown hint from Retry-After', async () => {
      server.route('/api/index/s', (_q, r) => r.writeHead(456, { 'retry-after': '1200' }).end());
      await assert.rejects(fetcher().fetch({ url: server.url('/api/index/s'), expect: 'json' }), (err: unknown) => {
        assert.ok(err instanceof BlockedError);
        assert.equal(err.cooldownMs, 1_200_000);
        return true;
      });
    });
    it('403 with a captcha page', () =>
      expectBlocked(
        '/f',
        (_q, r) => r.writeHead(403, { 'content-type': 'text/html' }).end('<html><body>请完成captcha</body></html>'),
        'text',
        /captcha|challenge/,
      ));
    it('验证码 page title', () =>
      expectBlocked('/v', (_q, r) => r.end('<!doctype html><html><head><title>请输入验证码</title></head><body>x</body></html>'), 'text', /challenge page/));
    it('geetest script', () =>
      expectBlocked(
        '/g',
        (_q, r) => r.end(`<html><head><script src="https://static.geetest.com/static/js/gt.js"></script></head><body>${'。'.repeat(9000)}</body></html>`),
        'text',
        /geetest/,
      ));
    it('captcha iframe', () => expectBlocked('/i', (_q, r) => r.end('<html><body><iframe src="/captcha/show?x=1"></iframe></body></html>'), 'text', /captcha/));
    it('百度安全验证', () =>
      expectBlocked('/b', (_q, r) => r.end('<html><head><title>百度安全验证</title></head><body>网络不给力，请稍后重试</body></html>'), 'text', /baidu/));
    it('redirect to passport.weibo.com is not followed', () =>
      expectBlocked(
        '/r',
        (_q, r) => r.writeHead(302, { location: 'https://passport.weibo.com/visitor/visitor?entry=miniblog' }).end(),
        'json',
        /passport\.weibo\.com/,
      ));
    it('redirect to passport.sina.com.cn', () =>
      expectBlocked('/r2', (_q, r) => r.writeHead(302, { location: 'https://login.sina.com.cn/signup/signin.php' }).end(), 'text', /login/));
    it('登录聚投诉 login wall, also inside JSON', () =>
      expectBlocked('/j', (_q, r) => r.end(JSON.stringify({ message: '<div class="login">请先<a>登录聚投诉</a></div>' })), 'json', /jutousu/));
    it('Weibo ok:-100 JSON', () =>
      expectBlocked('/w', (_q, r) => r.end('{"ok":-100,"url":"https://passport.weibo.com/sso/signin?entry=wapsso"}'), 'json', /ok:-100/));
    it('Sina Visitor System page', () =>
      expectBlocked('/s', (_q, r) => r.end('<html><head><title>Sina Visitor System</title></head><body><script>…</script></body></html>'), 'text', /visitor/));
    it('HTML from a JSON API', () =>
      expectBlocked(
        '/h',
        (_q, r) => r.end(`<!DOCTYPE html><html><head><title>微博</title></head><body>${'内容'.repeat(5000)}</body></html>`),
        'json',
        /HTML instead of JSON/,
      ));
    it('a per-source detector', () =>
      expectBlocked('/c', (_q, r) => r.end('{"result":{"status":{"code":-1,"msg":"风控"}}}'), 'json', /risk control/, {
        detectBlock: (res) => (res.text.includes('风控') ? 'risk control' : undefined),
      }));
    it('post text that mentions 验证码 is not a block', async () => {
      const post = '示例银行APP登录一直收不到验证码，请先登录也不行，客服说系统故障';
      server.route('/json', (_q, r) => r.end(JSON.stringify({ ok: 1, data: { cards: [{ mblog: { text: post } }] } })));
      server.route('/html', (_q, r) => r.end(`<html><head><title>投诉详情</title></head><body><p>${post}</p>${'<p>正文</p>'.repeat(2000)}</body></html>`));
      const f = fetcher();
      const json = await f.fetch({ url: server.url('/json'), expect: 'json' });
      assert.equal((json.json as { data: { cards: Array<{ mblog: { text: string } }> } }).data.cards[0]?.mblog.text, post);
      const html = await f.fetch({ url: server.url('/html'), expect: 'text' });
      assert.ok(html.text.includes(post));
    });
  });

  describe('charset and JSON', () => {
    const gbkText = '示例银行信用卡中心：关于年费争议的说明（繁體：銀行服務）';
    it('decodes GBK by Content-Type', async () => {
      server.route('/gbk', (_q, r) => r.writeHead(200, { 'content-type': 'text/html; charset=GBK' }).end(iconv.encode(`<p>${gbkText}</p>`, 'gbk')));
      const res = await fetcher().fetch({ url: server.url('/gbk'), expect: 'text' });
      assert.equal(res.text, `<p>${gbkText}</p>`);
    });
    it('decodes GB2312 by <meta charset> and by http-equiv', async () => {
      const page1 = `<html><head><meta charset="gb2312"><title>新闻</title></head><body>${gbkText}</body></html>`;
      const page2 = `<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk"></head><body>${gbkText}</body></html>`;
      server.route('/m1', (_q, r) => r.writeHead(200, { 'content-type': 'text/html' }).end(iconv.encode(page1, 'gb2312')));
      server.route('/m2', (_q, r) => r.end(iconv.encode(page2, 'gbk')));
      assert.ok((await fetcher().fetch({ url: server.url('/m1'), expect: 'text' })).text.includes(gbkText));
      assert.ok((await fetcher().fetch({ url: server.url('/m2'), expect: 'text' })).text.includes(gbkText));
    });
    it('decodes an RSS feed by its XML declaration', async () => {
      const xml = `<?xml version="1.0" encoding="GBK"?><rss><channel><item><title>${gbkText}</title></item></channel></rss>`;
      server.route('/rss', (_q, r) => r.writeHead(200, { 'content-type': 'application/xml' }).end(iconv.encode(xml, 'gbk')));
      assert.equal((await fetcher().fetch({ url: server.url('/rss'), expect: 'text' })).text, xml);
    });
    it('defaults to UTF-8 and sniffs charsets', () => {
      assert.equal(sniffCharset(Buffer.from('<p>hi</p>')), 'utf-8');
      assert.equal(sniffCharset(Buffer.from(''), 'text/html; charset=gb2312'), 'gb18030');
      assert.equal(sniffCharset(Buffer.from('<meta charset="big5">')), 'big5');
    });
    it('strips a JSONP wrapper', async () => {
      server.route('/jsonp', (_q, r) =>
        r.end('jQuery35101234567890_1763780000000({"result":{"cmsArticleWebOld":[{"date":"2025-11-22 10:15:02","title":"示例银行"}]}})'),
      );
      const res = await fetcher().fetch({ url: server.url('/jsonp'), expect: 'json' });
      assert.deepEqual(res.json, { result: { cmsArticleWebOld: [{ date: '2025-11-22 10:15:02', title: '示例银行' }] } });
      assert.deepEqual(parseJsonBody('try{cb({"a":1});}catch(e){};'), { a: 1 });
      assert.deepEqual(parseJsonBody('\ufeff[1,2]'), [1, 2]);
    });
    it('malformed JSON is NonRetryableError and not retried', async () => {
      server.route('/bad', (_q, r) => r.end('{"ok":1,"data":{"cards":[{'));
      await assert.rejects(fetcher().fetch({ url: server.url('/bad'), expect: 'json' }), NonRetryableError);
      assert.equal(server.hits.get('/bad'), 1);
    });
  });

  describe('conditional requests and cookies', () => {
    it('sends If-None-Match / If-Modified-Since and returns 304 with empty text', async () => {
      server.route('/feed', (req, res) => {
        if (req.headers['if-none-match'] === '"v1"') return void res.writeHead(304).end();
        res.writeHead(200, { etag: '"v1"', 'last-modified': 'Sat, 22 Nov 2025 01:00:00 GMT' }).end('<rss>1</rss>');
      });
      const f = fetcher();
      const first = await f.fetch({ url: server.url('/feed'), expect: 'text' });
      assert.equal(first.status, 200);
      const second = await f.fetch({ url: server.url('/feed'), expect: 'json' });
      assert.equal(second.status, 304);
      assert.equal(second.text, '');
      assert.equal(second.json, undefined);
      assert.equal(server.requests[1]?.headers['if-modified-since'], 'Sat, 22 Nov 2025 01:00:00 GMT');
    });
    it('keeps a cookie jar: seed string, Set-Cookie (also on redirects) and injected cookies', async () => {
      server.route('/warmup', (_q, r) => r.writeHead(302, { location: '/home', 'set-cookie': 'XSRF-TOKEN=abc; Path=/' }).end());
      server.route('/home', (_q, r) => r.writeHead(200, { 'set-cookie': ['_T_WM=42; Path=/; HttpOnly', 'SUB=fresh; Path=/'] }).end('home'));
      server.route('/data', (_q, r) => r.end('{}'));
      const f = fetcher({ cookie: 'SUB=seeded; SUBP=0033' });
      await f.fetch({ url: server.url('/warmup'), expect: 'text' });
      assert.equal(server.requests[0]?.headers.cookie, 'SUB=seeded; SUBP=0033');
      assert.equal(server.requests[1]?.headers.cookie, 'SUB=seeded; SUBP=0033; XSRF-TOKEN=abc');
      await f.setCookies([{ name: 'SSOLoginState', value: '1763776800', domain: '127.0.0.1' }]);
      await f.fetch({ url: server.url('/data'), expect: 'json' });
      const cookie = server.requests[2]?.headers.cookie ?? '';
      assert.match(cookie, /SUB=fresh/);
      assert.doesNotMatch(cookie, /SUB=seeded/);
      assert.match(cookie, /_T_WM=42/);
      assert.match(cookie, /SSOLoginState=1763776800/);
      assert.match(cookie, /SUBP=0033/);
    });
    it('sends User-Agent and per-request headers', async () => {
      server.route('/h', (_q, r) => r.end('ok'));
      await fetcher({ headers: { referer: 'https://m.weibo.cn/' } }).fetch({
        url: server.url('/h'),
        expect: 'text',
        headers: { 'x-requested-with': 'XMLHttpRequest' },
      });
      const h = server.requests[0]?.headers;
      assert.equal(h?.['user-agent'], UA);
      assert.equal(h?.referer, 'https://m.weibo.cn/');
      assert.equal(h?.['x-requested-with'], 'XMLHttpRequest');
    });
  });

  describe('proxy', () => {
    let proxy: http.Server;
    let tunnels: string[];
    beforeEach(async () => {
      tunnels = [];
      proxy = http.createServer((_req, res) => res.writeHead(502).end());
      proxy.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
        tunnels.push(req.url ?? '');
        const [host, port] = (req.url ?? '').split(':');
        const upstream = net.connect(Number(port), host, () => {
          client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
          upstream.write(head);
          upstream.pipe(client);
          client.pipe(upstream);
        });
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    });
    afterEach(async () => {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    });
    it('sends requests through the configured proxy', async () => {
      server.route('/via', (_q, r) => r.end('经由代理'));
      const port = (proxy.address() as AddressInfo).port;
      const f = fetcher({ proxy: `http://127.0.0.1:${port}` });
      const res = await f.fetch({ url: server.url('/via'), expect: 'text' });
      await f.close();
      assert.equal(res.text, '经由代理');
      assert.deepEqual(tunnels, [`127.0.0.1:${server.port}`]);
    });
  });
});
