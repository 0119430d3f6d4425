import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createDingTalkNotifier, signDingTalk } from '../../../../escalation/notifiers/dingtalk.js';
import { createEmailNotifier, markdownToHtml } from '../../../../escalation/notifiers/email.js';
import { createFeishuNotifier, signFeishu } from '../../../../escalation/notifiers/feishu.js';
import { createSmsNotifier } from '../../../../escalation/notifiers/sms.js';
import { createWebhookNotifier, signWebhook } from '../../../../escalation/notifiers/webhook.js';
import { createWeComNotifier } from '../../../../escalation/notifiers/wecom.js';
import { FakeClock } from '../../../../lib/clock.js';
import type { Notification } from '../../../../lib/domain.js';
import { NonRetryableError, RetryLaterError } from '../../../../lib/errors.js';
import { startHttpReceiver, startSmtpReceiver } from '../../../fixtures/receivers.js';

const clock = new FakeClock('2025-11-22T02:00:00.000Z');

function notification(over: Partial<Notification> = {}): Notification {
  return {
    id: 'n_1',
    caseId: 'c_42',
    tier: 'L2',
    kind: 'promoted',
    channel: 'webhook',
    recipient: '公关部-陈静',
    idempotencyKey: 'c_42:L2:promoted:webhook:公关部-陈静',
    subject: '【L2 中度】示例银行 信用卡年费争议 — 请于 14:00 前发布声明',
    body: '**机构**：示例银行\n**问题**：信用卡被违规收取年费\n- 提及数：14\n- 投诉人数：11\n- 截止：2025-11-22 14:00\n[查看案件](http://localhost:3000/#/cases/c_42)',
    status: 'pending',
    attempts: 0,
    nextAttemptAt: clock.now().toISOString(),
    createdAt: clock.now().toISOString(),
    ...over,
  };
}

