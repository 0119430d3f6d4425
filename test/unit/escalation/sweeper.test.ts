import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSweeper } from '../../../escalation/sweeper.js';
import { FakeClock, MINUTE } from '../../../lib/clock.js';
import type { CaseClock } from '../../../lib/domain.js';
import { silentLogger } from '../../../lib/logger.js';
import { type Harness, harness, makeEvent, outbox, T0 } from './helpers.js';

const at = (minutes: number) => new Date(Date.parse(T0) + minutes * MINUTE).toISOString();
const agent = { id: 'cs-wangfang', role: 'customer_service' as const };

describe('SLA sweeper', () => {
  let dir: string;
  const open: Harness[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'radar-sweeper-'));
  });
  afterEach(async () => {
    for (const h of open.splice(0)) await h.store.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });
  async function start(clock: FakeClock): Promise<Harness> {
    const h = await harness({ dataDir: dir, clock });
    open.push(h);
    return h;
  }

  it('re-notifies an unacknowledged owner, then pages the manager', async () => {
    const clock = new FakeClock(T0);
    const h = await start(clock);
    const c = (await h.service.onEventUpdated(makeEvent()))!;
    clock.set(at(29));
    assert.equal(await h.sweeper.sweepOnce(), 0);
    clock.set(at(30));
    assert.equal(await h.sweeper.sweepOnce(), 1);
    clock.set(at(61));
    assert.equal(await h.sweeper.sweepOnce(), 1);
    const after = (await h.store.getCase(c.id))!;
    assert.deepEqual(
      after.history.map((x) => `${x.at.slice(11, 16)} ${x.type}`),
      ['02:00 opened', '02:30 ack_reminder', '03:01 ack_manager'],
    );
    // 王芳's manager 刘洋 is in the PR roster with an e-mail; the WeCom group post @-mentions him.
    const rows = await h.store.listNotifications(c.id);
    assert.deepEqual(
      outbox(rows).filter((r) => !r.startsWith('opened')),
      [
        'ack_manager L1 email liuyang@bank.example',
        'ack_manager L1 wecom role:customer_service',
        'ack_reminder L1 email wangfang@bank.example',
        'ack_reminder L1 wecom role:customer_service',
      ],
    );
    assert.match(rows.find((r) => r.kind === 'ack_manager' && r.channel === 'wecom')!.body, /@刘洋/);
  });

  it('acknowledgement stops the ack clocks but not the deadline; a matching response meets it', async () => {
    const clock = new FakeClock(T0);
    const h = await start(clock);
    const c = (await h.service.onEventUpdated(makeEvent()))!;
    clock.set(at(5));
    await h.workflow.acknowledge(c.id, agent, '已受理，正在核实扣费记录');
    const clocks = await h.store.listClocks(c.id);
    assert.deepEqual(
      clocks.map((k) => `${k.kind} ${k.cancelledAt ? 'cancelled' : 'live'}`),
      ['ack cancelled', 'ack_manager cancelled', 'deadline live'],
    );
    clock.set(at(90));
    assert.equal(await h.sweeper.sweepOnce(), 0, 'no ack reminder after acknowledgement');
    clock.set(at(121));
    assert.equal(await h.sweeper.sweepOnce(), 1, 'the deadline still fires');
    const breached = (await h.store.getCase(c.id))!;
    assert.deepEqual([breached.tier, breached.breachedTiers], ['L2', ['L1']]);

    // A second issue answered in time never breaches.
    const d = (await h.service.onEventUpdated(makeEvent({ id: 'e_other', title: '示例银行网点服务态度差' })))!;
    clock.set(at(150));
    await h.workflow.respond(d.id, agent, { kind: 'reply_to_complainant', text: '已致电客户道歉并退还年费' });
    clock.set(at(400));
    await h.sweeper.sweepOnce();
    const met = (await h.store.getCase(d.id))!;
    assert.deepEqual([met.tier, met.state, met.breachedTiers], ['L1', 'responded', []]);
  });

  it('escalates a missed deadline exactly once across a restart, late but not lost', async () => {
    const clock = new FakeClock(T0);
    const first = await start(clock);
    const c = (await first.service.onEventUpdated(makeEvent()))!;
    clock.set(at(10));
    await first.workflow.acknowledge(c.id, agent);
    // The process dies before the deadline.
    await first.store.close();

    clock.set(at(180));
    const second = await start(clock);
    const third = await start(clock);
    // Two sweepers (two connections to the same file) race for the overdue deadline.
    const fired = await Promise.all([second.sweeper.sweepOnce(), third.sweeper.sweepOnce()]);
    assert.equal(fired[0]! + fired[1]!, 1, `fired ${fired.join('+')}`);
    assert.equal(await second.sweeper.sweepOnce(), 0);

    const after = (await second.store.getCase(c.id))!;
    assert.deepEqual(
      after.history.map((x) => `${x.at.slice(11, 16)} ${x.type} ${x.tier} ${x.actor}`),
      ['02:00 opened L1 system', '02:10 acknowledged L1 cs-wangfang', '05:00 breach L1 system', '05:00 promoted L2 system'],
    );
    assert.match(after.history[2]!.reason!, /L1 deadline 2025-11-22T04:00:00.000Z missed \(fired 60 min late\)/);
    assert.deepEqual([after.tier, after.owner, after.state, after.breachedTiers, after.deadlineAt], ['L2', 'pr', 'open', ['L1'], at(420)]);
    assert.deepEqual(
      outbox(await second.store.listNotifications(c.id)).filter((r) => !r.startsWith('opened L1')),
      [
        'breach L1 email liuyang@bank.example',
        'breach L1 email wangfang@bank.example',
        'breach L1 wecom role:customer_service',
        'opened L2 dingtalk role:pr',
        'opened L2 email liqiang@bank.example',
        'opened L2 email liuyang@bank.example',
      ],
    );

    const notice = (await second.store.listNotifications(c.id)).find((n) => n.kind === 'breach' && n.recipient === 'wangfang@bank.example')!;
    assert.match(notice.body, /触发原因\*\*：L1 轻度 处置时限 2025-11-22 12:00 已过，未完成「回复投诉人」，升级为 L2 中度/);
    assert.equal(notice.idempotencyKey, `${c.id}:L1:breach:email:wangfang@bank.example`);

    // Yet another restart: nothing fires again.
    await second.store.close();
    await third.store.close();
    const fourth = await start(clock);
    assert.equal(await fourth.sweeper.sweepOnce(), 0);
    assert.equal((await fourth.store.getCase(c.id))!.history.filter((x) => x.type === 'breach').length, 1);
  });

  it('schedules a retry when handling a claimed clock fails, so the clock is never lost', async () => {
    const clock = new FakeClock(T0);
    const h = await start(clock);
    const c = (await h.service.onEventUpdated(makeEvent()))!;
    let failures = 1;
    const flaky = {
      async onClockDue(k: CaseClock) {
        if (failures-- > 0) throw new Error('store briefly unavailable');
        await h.service.onClockDue(k);
      },
    };
    const sweeper = createSweeper({ store: h.store, service: flaky, clock, log: silentLogger(), retryDelayMs: MINUTE });
    clock.set(at(30));
    assert.equal(await sweeper.sweepOnce(), 1);
    assert.equal((await h.store.getCase(c.id))!.history.length, 1, 'the failed attempt changed nothing');
    clock.set(at(31));
    assert.equal(await sweeper.sweepOnce(), 1, 'the retry copy fires');
    const after = (await h.store.getCase(c.id))!;
    assert.deepEqual(
      after.history.map((x) => x.type),
      ['opened', 'ack_reminder'],
    );
  });
});
