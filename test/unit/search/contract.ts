import assert from 'node:assert/strict';
import type { IndexDoc, SearchIndex } from '../../../store/search/search-index.js';
import type { MentionQuery } from '../../../store/store.js';
import { DOCS, RAW_PHONE } from './docs.js';

export interface SearchHarness {
  index: SearchIndex;
  /** Puts analysed mentions where the index reads them (the store, or the derived index). */
  feed(docs: IndexDoc[]): Promise<void>;
  close(): Promise<void>;
}

const ids = (items: Array<{ id: string }>) => items.map((m) => m.id.split(':')[1]);

/** The search index contract: every backend answers these the same way. */
export function runSearchContract(name: string, create: () => Promise<SearchHarness>): void {
  describe(`SearchIndex contract: ${name}`, function () {
    this.timeout(60_000);
    let h: SearchHarness;
    const search = (q: Partial<MentionQuery>) => h.index.search({ limit: 50, ...q });

    before(async () => {
      h = await create();
      await h.feed(DOCS);
      // At-least-once delivery: the same mentions again change nothing.
      await h.feed(DOCS.slice(0, 3));
      await h.index.refresh();
    });
    after(async () => {
      await h?.close();
    });

    it('finds mentions by jieba tokens, newest first, with escaped <mark> highlights', async () => {
      const page = await search({ q: '信用卡' });
      assert.deepEqual(ids(page.items), ['1004', '3001', '2001', '1001']);
      assert.equal(page.nextCursor, undefined);
      const top = page.items[0];
      assert.ok(top?.highlight?.includes('<mark>信用卡</mark>'), String(top?.highlight));
      assert.ok(top?.highlight?.includes('&lt;b&gt;气死&lt;/b&gt; &amp; 无语'), String(top?.highlight));
      assert.equal(top?.analysis?.sentiment.label, 'negative');
    });

    it('requires every term and applies the filters', async () => {
      assert.deepEqual(ids((await search({ q: '信用卡 降额' })).items), ['1004', '3001', '1001']);
      assert.deepEqual(ids((await search({ q: '信用卡 理财' })).items), []);
      assert.deepEqual(ids((await search({ institution: 'cmb' })).items), ['1004', '1002']);
      assert.deepEqual(ids((await search({ q: '信用卡', sentiment: 'negative' })).items), ['1004', '2001', '1001']);
      assert.deepEqual(ids((await search({ source: 'news' })).items), ['3001']);
      assert.deepEqual(ids((await search({ topic: 'credit_limit' })).items), ['1004', '3001', '1001']);
      assert.deepEqual(ids((await search({ from: '2026-11-20T16:00:00.000Z', to: '2026-11-21T03:15:00.000Z' })).items), ['3001', '1002']);
    });

    it('pages with an opaque cursor until the last page', async () => {
      const seen: string[][] = [];
      let cursor: string | undefined;
      do {
        const page = await search({ limit: 2, cursor });
        seen.push(ids(page.items));
        cursor = page.nextCursor;
      } while (cursor && seen.length < 10);
      assert.deepEqual(seen, [
        ['1004', '1003'],
        ['3001', '1002'],
        ['2001', '1001'],
      ]);
    });

    it('returns only masked text', async () => {
      const page = await search({});
      assert.equal(page.items.length, DOCS.length);
      for (const m of page.items) assert.ok(!JSON.stringify(m).includes(RAW_PHONE), m.id);
      assert.ok(page.items.find((m) => m.id === 'weibo:1001')?.text.includes('138****1234'));
    });

    it('counts sentiment per Asia/Shanghai day and per hour over the hours overlapping the range', async () => {
      const days = await h.index.sentimentSeries({ from: '2026-11-19T16:00:00.000Z', to: '2026-11-22T16:00:00.000Z', interval: 'day' });
      assert.deepEqual(
        days.map((p) => [p.bucket, p.negative, p.neutral, p.positive, p.total]),
        [
          ['2026-11-20', 2, 0, 0, 2],
          ['2026-11-21', 0, 2, 1, 3],
          ['2026-11-22', 1, 0, 0, 1],
        ],
      );
      assert.equal(days[1]?.netSentiment, 1 / 3);
      const hours = await h.index.sentimentSeries({ from: '2026-11-20T15:45:00.000Z', to: '2026-11-20T16:10:00.000Z', interval: 'hour' });
      assert.deepEqual(
        hours.map((p) => [p.bucket, p.negative, p.positive, p.total]),
        [
          ['2026-11-20T15:00:00.000Z', 1, 0, 1],
          ['2026-11-20T16:00:00.000Z', 0, 1, 1],
        ],
      );
    });

    it('groups and filters the series', async () => {
      const range = { from: '2026-11-19T16:00:00.000Z', to: '2026-11-22T16:00:00.000Z', interval: 'day' as const };
      const byInst = await h.index.sentimentSeries({ ...range, groupBy: 'institution' });
      const cell = (pts: typeof byInst, bucket: string, group: string) => pts.find((p) => p.bucket === bucket && p.group === group)?.total;
      assert.deepEqual([...new Set(byInst.map((p) => p.group))], ['', 'cmb', 'icbc']);
      assert.equal(byInst.length, 9);
      assert.equal(cell(byInst, '2026-11-21', 'icbc'), 1);
      assert.equal(cell(byInst, '2026-11-21', ''), 1);
      const byTopic = await h.index.sentimentSeries({ ...range, groupBy: 'topic', institution: 'icbc' });
      assert.deepEqual([...new Set(byTopic.map((p) => p.group))], ['credit_limit', 'fees']);
      assert.equal(cell(byTopic, '2026-11-20', 'credit_limit'), 1);
      assert.equal(cell(byTopic, '2026-11-21', 'credit_limit'), 1);
      const weibo = await h.index.sentimentSeries({ ...range, source: 'weibo', topic: 'credit_limit' });
      assert.deepEqual(
        weibo.map((p) => p.total),
        [1, 0, 1],
      );
    });

    it('answers share of voice per primary institution', async () => {
      assert.deepEqual(await h.index.shareOfVoice('2026-11-19T16:00:00.000Z', '2026-11-22T16:00:00.000Z'), [
        { institution: 'icbc', mentions: 3, negative: 2, positive: 0, neutral: 1 },
        { institution: 'cmb', mentions: 2, negative: 1, positive: 1, neutral: 0 },
      ]);
      assert.deepEqual(await h.index.shareOfVoice('2026-11-22T00:00:00.000Z', '2026-11-23T00:00:00.000Z'), [
        { institution: 'cmb', mentions: 1, negative: 1, positive: 0, neutral: 0 },
      ]);
    });

    it('lists top terms by the number of mentions containing them', async () => {
      const all = await h.index.topTerms({ from: '2026-11-19T16:00:00.000Z', to: '2026-11-22T16:00:00.000Z', limit: 5 });
      assert.deepEqual(all, [
        { term: '信用卡', count: 4 },
        { term: '工商银行', count: 3 },
        { term: '降额', count: 3 },
        { term: '客服', count: 2 },
        { term: '招商银行', count: 2 },
      ]);
      const icbcNegative = await h.index.topTerms({
        from: '2026-11-20T00:00:00.000Z',
        to: '2026-11-21T00:00:00.000Z',
        institution: 'icbc',
        sentiment: 'negative',
        limit: 2,
      });
      assert.deepEqual(icbcNegative, [
        { term: '信用卡', count: 2 },
        { term: '工商银行', count: 2 },
      ]);
      const news = await h.index.topTerms({
        from: '2026-11-19T00:00:00.000Z',
        to: '2026-11-23T00:00:00.000Z',
        source: 'news',
        topic: 'credit_limit',
        limit: 50,
      });
      assert.deepEqual(news.map((t) => t.term).sort(), ['信用卡', '回应', '工商银行', '降额', '风控'].sort());
      const single = await h.index.topTerms({ from: '2026-11-22T00:00:00.000Z', to: '2026-11-23T00:00:00.000Z', limit: 50 });
      assert.ok(!single.some((t) => t.term === '了'), 'one-character tokens are not terms');
    });
  });
}