describe('notification channels against real loopback receivers', () => {
  it('webhook: signs timestamp + exact body with HMAC-SHA256 and sends the idempotency key', async () => {
    const rx = await startHttpReceiver(() => ({ status: 200, body: { ok: true } }));
    try {
      await createWebhookNotifier({ url: `${rx.url}/hook`, secret: 'shared-secret-123' }, clock).send(notification());
      const req = rx.received[0]!;
      const ts = req.headers['x-radar-timestamp'] as string;
      const expected = `sha256=${createHmac('sha256', 'shared-secret-123').update(`${ts}.${req.raw}`).digest('hex')}`;
      assert.equal(req.headers['x-radar-signature'], expected);
      assert.equal(signWebhook('shared-secret-123', ts, req.raw), expected);
      assert.equal(decodeURIComponent(req.headers['x-radar-idempotency-key'] as string), 'c_42:L2:promoted:webhook:公关部-陈静');
      assert.equal(decodeURIComponent(req.headers['x-radar-recipient'] as string), '公关部-陈静');
      const body = req.json as { caseId: string; tier: string; subject: string };
      assert.equal(body.caseId, 'c_42');
      assert.equal(body.tier, 'L2');
      assert.match(body.subject, /示例银行/);
      // A tampered body no longer verifies.
      assert.notEqual(signWebhook('shared-secret-123', ts, req.raw.replace('L2', 'L1')), expected);
    } finally {
      await rx.close();
    }
  });

  it('webhook: 5xx is retryable, 4xx is not', async () => {
    const rx = await startHttpReceiver((_r, i) => (i === 0 ? { status: 503, body: {} } : { status: 400, body: { error: 'bad' } }));
    try {
      const n = createWebhookNotifier({ url: rx.url, secret: 'shared-secret-123' }, clock);
      await assert.rejects(n.send(notification()), RetryLaterError);
      await assert.rejects(n.send(notification()), NonRetryableError);
    } finally {
      await rx.close();
    }
  });

  it('dingtalk: markdown with a valid timestamp/sign in the URL; errcode ≠ 0 is an error', async () => {
    const rx = await startHttpReceiver((_r, i) =>
      i === 0 ? { status: 200, body: { errcode: 0, errmsg: 'ok' } } : { status: 200, body: { errcode: 310000, errmsg: 'sign not match' } },
    );
    try {
      const n = createDingTalkNotifier({ url: `${rx.url}/robot/send?access_token=abc`, secret: 'SECdemo0123' }, clock);
      await n.send(notification({ channel: 'dingtalk' }));
      const u = new URL(rx.received[0]!.url, rx.url);
      const ts = Number(u.searchParams.get('timestamp'));
      assert.equal(ts, clock.now().getTime());
      const expected = createHmac('sha256', 'SECdemo0123').update(`${ts}\nSECdemo0123`).digest('base64');
      assert.equal(u.searchParams.get('sign'), expected);
      assert.equal(decodeURIComponent(signDingTalk('SECdemo0123', ts)), expected);
      assert.equal(u.searchParams.get('access_token'), 'abc');
      const body = rx.received[0]!.json as { msgtype: string; markdown: { title: string; text: string } };
      assert.equal(body.msgtype, 'markdown');
      assert.match(body.markdown.text, /投诉人数：11/);
      await assert.rejects(n.send(notification({ channel: 'dingtalk' })), /sign not match/);
    } finally {
      await rx.close();
    }
  });

  it('wecom: markdown content within the 4096-byte limit; rate limit is retryable', async () => {
    const rx = await startHttpReceiver((_r, i) =>
      i === 0 ? { status: 200, body: { errcode: 0 } } : { status: 200, body: { errcode: 45009, errmsg: 'api freq out of limit' } },
    );
    try {
      const n = createWeComNotifier({ url: `${rx.url}/cgi-bin/webhook/send?key=k1` });
      await n.send(notification({ channel: 'wecom', body: '投诉'.repeat(3000) }));
      const body = rx.received[0]!.json as { msgtype: string; markdown: { content: string } };
      assert.equal(body.msgtype, 'markdown');
      assert.ok(Buffer.byteLength(body.markdown.content) <= 4096);
      await assert.rejects(n.send(notification({ channel: 'wecom' })), RetryLaterError);
    } finally {
      await rx.close();
    }
  });

  it('feishu: signs with timestamp\\nsecret as the HMAC key', async () => {
    const rx = await startHttpReceiver(() => ({ status: 200, body: { code: 0, msg: 'success' } }));
    try {
      await createFeishuNotifier({ url: `${rx.url}/open-apis/bot/v2/hook/x`, secret: 'fs-secret' }, clock).send(notification({ channel: 'feishu' }));
      const body = rx.received[0]!.json as { timestamp: string; sign: string; msg_type: string; content: { text: string } };
      const ts = Number(body.timestamp);
      assert.equal(body.sign, createHmac('sha256', `${ts}\nfs-secret`).update('').digest('base64'));
      assert.equal(body.sign, signFeishu('fs-secret', ts));
      assert.equal(body.msg_type, 'text');
      assert.match(body.content.text, /示例银行/);
    } finally {
      await rx.close();
    }
  });

  it('sms: posts to the provider with the bearer token; rejects a non-mobile recipient', async () => {
    const rx = await startHttpReceiver(() => ({ status: 200, body: { ok: true } }));
    try {
      const n = createSmsNotifier({ url: `${rx.url}/sms`, token: 'tok' });
      await n.send(notification({ channel: 'sms', recipient: '138 0013 8000' }));
      assert.equal(rx.received[0]!.headers.authorization, 'Bearer tok');
      assert.deepEqual((rx.received[0]!.json as { to: string }).to, '13800138000');
      await assert.rejects(n.send(notification({ channel: 'sms', recipient: '公关部' })), NonRetryableError);
    } finally {
      await rx.close();
    }
  });

  it('email: delivers an HTML + text message through a real SMTP receiver', async () => {
    const smtp = await startSmtpReceiver();
    const mailer = createEmailNotifier({ host: '127.0.0.1', port: smtp.port, secure: false, from: 'radar@example-bank.cn' });
    try {
      await mailer.send(notification({ channel: 'email', recipient: 'pr-oncall@example-bank.cn' }));
      assert.equal(smtp.mails.length, 1);
      const mail = smtp.mails[0]!;
      assert.deepEqual(mail.to, ['pr-oncall@example-bank.cn']);
      assert.equal(mail.from, 'radar@example-bank.cn');
      assert.match(mail.raw, /X-Radar-Case: c_42/);
      assert.match(mail.raw, /X-Radar-Idempotency-Key:\s+c_42%3AL2%3Apromoted/);
      assert.match(mail.raw, /text\/html/);
      await assert.rejects(mailer.send(notification({ channel: 'email', recipient: 'not-an-address' })), NonRetryableError);
    } finally {
      mailer.close();
      await smtp.close();
    }
  });

  it('email: a permanent SMTP rejection is not retried', async () => {
    const smtp = await startSmtpReceiver({ rejectWith: 550 });
    const mailer = createEmailNotifier({ host: '127.0.0.1', port: smtp.port, secure: false, from: 'radar@example-bank.cn' });
    try {
      await assert.rejects(mailer.send(notification({ channel: 'email', recipient: 'pr@example-bank.cn' })), NonRetryableError);
    } finally {
      mailer.close();
      await smtp.close();
    }
  });

  it('markdownToHtml escapes text and renders lists, bold, links and tables', () => {
    const html = markdownToHtml('日报', '## 标题\n**加粗** <script>\n- 一\n- 二\n| 层级 | 数量 |\n|---|---|\n| L1 | 3 |\n[看板](http://x/#/)');
    assert.match(html, /<h2>标题<\/h2>/);
    assert.match(html, /<strong>加粗<\/strong> &lt;script&gt;/);
    assert.match(html, /<ul>\n<li>一<\/li>\n<li>二<\/li>\n<\/ul>/);
    assert.match(html, /<td>L1<\/td><td>3<\/td>/);
    assert.match(html, /<a href="http:\/\/x\/#\/">看板<\/a>/);
  });
});
