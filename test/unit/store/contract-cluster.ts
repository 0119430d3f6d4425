import assert from 'node:assert/strict';
import { ConflictError } from '../../../lib/errors.js';
import { type CaseChange, type Lease, LeaseLostError, type Store } from '../../../store/store.js';
import { analysis, event, kase, mention, notification, plus } from './fixtures.js';

const openCase = (id: string, eventId: string, at: string): CaseChange => ({
  case: kase(id, eventId, at),
  expectNew: true,
  history: [{ at, type: 'opened', tier: 'L1', actor: 'system', reason: 'rule l1_single_complaint' }],
  scheduleClocks: [{ id: `${id}:L1:ack`, caseId: id, kind: 'ack', tier: 'L1', dueAt: plus(at, 15) }],
  cancelClockKinds: [],
  notifications: [notification(`${id}-n1`, id, `${id}:L1:opened:webhook:cs-desk`, at)],
});

const lease = (owner: string, at: string, minutes = 5): Lease => ({ owner, at, ms: minutes * 60_000 });

async function seedMentions(store: Store, T0: string, n: number, prefix = 'l'): Promise<string[]> {
  const ms = Array.from({ length: n }, (_, i) =>
    mention({ nativeId: `${prefix}${i}`, text: `浦发银行信用卡分期手续费太高了，投诉第${i + 1}次`, publishedAt: plus(T0, n - i) }),
  );
  await store.upsertMentions(ms);
  return ms.map((m) => m.id);
}

