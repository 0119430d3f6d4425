import assert from 'node:assert/strict';
import { loadConfig, parseConfig } from '../../../config/load.js';
import { createDigestScheduler } from '../../../escalation/digest.js';
import { createDispatcher } from '../../../escalation/dispatcher.js';
import { createNotifiers } from '../../../escalation/notifiers/index.js';
import { FakeClock, iso } from '../../../lib/clock.js';
import type { Case, Notification } from '../../../lib/domain.js';
import { silentLogger } from '../../../lib/logger.js';
import { createStore } from '../../../store/index.js';
import type { Store } from '../../../store/store.js';
import { startHttpReceiver, startSmtpReceiver } from '../../fixtures/receivers.js';

const log = silentLogger();

function outboxRow(clock: FakeClock, over: Partial<Notification>): Notification {
  const now = iso(clock.now());
  return {
    id: `n_${over.channel}_${over.recipient}`,
    caseId: 'c_1',
    tier: 'L1',
    kind: 'opened',
    channel: 'webhook',
    recipient: '客服值班-王敏',
    idempotencyKey: `c_1:L1:opened:${over.channel}:${over.recipient}`,
    subject: '【L1 轻度】示例银行 信用卡年费被乱收费',
    body: '**机构**：示例银行\n- 提及数：1',
    status: 'pending',
    attempts: 0,
    nextAttemptAt: now,
    createdAt: now,
    ...over,
  };
}

