import assert from 'node:assert/strict';
import type { Store } from '../../../store/store.js';
import { runCaseContract } from './contract-cases.js';
import { runClusterContract, runRaceContract } from './contract-cluster.js';
import { analysis, event, mention, plus } from './fixtures.js';

const T0 = '2025-11-22T02:00:00.000Z';

/**
 * The Store contract: every backend must pass it. `factory` returns a fresh, empty store; `twin`, when
 * given, opens a second instance on the same database (for the races between two instances).
 */
export function runStoreContract(name: string, factory: () => Promise<Store>, twin?: (store: Store) => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    let second: Store | undefined;
    beforeEach(async () => {
      store = await factory();
    });
    afterEach(async () => {
      await second?.close();
      second = undefined;
      await store.close();
    });

    describe('mentions', () => {
      it('upserts idempotently by id and round-trips the mention', async () => {
        const a = mention({ nativeId: '4979871234567890123', text: '工行信用卡莫名被降额，客服电话打了三次都没人处理😡', publishedAt: T0 });
        const b = mention({ source: 'heimao', sourceType: 'complaint', nativeId: '17380001', text: '投诉工商银行乱收费', publishedAt: plus(T0, 1) });
        const first = await store.upsertMentions([a, b]);
        assert.deepEqual(first, { inserted: [a.id, b.id], fresh: [a.id, b.id], duplicates: [] });
        const again = await store.upsertMentions([a, b]);
        assert.deepEqual(again, { inserted: [], fresh: [], duplicates: [] });
        const got = await store.getMention(a.id);
        assert.ok(got);
        assert.equal(got.nativeId, '4979871234567890123', 'native ids stay strings');
        assert.equal(got.text, a.text);
        assert.deepEqual(got.author, a.author);
        assert.equal(got.processedAt, undefined);
        assert.equal(await store.getMention('weibo:nope'), undefined);
      });

      it('stores a second id with known content as a duplicate and never lists it as unprocessed', async () => {
        const a = mention({ nativeId: '1', text: '建行网点排队两小时', publishedAt: T0, contentHash: 'same' });
        const b = mention({
          source: 'jutousu',
          sourceType: 'complaint',
          nativeId: '9',
          text: '建行网点排队两小时',
          publishedAt: plus(T0, 5),
          contentHash: 'same',
        });
        const c = mention({ source: 'heimao', nativeId: '10', text: '建行网点排队两小时！', publishedAt: plus(T0, 6), contentHash: 'same' });
        assert.deepEqual(await store.upsertMentions([a]), { inserted: [a.id], fresh: [a.id], duplicates: [] });
        // b and c in one batch: both duplicates of a.
        assert.deepEqual(await store.upsertMentions([b, c]), { inserted: [b.id, c.id], fresh: [], duplicates: [b.id, c.id] });
        assert.equal((await store.getMention(b.id))?.duplicateOf, a.id);
        assert.deepEqual(
          (await store.listUnprocessedMentions(10)).map((m) => m.id),
          [a.id],
        );
      });

      it('dedups within one batch and lists unprocessed mentions oldest first', async () => {
        const x = mention({ nativeId: '2', text: '农行贷款审批慢', publishedAt: plus(T0, 30), contentHash: 'k1' });
        const y = mention({ nativeId: '3', text: '農行貸款審批慢', publishedAt: plus(T0, 40), contentHash: 'k1' });
        const z = mention({ nativeId: '4', text: '中行理财亏损', publishedAt: plus(T0, 10), contentHash: 'k2' });
        const r = await store.upsertMentions([x, y, z]);
        assert.deepEqual(r.duplicates, [y.id]);
        assert.deepEqual(r.fresh, [x.id, z.id]);
        assert.deepEqual(
          (await store.listUnprocessedMentions(10)).map((m) => m.id),
          [z.id, x.id],
        );
        await store.completeMention(z.id, analysis(z, { tokens: ['中行', '理财', '亏损'] }), undefined, plus(T0, 50));
        assert.deepEqual(
          (await store.listUnprocessedMentions(10)).map((m) => m.id),
          [x.id],
        );
        assert.equal((await store.listUnprocessedMentions(0)).length, 0);
      });
    });

    describe('truncated mentions (Weibo long text expanded later)', () => {
      it('an expanded text replaces a stored truncated mention, reopens it, and the re-analysis counts nothing twice', async () => {
        await store.saveEvent(event('e-long', T0));
        const cut = { ...mention({ nativeId: '5234600000000102', text: '工商银行信用卡分期手续费到底怎么算？结果发现…', publishedAt: T0 }), truncated: true };
        await store.upsertMentions([cut]);
        await store.completeMention(cut.id, analysis(cut, { tokens: ['工商银行', '分期'] }), 'e-long', plus(T0, 1));
        assert.equal((await store.getMention(cut.id))?.truncated, true);
        // The same post again, still cut: nothing changes.
        assert.deepEqual(await store.upsertMentions([cut]), { inserted: [], fresh: [], duplicates: [] });
        const full = { ...cut, text: '工商银行信用卡分期手续费到底怎么算？结果发现实际年化利率接近15%', contentHash: 'h-full' };
        delete (full as { truncated?: boolean }).truncated;
        const r = await store.upsertMentions([full]);
        assert.deepEqual(r, { inserted: [], fresh: [full.id], duplicates: [] }, 'fresh again, for the pipeline');
        assert.deepEqual(
          (await store.listUnprocessedMentions(10)).map((m) => m.id),
          [full.id],
        );
        const ev = await store.completeMention(full.id, analysis(full, { tokens: ['工商银行', '分期', '年化利率'] }), 'e-long', plus(T0, 30));
        assert.equal(ev?.mentionCount, 1, 'the expanded post is the same mention');
        const got = await store.getMention(full.id);
        assert.equal(got?.truncated, undefined);
        assert.match(got?.text ?? '', /年化利率接近15%/);
        assert.deepEqual(got?.analysis?.tokens, ['工商银行', '分期', '年化利率']);
        assert.equal((await store.listUnprocessedMentions(10)).length, 0);
        const found = await store.searchMentions({ q: '年化利率', limit: 10 });
        assert.deepEqual(
          found.items.map((m) => m.id),
          [full.id],
        );
      });
    });

    describe('completeMention and event stats', () => {
      it('counts 10 posts of one author as one author and never double-counts a completion', async () => {
        await store.saveEvent(event('e1', T0));
        const posts = Array.from({ length: 10 }, (_, i) =>
          mention({ nativeId: `p${i}`, author: 'same-user', text: `工商银行信用卡被降额了，第${i + 1}次投诉`, publishedAt: plus(T0, i) }),
        );
        await store.upsertMentions(posts);
        let ev: Awaited<ReturnType<Store['completeMention']>>;
        for (const p of posts) ev = await store.completeMention(p.id, analysis(p, { tokens: ['工商银行', '信用卡', '降额'] }), 'e1', plus(T0, 20));
        assert.ok(ev!);
        assert.equal(ev.mentionCount, 10);
        assert.equal(ev.distinctAuthors, 1);
        assert.equal(ev.distinctComplainants, 1);
        assert.equal(ev.negativeCount, 10);
        const again = await store.completeMention(posts[0]!.id, analysis(posts[0]!, { tokens: ['工商银行'] }), 'e1', plus(T0, 30));
        assert.equal(again?.mentionCount, 10);
        assert.equal((await store.getEvent('e1'))?.mentionCount, 10);
        const got = await store.getMention(posts[3]!.id);
        assert.equal(got?.processedAt, plus(T0, 20));
        assert.deepEqual(got?.analysis?.tokens, ['工商银行', '信用卡', '降额']);
      });

      it('derives complainants, media, sources, flags and the last-hour count', async () => {
        await store.saveEvent(event('e2', T0, 'cmb'));
        const specs = [
          { n: 'a', source: 'weibo', sourceType: 'social' as const, author: 'u1', label: 'negative' as const, at: 0 },
          { n: 'b', source: 'heimao', sourceType: 'complaint' as const, author: 'u2', label: 'negative' as const, at: 10 },
          { n: 'c', source: 'weibo', sourceType: 'social' as const, author: 'u3', label: 'neutral' as const, at: 20 },
          { n: 'd', source: 'weibo', sourceType: 'social' as const, author: 'media1', label: 'negative' as const, at: 100, isMedia: true },
          { n: 'e', source: 'rss:people-finance', sourceType: 'news' as const, author: '人民网', label: 'negative' as const, at: 110, regulator: true },
          { n: 'f', source: 'heimao', sourceType: 'complaint' as const, author: 'u2', label: 'negative' as const, at: 120, rumour: true },
        ];
        let ev: Awaited<ReturnType<Store['completeMention']>>;
        for (const s of specs) {
          const m = mention({
            nativeId: s.n,
            source: s.source,
            sourceType: s.sourceType,
            author: s.author,
            isMedia: s.isMedia,
            text: `招商银行${s.n}`,
            publishedAt: plus(T0, s.at),
          });
          await store.upsertMentions([m]);
          ev = await store.completeMention(
            m.id,
            analysis(m, { tokens: ['招商银行'], label: s.label, institution: 'cmb', regulator: s.regulator, rumour: s.rumour }),
            'e2',
            plus(T0, 130),
          );
        }
        assert.ok(ev!);
        assert.equal(ev.mentionCount, 6);
        assert.equal(ev.distinctAuthors, 5);
        assert.equal(ev.distinctComplainants, 2, 'u1 and u2; not the neutral u3, not media');
        assert.equal(ev.negativeCount, 5);
        assert.equal(ev.mediaCount, 2);
        assert.deepEqual([...ev.sources].sort(), ['heimao', 'rss:people-finance', 'weibo']);
        assert.equal(ev.regulatorMentioned, true);
        assert.equal(ev.runRumour, true);
        assert.equal(ev.lastSeenAt, plus(T0, 120));
        assert.equal(ev.lastHourCount, 3, 'posts at +100, +110, +120 min');
        const listed = await store.listEventMentions('e2', 2);
        assert.deepEqual(
          listed.map((m) => m.nativeId),
          ['f', 'e'],
        );
        assert.equal(listed[0]?.analysis?.severity.runRumour, true);
      });

      it('completes a mention with no event and refuses an unsaved event', async () => {
        const m = mention({ nativeId: 'x1', text: '今天天气不错', publishedAt: T0 });
        await store.upsertMentions([m]);
        assert.equal(await store.completeMention(m.id, analysis(m, { tokens: ['天气'], label: 'neutral' }), undefined, T0), undefined);
        assert.ok((await store.getMention(m.id))?.processedAt);
        const n = mention({ nativeId: 'x2', text: '光大银行', publishedAt: T0 });
        await store.upsertMentions([n]);
        await assert.rejects(store.completeMention(n.id, analysis(n, { tokens: ['光大银行'] }), 'missing-event', T0));
        assert.equal((await store.getMention(n.id))?.processedAt, undefined, 'rolled back');
      });
    });

    describe('events', () => {
      it('saves descriptive fields, keeps derived stats, lists recent events and pages', async () => {
        for (let i = 0; i < 5; i++) await store.saveEvent(event(`ev${i}`, plus(T0, i * 60), i % 2 ? 'ccb' : 'icbc'));
        const renamed = { ...event('ev0', T0), title: '工行信用卡降额风波', mentionCount: 999 };
        await store.saveEvent(renamed);
        const got = await store.getEvent('ev0');
        assert.equal(got?.title, '工行信用卡降额风波');
        assert.equal(got?.mentionCount, 0, 'stats are derived by the store');
        assert.deepEqual((await store.listRecentEvents(plus(T0, 120))).map((e) => e.id).sort(), ['ev2', 'ev3', 'ev4']);
        const p1 = await store.listEvents({ limit: 2 });
        assert.deepEqual(
          p1.items.map((e) => e.id),
          ['ev4', 'ev3'],
        );
        const p2 = await store.listEvents({ limit: 2, cursor: p1.nextCursor });
        const p3 = await store.listEvents({ limit: 2, cursor: p2.nextCursor });
        assert.deepEqual(
          [...p2.items, ...p3.items].map((e) => e.id),
          ['ev2', 'ev1', 'ev0'],
        );
        assert.equal(p3.nextCursor, undefined);
        assert.deepEqual(
          (await store.listEvents({ limit: 10, institution: 'ccb' })).items.map((e) => e.id),
          ['ev3', 'ev1'],
        );
        assert.equal((await store.listEvents({ limit: 10, topic: 'credit_limit' })).items.length, 5);
        assert.equal((await store.listEvents({ limit: 10, topic: 'fraud' })).items.length, 0);
      });
    });

    describe('search', () => {
      async function seed(): Promise<void> {
        const rows: Array<[string, string, string[], 'negative' | 'neutral' | 'positive', string, string]> = [
          ['s1', '工行信用卡被降额，客服<说>没办法', ['工行', '信用卡', '降额', '客服', '没办法'], 'negative', 'icbc', 'weibo'],
          ['s2', '建行信用卡额度提升了，开心', ['建行', '信用卡', '额度', '提升', '开心'], 'positive', 'ccb', 'weibo'],
          ['s3', '工行理财产品亏损严重', ['工行', '理财', '产品', '亏损', '严重'], 'negative', 'icbc', 'heimao'],
          ['s4', '工行信用卡年费乱收费', ['工行', '信用卡', '年费', '乱收费'], 'negative', 'icbc', 'heimao'],
        ];
        for (const [i, [id, text, tokens, label, inst, source]] of rows.entries()) {
          const m = mention({ nativeId: id, source, text, publishedAt: plus(T0, i * 10) });
          await store.upsertMentions([m]);
          await store.completeMention(m.id, analysis(m, { tokens, label, institution: inst, topics: [id === 's4' ? 'fees' : 'credit_limit'] }), undefined, T0);
        }
      }

      it('matches all terms over tokens, newest first, with an HTML-safe highlight', async () => {
        await seed();
        const r = await store.searchMentions({ q: '工行 信用卡', limit: 10 });
        assert.deepEqual(
          r.items.map((m) => m.nativeId),
          ['s4', 's1'],
        );
        assert.equal(r.items[1]?.highlight, '<mark>工行</mark><mark>信用卡</mark>被降额，客服&lt;说&gt;没办法');
        assert.equal((await store.searchMentions({ q: '信用卡', limit: 10 })).items.length, 3);
        assert.equal((await store.searchMentions({ q: '信用卡 亏损', limit: 10 })).items.length, 0);
        assert.equal((await store.searchMentions({ q: '"恶意 OR', limit: 10 })).items.length, 0, 'query syntax is escaped');
      });

      it('filters by sentiment, source, institution, topic and time', async () => {
        await seed();
        const ids = async (q: Parameters<Store['searchMentions']>[0]) => (await store.searchMentions(q)).items.map((m) => m.nativeId);
        assert.deepEqual(await ids({ q: '信用卡', sentiment: 'positive', limit: 10 }), ['s2']);
        assert.deepEqual(await ids({ q: '工行', source: 'heimao', limit: 10 }), ['s4', 's3']);
        assert.deepEqual(await ids({ institution: 'ccb', limit: 10 }), ['s2']);
        assert.deepEqual(await ids({ topic: 'fees', limit: 10 }), ['s4']);
        assert.deepEqual(await ids({ from: plus(T0, 10), to: plus(T0, 30), limit: 10 }), ['s3', 's2']);
        assert.deepEqual(await ids({ limit: 10 }), ['s4', 's3', 's2', 's1']);
      });

      it('pages with an opaque cursor without gaps or repeats', async () => {
        for (let i = 0; i < 25; i++) {
          const m = mention({ nativeId: `pg${i}`, text: `邮储银行网点服务差${i}`, publishedAt: plus(T0, i % 7) });
          await store.upsertMentions([m]);
          await store.completeMention(m.id, analysis(m, { tokens: ['邮储银行', '网点', '服务'], institution: 'psbc' }), undefined, T0);
        }
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await store.searchMentions({ q: '网点', limit: 10, cursor });
          seen.push(...page.items.map((m) => m.id));
          cursor = page.nextCursor;
          pages++;
        } while (cursor);
        assert.equal(pages, 3);
        assert.equal(new Set(seen).size, 25);
        const times = await Promise.all(seen.map(async (id) => (await store.getMention(id))!.publishedAt));
        assert.deepEqual(times, [...times].sort().reverse(), 'publishedAt descending');
      });
    });

    describe('reports', () => {
      it('serves daily (Asia/Shanghai) and hourly series and share of voice from the rollup', async () => {
        const posts: Array<[string, string, 'negative' | 'neutral' | 'positive', string, string]> = [
          ['r1', '2025-11-21T15:30:00.000Z', 'negative', 'icbc', 'weibo'], // 23:30 on 21st in Shanghai
          ['r2', '2025-11-21T16:30:00.000Z', 'negative', 'icbc', 'heimao'], // 00:30 on 22nd in Shanghai
          ['r3', '2025-11-21T17:10:00.000Z', 'positive', 'ccb', 'weibo'],
          ['r4', '2025-11-22T03:00:00.000Z', 'neutral', 'icbc', 'weibo'],
        ];
        for (const [id, at, label, inst, source] of posts) {
          const m = mention({ nativeId: id, source, text: '银行', publishedAt: at });
          await store.upsertMentions([m]);
          await store.completeMention(m.id, analysis(m, { tokens: ['银行'], label, institution: inst, topics: ['fees', 'service_attitude'] }), undefined, at);
        }
        const days = await store.sentimentSeries({ from: '2025-11-20T16:00:00.000Z', to: '2025-11-22T16:00:00.000Z', interval: 'day' });
        assert.deepEqual(
          days.map((p) => [p.bucket, p.negative, p.neutral, p.positive, p.total]),
          [
            ['2025-11-21', 1, 0, 0, 1],
            ['2025-11-22', 1, 1, 1, 3],
          ],
        );
        assert.equal(days[1]?.netSentiment, 0);
        assert.equal(days[0]?.netSentiment, -1);
        const hours = await store.sentimentSeries({ from: '2025-11-21T15:00:00.000Z', to: '2025-11-21T18:00:00.000Z', interval: 'hour', institution: 'icbc' });
        assert.deepEqual(
          hours.map((p) => [p.bucket, p.total]),
          [
            ['2025-11-21T15:00:00.000Z', 1],
            ['2025-11-21T16:00:00.000Z', 1],
            ['2025-11-21T17:00:00.000Z', 0],
          ],
        );
        const bySource = await store.sentimentSeries({ from: '2025-11-21T16:00:00.000Z', to: '2025-11-22T16:00:00.000Z', interval: 'day', groupBy: 'source' });
        assert.deepEqual(
          bySource.map((p) => [p.group, p.total]),
          [
            ['heimao', 1],
            ['weibo', 2],
          ],
        );
        const byTopic = await store.sentimentSeries({ from: '2025-11-21T16:00:00.000Z', to: '2025-11-22T16:00:00.000Z', interval: 'day', groupBy: 'topic' });
        assert.deepEqual(
          byTopic.map((p) => [p.group, p.total]),
          [
            ['fees', 3],
            ['service_attitude', 3],
          ],
        );
        // A partial day: only the hours inside [from, to) count.
        const partial = await store.sentimentSeries({ from: '2025-11-21T17:00:00.000Z', to: '2025-11-22T16:00:00.000Z', interval: 'day' });
        assert.deepEqual(
          partial.map((p) => p.total),
          [2],
        );
        const sov = await store.shareOfVoice('2025-11-21T00:00:00.000Z', '2025-11-23T00:00:00.000Z');
        assert.deepEqual(sov, [
          { institution: 'icbc', mentions: 3, negative: 2, positive: 0, neutral: 1 },
          { institution: 'ccb', mentions: 1, negative: 0, positive: 1, neutral: 0 },
        ]);
      });

      it('lists analysed mentions in publish order, paged by afterId', async () => {
        for (let i = 0; i < 7; i++) {
          const m = mention({ nativeId: `b${i}`, text: '民生银行', publishedAt: plus(T0, 10 * (7 - i)) });
          await store.upsertMentions([m]);
          await store.completeMention(m.id, analysis(m, { tokens: ['民生银行'] }), undefined, T0);
        }
        const ids: string[] = [];
        let after: string | undefined;
        for (;;) {
          const page = await store.listAnalysedMentions(plus(T0, 20), plus(T0, 70), after, 2);
          if (page.length === 0) break;
          assert.ok(page.every((m) => m.analysis.tokens[0] === '民生银行'));
          ids.push(...page.map((m) => m.nativeId));
          after = page.at(-1)!.id;
        }
        assert.deepEqual(ids, ['b5', 'b4', 'b3', 'b2', 'b1']);
      });
    });

    runCaseContract(() => store, T0);
    runClusterContract(() => store, T0);
    if (twin) {
      describe('with a second instance', () => {
        beforeEach(async () => {
          second = await twin(store);
        });
        runRaceContract(() => [store, second!], T0);
      });
    }
  });
}