/** Leases, race-safe case opening, outbox claims, shared source state and named locks: part of runStoreContract. */
export function runClusterContract(getStore: () => Store, T0: string): void {
  describe('cluster primitives', () => {
    it('leases mentions by id: one owner at a time, until expiry, ended by completion or release', async () => {
      const store = getStore();
      const ids = await seedMentions(store, T0, 3);
      const dup = mention({ nativeId: 'l-dup', text: '重复', publishedAt: T0, contentHash: `h-weibo-${ids[0]!.slice(6)}` });
      await store.upsertMentions([dup]);
      const claim = async (list: string[], l: Lease) => (await store.claimMentions(list, l)).map((m) => m.id);
      const [newest, middle, oldest] = ids as [string, string, string];
      const won = await store.claimMentions([newest, middle, dup.id, 'weibo:missing'], lease('w1', T0));
      assert.deepEqual(
        won.map((m) => m.id),
        [middle, newest],
        'oldest first',
      );
      assert.equal(won[0]?.text, '浦发银行信用卡分期手续费太高了，投诉第2次');
      assert.deepEqual(await claim(ids, lease('w2', plus(T0, 1))), [oldest], 'w1 holds the other two');
      assert.deepEqual(await claim([newest], lease('w1', plus(T0, 4))), [newest], 'the owner extends its lease');
      assert.deepEqual(await claim([newest, middle], lease('w2', plus(T0, 6))), [middle], "w1's lease on the middle one expired at +5");
      const m = (await store.getMention(middle))!;
      await assert.rejects(store.completeMention(m.id, analysis(m, { tokens: ['浦发银行'] }), undefined, plus(T0, 7), 'w1'), LeaseLostError);
      assert.equal((await store.getMention(middle))?.processedAt, undefined);
      await store.completeMention(m.id, analysis(m, { tokens: ['浦发银行', '手续费'] }), undefined, plus(T0, 7), 'w2');
      assert.deepEqual(await claim([middle], lease('w3', plus(T0, 20))), [], 'processed mentions are never leased');
      await store.completeMention(m.id, analysis(m, { tokens: ['浦发银行'] }), undefined, plus(T0, 8), 'w1');
      assert.deepEqual((await store.getMention(middle))?.analysis?.tokens, ['浦发银行', '手续费'], 'a late completion changes nothing');
      assert.equal(await store.releaseMentions([oldest, newest], 'w1'), 1, 'only the owner releases: w1 still holds the newest');
      assert.equal(await store.releaseMentions([oldest], 'w2', plus(T0, 30)), 1);
      assert.deepEqual(await claim([oldest], lease('w3', plus(T0, 29))), [], 'back-off until retryAt');
      assert.deepEqual(await claim([oldest], lease('w3', plus(T0, 30))), [oldest]);
      assert.equal(await store.releaseMentions([oldest], 'w3'), 1);
      assert.deepEqual(await claim([oldest], lease('w4', plus(T0, 30))), [oldest], 'released without retryAt: claimable at once');
      await assert.rejects(store.claimMentions(ids, { owner: 'w5', at: 'soon', ms: 1000 }), TypeError);
    });

    it('completes a batch in one call: events once each, lost leases skipped, processed ones untouched', async () => {
      const store = getStore();
      await store.saveEvent(event('e-b1', T0));
      await store.saveEvent(event('e-b2', T0, 'ccb'));
      const ids = await seedMentions(store, T0, 6, 'b');
      const ms = await Promise.all(ids.map(async (id) => (await store.getMention(id))!));
      await store.claimMentions(ids.slice(0, 4), lease('w1', T0));
      await store.claimMentions([ids[4]!], lease('w2', T0));
      await store.completeMention(ids[0]!, analysis(ms[0]!, { tokens: ['浦发银行'] }), 'e-b1', T0, 'w1');
      const item = (i: number, eventId?: string) => ({ id: ids[i]!, analysis: analysis(ms[i]!, { tokens: ['浦发银行', '分期'] }), eventId });
      const r = await store.completeMentions([item(0, 'e-b1'), item(1, 'e-b1'), item(2, 'e-b2'), item(3), item(4, 'e-b2'), item(1, 'e-b1')], plus(T0, 1), 'w1');
      assert.deepEqual(r.lost, [ids[4]]);
      assert.deepEqual(
        r.events.map((e) => [e.id, e.mentionCount]),
        [
          ['e-b1', 2],
          ['e-b2', 1],
        ],
      );
      assert.equal((await store.getMention(ids[3]!))?.processedAt, plus(T0, 1));
      assert.equal((await store.getMention(ids[4]!))?.processedAt, undefined, 'lost: nothing written');
      assert.equal((await store.getMention(ids[0]!))?.processedAt, T0, 'already processed: untouched');
      await assert.rejects(store.completeMentions([item(4), item(5, 'missing')], plus(T0, 2), 'w2'));
      assert.equal((await store.getMention(ids[4]!))?.processedAt, undefined, 'any other error rolls the whole batch back');
      assert.deepEqual(await store.completeMentions([], plus(T0, 2)), { events: [], lost: [] });
    });

    it('claims unprocessed mentions for recovery, oldest first, skipping leased ones', async () => {
      const store = getStore();
      const ids = await seedMentions(store, T0, 5);
      const oldestFirst = [...ids].reverse();
      await store.claimMentions([oldestFirst[1]!], lease('w1', T0));
      const got = await store.claimUnprocessedMentions(3, lease('w2', T0));
      assert.deepEqual(
        got.map((m) => m.id),
        [oldestFirst[0], oldestFirst[2], oldestFirst[3]],
      );
      assert.equal(got[0]?.text, '浦发银行信用卡分期手续费太高了，投诉第5次');
      assert.deepEqual(
        (await store.claimUnprocessedMentions(10, lease('w3', plus(T0, 1)))).map((m) => m.id),
        [oldestFirst[4]],
      );
      assert.equal((await store.claimUnprocessedMentions(10, lease('w3', plus(T0, 1)))).length, 0);
      assert.equal((await store.claimUnprocessedMentions(10, lease('w3', plus(T0, 6)))).length, 5, 'all leases expired at +6');
      assert.equal((await store.listUnprocessedMentions(10)).length, 5, 'listing ignores leases');
    });

    it('opens a case only once per id and per event when expectNew is set', async () => {
      const store = getStore();
      await store.commitCaseChange(openCase('c_ev1', 'ev1', T0));
      await assert.rejects(store.commitCaseChange(openCase('c_ev1', 'ev1', plus(T0, 1))), ConflictError);
      await assert.rejects(store.commitCaseChange(openCase('c_other', 'ev1', plus(T0, 1))), ConflictError);
      assert.equal(await store.getCase('c_other'), undefined);
      const c = (await store.getCase('c_ev1'))!;
      assert.equal(c.openedAt, T0);
      assert.equal(c.history.length, 1);
      assert.equal((await store.listNotifications('c_ev1')).length, 1);
    });

    it('claims due notifications for one dispatcher until the attempt is recorded or the claim expires', async () => {
      const store = getStore();
      await store.commitCaseChange({
        ...openCase('c_n', 'ev-n', T0),
        notifications: ['a', 'b', 'c'].map((k, i) => notification(`n-${k}`, 'c_n', `k-${k}`, plus(T0, i))),
      });
      assert.deepEqual(
        (await store.claimNotifications(10, lease('d1', plus(T0, 1)))).map((n) => n.id),
        ['n-a', 'n-b'],
      );
      assert.deepEqual(
        (await store.claimNotifications(10, lease('d2', plus(T0, 2)))).map((n) => n.id),
        ['n-c'],
      );
      await store.recordNotificationAttempt('n-a', { ok: false, at: plus(T0, 2), error: 'HTTP 503', nextAttemptAt: plus(T0, 3) });
      await store.recordNotificationAttempt('n-b', { ok: true, at: plus(T0, 2) });
      assert.deepEqual(
        (await store.claimNotifications(10, lease('d2', plus(T0, 3)))).map((n) => [n.id, n.attempts, n.lastError]),
        [['n-a', 1, 'HTTP 503']],
        'n-a was released by its attempt; n-c stays with its running claim, even for d2',
      );
      assert.equal((await store.claimNotifications(10, lease('d1', plus(T0, 6)))).length, 0, "d2's claims run until +7 (n-c) and +8 (n-a)");
      assert.deepEqual(
        (await store.claimNotifications(10, lease('d1', plus(T0, 7)))).map((n) => n.id),
        ['n-c'],
      );
      assert.deepEqual(
        (await store.claimNotifications(1, lease('d1', plus(T0, 8)))).map((n) => n.id),
        ['n-a'],
      );
    });

    it('keeps source state and cookie jars, rule versions and recent events per institution', async () => {
      const store = getStore();
      assert.equal(await store.getSourceState('weibo'), undefined);
      assert.equal(await store.loadCookieJar('weibo'), undefined);
      await store.putSourceState('weibo', { visitorUntil: plus(T0, 60), pages: [1, 2] }, T0);
      await store.putSourceState('weibo', { visitorUntil: plus(T0, 90), note: '访客' }, plus(T0, 1));
      const jar = JSON.stringify({ version: 'tough-cookie@6', cookies: [{ key: 'SUB', value: '_2A25abc', domain: 'weibo.com' }] });
      await store.saveCookieJar('weibo', jar, T0);
      assert.deepEqual(await store.getSourceState('weibo'), { visitorUntil: plus(T0, 90), note: '访客' });
      assert.equal(await store.loadCookieJar('weibo'), jar);
      assert.equal(await store.loadCookieJar('heimao'), undefined);
      assert.equal(await store.getRuleSetVersion('escalation'), 0);
      await store.saveRuleSet('escalation', 'rules: []\n', 'admin', T0);
      await store.saveRuleSet('escalation', 'rules: []\n', 'admin', plus(T0, 1));
      assert.equal(await store.getRuleSetVersion('escalation'), 2);
      await store.saveEvent(event('e-icbc', plus(T0, 10)));
      await store.saveEvent(event('e-ccb', plus(T0, 10), 'ccb'));
      await store.saveEvent(event('e-old', T0, 'ccb'));
      assert.deepEqual(
        (await store.listRecentEvents(plus(T0, 5), 'ccb')).map((e) => e.id),
        ['e-ccb'],
      );
    });
  });
}