describe('notification dispatcher (outbox → channels)', () => {
  let store: Store;
  const clock = new FakeClock('2025-11-22T02:00:00.000Z');

  beforeEach(async () => {
    clock.set('2025-11-22T02:00:00.000Z');
    store = await createStore({ backend: 'sqlite', dataDir: ':memory:', keepRawText: false }, { log });
  });
  afterEach(async () => {
    await store.close();
  });

  it('a failing channel does not hold the others; retries back off, then give up', async () => {
    const failing = await startHttpReceiver(() => ({ status: 502, body: {} }));
    const ding = await startHttpReceiver(() => ({ status: 200, body: { errcode: 0, errmsg: 'ok' } }));
    try {
      const config = loadConfig({
        overrides: {
          escalation: { channels: { webhook: { url: failing.url, secret: 'secret-12345' }, dingtalk: { url: `${ding.url}/robot/send?access_token=t` } } },
        },
      });
      const dispatcher = createDispatcher({ store, notifiers: createNotifiers(config, { log, clock }), clock, log, maxAttempts: 3, backoffMs: 30_000 });
      await store.enqueueNotifications([outboxRow(clock, { channel: 'webhook', recipient: 'a' }), outboxRow(clock, { channel: 'dingtalk', recipient: 'b' })]);

      assert.equal(await dispatcher.dispatchOnce(), 2);
      let rows = await store.listNotifications('c_1');
      const byChannel = (ch: string) => rows.find((r) => r.channel === ch)!;
      assert.equal(byChannel('dingtalk').status, 'sent');
      assert.equal(byChannel('webhook').status, 'pending');
      assert.equal(byChannel('webhook').attempts, 1);
      assert.equal(byChannel('webhook').nextAttemptAt, iso(clock.now().getTime() + 30_000));
      assert.match(byChannel('webhook').lastError ?? '', /502/);
      assert.equal(ding.received.length, 1);

      clock.advance(10_000);
      assert.equal(await dispatcher.dispatchOnce(), 0, 'not due yet');
      clock.advance(20_000);
      assert.equal(await dispatcher.dispatchOnce(), 1);
      rows = await store.listNotifications('c_1');
      assert.equal(byChannel('webhook').attempts, 2);
      assert.equal(byChannel('webhook').nextAttemptAt, iso(clock.now().getTime() + 60_000), 'backoff doubles');
      clock.advance(60_000);
      await dispatcher.dispatchOnce();
      rows = await store.listNotifications('c_1');
      assert.equal(byChannel('webhook').status, 'failed');
      clock.advance(3_600_000);
      assert.equal(await dispatcher.dispatchOnce(), 0, 'a failed notification is not retried');
      assert.equal(failing.received.length, 3);
      assert.equal(ding.received.length, 1, 'the healthy channel got its message exactly once');
    } finally {
      await failing.close();
      await ding.close();
    }
  });

  it('a notification routed to an unconfigured channel fails visibly instead of vanishing', async () => {
    const config = loadConfig();
    const dispatcher = createDispatcher({ store, notifiers: createNotifiers(config, { log, clock }), clock, log });
    await store.enqueueNotifications([outboxRow(clock, { channel: 'wecom', recipient: 'pr' })]);
    await dispatcher.dispatchOnce();
    const [row] = await store.listNotifications('c_1');
    assert.equal(row?.status, 'failed');
    assert.match(row?.lastError ?? '', /wecom is not configured/);
  });

  it('the same idempotency key is queued once, so a restart never double-sends', async () => {
    const n = outboxRow(clock, { channel: 'webhook', recipient: 'a' });
    assert.equal(await store.enqueueNotifications([n]), 1);
    assert.equal(await store.enqueueNotifications([{ ...n, id: 'n_other' }]), 0);
    assert.equal((await store.listNotifications('c_1')).length, 1);
  });

  it('the daily digest goes to the executives by e-mail (HTML) and DingTalk (markdown), once per day', async () => {
    const smtp = await startSmtpReceiver();
    const ding = await startHttpReceiver(() => ({ status: 200, body: { errcode: 0 } }));
    try {
      const base = loadConfig();
      const config = parseConfig({
        ...base,
        escalation: {
          ...base.escalation,
          roster: { executive: [{ name: '分管副行长-周伟', email: 'exec@example-bank.cn' }] },
          routes: { executive: ['email', 'dingtalk'] },
          channels: {
            email: { host: '127.0.0.1', port: smtp.port, secure: false, from: 'radar@example-bank.cn' },
            dingtalk: { url: `${ding.url}/robot/send` },
          },
        },
      });
      // A case opened yesterday (Shanghai) at L1 and promoted to L3.
      const opened = '2025-11-21T03:00:00.000Z';
      const c: Case = {
        id: 'c_fee',
        eventId: 'ev_fee',
        tier: 'L3',
        owner: 'executive',
        state: 'open',
        institution: 'example_bank',
        title: '示例银行信用卡违规收取年费，客服推诿不处理',
        topics: ['fees'],
        openedAt: opened,
        updatedAt: opened,
        tierSince: opened,
        mentionCount: 15,
        distinctAuthors: 13,
        distinctComplainants: 11,
        mediaCount: 2,
        responses: [],
        history: [],
        breachedTiers: [],
      };
      await store.commitCaseChange({
        case: c,
        history: [
          { at: opened, type: 'opened', tier: 'L1', actor: 'system', reason: 'l1_single_complaint' },
          { at: '2025-11-21T04:00:00.000Z', type: 'promoted', tier: 'L2', actor: 'system', reason: 'l2_many_complainants' },
          { at: '2025-11-21T05:00:00.000Z', type: 'promoted', tier: 'L3', actor: 'system', reason: 'l3_media_coverage' },
        ],
        scheduleClocks: [],
        cancelClockKinds: [],
        notifications: [],
      });
      clock.set('2025-11-22T00:00:00.000Z'); // 08:00 in Shanghai
      const digest = createDigestScheduler({ config, store, clock, log });
      const result = await digest.runOnce();
      assert.equal(result.date, '2025-11-21');
      assert.equal(result.newCases.total, 1);
      assert.equal(result.newCases.L1, 1);
      assert.equal(result.promotions, 2);
      await digest.runOnce();
      const dispatcher = createDispatcher({ store, notifiers: createNotifiers(config, { log, clock }), clock, log });
      await dispatcher.dispatchOnce();
      assert.equal(smtp.mails.length, 1, 'one e-mail, even though the digest ran twice');
      assert.deepEqual(smtp.mails[0]!.to, ['exec@example-bank.cn']);
      assert.match(smtp.mails[0]!.raw, /text\/html/);
      assert.equal(ding.received.length, 1);
      const md = ding.received[0]!.json as { markdown: { title: string; text: string } };
      assert.match(md.markdown.title, /舆情日报.*2025-11-21/);
      assert.match(md.markdown.text, /L3 重度 \| 0/);
      assert.match(md.markdown.text, /新增案件 1 件/);
    } finally {
      await smtp.close();
      await ding.close();
    }
  });
});
