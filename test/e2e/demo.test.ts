import assert from 'node:assert/strict';
import { type Demo, dashboardLink, runDemo } from '../../app/demo.js';
import { findChrome } from '../../crawlers/core/browser.js';
import type { Case, Event } from '../../lib/domain.js';

async function getJson<T>(url: string, key: string): Promise<T> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
  assert.equal(res.status, 200, `${url} → ${res.status} ${await res.clone().text()}`);
  return (await res.json()) as T;
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

describe('demo scenario end to end (crawl → analyze → escalate → API)', function () {
  this.timeout(120_000);
  let demo: Demo;

  before(async () => {
    demo = await runDemo({ autoPublish: false, silent: true, overrides: { server: { port: 0 }, store: { dataDir: ':memory:' } } });
  });

  after(async () => {
    await demo?.close();
  });

  it('promotes one case L1 → L2 → L3 with its audit trail and pages each tier once', async () => {
    const base = demo.runtime.url!;
    const caseAt = async (tier: Case['tier']) => {
      const { items } = await getJson<{ items: Case[] }>(`${base}/api/v1/alerts?institution=example_bank`, demo.apiKey);
      return items.find((c) => c.tier === tier);
    };
    // One complaint → L1 for customer service.
    demo.publishPhase(0);
    const l1 = await waitFor('an L1 case', () => caseAt('L1'));
    assert.equal(l1.owner, 'customer_service');
    // Ten-plus distinct complainants on the same issue → the same case, promoted to L2 for PR.
    demo.publishPhase(1);
    const l2 = await waitFor('the case promoted to L2', () => caseAt('L2'));
    assert.equal(l2.id, l1.id);
    assert.equal(l2.owner, 'pr');
    // A media report → L3 for the executives.
    demo.publishPhase(2);
    await waitFor('the case promoted to L3', () => caseAt('L3'));
    const final = await getJson<Case>(`${base}/api/v1/alerts/${l1.id}`, demo.apiKey);
    await demo.published;

    const { items } = await getJson<{ items: Case[] }>(`${base}/api/v1/alerts?institution=example_bank`, demo.apiKey);
    assert.equal(items.length, 1, 'one case for the issue, promoted in place');
    assert.equal(final.owner, 'executive');
    assert.ok(final.distinctAuthors >= 10, `distinct authors ${final.distinctAuthors}`);
    // 投诉人 are the event's complainants (lib/who-counts.ts), not its authors: the media account is none.
    const settled = await waitFor('the case counts settled on its event', async () => {
      const c = await getJson<Case>(`${base}/api/v1/alerts/${l1.id}`, demo.apiKey);
      const e = await getJson<Event>(`${base}/api/v1/events/${c.eventId}`, demo.apiKey);
      return c.distinctComplainants === e.distinctComplainants && c.distinctAuthors === e.distinctAuthors && c.mediaCount > 0 ? c : undefined;
    });
    assert.ok(settled.distinctComplainants < settled.distinctAuthors, `${settled.distinctComplainants} of ${settled.distinctAuthors} authors`);
    const tiers = final.history.filter((h) => h.type === 'opened' || h.type === 'promoted').map((h) => `${h.type}:${h.tier}`);
    assert.deepEqual(tiers, ['opened:L1', 'promoted:L2', 'promoted:L3']);
    // Each transition says which rule fired and on what counts.
    const reasons = final.history.filter((h) => h.type === 'opened' || h.type === 'promoted').map((h) => h.reason ?? '');
    assert.match(reasons[0]!, /l1_single_complaint/);
    assert.match(reasons[1]!, /l2_many_complainants: 1\d distinct complainants/);
    assert.match(reasons[2]!, /l3_media_coverage/);
    for (const h of final.history) {
      assert.ok(h.at, 'every audit entry has a time');
    }
    assert.ok(Date.parse(final.deadlineAt!) > Date.parse(final.openedAt));

    // The webhook receiver saw the pages, each signed, none twice.
    await waitFor('webhook deliveries', async () => (demo.webhook.received.length >= 3 ? true : undefined), 30_000);
    const keys = demo.webhook.received.map((r) =>
      JSON.stringify([
        (r.body as { caseId?: string }).caseId,
        (r.body as { tier?: string }).tier,
        (r.body as { kind?: string }).kind,
        r.headers['x-radar-recipient'],
      ]),
    );
    assert.equal(new Set(keys).size, keys.length, 'no duplicate notification');
    for (const r of demo.webhook.received) assert.ok(r.headers['x-radar-signature'], 'webhook body is signed');
    // Case links point at the running demo, not at the default localhost:3000.
    for (const r of demo.webhook.received) {
      assert.ok(String((r.body as { body?: string }).body).includes(`](${base}/#/cases/`), String((r.body as { body?: string }).body));
    }
  });

  it('prints a dashboard link the dashboard reads: the key in the query, the route in the hash', () => {
    const link = new URL(dashboardLink(demo.runtime.url!, demo.apiKey, '/cases/c_1'));
    assert.equal(link.searchParams.get('key'), demo.apiKey);
    assert.equal(link.hash, '#/cases/c_1');
    assert.equal(new URL(dashboardLink(demo.runtime.url!, demo.apiKey)).hash, '#/');
  });

  it('the new sources run on the schedule: the App Store review, the comment under 示例银行’s post and (with Chromium) the Douyin comment are stored', async () => {
    const base = demo.runtime.url!;
    type MentionItem = { id: string; rating?: number; title?: string; author: { name: string } };
    const mention = (id: string) =>
      waitFor(`mention ${id}`, async () => {
        const res = await fetch(`${base}/api/v1/mentions/${encodeURIComponent(id)}`, { headers: { authorization: `Bearer ${demo.apiKey}` } });
        return res.status === 200 ? ((await res.json()) as MentionItem) : undefined;
      });
    const review = await mention('appstore:13254876021');
    assert.equal(review.rating, 1);
    assert.match(review.title ?? '', /^示例银行 App评价/);
    const comment = await mention('weibo-comments:5236011122334455');
    assert.equal(comment.author.name, '年费退了吗');
    if (findChrome()) {
      const douyin = await mention('douyin:c7575322001122334455');
      assert.equal(douyin.author.name, '杭州打工人阿杰');
    }
    const { items } = await getJson<{ items: Array<{ source: string; status: string }> }>(`${base}/api/v1/sources`, demo.apiKey);
    for (const id of ['weibo-comments', 'appstore', ...(findChrome() ? ['douyin'] : [])]) {
      assert.equal(items.find((h) => h.source === id)?.status, 'ok', `${id} health`);
    }
  });
});
