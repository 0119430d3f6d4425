import assert from 'node:assert/strict';
import type { ApiRole } from '../../../lib/domain.js';
import { ApiError, NotFoundError } from '../../../lib/errors.js';
import { type Harness, harness, makeEvent, T0 } from './helpers.js';

const who = (role: ApiRole, id = `${role}-1`) => ({ id, role });

async function rejects(p: Promise<unknown>, status: number, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ApiError, String(err));
    assert.equal(err.statusCode, status);
    assert.equal(err.code, code);
    if (message) assert.match(err.message, message);
    return true;
  });
}

describe('case workflow', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });
  afterEach(async () => {
    await h.store.close();
  });

  const l1 = async () => (await h.service.onEventUpdated(makeEvent()))!;
  const l3 = async () =>
    (await h.service.onEventUpdated(makeEvent({ id: 'e_media', title: '媒体：示例银行信用卡乱收费', mediaCount: 1, distinctComplainants: 3 })))!;

  it('runs 受理 → 回应 → 办结 → 复盘 on an L1 case with a full audit trail', async () => {
    const c = await l1();
    h.clock.set('2025-11-22T02:10:00.000Z');
    await h.workflow.acknowledge(c.id, who('customer_service', 'cs-wang'), '已受理');
    h.clock.set('2025-11-22T02:50:00.000Z');
    const responded = await h.workflow.respond(c.id, who('customer_service', 'cs-wang'), {
      kind: 'reply_to_complainant',
      text: '已电话联系客户，年费已退回',
      url: 'https://tousu.example/123',
    });
    assert.deepEqual([responded.state, responded.respondedAt, responded.responses.length], ['responded', '2025-11-22T02:50:00.000Z', 1]);
    assert.equal(
      (await h.store.listClocks(c.id)).every((k) => k.cancelledAt !== undefined),
      true,
      'a response of the expected kind cancels the deadline',
    );
    await h.workflow.comment(c.id, who('pr', 'pr-li'), '同类投诉需关注');
    await h.workflow.reassign(c.id, who('pr', 'pr-li'), { assignee: 'cs-zhang' });
    h.clock.set('2025-11-22T03:00:00.000Z');
    const resolved = await h.workflow.resolve(c.id, who('customer_service', 'cs-wang'), '客户满意');
    assert.deepEqual([resolved.state, resolved.resolvedAt, resolved.assignee], ['resolved', '2025-11-22T03:00:00.000Z', 'cs-zhang']);
    const reviewed = await h.workflow.review(c.id, who('admin', 'admin'), '年费提醒短信需优化');
    assert.equal(reviewed.state, 'reviewed');
    assert.deepEqual(
      reviewed.history.map((x) => `${x.at.slice(11, 16)} ${x.type} ${x.actor} ${x.reason ?? ''}`.trim()),
      [
        '02:00 opened system l1_single_complaint: 1 distinct complainants, 1 mentions, 1 negative, 0 media',
        '02:10 acknowledged cs-wang 已受理',
        '02:50 responded cs-wang 回复投诉人 (reply_to_complainant)',
        '02:50 commented pr-li 同类投诉需关注',
        '02:50 reassigned pr-li → cs-zhang',
        '03:00 resolved cs-wang 客户满意',
        '03:00 reviewed admin 年费提醒短信需优化',
      ],
    );
    assert.deepEqual(
      h.published.map((m) => (m.type === 'case.changed' ? m.change : '')),
      ['opened', 'acknowledged', 'responded', 'commented', 'reassigned', 'resolved', 'reviewed'],
    );
  });

  it('rejects invalid transitions with 409 and a bilingual message', async () => {
    const c = await l1();
    await rejects(h.workflow.review(c.id, who('admin'), '复盘'), 409, 'invalid_transition', /案件办结后方可复盘.*can be reviewed only after it is resolved/);
    await h.workflow.acknowledge(c.id, who('customer_service'));
    await rejects(h.workflow.acknowledge(c.id, who('customer_service')), 409, 'invalid_transition', /不能重复受理/);
    await h.workflow.resolve(c.id, who('customer_service'));
    await rejects(h.workflow.resolve(c.id, who('customer_service')), 409, 'invalid_transition', /不能重复办结.*already resolved/);
    await rejects(h.workflow.respond(c.id, who('customer_service'), { kind: 'reply_to_complainant', text: '补充' }), 409, 'invalid_transition');
    await assert.rejects(h.workflow.acknowledge('c_missing', who('admin')), NotFoundError);
  });

  it('checks which role may act on which tier', async () => {
    const c = await l1();
    await rejects(h.workflow.acknowledge(c.id, who('consumer')), 403, 'forbidden_role');
    await rejects(h.workflow.acknowledge(c.id, who('executive')), 403, 'forbidden_role');
    const s = await l3();
    await rejects(h.workflow.acknowledge(s.id, who('customer_service')), 403, 'forbidden_role', /角色 customer_service 无权对 L3 案件/);
    await rejects(h.workflow.acknowledge(s.id, who('pr')), 403, 'forbidden_role');
    await rejects(h.workflow.acknowledge(s.id, who('compliance')), 403, 'forbidden_role');
    await rejects(h.workflow.respond(s.id, who('compliance'), { kind: 'public_statement', text: '声明' }), 403, 'forbidden_role');
    const ok = await h.workflow.acknowledge(s.id, who('executive'));
    assert.equal(ok.state, 'acknowledged');
  });

  it('requires a regulator notice before an L3 case can be resolved', async () => {
    const s = await l3();
    const stmt = await h.workflow.respond(s.id, who('executive', 'exec-chen'), {
      kind: 'public_statement',
      text: '关于信用卡年费问题的说明',
      url: 'https://bank.example/notice/1',
    });
    assert.equal(stmt.state, 'responded');
    await rejects(h.workflow.resolve(s.id, who('executive')), 409, 'regulator_notice_required', /主动报告监管/);
    const noticed = await h.workflow.respond(s.id, who('compliance', 'cmp-sun'), { kind: 'regulator_notice', text: '已向金融监管总局属地分局报告' });
    assert.deepEqual(
      noticed.responses.map((r) => `${r.kind} ${r.actor}`),
      ['public_statement exec-chen', 'regulator_notice cmp-sun'],
    );
    assert.equal(noticed.history.at(-1)?.data?.meetsDeadline, false);
    const done = await h.workflow.resolve(s.id, who('executive'));
    assert.equal(done.state, 'resolved');
  });

  it('counts a regulator notice only when compliance recorded it on the L3 tier', async () => {
    // An executive cannot stand in for compliance.
    const s = await l3();
    await rejects(
      h.workflow.respond(s.id, who('executive', 'exec-chen'), { kind: 'regulator_notice', text: '已电话告知监管' }),
      403,
      'forbidden_role',
      /合规部/,
    );
    await rejects(h.workflow.resolve(s.id, who('executive')), 409, 'regulator_notice_required', /合规部/);
    // A notice PR recorded while the issue was L2 does not carry over to the L3 case.
    const c = (await h.service.onEventUpdated(makeEvent({ id: 'e_l2', distinctComplainants: 10, mentionCount: 10, negativeCount: 10 })))!;
    assert.equal(c.tier, 'L2');
    await rejects(h.workflow.respond(c.id, who('pr', 'pr-li'), { kind: 'regulator_notice', text: '已向监管报备' }), 403, 'forbidden_role');
    // Stored by an older version (or an admin through the store): an L2 notice by PR is on the case.
    const stored = (await h.store.getCase(c.id))!;
    const legacy = { kind: 'regulator_notice' as const, text: '已向监管报备', actor: 'pr-li', at: T0, role: 'pr' as const, tier: 'L2' as const };
    await h.store.commitCaseChange({
      case: { ...stored, responses: [legacy] },
      expectedUpdatedAt: stored.updatedAt,
      history: [],
      scheduleClocks: [],
      cancelClockKinds: [],
      notifications: [],
    });
    h.clock.set('2025-11-22T02:30:00.000Z');
    const promoted = (await h.service.onEventUpdated(makeEvent({ id: 'e_l2', distinctComplainants: 10, mentionCount: 11, negativeCount: 11, mediaCount: 1 })))!;
    assert.equal(promoted.tier, 'L3');
    await rejects(h.workflow.resolve(c.id, who('executive')), 409, 'regulator_notice_required');
    const noticed = await h.workflow.respond(c.id, who('compliance', 'cmp-sun'), { kind: 'regulator_notice', text: '已向金融监管总局属地分局报告' });
    assert.deepEqual([noticed.responses.at(-1)?.role, noticed.responses.at(-1)?.tier], ['compliance', 'L3']);
    assert.equal((await h.workflow.resolve(c.id, who('executive'))).state, 'resolved');
  });

  it('reassigns only to a role that may act on the case tier', async () => {
    const c = await l1();
    await assert.rejects(h.workflow.reassign(c.id, who('customer_service'), { assignee: '周伟', owner: 'executive' }), (err: unknown) => {
      assert.ok(err instanceof ApiError);
      assert.deepEqual([err.statusCode, err.code], [400, 'invalid_request']);
      assert.match(err.message, /body\.owner/);
      return true;
    });
    await rejects(h.workflow.reassign(c.id, who('customer_service'), { assignee: '孙丽', owner: 'compliance' }), 400, 'invalid_request');
    assert.equal((await h.store.getCase(c.id))?.owner, 'customer_service', 'nothing changed');
    const moved = await h.workflow.reassign(c.id, who('customer_service'), { assignee: '陈静', owner: 'pr' });
    assert.deepEqual([moved.owner, moved.assignee], ['pr', '陈静']);
    const s = await l3();
    await rejects(h.workflow.reassign(s.id, who('executive'), { assignee: '陈静', owner: 'pr' }), 400, 'invalid_request');
  });

  it('a response of another kind acknowledges but does not meet the deadline', async () => {
    const c = (await h.service.onEventUpdated(makeEvent({ id: 'e_l2', distinctComplainants: 10, mentionCount: 10, negativeCount: 10 })))!;
    const r = await h.workflow.respond(c.id, who('pr'), { kind: 'reply_to_complainant', text: '已逐一回复投诉客户' });
    assert.deepEqual([r.tier, r.state, r.acknowledgedAt, r.respondedAt], ['L2', 'acknowledged', T0, undefined]);
    const live = (await h.store.listClocks(c.id)).filter((k) => !k.cancelledAt).map((k) => k.kind);
    assert.deepEqual(live, ['deadline']);
  });
});
