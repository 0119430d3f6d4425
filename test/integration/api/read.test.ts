import assert from 'node:assert/strict';
import { after, before, describe, it } from 'mocha';
import { type Harness, startHarness } from './harness.js';

describe('API read endpoints (real SQLite store)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });

  it('GET /health is public', async () => {
    const res = await h.json('GET', '/health');
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'ok');
  });

  it('GET /api/v1/me names the calling key and its role', async () => {
    const pr = await h.json('GET', '/api/v1/me', { role: 'pr' });
    assert.equal(pr.status, 200);
    assert.equal(pr.body.role, 'pr');
    assert.ok(pr.body.keyId);
    const admin = await h.json('GET', '/api/v1/me', { role: 'admin' });
    assert.equal(admin.body.role, 'admin');
    assert.equal((await h.json('GET', '/api/v1/me')).status, 401);
  });

  describe('mentions', () => {
    it('searches all terms, highlights matches and never shows the raw phone number', async () => {
      const res = await h.json('GET', `/api/v1/mentions?q=${encodeURIComponent('信用卡 年费')}&limit=20`, { role: 'consumer' });
      assert.equal(res.status, 200);
      const ids = res.body.items.map((m: { id: string }) => m.id).sort();
      assert.deepEqual(ids, ['heimao:17354001', 'news-rss:chinanews-20251122-01', 'weibo:4990000000000001']);
      for (const m of res.body.items) {
        assert.match(m.highlight, /<mark>信用卡<\/mark>/);
        assert.match(m.highlight, /<mark>年费<\/mark>/);
      }
      const weibo = res.body.items.find((m: { id: string }) => m.id === 'weibo:4990000000000001');
      assert.match(weibo.text, /138\*\*\*\*5678/);
      assert.doesNotMatch(JSON.stringify(res.body), /13812345678/);
      const heimao = res.body.items.find((m: { id: string }) => m.id === 'heimao:17354001');
      assert.match(heimao.highlight, /&quot;客服&quot;/, 'text around marks is HTML-escaped');
    });

    it('filters by sentiment, institution and source, and pages with the cursor', async () => {
      const positive = await h.json('GET', '/api/v1/mentions?sentiment=positive', { role: 'consumer' });
      assert.deepEqual(
        positive.body.items.map((m: { id: string }) => m.id),
        ['weibo:4990000000000002'],
      );
      assert.equal(positive.body.items[0].institutions[0].id, 'icbc');
      const ccb = await h.json('GET', '/api/v1/mentions?institution=ccb', { role: 'consumer' });
      assert.deepEqual(
        ccb.body.items.map((m: { id: string }) => m.id),
        ['weibo:4990000000000003'],
      );
      const heimao = await h.json('GET', '/api/v1/mentions?source=heimao', { role: 'consumer' });
      assert.equal(heimao.body.items.length, 1);
      assert.equal(heimao.body.items[0].complaint, undefined);
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await h.json('GET', `/api/v1/mentions?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { role: 'consumer' });
        assert.equal(page.status, 200);
        assert.ok(page.body.items.length <= 2);
        seen.push(...page.body.items.map((m: { id: string }) => m.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      assert.equal(seen.length, 5);
      assert.equal(new Set(seen).size, 5);
    });

    it('rejects from >= to', async () => {
      const res = await h.json('GET', '/api/v1/mentions?from=2025-11-22&to=2025-11-21', { role: 'consumer' });
      assert.equal(res.status, 400);
      assert.equal(res.body.error.details[0].path, 'query.from');
    });

    it('GET /mentions/:id shows masked text; 404 JSON for an unknown id', async () => {
      const res = await h.json('GET', '/api/v1/mentions/weibo:4990000000000001', { role: 'consumer' });
      assert.equal(res.status, 200);
      assert.equal(res.body.sentiment.label, 'negative');
      assert.equal(res.body.text, '示例银行信用卡年费乱收！打客服138****5678没人管😡 #示例银行#');
      const missing = await h.json('GET', '/api/v1/mentions/weibo:404', { role: 'consumer' });
      assert.equal(missing.status, 404);
      assert.equal(missing.body.error.code, 'not_found');
    });

    it('exports CSV with a BOM and RFC 4180 quoting', async () => {
      const res = await h.request('GET', '/api/v1/mentions/export?format=csv', { role: 'consumer' });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /text\/csv; charset=utf-8/);
      assert.match(res.headers.get('content-disposition') ?? '', /attachment; filename="mentions\.csv"/);
      const bytes = new Uint8Array(await res.arrayBuffer());
      assert.deepEqual([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf]);
      const text = new TextDecoder().decode(bytes.slice(3));
      const lines = text.split('\r\n').filter(Boolean);
      assert.equal(lines[0], 'id,source,sourceType,publishedAt,institutions,sentiment,negativeScore,topics,author,title,text,url');
      assert.equal(lines.length, 6);
      assert.ok(text.includes('"示例银行信用卡中心未经同意扣我年费680元，要求退还，""客服""说系统自动扣的"'));
      assert.ok(text.includes('"多名持卡人反映示例银行信用卡年费被扣，记者调查发现,部分客户并未激活卡片"'));
      assert.ok(!text.includes('13812345678'));
    });

    it('exports NDJSON, one mention per line, honouring filters and max', async () => {
      const res = await h.request('GET', '/api/v1/mentions/export?format=ndjson&institution=example_bank&max=2', { role: 'consumer' });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /application\/x-ndjson/);
      const rows = (await res.text())
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      assert.equal(rows.length, 2);
      for (const r of rows) assert.equal(r.institutions[0].id, 'example_bank');
    });
  });

  describe('events', () => {
    it('lists events and shows one with mentions, hourly volume and a timeline', async () => {
      const list = await h.json('GET', '/api/v1/events?institution=example_bank', { role: 'consumer' });
      assert.equal(list.status, 200);
      assert.ok(list.body.items.some((e: { id: string }) => e.id === 'ev_fee'));
      const fee = await h.json('GET', '/api/v1/events/ev_fee', { role: 'pr' });
      assert.equal(fee.status, 200);
      assert.equal(fee.body.institutionName, '示例银行');
      assert.equal(fee.body.mentions.length, 3);
      assert.equal(fee.body.mentionCount, 3);
      assert.equal(
        fee.body.hourly.reduce((n: number, b: { count: number }) => n + b.count, 0),
        3,
      );
      const types = fee.body.timeline.map((t: { type: string }) => t.type);
      assert.ok(types.includes('media'));
      assert.ok(types.includes('promoted'));
      assert.equal(fee.body.case.id, 'c_l3');
      const sorted = [...fee.body.timeline].sort((a: { at: string }, b: { at: string }) => a.at.localeCompare(b.at));
      assert.deepEqual(fee.body.timeline, sorted);
    });

    it('hides the case from consumer keys; 404 for an unknown event', async () => {
      const fee = await h.json('GET', '/api/v1/events/ev_fee', { role: 'consumer' });
      assert.equal(fee.body.case, undefined);
      assert.ok(!fee.body.timeline.some((t: { type: string }) => t.type === 'promoted'));
      assert.equal((await h.json('GET', '/api/v1/events/ev_nope', { role: 'consumer' })).status, 404);
    });
  });

  describe('alerts', () => {
    it('lists active cases, filters by tier, owner, institution and overdue', async () => {
      const active = await h.json('GET', '/api/v1/alerts?state=active&limit=50', { role: 'pr' });
      assert.equal(active.status, 200);
      assert.deepEqual(active.body.items.map((c: { id: string }) => c.id).sort(), ['c_l1', 'c_l2', 'c_l3']);
      assert.equal(active.body.items[0].history, undefined, 'list items are lean');
      const l3 = await h.json('GET', '/api/v1/alerts?tier=L3', { role: 'executive' });
      assert.deepEqual(
        l3.body.items.map((c: { id: string }) => c.id),
        ['c_l3'],
      );
      const pr = await h.json('GET', '/api/v1/alerts?owner=pr', { role: 'pr' });
      assert.deepEqual(
        pr.body.items.map((c: { id: string }) => c.id),
        ['c_l2'],
      );
      const ccb = await h.json('GET', '/api/v1/alerts?institution=ccb', { role: 'pr' });
      assert.deepEqual(
        ccb.body.items.map((c: { id: string }) => c.id),
        ['c_l1'],
      );
      const overdue = await h.json('GET', '/api/v1/alerts?overdue=true', { role: 'pr' });
      assert.deepEqual(
        overdue.body.items.map((c: { id: string }) => c.id),
        ['c_l3'],
      );
      assert.equal(overdue.body.items[0].overdue, true);
    });

    it('pages the case list with the cursor', async () => {
      const first = await h.json('GET', '/api/v1/alerts?limit=2', { role: 'pr' });
      assert.equal(first.body.items.length, 2);
      assert.ok(first.body.nextCursor);
      const second = await h.json('GET', `/api/v1/alerts?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`, { role: 'pr' });
      const all = [...first.body.items, ...second.body.items].map((c: { id: string }) => c.id);
      assert.equal(new Set(all).size, 4);
      assert.equal(first.body.total, 4, 'the first page counts the matches');
      assert.equal(second.body.total, undefined, 'later pages skip the count');
      for (const c of [...first.body.items, ...second.body.items]) {
        assert.equal(c.history, undefined);
        assert.equal(c.responses, undefined);
      }
    });

    it('GET /alerts/:id returns the DESIGN contract case with history', async () => {
      const res = await h.json('GET', '/api/v1/alerts/c_l3', { role: 'executive' });
      assert.equal(res.status, 200);
      const c = res.body;
      for (const k of [
        'id',
        'tier',
        'owner',
        'state',
        'institution',
        'title',
        'openedAt',
        'ackDueAt',
        'deadlineAt',
        'history',
        'mentionCount',
        'distinctAuthors',
        'distinctComplainants',
      ]) {
        assert.ok(k in c, `missing ${k}`);
      }
      assert.equal(c.tier, 'L3');
      assert.equal(c.owner, 'executive');
      assert.equal(c.institutionName, '示例银行');
      assert.deepEqual(
        c.history.map((e: { type: string; tier: string }) => [e.type, e.tier]),
        [
          ['opened', 'L1'],
          ['promoted', 'L3'],
        ],
      );
      assert.equal((await h.json('GET', '/api/v1/alerts/c_none', { role: 'executive' })).status, 404);
    });

    it('GET /alerts/:id/notifications shows the delivery log', async () => {
      const res = await h.json('GET', '/api/v1/alerts/c_l3/notifications', { role: 'executive' });
      assert.equal(res.status, 200);
      assert.equal(res.body.items.length, 1);
      assert.equal(res.body.items[0].channel, 'webhook');
      assert.equal(res.body.items[0].status, 'pending');
      assert.equal(res.body.items[0].body, undefined);
      assert.equal((await h.json('GET', '/api/v1/alerts/c_none/notifications', { role: 'executive' })).status, 404);
    });
  });

  describe('reports', () => {
    it('sentiment: daily counts per label and net sentiment over 30 days', async () => {
      const res = await h.json('GET', '/api/v1/reports/sentiment?interval=day', { role: 'consumer' });
      assert.equal(res.status, 200);
      assert.equal(res.body.totals.total, 5);
      assert.equal(res.body.totals.negative, 4);
      assert.equal(res.body.totals.positive, 1);
      assert.equal(res.body.totals.netSentiment, -0.6);
      const grouped = await h.json('GET', '/api/v1/reports/sentiment?interval=hour&groupBy=institution&from=2025-11-21T00:00:00Z&to=2025-11-22T03:00:00Z', {
        role: 'consumer',
      });
      assert.equal(grouped.status, 200);
      const example = grouped.body.points.filter((p: { group?: string }) => p.group === 'example_bank');
      assert.equal(
        example.reduce((n: number, p: { negative: number }) => n + p.negative, 0),
        3,
      );
    });

    it('sentiment as CSV with a BOM', async () => {
      const res = await h.request('GET', '/api/v1/reports/sentiment?format=csv&interval=day', { role: 'consumer' });
      assert.equal(res.status, 200);
      const bytes = new Uint8Array(await res.arrayBuffer());
      assert.deepEqual([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf]);
      const lines = new TextDecoder().decode(bytes.slice(3)).split('\r\n').filter(Boolean);
      assert.equal(lines[0], 'bucket,group,negative,neutral,positive,total,netSentiment');
      assert.ok(lines.length >= 2);
    });

    it('sentiment rejects a range that is too long', async () => {
      const res = await h.json('GET', '/api/v1/reports/sentiment?interval=hour&from=2025-01-01&to=2025-11-01', { role: 'consumer' });
      assert.equal(res.status, 400);
      assert.equal(res.body.error.details[0].path, 'query.from');
    });

    it('share of voice covers every watched institution and flags our bank', async () => {
      const res = await h.json('GET', '/api/v1/reports/share-of-voice', { role: 'consumer' });
      assert.equal(res.status, 200);
      assert.equal(res.body.totalMentions, 5);
      const ours = res.body.items.find((i: { ourBank: boolean }) => i.ourBank);
      assert.equal(ours.institution, 'example_bank');
      assert.equal(ours.mentions, 3);
      assert.equal(ours.share, 0.6);
      assert.equal(res.body.items.filter((i: { ourBank: boolean }) => i.ourBank).length, 1);
      assert.ok(res.body.items.some((i: { institution: string; mentions: number }) => i.institution === 'boc' && i.mentions === 0));
    });

    it('SLA per tier', async () => {
      const res = await h.json('GET', '/api/v1/reports/sla', { role: 'consumer' });
      assert.equal(res.status, 200);
      const l1 = res.body.tiers.find((t: { tier: string }) => t.tier === 'L1');
      assert.equal(l1.cases, 2);
      assert.equal(l1.meanTimeToAcknowledgeMinutes, 10);
      assert.equal(l1.meanTimeToRespondMinutes, 60);
      assert.equal(l1.withinDeadlinePct, 100);
      assert.equal(res.body.total.cases, 4);
    });

    it('monthly attribution and the daily digest', async () => {
      const attr = await h.json('GET', '/api/v1/reports/attribution?month=2025-11', { role: 'consumer' });
      assert.equal(attr.status, 200);
      assert.equal(attr.body.totalCases, 4);
      assert.equal(attr.body.from, '2025-10-31T16:00:00.000Z');
      const digest = await h.json('GET', '/api/v1/reports/digest?date=2025-11-22', { role: 'consumer' });
      assert.equal(digest.status, 200);
      assert.equal(digest.body.newCases.total, 3);
      assert.equal(digest.body.promotions, 1);
      assert.equal(digest.body.topNegativeEvents[0].id, 'ev_fee');
      assert.match(digest.body.lines[0], /新增案件 3 件/);
      const yesterday = await h.json('GET', '/api/v1/reports/digest', { role: 'consumer' });
      assert.equal(yesterday.body.date, '2025-11-21');
      const bad = await h.json('GET', '/api/v1/reports/digest?date=2025-02-31', { role: 'consumer' });
      assert.equal(bad.status, 400);
    });
  });

  it('GET /sources merges configured sources with their health', async () => {
    const res = await h.json('GET', '/api/v1/sources', { role: 'pr' });
    assert.equal(res.status, 200);
    const weibo = res.body.items.find((s: { source: string }) => s.source === 'weibo');
    assert.equal(weibo.kind, 'weibo');
    assert.equal(weibo.status, 'idle');
    assert.equal(weibo.running, false);
  });
});

describe('API event timeline: media as who-counts defines it', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });

  it('marks a news-source mention as media even when its author record does not say so (older or imported data)', async () => {
    const news = await h.store.getMention('news-rss:chinanews-20251122-01');
    const fee = await h.store.getEvent('ev_fee');
    assert.ok(news?.analysis && fee);
    const { analysis, ...stored } = news;
    await h.store.saveEvent({ ...fee, id: 'ev_imported' });
    const imported = {
      ...stored,
      id: 'news-rss:imported-01',
      nativeId: 'imported-01',
      contentHash: 'h-imported-01',
      author: { key: '财经日报', name: '财经日报', isMedia: false },
    };
    await h.store.upsertMentions([imported]);
    await h.store.completeMention(imported.id, analysis, 'ev_imported', imported.fetchedAt);
    const res = await h.json('GET', '/api/v1/events/ev_imported', { role: 'pr' });
    assert.equal(res.status, 200);
    const entry = res.body.timeline.find((t: { ref: string }) => t.ref === imported.id);
    assert.equal(entry?.type, 'media');
  });
});
