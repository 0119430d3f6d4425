/**
 * The dashboard in real headless Chromium against the real API (real SQLite store, escalation
 * service and case workflow): cases land in their tier columns, acknowledging changes the card
 * without a reload, a promotion moves the card live (SSE), the case detail shows the audit timeline
 * and the evidence. Screenshots go to test-artifacts/.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { projectPath } from '../../config/load.js';
import { caseIdForEvent } from '../../escalation/service.js';
import { openingDay } from '../../web/src/views/digest.js';
import { type DashboardEnv, seedSourceHealth, startDashboardEnv } from './helpers/dashboard-env.js';
import { BRANCH_EVENT, backgroundPosts, branchPilePosts, branchPosts, CARD_EVENT, cardPosts, WEALTH_EVENT, wealthPosts } from './helpers/dashboard-seed.js';

const CHROME = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = projectPath('test-artifacts');
const WAIT = { timeout: 15_000 };

async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `dashboard-${name}.png`), fullPage });
}

/** The ids of the cards in one tier column, in display order. */
function columnIds(page: Page, tier: string): Promise<string[]> {
  return page.$$eval(`.column[data-tier="${tier}"] .card`, (cards) => cards.map((c) => (c as HTMLElement).dataset.caseId ?? ''));
}

describe('dashboard in Chromium against the real API', function () {
  this.timeout(120_000);
  let env: DashboardEnv;
  let browser: Browser;
  let page: Page;
  let profile: string;
  const pageErrors: string[] = [];
  const branchCase = caseIdForEvent(BRANCH_EVENT.id);
  const cardCase = caseIdForEvent(CARD_EVENT.id);
  const wealthCase = caseIdForEvent(WEALTH_EVENT.id);

  before(async function () {
    if (!existsSync(CHROME)) {
      console.log(`    (skipped: no Chromium at ${CHROME}; set CHROME_PATH)`);
      this.skip();
    }
    if (!existsSync(projectPath('web/dist/app.js'))) execFileSync(process.execPath, [projectPath('scripts/build-web.mjs')], { stdio: 'inherit' });
    mkdirSync(ARTIFACTS, { recursive: true });
    env = await startDashboardEnv();
    await env.addLoosePosts(backgroundPosts());
    await env.addPosts(BRANCH_EVENT.id, BRANCH_EVENT.title, branchPosts());
    await env.addPosts(CARD_EVENT.id, CARD_EVENT.title, cardPosts());
    await env.addPosts(WEALTH_EVENT.id, WEALTH_EVENT.title, wealthPosts());
    await seedSourceHealth(env.store, env.clock.now());
    profile = mkdtempSync(join(tmpdir(), 'radar-chromium-'));
    browser = await puppeteer.launch({
      executablePath: CHROME,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
        `--user-data-dir=${profile}`,
      ],
    });
    page = await browser.newPage();
    page.on('pageerror', (err) => pageErrors.push(String(err)));
    await page.setViewport({ width: 1440, height: 960 });
  });

  after(async () => {
    await browser?.close();
    await env?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('seeds one case per tier through the real escalation rules', async () => {
    const tiers = await Promise.all([branchCase, cardCase, wealthCase].map(async (id) => (await env.store.getCase(id))?.tier));
    assert.deepEqual(tiers, ['L1', 'L2', 'L3']);
  });

  it('logs in from ?key= and removes the key from the address bar', async () => {
    await page.goto(`${env.url}/?key=${env.keys.pr}#/`, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('.card', WAIT);
    assert.ok(!page.url().includes('key='), `key still in URL: ${page.url()}`);
    assert.equal(await page.evaluate(() => localStorage.getItem('yuqing-radar.apiKey')), env.keys.pr);
  });

  it('shows the cases in their tier columns with owner, counts and a running SLA countdown', async () => {
    await page.waitForSelector(`.card[data-case-id="${wealthCase}"]`, WAIT);
    assert.deepEqual(await columnIds(page, 'L1'), [branchCase]);
    assert.deepEqual(await columnIds(page, 'L2'), [cardCase]);
    assert.deepEqual(await columnIds(page, 'L3'), [wealthCase]);
    const card = await page.$eval(`.card[data-case-id="${cardCase}"]`, (el) => el.textContent ?? '');
    assert.match(card, /示例银行/);
    assert.match(card, /示例银行信用卡被无故降额/);
    assert.match(card, /公关部/);
    assert.match(card, /待受理/);
    assert.match(card, /投诉人\s*12/);
    const l3 = await page.$eval(`.card[data-case-id="${wealthCase}"]`, (el) => el.textContent ?? '');
    assert.match(l3, /高管/);
    assert.match(l3, /媒体\s*1/);
    // 投诉人 are complainants (lib/who-counts.ts): the media account is an author, not a complainant.
    const wealth = (await env.store.getCase(wealthCase))!;
    assert.equal(wealth.distinctComplainants, wealth.distinctAuthors - 1);
    assert.match(l3, new RegExp(`投诉人\\s*${wealth.distinctComplainants}作者\\s*${wealth.distinctAuthors}`));
    // The countdown text changes by itself (it ticks every second).
    const countdown = `.card[data-case-id="${branchCase}"] .countdown`;
    const before = await page.$eval(countdown, (el) => el.textContent);
    assert.match(before ?? '', /受理时限 剩余 \d\d:\d\d/);
    await page.waitForFunction((sel, text) => document.querySelector(sel)?.textContent !== text, WAIT, countdown, before);
    await page.waitForFunction(() => document.querySelector('#live-status')?.classList.contains('on'), WAIT);
    await shot(page, 'board');
  });

  it('acknowledges a case from its card; the state changes without a reload', async () => {
    await page.evaluate(() => {
      (window as unknown as { __noReload: boolean }).__noReload = true;
    });
    await page.click(`.card[data-case-id="${cardCase}"] button[data-action="ack"]`);
    await page.waitForFunction((id) => document.querySelector(`.card[data-case-id="${id}"] [data-role="state"]`)?.textContent === '已受理', WAIT, cardCase);
    assert.equal((await env.store.getCase(cardCase))?.state, 'acknowledged');
    assert.equal(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload), true);
    await shot(page, 'board-after-ack');
  });

  it('follows changes made elsewhere live over SSE: an ack by another user and an L1 → L2 promotion', async () => {
    await env.workflow.acknowledge(wealthCase, { id: '高管-李行长', role: 'executive' }, '已通知董办');
    await page.waitForFunction((id) => document.querySelector(`.card[data-case-id="${id}"] [data-role="state"]`)?.textContent === '已受理', WAIT, wealthCase);

    const promoted = await env.addPosts(BRANCH_EVENT.id, BRANCH_EVENT.title, branchPilePosts());
    assert.equal(promoted?.tier, 'L2');
    await page.waitForSelector(`.column[data-tier="L2"] .card[data-case-id="${branchCase}"]`, WAIT);
    assert.deepEqual(await columnIds(page, 'L1'), []);
    assert.ok((await columnIds(page, 'L2')).includes(branchCase));
    const card = await page.$eval(`.card[data-case-id="${branchCase}"]`, (el) => el.textContent ?? '');
    assert.match(card, /公关部/);
    assert.match(card, /投诉人\s*11/);
    assert.equal(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload), true);
    await shot(page, 'board-live-promotion');
  });

  it('opens the case detail with the audit timeline and the evidence posts, text escaped', async () => {
    await page.click(`.card[data-case-id="${branchCase}"] a.card-title`);
    await page.waitForSelector('.timeline .tl-item', WAIT);
    await page.waitForSelector('.evidence .post', WAIT);
    const types = await page.$$eval('.timeline .tl-type', (els) => els.map((e) => e.textContent));
    assert.ok(types.includes('开案'), `timeline: ${types.join(',')}`);
    assert.ok(types.includes('升级'), `timeline: ${types.join(',')}`);
    const head = await page.$eval('.case-head', (el) => el.textContent ?? '');
    assert.match(head, /L2 中度/);
    assert.match(head, /公关部 \(pr\)/);
    const posts = await page.$$eval('.evidence .post', (els) => els.map((e) => e.textContent ?? ''));
    assert.ok(posts.some((t) => t.includes('微博') && t.includes('福田打工人小陈')));
    // A Weibo post the crawler could not expand is visibly cut short.
    const cut = await page.$$eval('.evidence .post .truncated-badge', (els) => els.map((e) => e.textContent));
    assert.deepEqual(cut, ['未展开全文']);
    assert.ok(posts.some((t) => t.includes('黑猫投诉')));
    // The markup in a post is shown as text, never run.
    assert.ok(posts.some((t) => t.includes('<img src=x onerror=')));
    assert.equal(await page.$('.evidence .post-text img'), null);
    assert.equal(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
    const links = await page.$$eval('.evidence .post a', (els) => els.map((a) => (a as HTMLAnchorElement).href));
    assert.ok(links.some((href) => href.startsWith('https://weibo.com/')));

    // Acknowledge from the detail page, then comment: both appear in the timeline.
    await page.click('.case-side button[data-action="ack"]');
    await page.waitForFunction(() => Array.from(document.querySelectorAll('.timeline .tl-type')).some((e) => e.textContent === '受理'), WAIT);
    await page.type('.comment-box textarea', '已电话联系福田支行负责人核实，今日内回复客户');
    await page.click('.comment-box button[type="submit"]');
    await page.waitForFunction(
      () => Array.from(document.querySelectorAll('.timeline .tl-reason')).some((e) => e.textContent?.includes('已电话联系福田支行负责人')),
      WAIT,
    );
    await shot(page, 'case-detail', true);
  });

  it('records a response through the dialog', async () => {
    await page.click('.case-side button[data-action="respond"]');
    await page.waitForSelector('dialog[open] select[name="kind"]', WAIT);
    assert.equal(await page.$eval('dialog[open] select[name="kind"]', (el) => (el as HTMLSelectElement).value), 'public_statement');
    await page.type('dialog[open] textarea[name="text"]', '关于网友反映我行深圳福田支行服务问题，我行高度重视，已成立专项小组核查，并将逐一联系客户致歉。');
    await page.type('dialog[open] input[name="url"]', 'https://weibo.com/examplebank/statement-1122');
    await shot(page, 'respond-dialog');
    await page.click('dialog[open] button[data-action="submit"]');
    await page.waitForFunction(() => document.querySelector('.case-head [data-role="state"]')?.textContent === '已回应', WAIT);
    const c = await env.store.getCase(branchCase);
    assert.equal(c?.state, 'responded');
    assert.equal(c?.responses[0]?.kind, 'public_statement');
    assert.equal(c?.responses[0]?.url, 'https://weibo.com/examplebank/statement-1122');
  });

  it('renders trends, source health and the digest without errors', async () => {
    await page.goto(`${env.url}/#/trends`);
    await page.waitForSelector('[data-chart="sentiment-source"] canvas', WAIT);
    await page.waitForSelector('[data-chart="share-of-voice"] canvas', WAIT);
    await page.waitForSelector('[data-chart="sentiment-topic"] canvas', WAIT);
    const sourceOptions = await page.$$eval('select[name="source-group"] option', (els) => els.map((e) => e.textContent));
    assert.ok(sourceOptions.includes('微博') && sourceOptions.includes('黑猫投诉'), sourceOptions.join(','));
    await shot(page, 'trends', true);

    await page.goto(`${env.url}/#/sources`);
    await page.waitForSelector('tr[data-source="heimao"]', WAIT);
    const heimao = await page.$eval('tr[data-source="heimao"]', (el) => el.textContent ?? '');
    assert.match(heimao, /黑猫投诉/);
    assert.match(heimao, /已封禁/);
    assert.match(heimao, /验证码/);
    // Logged in with a PR key: the admin-only crawl trigger is not offered.
    await page.waitForFunction(() => document.querySelector('tr[data-source="heimao"]')?.textContent?.includes('仅管理员'), WAIT);
    assert.equal(await page.$('tr[data-source="heimao"] button[data-action="run"]'), null);
    await shot(page, 'sources');

    await page.goto(`${env.url}/#/digest`);
    await page.waitForSelector('.kpis .kpi', WAIT);
    // No date chosen: the digest opens on the latest day with posts (today so far, when it has any) and says which.
    const series = (await (
      await fetch(`${env.url}/api/v1/reports/sentiment?interval=day`, { headers: { authorization: `Bearer ${env.keys.pr}` } })
    ).json()) as {
      points: Array<{ bucket: string; total: number }>;
    };
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const expected = openingDay(series.points, today);
    assert.ok(
      series.points.some((p) => p.total > 0),
      'the seeded posts are in the series',
    );
    await page.waitForFunction((note) => document.querySelector('[data-role="digest-day"]')?.textContent === note, WAIT, expected.note);
    assert.equal(await page.$eval('input[name="date"]', (el) => (el as HTMLInputElement).value), expected.date);
    // Every SLA heading is aligned like the numbers under it.
    await page.waitForSelector('section.panel table.table tbody tr', WAIT);
    const misaligned = await page.$$eval('section.panel table.table', (tables) =>
      tables.flatMap((t) => {
        const heads = Array.from(t.querySelectorAll('thead th'));
        const cells = Array.from(t.querySelector('tbody tr')?.querySelectorAll('td') ?? []);
        return heads
          .map((th, i) => [th.textContent, getComputedStyle(th).textAlign, cells[i] ? getComputedStyle(cells[i]).textAlign : ''] as const)
          .filter(([, a, b]) => a !== b)
          .map(([name, a, b]) => `${name}: ${a} over ${b}`);
      }),
    );
    assert.deepEqual(misaligned, []);
    await shot(page, 'digest', true);
    assert.deepEqual(pageErrors, []);
  });
});
