import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { attributionReport, buildDigest, dayBounds, monthBounds, shanghaiDate, slaReport } from '../../../escalation/reports.js';
import type { Case, Event } from '../../../lib/domain.js';

const T0 = '2025-11-22T02:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

function kase(id: string, over: Partial<Case> = {}): Case {
  const openedAt = over.openedAt ?? at(0);
  return {
    id,
    eventId: `ev_${id}`,
    tier: 'L1',
    owner: 'customer_service',
    state: 'open',
    institution: 'example_bank',
    title: '示例银行信用卡年费乱收费',
    topics: [],
    openedAt,
    updatedAt: openedAt,
    tierSince: openedAt,
    ackDueAt: new Date(Date.parse(openedAt) + 30 * 60_000).toISOString(),
    deadlineAt: new Date(Date.parse(openedAt) + 120 * 60_000).toISOString(),
    mentionCount: 1,
    distinctAuthors: 1,
    distinctComplainants: 1,
    mediaCount: 0,
    responses: [],
    history: [{ at: openedAt, type: 'opened', tier: over.tier ?? 'L1' }],
    breachedTiers: [],
    ...over,
  };
}

describe('escalation/reports', () => {
  describe('slaReport', () => {
    const cases = [
      kase('a', { state: 'resolved', acknowledgedAt: at(10), respondedAt: at(60) }),
      kase('b', { state: 'responded', acknowledgedAt: at(20), respondedAt: at(150) }),
      kase('c', { state: 'open' }),
      kase('d', { openedAt: at(-300), state: 'acknowledged', acknowledgedAt: at(-290), tier: 'L2', owner: 'pr', deadlineAt: at(-60), breachedTiers: ['L2'] }),
      kase('e', { tier: 'L3', owner: 'executive', deadlineAt: undefined }),
    ];
    const now = new Date(at(200));
    const report = slaReport(cases, now);
    const l1 = report.tiers.find((t) => t.tier === 'L1')!;

    it('averages time to acknowledge and respond from opening, per tier', () => {
      assert.equal(l1.cases, 3);
      assert.equal(l1.acknowledged, 2);
      assert.equal(l1.meanTimeToAcknowledgeMinutes, 15);
      assert.equal(l1.meanTimeToRespondMinutes, 105);
      assert.equal(l1.label, '轻度');
    });

    it('counts within-deadline share over decided cases and breaches (late, missing, escalated)', () => {
      assert.equal(l1.due, 3, 'a and b responded, c passed its deadline');
      assert.equal(l1.withinDeadline, 1);
      assert.equal(l1.withinDeadlinePct, 33.3);
      assert.equal(l1.breaches, 2);
      const l2 = report.tiers.find((t) => t.tier === 'L2')!;
      assert.equal(l2.breaches, 1);
      assert.equal(l2.withinDeadlinePct, 0);
      const l3 = report.tiers.find((t) => t.tier === 'L3')!;
      assert.equal(l3.withinDeadlinePct, null);
      assert.equal(l3.meanTimeToAcknowledgeMinutes, null);
      assert.equal(report.total.cases, 5);
      assert.equal(report.total.open, 4, 'responded cases are still active');
    });
  });

  describe('attributionReport', () => {
    const info = (id: string) =>
      ({
        annual_fee: { businessLine: 'credit_card', cause: 'fees', label: '年费争议' },
        rude_staff: { businessLine: 'branch_service', cause: 'service_attitude', label: '服务态度' },
        app_down: { businessLine: 'digital', cause: 'system_failure', label: '系统故障' },
      })[id];

    it('builds the business line × cause matrix of the month (Asia/Shanghai) with Chinese labels', () => {
      const cases = [
        kase('a', { topics: ['annual_fee'], openedAt: '2025-10-31T16:00:00.000Z' }),
        kase('b', { topics: ['annual_fee'], tier: 'L2' }),
        kase('c', { topics: ['rude_staff', 'app_down'] }),
        kase('d', { topics: ['unknown_topic'] }),
        kase('e', { topics: ['annual_fee'], openedAt: '2025-10-31T15:59:59.000Z' }),
      ];
      const r = attributionReport(cases, '2025-11', info);
      assert.equal(r.totalCases, 4, 'e was opened on 31 October in Shanghai');
      const fee = r.cells.find((c) => c.businessLine === 'credit_card' && c.cause === 'fees')!;
      assert.equal(fee.count, 2);
      assert.deepEqual(fee.byTier, { L1: 1, L2: 1, L3: 0 });
      assert.deepEqual(r.businessLines[0], { id: 'credit_card', label: '信用卡', count: 2 });
      assert.ok(r.causes.some((c) => c.id === 'system_failure' && c.label === '系统故障' && c.count === 1));
      assert.ok(r.cells.some((c) => c.businessLine === 'other' && c.cause === 'other' && c.count === 1));
      assert.ok(!r.cells.some((c) => c.businessLine === 'branch_service' && c.cause === 'system_failure'), 'pairs come from one topic');
    });

    it('uses topic ids naming a business line or cause when no topic info is wired', () => {
      const r = attributionReport([kase('a', { topics: ['credit_card', 'collection'] })], '2025-11');
      assert.deepEqual(
        r.cells.map((c) => [c.businessLine, c.cause]),
        [['credit_card', 'collection']],
      );
      assert.equal(r.causes[0]!.label, '暴力催收');
    });
  });

  describe('dates', () => {
    it('uses Asia/Shanghai calendar bounds and rejects impossible dates', () => {
      assert.deepEqual(dayBounds('2025-11-22'), { from: '2025-11-21T16:00:00.000Z', to: '2025-11-22T16:00:00.000Z' });
      assert.deepEqual(monthBounds('2025-12'), { from: '2025-11-30T16:00:00.000Z', to: '2025-12-31T16:00:00.000Z' });
      assert.equal(shanghaiDate(new Date('2025-11-21T16:30:00Z')), '2025-11-22');
      assert.throws(() => dayBounds('2025-02-30'), RangeError);
      assert.throws(() => monthBounds('2025-13'), RangeError);
    });
  });

  describe('buildDigest', () => {
    const ev = (id: string, negativeCount: number, title: string): Event =>
      ({ id, institution: 'example_bank', title, negativeCount, mentionCount: negativeCount + 2, firstSeenAt: at(-60), lastSeenAt: at(-30) }) as Event;

    it('summarises new cases by opening tier, promotions, breaches, top negative events and net sentiment vs the week', () => {
      const cases = [
        kase('a', {
          tier: 'L3',
          history: [
            { at: at(0), type: 'opened', tier: 'L1' },
            { at: at(30), type: 'promoted', tier: 'L3' },
          ],
        }),
        kase('b'),
        kase('old', {
          openedAt: at(-3000),
          history: [
            { at: at(-3000), type: 'opened', tier: 'L1' },
            { at: at(40), type: 'deadline_breach', tier: 'L1' },
          ],
        }),
      ];
      const d = buildDigest({
        date: '2025-11-22',
        cases,
        events: [ev('e1', 3, '信用卡年费争议'), ev('e2', 9, '理财亏损'), ev('e3', 0, '中性新闻')],
        day: { negative: 6, neutral: 2, positive: 2, total: 10 },
        previousDays: [
          { negative: 1, neutral: 2, positive: 1, total: 4 },
          { negative: 0, neutral: 0, positive: 0, total: 0 },
          { negative: 2, neutral: 0, positive: 2, total: 4 },
        ],
        institutionName: () => '示例银行',
      });
      assert.deepEqual(d.newCases, { L1: 2, L2: 0, L3: 0, total: 2 });
      assert.equal(d.promotions, 1);
      assert.deepEqual(
        d.breaches.map((b) => b.caseId),
        ['old'],
      );
      assert.deepEqual(
        d.topNegativeEvents.map((e) => e.id),
        ['e2', 'e1'],
      );
      assert.equal(d.sentiment.netSentiment, -0.4);
      assert.equal(d.sentiment.sevenDayAverage, 0);
      assert.equal(d.sentiment.delta, -0.4);
      assert.match(d.lines[0]!, /新增案件 2 件（轻度 2、中度 0、重度 0），升级 1 次，超时 1 次/);
      assert.match(d.lines[1]!, /下降 0\.4/);
      assert.match(d.lines[2]!, /示例银行「理财亏损」负面 9 条/);
    });
  });
});
