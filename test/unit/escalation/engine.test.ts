import assert from 'node:assert/strict';
import { evaluate, matchesTrigger, sourceTypeOf } from '../../../escalation/engine.js';
import { parseRules } from '../../../escalation/rules.js';
import { HOUR, MINUTE } from '../../../lib/clock.js';
import type { Case, CaseClock, Tier } from '../../../lib/domain.js';
import { makeEvent, shippedRules, T0 } from './helpers.js';

const rules = shippedRules();
const now = new Date(T0);

function caseAt(tier: Tier, over: Partial<Case> = {}): Case {
  const owner = tier === 'L1' ? 'customer_service' : tier === 'L2' ? 'pr' : 'executive';
  const ruleId = tier === 'L1' ? 'l1_single_complaint' : tier === 'L2' ? 'l2_many_complainants' : 'l3_media_coverage';
  return {
    id: 'c_e_cardfee_1',
    eventId: 'e_cardfee_1',
    tier,
    owner,
    state: 'open',
    institution: 'example_bank',
    title: '示例银行信用卡年费未经同意扣款',
    topics: ['fees'],
    openedAt: T0,
    updatedAt: T0,
    tierSince: T0,
    ruleId,
    mentionCount: 1,
    distinctAuthors: 1,
    distinctComplainants: 1,
    mediaCount: 0,
    responses: [],
    history: [{ at: T0, type: 'opened', tier, actor: 'system' }],
    breachedTiers: [],
    ...over,
  };
}

function clock(kind: CaseClock['kind'], tier: Tier, dueMinutes: number): CaseClock {
  return { id: `c:${tier}:${kind}`, caseId: 'c_e_cardfee_1', kind, tier, dueAt: new Date(now.getTime() + dueMinutes * MINUTE).toISOString() };
}