/**
 * The races cluster mode brings: two store instances on one database (two pools, two connections),
 * called concurrently. Exactly one caller wins each case, clock, notification and mention.
 */
export function runRaceContract(getPair: () => [Store, Store], T0: string): void {
  describe('races between two store instances', () => {
    it('two callers opening the same case: exactly one case, one history entry, one notification', async () => {
      const [a, b] = getPair();
      for (let round = 0; round < 5; round++) {
        const ev = `race-ev${round}`;
        const results = await Promise.allSettled([a, b, a, b].map((s, i) => s.commitCaseChange(openCase(i % 2 ? `c_${ev}` : `c_${ev}_x${i}`, ev, T0))));
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, `round ${round}`);
        for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof ConflictError, String(r.reason));
        const won = await b.getCaseByEvent(ev);
        assert.ok(won);
        assert.equal(won.history.length, 1);
        assert.equal((await a.listNotifications(won.id)).length, 1);
      }
      assert.equal((await a.listCases({ limit: 100 })).total, 5);
    });

    it('two sweepers claiming the same clocks: each fires once', async () => {
      const [a, b] = getPair();
      await a.commitCaseChange(openCase('c_clk', 'ev-clk', T0));
      const due = await b.listDueClocks(plus(T0, 20), 10);
      assert.equal(due.length, 1);
      const wins = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).claimClock(due[0]!.id, plus(T0, 16))));
      assert.equal(wins.filter(Boolean).length, 1);
    });

    it('two dispatchers claiming the outbox: every notification goes to exactly one', async () => {
      const [a, b] = getPair();
      await a.commitCaseChange({
        ...openCase('c_out', 'ev-out', T0),
        notifications: Array.from({ length: 30 }, (_, i) => notification(`o${i}`, 'c_out', `c_out:k${i}`, T0)),
      });
      const batches = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).claimNotifications(7, lease(`d${i}`, plus(T0, 1)))));
      const ids = batches.flat().map((n) => n.id);
      assert.equal(ids.length, 30, 'all claimed');
      assert.equal(new Set(ids).size, 30, 'none twice');
    });

    it('two workers leasing the same mentions: every mention goes to exactly one', async () => {
      const [a, b] = getPair();
      const ids = await seedMentions(a, T0, 40, 'r');
      const won = await Promise.all([
        a.claimMentions(ids, lease('w1', T0)),
        b.claimMentions([...ids].reverse(), lease('w2', T0)),
        a.claimUnprocessedMentions(15, lease('w3', T0)),
        b.claimUnprocessedMentions(15, lease('w4', T0)),
      ]);
      const all = won.flat().map((m) => m.id);
      assert.equal(all.length, 40);
      assert.equal(new Set(all).size, 40);
    });

    it('withLock serializes a read-modify-write across instances', async () => {
      const [a, b] = getPair();
      await a.putSourceState('counter', { n: 0 }, T0);
      const bump = (s: Store) =>
        s.withLock('cluster:icbc', async () => {
          const cur = (await s.getSourceState('counter')) as { n: number };
          await s.putSourceState('counter', { n: cur.n + 1 }, T0);
        });
      await Promise.all(Array.from({ length: 12 }, (_, i) => bump(i % 2 ? a : b)));
      assert.deepEqual(await b.getSourceState('counter'), { n: 12 });
      await assert.rejects(
        a.withLock('cluster:icbc', async () => {
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.equal(await b.withLock('cluster:icbc', async () => 'free again'), 'free again');
    });
  });
}
