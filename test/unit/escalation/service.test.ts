import assert from 'node:assert/strict';
import { MINUTE } from '../../../lib/clock.js';
import type { Case, Event } from '../../../lib/domain.js';
import { analysis, mention } from '../store/fixtures.js';
import { type Harness, harness, makeEvent, outbox, T0 } from './helpers.js';

const at = (minutes: number) => new Date(Date.parse(T0) + minutes * MINUTE).toISOString();

function trail(c: Case): string[] {
  return c.history.map((h) => `${h.at.slice(11, 16)} ${h.type} ${h.tier ?? '-'} ${h.actor ?? '-'} ${String(h.data?.ruleId ?? '-')}`);
}

describe('escalation service (real SQLite store)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });
  afterEach(async () => {
    await h.store.close();
  });

  it('runs the demo scenario: L1 → early warning → L2 at the tenth distinct complainant → L3 on media, in one case', async () => {
    const c1 = await h.service.onEventUpdated(makeEvent());
    assert.ok(c1);
    assert.equal(c1.id, 'c_e_cardfee_1');
    assert.deepEqual([c1.tier, c1.owner, c1.state, c1.ackDueAt, c1.deadlineAt], ['L1', 'customer_service', 'open', at(30), at(120)]);
    assert.deepEqual(outbox(await h.store.listNotifications(c1.id)), ['opened L1 email wangfang@bank.example', 'opened L1 wecom role:customer_service']);
    assert.deepEqual(
      (await h.store.listClocks(c1.id)).map((k) => `${k.kind} ${k.tier} ${k.dueAt}`),
      [`ack L1 ${at(30)}`, `ack_manager L1 ${at(60)}`, `deadline L1 ${at(120)}`],
    );

    h.clock.set(at(20));
    const c2 = await h.service.onEventUpdated(
      makeEvent({ mentionCount: 6, negativeCount: 6, distinctAuthors: 5, distinctComplainants: 5, lastSeenAt: at(20) }),
    );
    assert.equal(c2?.tier, 'L1');
    assert.equal(c2?.mentionCount, 6);

    h.clock.set(at(40));
    const ten = makeEvent({ mentionCount: 13, negativeCount: 13, distinctAuthors: 10, distinctComplainants: 10, lastSeenAt: at(40) });
    const c3 = await h.service.onEventUpdated(ten);
    assert.equal(c3?.id, c1.id, 'promoted in place');
    assert.deepEqual([c3?.tier, c3?.owner, c3?.state, c3?.tierSince, c3?.ackDueAt, c3?.deadlineAt], ['L2', 'pr', 'open', at(40), at(60), at(280)]);

    h.clock.set(at(60));
    const media = makeEvent({
      mentionCount: 15,
      negativeCount: 15,
      distinctAuthors: 11,
      distinctComplainants: 10,
      mediaCount: 1,
      sources: ['heimao', 'rss:finance'],
      lastSeenAt: at(60),
    });
    const c4 = await h.service.onEventUpdated(media);
    assert.deepEqual([c4?.tier, c4?.owner, c4?.deadlineAt, c4?.mediaCount], ['L3', 'executive', at(120), 1]);
    assert.deepEqual([c4?.distinctAuthors, c4?.distinctComplainants], [11, 10], 'the media author is no complainant');

    const final = (await h.store.getCase(c1.id))!;
    assert.deepEqual(trail(final), [
      '02:00 opened L1 system l1_single_complaint',
      '02:20 early_warning L1 system ew_complaints_climbing',
      '02:40 promoted L2 system l2_many_complainants',
      '03:00 promoted L3 system l3_media_coverage',
    ]);
    assert.equal(final.history[2]?.reason, 'l2_many_complainants: 10 distinct complainants, 13 mentions, 13 negative, 0 media');
    assert.equal(final.history[2]?.data?.from, 'L1');
    assert.deepEqual(outbox(await h.store.listNotifications(c1.id)), [
      'early_warning L1 dingtalk role:pr',
      'early_warning L1 email liqiang@bank.example',
      'early_warning L1 email liuyang@bank.example',
      'opened L1 email wangfang@bank.example',
      'opened L1 wecom role:customer_service',
      'opened L2 dingtalk role:pr',
      'opened L2 email liqiang@bank.example',
      'opened L2 email liuyang@bank.example',
      'opened L3 email chen@bank.example',
      'opened L3 email role:compliance',
      'opened L3 sms 13900000001',
      'promoted L2 email wangfang@bank.example',
      'promoted L2 wecom role:customer_service',
      'promoted L3 dingtalk role:pr',
      'promoted L3 email liqiang@bank.example',
      'promoted L3 email liuyang@bank.example',
    ]);
    // Old tiers' clocks are cancelled; the live ones belong to L3, re-based at the promotion.
    const live = (await h.store.listClocks(c1.id)).filter((k) => !k.cancelledAt && !k.firedAt).map((k) => `${k.kind} ${k.tier} ${k.dueAt}`);
    assert.deepEqual(live, [`ack L3 ${at(70)}`, `ack_manager L3 ${at(80)}`, `deadline L3 ${at(120)}`]);
    assert.deepEqual(
      h.published.map((m) => (m.type === 'case.changed' ? `${m.change}:${m.case.tier}` : m.type)),
      ['opened:L1', 'early_warning:L1', 'promoted:L2', 'promoted:L3'],
    );

    // Re-evaluating the same event (a restart's recovery) changes nothing and sends nothing.
    const before = (await h.store.listNotifications(c1.id)).length;
    const again = await h.service.onEventUpdated(media);
    assert.equal(again?.history.length, 4);
    assert.equal((await h.store.listNotifications(c1.id)).length, before);
  });

  it('writes Chinese, PII-free messages with Beijing-time deadline and a case link', async () => {
    const c = (await h.service.onEventUpdated(makeEvent()))!;
    const n = (await h.store.listNotifications(c.id)).find((x) => x.channel === 'email')!;
    assert.equal(n.idempotencyKey, 'c_e_cardfee_1:L1:opened:email:wangfang@bank.example');
    assert.equal(n.subject, '【舆情L1 轻度】示例银行：示例银行信用卡年费未经同意扣款｜新舆情案件，请客服部立即受理');
    assert.match(n.body, /@王芳/);
    assert.match(n.body, /\*\*提及数\*\*：1　\*\*投诉人数\*\*：1　\*\*媒体报道\*\*：0/);
    assert.match(n.body, /\*\*处置时限\*\*：2025-11-22 12:00（北京时间）/);
    assert.match(n.body, /\*\*要求\*\*：回复投诉人/);
    assert.match(n.body, /\[查看案件\]\(https:\/\/radar\.bank\.example\/#\/cases\/c_e_cardfee_1\)/);
    assert.equal(n.status, 'pending');
  });

  it('keeps ten posts by ONE author at L1 and only refreshes the counts', async () => {
    await h.service.onEventUpdated(makeEvent());
    const c = await h.service.onEventUpdated(
      makeEvent({ mentionCount: 10, negativeCount: 10, distinctAuthors: 1, distinctComplainants: 1, lastHourCount: 10 }),
    );
    assert.deepEqual([c?.tier, c?.mentionCount, c?.history.length], ['L1', 10, 1]);
    assert.deepEqual(outbox(await h.store.listNotifications(c!.id)), ['opened L1 email wangfang@bank.example', 'opened L1 wecom role:customer_service']);
  });

  it('inhibits lower-tier pages when an issue arrives at L3, and never pages them later', async () => {
    const c = (await h.service.onEventUpdated(
      makeEvent({ mentionCount: 14, negativeCount: 14, distinctAuthors: 12, distinctComplainants: 12, mediaCount: 2 }),
    ))!;
    assert.deepEqual(trail(c), [
      '02:00 opened L3 system l3_media_coverage',
      '02:00 inhibited L1 system l1_single_complaint',
      '02:00 inhibited L2 system l2_many_complainants',
    ]);
    h.clock.set(at(5));
    await h.service.onEventUpdated(makeEvent({ mentionCount: 40, negativeCount: 40, distinctAuthors: 30, distinctComplainants: 30, mediaCount: 3 }));
    const after = (await h.store.getCase(c.id))!;
    assert.equal(after.history.length, 3);
    assert.deepEqual(outbox(await h.store.listNotifications(c.id)), [
      'opened L3 email chen@bank.example',
      'opened L3 email role:compliance',
      'opened L3 sms 13900000001',
    ]);
  });

  it('opens 挤兑 rumours at L3 informing compliance and PR', async () => {
    const c = (await h.service.onEventUpdated(
      makeEvent({ id: 'e_run', title: '网传示例银行某支行挤兑', negativeCount: 0, distinctComplainants: 0, runRumour: true, sources: ['weibo'] }),
    ))!;
    assert.deepEqual([c.tier, c.owner, c.ruleId, c.deadlineAt], ['L3', 'executive', 'l3_run_rumour', at(60)]);
    assert.deepEqual(outbox(await h.store.listNotifications(c.id)), [
      'opened L3 dingtalk role:pr',
      'opened L3 email chen@bank.example',
      'opened L3 email liqiang@bank.example',
      'opened L3 email liuyang@bank.example',
      'opened L3 email role:compliance',
      'opened L3 sms 13900000001',
    ]);
    const pr = (await h.store.listNotifications(c.id)).find((n) => n.recipient === 'role:pr')!;
    assert.equal(pr.idempotencyKey, `${c.id}:L3:informed:dingtalk:role:pr`);
    assert.match(pr.subject, /重大舆情知会公关部/);
  });

  it('puts a regulator complaint at L2 with compliance informed, and a later media report still reaches L3', async () => {
    const c = (await h.service.onEventUpdated(makeEvent({ id: 'e_reg', title: '示例银行暴力催收 已向金融监管总局投诉', regulatorMentioned: true })))!;
    assert.deepEqual([c.tier, c.owner, c.ruleId], ['L2', 'pr', 'l2_regulator_mentioned']);
    assert.deepEqual(trail(c), ['02:00 opened L2 system l2_regulator_mentioned', '02:00 inhibited L1 system l1_single_complaint']);
    assert.ok(outbox(await h.store.listNotifications(c.id)).includes('opened L2 email role:compliance'));
    const up = await h.service.onEventUpdated(makeEvent({ id: 'e_reg', regulatorMentioned: true, mediaCount: 1 }));
    assert.equal(up?.tier, 'L3');
  });

  it('serializes concurrent updates of one event into one case', async () => {
    const e = makeEvent({ id: 'e_race' });
    const [a, b] = await Promise.all([
      h.service.onEventUpdated(e),
      h.service.onEventUpdated({ ...e, distinctComplainants: 10, mentionCount: 10, negativeCount: 10 }),
    ]);
    assert.equal(a?.id, b?.id);
    const c = (await h.store.getCase(a!.id))!;
    assert.deepEqual(
      c.history.map((x) => `${x.type}:${x.tier}`),
      ['opened:L1', 'promoted:L2'],
    );
  });
});

describe('escalation service with stored mentions', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });
  afterEach(async () => {
    await h.store.close();
  });

  async function complain(n: number, author: string, publishedAt: string): Promise<Event> {
    const m = mention({
      source: 'heimao',
      sourceType: 'complaint',
      nativeId: `17${n}`,
      author,
      text: `示例银行信用卡年费未经同意扣款${n}次，客服不处理😡`,
      publishedAt,
    });
    await h.store.upsertMentions([m]);
    const e = await h.store.completeMention(
      m.id,
      analysis(m, { tokens: ['信用卡', '年费', '扣款'], institution: 'example_bank', topics: ['fees'] }),
      'e_window',
      publishedAt,
    );
    assert.ok(e);
    return e;
  }

  it('counts the early-warning window over distinct complainants in the last 2 h and cites the posts', async () => {
    await h.store.saveEvent({ ...makeEvent({ id: 'e_window' }), firstSeenAt: at(-300), lastSeenAt: at(-300) });
    h.clock.set(at(0));
    let e: Event | undefined;
    // Four complainants five hours ago, one of them posting twice, and one in the last two hours.
    for (const [i, a] of ['a1', 'a2', 'a3', 'a4', 'a4'].entries()) e = await complain(i, a, at(-300 + i));
    e = await complain(10, 'b1', at(-60));
    const c = (await h.service.onEventUpdated(e!))!;
    assert.equal(e!.distinctComplainants, 5);
    assert.deepEqual(
      c.history.map((x) => x.type),
      ['opened'],
      '5 complainants overall but only 1 within 2 h: no warning',
    );
    assert.equal((c.history[0]!.data!.mentionIds as string[]).length, 6);
    for (const [i, a] of ['b2', 'b3', 'b4', 'b5'].entries()) e = await complain(20 + i, a, at(-30 + i));
    const warned = (await h.service.onEventUpdated(e!))!;
    assert.deepEqual([warned.tier, warned.history.map((x) => x.type)], ['L1', ['opened', 'early_warning']]);
    assert.match(warned.history[1]!.reason!, /ew_complaints_climbing: 9 distinct complainants \(5 within 2h\)/);
  });
});