describe('escalation engine', () => {
  describe('event updates', () => {
    it('opens L1 for a single negative complaint, with rule id and counts as the reason', () => {
      const d = evaluate({ event: makeEvent(), rules, now });
      assert.deepEqual(d, [
        {
          type: 'open',
          tier: 'L1',
          owner: 'customer_service',
          ruleId: 'l1_single_complaint',
          reason: 'l1_single_complaint: 1 distinct complainants, 1 mentions, 1 negative, 0 media',
        },
      ]);
    });

    it('opens nothing for neutral or positive coverage', () => {
      assert.deepEqual(evaluate({ event: makeEvent({ negativeCount: 0, distinctComplainants: 0 }), rules, now }), []);
    });

    it('keeps ten posts by ONE author at L1 (distinct complainants, not posts)', () => {
      const event = makeEvent({ mentionCount: 10, negativeCount: 10, distinctAuthors: 1, distinctComplainants: 1, lastHourCount: 10 });
      assert.deepEqual(evaluate({ event, case: caseAt('L1'), rules, now }), []);
    });

    it('promotes in place at the tenth distinct complainant, and never demotes', () => {
      const event = makeEvent({ mentionCount: 12, negativeCount: 12, distinctAuthors: 10, distinctComplainants: 10 });
      const d = evaluate({
        event,
        case: caseAt('L1', {
          history: [
            { at: T0, type: 'opened', tier: 'L1' },
            { at: T0, type: 'early_warning', data: { ruleId: 'ew_complaints_climbing' } },
          ],
        }),
        rules,
        now,
      });
      assert.deepEqual(
        d.map((x) => x.type),
        ['promote'],
      );
      assert.deepEqual(d[0], {
        type: 'promote',
        from: 'L1',
        to: 'L2',
        owner: 'pr',
        ruleId: 'l2_many_complainants',
        reason: 'l2_many_complainants: 10 distinct complainants, 12 mentions, 12 negative, 0 media',
      });
      // The same event seen by an L3 case changes nothing.
      assert.deepEqual(
        evaluate({
          event,
          case: caseAt('L3', {
            history: [
              { at: T0, type: 'opened', tier: 'L1' },
              { at: T0, type: 'promoted', tier: 'L2' },
              { at: T0, type: 'promoted', tier: 'L3' },
            ],
          }),
          rules,
          now,
        }),
        [],
      );
    });

    it('opens directly at L3 on media coverage and inhibits the skipped lower tiers once', () => {
      const event = makeEvent({ mentionCount: 14, negativeCount: 14, distinctComplainants: 11, mediaCount: 1, sources: ['heimao', 'rss:finance'] });
      const d = evaluate({ event, rules, now });
      assert.deepEqual(
        d.map((x) => `${x.type}:${'tier' in x ? x.tier : ''}`),
        ['open:L3', 'inhibit:L1', 'inhibit:L2'],
      );
      const opened = caseAt('L3', {
        history: [
          { at: T0, type: 'opened', tier: 'L3' },
          { at: T0, type: 'inhibited', tier: 'L1' },
          { at: T0, type: 'inhibited', tier: 'L2' },
        ],
      });
      assert.deepEqual(evaluate({ event: { ...event, distinctComplainants: 30 }, case: opened, rules, now }), [], 'no second inhibit, no lower page');
    });

    it('escalates 挤兑 rumours to L3 even without negative sentiment labels', () => {
      const d = evaluate({ event: makeEvent({ negativeCount: 0, distinctComplainants: 0, runRumour: true, sources: ['weibo'] }), rules, now });
      assert.equal(d[0]?.type, 'open');
      assert.equal(d[0]?.type === 'open' && d[0].ruleId, 'l3_run_rumour');
      assert.equal(d[0]?.type === 'open' && d[0].owner, 'executive');
    });

    it('puts a negative issue that names a regulator at least at L2', () => {
      const d = evaluate({ event: makeEvent({ regulatorMentioned: true }), rules, now });
      assert.equal(d[0]?.type === 'open' && `${d[0].tier}/${d[0].ruleId}`, 'L2/l2_regulator_mentioned');
      assert.deepEqual(d.slice(1), [{ type: 'inhibit', tier: 'L1', ruleId: 'l1_single_complaint', reason: 'l1_single_complaint (L1) inhibited: case is L2' }]);
    });

    it('warns early once when complaints climb to 5 within 2 h, but not once the case is L2', () => {
      const event = makeEvent({ mentionCount: 6, negativeCount: 6, distinctComplainants: 5 });
      const d = evaluate({ event, case: caseAt('L1'), rules, now, facts: { complainantsWithin: { '2': 5 } } });
      assert.deepEqual(
        d.map((x) => x.type),
        ['early_warning'],
      );
      assert.equal(d[0]?.type === 'early_warning' && d[0].owner, 'pr');
      const warned = caseAt('L1', {
        history: [
          { at: T0, type: 'opened', tier: 'L1' },
          { at: T0, type: 'early_warning', tier: 'L1', data: { ruleId: 'ew_complaints_climbing' } },
        ],
      });
      assert.deepEqual(evaluate({ event: { ...event, distinctComplainants: 7 }, case: warned, rules, now }), [], 'once per event');
      // 5 complainants over the whole event but only 2 in the last two hours: no warning.
      assert.deepEqual(evaluate({ event, case: caseAt('L1'), rules, now, facts: { complainantsWithin: { '2': 2 } } }), []);
      const promoted = caseAt('L2', {
        history: [
          { at: T0, type: 'opened', tier: 'L1' },
          { at: T0, type: 'promoted', tier: 'L2' },
        ],
      });
      assert.deepEqual(evaluate({ event: { ...event, distinctComplainants: 12 }, case: promoted, rules, now }), [], 'moot once L2');
    });

    it('evaluates velocity, source types, topics and institutions', () => {
      const set = parseRules(`
rules:
  - id: surge
    label: 热度激增
    kind: early_warning
    tier: L2
    owner: pr
    trigger: { velocity: { factor: 3, min: 5 }, sourceTypes: [social], topics: [violent_collection, fees], institutions: [example_bank] }
`);
      const trigger = set.rules[0]!.trigger;
      const at = new Date(Date.parse(T0) + 5 * HOUR);
      // 5 h old, 20 mentions before the last hour (5/h baseline): 15 in the last hour is 3×.
      const hot = makeEvent({ sources: ['weibo'], mentionCount: 35, lastHourCount: 15 });
      assert.equal(matchesTrigger(trigger, hot, at), true);
      assert.equal(matchesTrigger(trigger, { ...hot, lastHourCount: 14, mentionCount: 34 }, at), false, 'below 3× baseline');
      assert.equal(matchesTrigger(trigger, { ...hot, sources: ['heimao'] }, at), false, 'complaint source only');
      assert.equal(matchesTrigger(trigger, hot, at, { sourceTypes: ['complaint'] }), false, 'facts override source ids');
      assert.equal(matchesTrigger(trigger, { ...hot, topics: ['wealth_loss'] }, at), false);
      assert.equal(matchesTrigger(trigger, { ...hot, institution: 'icbc' }, at), false);
      assert.equal(matchesTrigger(trigger, makeEvent({ sources: ['weibo'], mentionCount: 4, lastHourCount: 4 }), now), false, 'minimum 5');
      assert.deepEqual(['weibo', 'weibo-comments', 'douyin', 'appstore', 'heimao', 'jutousu', 'rss:people-finance', 'cls'].map(sourceTypeOf), [
        'social',
        'social',
        'social',
        'social',
        'complaint',
        'complaint',
        'news',
        'news',
      ]);
    });
  });

  describe('due clocks', () => {
    it('reminds on an unacknowledged ack clock, then pages the manager', () => {
      assert.deepEqual(
        evaluate({ event: makeEvent(), case: caseAt('L1'), clock: clock('ack', 'L1', 30), rules, now: new Date(now.getTime() + 30 * MINUTE) }).map(
          (d) => d.type,
        ),
        ['ack_reminder'],
      );
      assert.deepEqual(
        evaluate({ event: makeEvent(), case: caseAt('L1'), clock: clock('ack_manager', 'L1', 60), rules, now: new Date(now.getTime() + 75 * MINUTE) }),
        [{ type: 'ack_manager', tier: 'L1', reason: `L1 not acknowledged by ${clock('ack_manager', 'L1', 60).dueAt} (fired 15 min late)` }],
      );
      assert.deepEqual(evaluate({ event: makeEvent(), case: caseAt('L1', { state: 'acknowledged' }), clock: clock('ack', 'L1', 30), rules, now }), []);
    });

    it('breaches a missed L1 deadline once and promotes to L2', () => {
      const d = evaluate({ event: makeEvent(), case: caseAt('L1', { state: 'acknowledged' }), clock: clock('deadline', 'L1', 120), rules, now });
      assert.deepEqual(
        d.map((x) => x.type),
        ['breach', 'promote'],
      );
      assert.deepEqual(d[1], {
        type: 'promote',
        from: 'L1',
        to: 'L2',
        owner: 'pr',
        ruleId: 'l2_many_complainants',
        reason: 'breach of L1 deadline: l1_single_complaint → L2',
      });
      assert.deepEqual(
        evaluate({ event: makeEvent(), case: caseAt('L1', { breachedTiers: ['L1'] }), clock: clock('deadline', 'L1', 120), rules, now }),
        [],
        'exactly once',
      );
      assert.deepEqual(
        evaluate({ event: makeEvent(), case: caseAt('L1', { state: 'responded' }), clock: clock('deadline', 'L1', 120), rules, now }),
        [],
        'met',
      );
      assert.deepEqual(evaluate({ event: makeEvent(), case: caseAt('L2'), clock: clock('deadline', 'L1', 120), rules, now }), [], 'stale tier');
    });

    it('pages the executive role again on a missed L3 deadline', () => {
      const d = evaluate({ event: makeEvent(), case: caseAt('L3'), clock: clock('deadline', 'L3', 60), rules, now });
      assert.deepEqual(d, [
        { type: 'breach', tier: 'L3', ruleId: 'l3_media_coverage', nextRole: 'executive', reason: `L3 deadline ${clock('deadline', 'L3', 60).dueAt} missed` },
      ]);
    });
  });
});
