import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { BrowserPool, findChrome } from '../../../../crawlers/core/browser.js';
import { silentLogger } from '../../../../lib/logger.js';
import { Loopback } from './loopback.js';

/** A Weibo-like page: sets visitor cookies from JavaScript and appends posts whenever it is scrolled to the bottom. */
const FEED_PAGE = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>示例银行 - 搜索</title></head><body>
<div id="list"></div>
<script>
  document.cookie = 'SUB=_2AkMvisitor; path=/';
  document.cookie = 'SUBP=0033WrSXqPxfM72-Ws9jqgMF55529P9D9W; path=/';
  let n = 0;
  function more() {
    const list = document.getElementById('list');
    for (let i = 0; i < 5; i++) {
      n++;
      const div = document.createElement('div');
      div.className = 'card';
      div.style.height = '400px';
      div.textContent = '示例银行信用卡年费投诉 #' + n + ' 😡';
      list.appendChild(div);
    }
  }
  more();
  let loading = false;
  window.addEventListener('scroll', () => {
    if (loading || n >= 20) return;
    if (window.innerHeight + window.scrollY >= document.body.scrollHeight - 10) {
      loading = true;
      setTimeout(() => { more(); loading = false; }, 100);
    }
  });
</script></body></html>`;

describe('crawlers/core/browser', function () {
  this.timeout(60_000);
  const chrome = findChrome();
  let server: Loopback;
  let pool: BrowserPool | undefined;

  before(function () {
    if (!chrome) {
      console.warn('      (skipped: no Chromium binary found; set CHROME_PATH or install chromium)');
      this.skip();
    }
  });
  beforeEach(async () => {
    server = await new Loopback().start();
    server.route('/search', (_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(FEED_PAGE));
    server.route('/echo', (req, res) =>
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<pre id="c">${req.headers.cookie ?? ''}</pre>`),
    );
  });
  afterEach(async () => {
    await pool?.close();
    pool = undefined;
    await server.close();
  });

  it('findChrome prefers CHROME_PATH, then the configured path, and skips missing files', () => {
    assert.equal(findChrome(undefined, { CHROME_PATH: chrome }), chrome);
    assert.equal(findChrome(chrome, { CHROME_PATH: '/nonexistent/chrome' }), chrome);
    assert.equal(
      findChrome('/nonexistent/chrome', {}),
      ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'].find((p) => existsSync(p)),
    );
  });

  it('renders a page and scrolls to load more items', async () => {
    pool = new BrowserPool({ executablePath: chrome as string, log: silentLogger(), scrollWaitMs: 3000 });
    const first = await pool.render(server.url('/search'), { waitForSelector: '.card' });
    assert.equal((first.match(/class="card"/g) ?? []).length, 5);
    const scrolled = await pool.render(server.url('/search'), { scrolls: 3, waitForSelector: '.card' });
    assert.equal((scrolled.match(/class="card"/g) ?? []).length, 20);
    assert.ok(scrolled.includes('示例银行信用卡年费投诉 #20 😡'));
    assert.equal(pool.launches, 1, 'one browser for both calls');
  });

  it('harvests cookies set by JavaScript and sends injected cookies', async () => {
    pool = new BrowserPool({ executablePath: chrome as string, log: silentLogger() });
    const cookies = await pool.harvestCookies(server.url('/search'));
    const byName = Object.fromEntries(cookies.map((c) => [c.name, c]));
    assert.equal(byName.SUB?.value, '_2AkMvisitor');
    assert.equal(byName.SUBP?.value, '0033WrSXqPxfM72-Ws9jqgMF55529P9D9W');
    assert.equal(byName.SUB?.domain, '127.0.0.1');
    const html = await pool.render(server.url('/echo'), { cookies: [{ name: 'SUB', value: 'injected', domain: '127.0.0.1' }] });
    assert.match(html, /SUB=injected/);
  });

  it('bounds concurrent pages', async () => {
    // The server holds every answer until the test releases it, so overlap does not depend on timing.
    const held: Array<() => void> = [];
    let arrivals = 0;
    let arrived: () => void = () => undefined;
    server.route('/slow', (_req, res) => {
      arrivals++;
      held.push(() => res.end('<p>ok</p>'));
      arrived();
    });
    const until = async (cond: () => boolean) => {
      while (!cond()) await new Promise<void>((r) => (arrived = r));
    };
    pool = new BrowserPool({ executablePath: chrome as string, log: silentLogger(), maxPages: 2 });
    const p = pool;
    const renders = Promise.all([1, 2, 3, 4].map((i) => p.render(server.url(`/slow?i=${i}`))));
    await until(() => arrivals === 2);
    assert.equal(p.queued, 2, 'two calls wait for a page while two pages are loading');
    held.shift()?.();
    await until(() => arrivals === 3);
    assert.equal(p.queued, 1);
    for (;;) {
      const release = held.shift();
      if (release) release();
      else if (arrivals === 4) break;
      else await until(() => held.length > 0);
    }
    const htmls = await renders;
    assert.ok(htmls.every((h) => h.includes('ok')));
    assert.equal(arrivals, 4);
  });

  it('relaunches after the browser process dies', async () => {
    pool = new BrowserPool({ executablePath: chrome as string, log: silentLogger() });
    await pool.render(server.url('/echo'));
    const pid = pool.pid;
    assert.ok(pid);
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 50 && pool.pid !== undefined; i++) await new Promise((r) => setTimeout(r, 100));
    const html = await pool.render(server.url('/search'), { waitForSelector: '.card' });
    assert.ok(html.includes('示例银行信用卡年费投诉 #1'));
    assert.equal(pool.launches, 2);
    assert.notEqual(pool.pid, pid);
  });
});
