import assert from 'node:assert/strict';
import type { CaseClock } from '../../../lib/domain.js';
import { ConflictError } from '../../../lib/errors.js';
import type { CaseChange, Store } from '../../../store/store.js';
import { kase, notification, plus } from './fixtures.js';

/** Cases, clocks, outbox, sources, keys, rules and audit: part of runStoreContract. */
export function runCaseContract(getStore: () => Store, T0: string): void {
  const clock = (id: string, caseId: string, kind: CaseClock['kind'], dueAt: string): CaseClock => ({ id, caseId, kind, tier: 'L1', dueAt });
  const open = (id: string, at: string, over: Parameters<typeof kase>[3] = {}): CaseChange => ({
    case: kase(id, `ev-${id}`, at, over),
    history: [{ at, type: 'opened', tier: over.tier ?? 'L1', actor: 'system', reason: 'rule l1_single_complaint' }],
    scheduleClocks: [clock(`${id}-ack`, id, 'ack', plus(at, 15)), clock(`${id}-dl`, id, 'deadline', plus(at, 120))],
    cancelClockKinds: [],
    notifications: [notification(`${id}-n1`, id, `${id}:L1:opened:webhook:cs-desk`, at)],
  });

  describe('cases, clocks and outbox', () => {
    it('commits a case change atomically and appends history in order', async () => {
      const store = getStore();
      const created = await store.commitCaseChange(open('c1', T0));
      assert.equal(created.state, 'open');
      assert.deepEqual(
        created.history.map((h) => h.type),
        ['opened'],
      );
      const t1 = plus(T0, 5);
      const acked = await store.commitCaseChange({
        case: {
          ...created,
          state: 'acknowledged',
          acknowledgedAt: t1,
          updatedAt: t1,
          assignee: '张三',
          responses: [{ kind: 'reply_to_complainant', text: '已联系客户', actor: '张三', at: t1 }],
        },
        expectedUpdatedAt: created.updatedAt,
        history: [
          { at: t1, type: 'acknowledged', actor: '张三' },
          { at: t1, type: 'assigned', actor: '张三', data: { assignee: '张三' } },
        ],
        scheduleClocks: [],
        cancelClockKinds: ['ack'],
        notifications: [],
      });
      assert.deepEqual(
        acked.history.map((h) => h.type),
        ['opened', 'acknowledged', 'assigned'],
      );
      assert.deepEqual(acked.history[2]?.data, { assignee: '张三' });
      assert.equal(acked.responses[0]?.text, '已联系客户');
      assert.equal(acked.assignee, '张三');
      const clocks = await store.listClocks('c1');
      assert.equal(clocks.find((c) => c.kind === 'ack')?.cancelledAt, t1);
      assert.equal(clocks.find((c) => c.kind === 'deadline')?.cancelledAt, undefined);
      assert.deepEqual(await store.getCaseByEvent('ev-c1'), acked);
      assert.deepEqual(await store.getCase('c1'), acked);
    });

    it('stores complainants apart from authors and updates them with the case', async () => {
      const store = getStore();
      // 5 authors, one a media account and one a neutral poster: 3 complainants.
      const created = await store.commitCaseChange(open('cc1', T0, { mentionCount: 6, distinctAuthors: 5, distinctComplainants: 3, mediaCount: 1 }));
      assert.equal(created.distinctAuthors, 5);
      assert.equal(created.distinctComplainants, 3);
      const t1 = plus(T0, 5);
      const grown = await store.commitCaseChange({
        case: { ...created, mentionCount: 8, distinctAuthors: 7, distinctComplainants: 5, updatedAt: t1 },
        expectedUpdatedAt: created.updatedAt,
        history: [],
        scheduleClocks: [],
        cancelClockKinds: [],
        notifications: [],
      });
      assert.deepEqual([grown.distinctAuthors, grown.distinctComplainants], [7, 5]);
      assert.equal((await store.getCase('cc1'))?.distinctComplainants, 5);
      assert.equal((await store.getCaseByEvent('ev-cc1'))?.distinctComplainants, 5);
      for (const withHistory of [true, false]) {
        const listed = (await store.listCases({ limit: 10, withHistory })).items.find((c) => c.id === 'cc1');
        assert.deepEqual([listed?.distinctAuthors, listed?.distinctComplainants], [7, 5], `withHistory ${withHistory}`);
      }
      assert.equal((await store.listCasesOpenedBetween(T0, plus(T0, 1)))[0]?.distinctComplainants, 5);
    });

    it('throws ConflictError on a stale expectedUpdatedAt and leaves the case untouched', async () => {
      const store = getStore();
      const created = await store.commitCaseChange(open('c2', T0));
      const stale = { ...created, state: 'resolved' as const, updatedAt: plus(T0, 9) };
      await assert.rejects(
        store.commitCaseChange({
          case: stale,
          expectedUpdatedAt: plus(T0, -1),
          history: [{ at: plus(T0, 9), type: 'resolved' }],
          scheduleClocks: [],
          cancelClockKinds: [],
          notifications: [],
        }),
        ConflictError,
      );
      const now = await store.getCase('c2');
      assert.equal(now?.state, 'open');
      assert.equal(now?.history.length, 1);
    });

    it('promotes with a re-based deadline: cancels old clocks, keeps new ones, ignores duplicate notifications', async () => {
      const store = getStore();
      const created = await store.commitCaseChange(open('c3', T0));
      const t = plus(T0, 30);
      await store.commitCaseChange({
        case: { ...created, tier: 'L2', owner: 'pr', tierSince: t, deadlineAt: plus(t, 240), updatedAt: t },
        expectedUpdatedAt: created.updatedAt,
        history: [{ at: t, type: 'promoted', tier: 'L2', reason: '10 distinct complainants' }],
        scheduleClocks: [{ ...clock('c3-dl2', 'c3', 'deadline', plus(t, 240)), tier: 'L2' }],
        cancelClockKinds: ['deadline', 'ack'],
        notifications: [
          notification('c3-n1-again', 'c3', 'c3:L1:opened:webhook:cs-desk', t),
          { ...notification('c3-n2', 'c3', 'c3:L2:promoted:webhook:pr', t), tier: 'L2' },
        ],
      });
      const clocks = await store.listClocks('c3');
      assert.deepEqual(
        clocks.filter((c) => !c.cancelledAt).map((c) => c.id),
        ['c3-dl2'],
      );
      assert.deepEqual(
        (await store.listNotifications('c3')).map((n) => n.id),
        ['c3-n1', 'c3-n2'],
      );
      assert.equal(
        await store.enqueueNotifications([notification('d1', 'digest', 'digest:2025-11-22', t), notification('d2', 'digest', 'digest:2025-11-22', t)]),
        1,
      );
    });

    it('lists due clocks and lets exactly one caller claim each', async () => {
      const store = getStore();
      await store.commitCaseChange(open('c4', T0));
      assert.deepEqual(
        (await store.listDueClocks(plus(T0, 14), 10)).map((c) => c.id),
        [],
      );
      const due = await store.listDueClocks(plus(T0, 200), 10);
      assert.deepEqual(
        due.map((c) => c.id),
        ['c4-ack', 'c4-dl'],
      );
      const claims = await Promise.all(Array.from({ length: 5 }, () => store.claimClock('c4-ack', plus(T0, 16))));
      assert.equal(claims.filter(Boolean).length, 1);
      assert.equal(await store.claimClock('c4-ack', plus(T0, 17)), false);
      assert.deepEqual(
        (await store.listDueClocks(plus(T0, 200), 10)).map((c) => c.id),
        ['c4-dl'],
      );
      assert.equal((await store.listClocks('c4')).find((c) => c.id === 'c4-ack')?.firedAt, plus(T0, 16));
      // A cancelled clock cannot be claimed.
      const c = (await store.getCase('c4'))!;
      await store.commitCaseChange({
        case: { ...c, updatedAt: plus(T0, 20) },
        history: [],
        scheduleClocks: [],
        cancelClockKinds: ['deadline'],
        notifications: [],
      });
      assert.equal(await store.claimClock('c4-dl', plus(T0, 200)), false);
    });

    it('records notification attempts: retry, give up, sent', async () => {
      const store = getStore();
      await store.commitCaseChange({
        ...open('c5', T0),
        notifications: [notification('n-a', 'c5', 'k-a', T0), notification('n-b', 'c5', 'k-b', T0), notification('n-c', 'c5', 'k-c', plus(T0, 60))],
      });
      assert.deepEqual(
        (await store.listDueNotifications(T0, 10)).map((n) => n.id),
        ['n-a', 'n-b'],
      );
      await store.recordNotificationAttempt('n-a', { ok: false, at: T0, error: 'HTTP 502', nextAttemptAt: plus(T0, 1) });
      await store.recordNotificationAttempt('n-b', { ok: true, at: T0 });
      assert.deepEqual(
        (await store.listDueNotifications(T0, 10)).map((n) => n.id),
        [],
      );
      await store.recordNotificationAttempt('n-a', { ok: false, at: plus(T0, 1), error: 'HTTP 502' });
      const all = await store.listNotifications('c5');
      const a = all.find((n) => n.id === 'n-a')!;
      assert.deepEqual([a.status, a.attempts, a.lastError], ['failed', 2, 'HTTP 502']);
      const b = all.find((n) => n.id === 'n-b')!;
      assert.deepEqual([b.status, b.attempts, b.sentAt], ['sent', 1, T0]);
      assert.deepEqual(
        (await store.listDueNotifications(plus(T0, 60), 10)).map((n) => n.id),
        ['n-c'],
      );
    });

    it('lists cases by filters, active and overdue, with a keyset cursor', async () => {
      const store = getStore();
      await store.commitCaseChange(open('k1', T0));
      await store.commitCaseChange(open('k2', plus(T0, 10), { tier: 'L2', owner: 'pr', institution: 'ccb' }));
      await store.commitCaseChange(open('k3', plus(T0, 20), { state: 'resolved', resolvedAt: plus(T0, 25) }));
      await store.commitCaseChange(open('k4', plus(T0, 30), { state: 'acknowledged', acknowledgedAt: plus(T0, 31) }));
      const ids = async (q: Parameters<Store['listCases']>[0]) => (await store.listCases(q)).items.map((c) => c.id);
      assert.deepEqual(await ids({ limit: 10 }), ['k4', 'k3', 'k2', 'k1']);
      assert.deepEqual(await ids({ limit: 10, state: 'active' }), ['k4', 'k2', 'k1']);
      assert.deepEqual(await ids({ limit: 10, tier: 'L2' }), ['k2']);
      assert.deepEqual(await ids({ limit: 10, owner: 'pr', institution: 'ccb' }), ['k2']);
      // At +40: k1 and k2 missed the 15-minute ack; k4 was acknowledged; k3 is resolved.
      assert.deepEqual(await ids({ limit: 10, overdueAt: plus(T0, 40) }), ['k2', 'k1']);
      // At +145: k4's 2-hour deadline has passed too.
      assert.deepEqual(await ids({ limit: 10, overdueAt: plus(T0, 151) }), ['k4', 'k2', 'k1']);
      const p1 = await store.listCases({ limit: 3 });
      assert.equal(p1.total, 4);
      const p2 = await store.listCases({ limit: 3, cursor: p1.nextCursor });
      assert.deepEqual(
        p2.items.map((c) => c.id),
        ['k1'],
      );
      assert.equal(p2.nextCursor, undefined);
      assert.equal(p1.items[0]?.history[0]?.type, 'opened');
      assert.deepEqual(
        (await store.listCasesOpenedBetween(plus(T0, 10), plus(T0, 30))).map((c) => c.id),
        ['k2', 'k3'],
      );
    });

    it('lists without history or total when asked, with the same cases and cursor', async () => {
      const store = getStore();
      await store.commitCaseChange(open('m1', T0, { institution: 'icbc', title: '工商银行信用卡年费乱收费' }));
      await store.commitCaseChange(open('m2', plus(T0, 10), { tier: 'L2', owner: 'pr', assignee: '王芳', institution: 'icbc' }));
      await store.commitCaseChange(open('m3', plus(T0, 20), { state: 'resolved', resolvedAt: plus(T0, 25), institution: 'icbc' }));
      await store.commitCaseChange(open('m4', plus(T0, 30), { state: 'responded', respondedAt: plus(T0, 32), institution: 'icbc' }));
      const full = await store.listCases({ state: 'active', institution: 'icbc', limit: 2 });
      assert.equal(full.total, 3);
      assert.equal(full.items[0]?.history[0]?.type, 'opened');
      const lean = await store.listCases({ state: 'active', institution: 'icbc', limit: 2, withHistory: false, withTotal: false });
      assert.equal(lean.total, undefined);
      assert.equal(lean.nextCursor, full.nextCursor);
      assert.deepEqual(
        lean.items,
        full.items.map((c) => ({ ...c, history: [] })),
      );
      assert.equal(lean.items[1]?.assignee, '王芳');
      assert.equal(lean.items[0]?.respondedAt, plus(T0, 32));
      // A later page: the same filter shape with a cursor, and the count only when asked.
      const rest = await store.listCases({ state: 'active', institution: 'icbc', limit: 2, cursor: lean.nextCursor, withHistory: false });
      assert.deepEqual(
        rest.items.map((c) => [c.id, c.history.length]),
        [['m1', 0]],
      );
      assert.equal(rest.total, 3);
      assert.equal(rest.nextCursor, undefined);
      // Same shape, other values: the cached statement is re-bound, not reused with stale values.
      assert.deepEqual((await store.listCases({ state: 'active', institution: 'ccb', limit: 2, withHistory: false })).items, []);
      assert.deepEqual(
        (await store.listCases({ state: 'resolved', institution: 'icbc', limit: 5, withHistory: false })).items.map((c) => c.id),
        ['m3'],
      );
    });
  });

  describe('sources, keys, rules, audit', () => {
    it('stores source cursors and health', async () => {
      const store = getStore();
      assert.equal(await store.getCursor('weibo', '工商银行'), undefined);
      await store.setCursor({ source: 'weibo', query: '工商银行', lastId: '4979871234567890123', lastPublishedAt: T0, updatedAt: T0 });
      await store.setCursor({ source: 'weibo', query: '工商银行', lastId: '4979871234567899999', updatedAt: plus(T0, 1) });
      assert.deepEqual(await store.getCursor('weibo', '工商银行'), {
        source: 'weibo',
        query: '工商银行',
        lastId: '4979871234567899999',
        updatedAt: plus(T0, 1),
      });
      const h = {
        source: 'heimao',
        status: 'blocked' as const,
        consecutiveFailures: 3,
        blockedUntil: plus(T0, 30),
        itemsFetched: 12,
        itemsMalformed: 1,
        running: false,
      };
      await store.saveSourceHealth(h);
      await store.saveSourceHealth({ ...h, source: 'weibo', status: 'ok', consecutiveFailures: 0 });
      assert.deepEqual(await store.getSourceHealth('heimao'), h);
      assert.deepEqual(
        (await store.listSourceHealth()).map((x) => x.source),
        ['heimao', 'weibo'],
      );
    });

    it('creates, finds, touches and revokes API keys', async () => {
      const store = getStore();
      await store.createApiKey({ id: 'k1', name: '数据团队', role: 'consumer', hash: 'a'.repeat(64), prefix: 'yr_ab12', createdAt: T0 });
      await store.createApiKey({ id: 'k2', name: '公关部', role: 'pr', hash: 'b'.repeat(64), prefix: 'yr_cd34', createdAt: plus(T0, 1) });
      assert.equal((await store.findApiKeyByHash('a'.repeat(64)))?.id, 'k1');
      assert.equal(await store.findApiKeyByHash('c'.repeat(64)), undefined);
      await store.touchApiKey('k1', plus(T0, 5));
      assert.equal((await store.findApiKeyByHash('a'.repeat(64)))?.lastUsedAt, plus(T0, 5));
      assert.equal(await store.revokeApiKey('k2', plus(T0, 6)), true);
      assert.equal(await store.revokeApiKey('k2', plus(T0, 7)), false);
      assert.equal(await store.revokeApiKey('nope', plus(T0, 7)), false);
      const keys = await store.listApiKeys();
      assert.deepEqual(
        keys.map((k) => [k.id, k.revokedAt]),
        [
          ['k1', undefined],
          ['k2', plus(T0, 6)],
        ],
      );
    });

    it('versions rule sets', async () => {
      const store = getStore();
      assert.equal(await store.getRuleSet('escalation'), undefined);
      assert.equal(await store.saveRuleSet('escalation', 'rules: []\n', 'admin', T0), 1);
      assert.equal(await store.saveRuleSet('escalation', 'rules:\n  - id: l2\n', '李四', plus(T0, 1)), 2);
      assert.equal(await store.saveRuleSet('other', 'x: 1\n', 'admin', T0), 1);
      assert.deepEqual(await store.getRuleSet('escalation'), { version: 2, yaml: 'rules:\n  - id: l2\n', savedAt: plus(T0, 1), actor: '李四' });
    });

    it('appends audit entries and lists them newest first', async () => {
      const store = getStore();
      await store.appendAudit({ at: T0, actor: 'system', action: 'case.opened', target: 'case:c1', data: { rule: 'l1', mentions: ['weibo:1'] } });
      await store.appendAudit({ at: plus(T0, 1), actor: '张三', action: 'case.acknowledged', target: 'case:c1' });
      await store.appendAudit({ at: plus(T0, 2), actor: 'admin', action: 'rules.saved', target: 'rules:escalation' });
      const c1 = await store.listAudit('case:c1', 10);
      assert.deepEqual(
        c1.map((e) => e.action),
        ['case.acknowledged', 'case.opened'],
      );
      assert.deepEqual(c1[1]?.data, { rule: 'l1', mentions: ['weibo:1'] });
      assert.equal(typeof c1[0]?.id, 'number');
      assert.deepEqual(
        (await store.listAudit(undefined, 2)).map((e) => e.action),
        ['rules.saved', 'case.acknowledged'],
      );
    });
  });
}
