import assert from 'node:assert/strict';
import { digestMarkdown } from '../../../../escalation/digest.js';
import { createDingTalkNotifier } from '../../../../escalation/notifiers/dingtalk.js';
import { createEmailNotifier } from '../../../../escalation/notifiers/email.js';
import { createFeishuNotifier } from '../../../../escalation/notifiers/feishu.js';
import { createWeComNotifier } from '../../../../escalation/notifiers/wecom.js';
import type { Notification } from '../../../../lib/domain.js';
import { mailText } from '../../../fixtures/mail.js';
import { startHttpReceiver, startSmtpReceiver } from '../../../fixtures/receivers.js';
import { type Harness, harness, makeEvent } from '../helpers.js';

/** A crawled news title carrying a phishing link, HTML, markdown emphasis, a heading and a bare URL. */
const HOSTILE =
  '示例银行挤兑传闻 [点击查看监管通报](https://phish.example/login) <img src=x onerror=alert(1)> **紧急** \n### 假标题 详见 https://phish.example/a';

/** Markup a channel would render from the title: none of it may survive. */
function assertInert(where: string, text: string): void {
  for (const bad of ['](https://phish', '<img', '**紧急**', 'https://phish', '\n### 假标题', '<a href="https://phish']) {
    assert.ok(!text.includes(bad), `${where} renders ${JSON.stringify(bad)}: ${text.slice(0, 400)}`);
  }
  assert.match(text, /示例银行挤兑传闻/, `${where} still shows the title`);
}

describe('crawled text stays text in every notification channel', () => {
  let h: Harness;
  let notification: Notification;

  before(async () => {
    h = await harness();
    const c = (await h.service.onEventUpdated(makeEvent({ id: 'e_rumour', title: HOSTILE, mediaCount: 1, runRumour: true })))!;
    assert.equal(c.tier, 'L3');
    const sent = await h.store.listNotifications(c.id);
    // The executives' e-mail (an address), not the empty compliance roster's placeholder: ids order the rows randomly.
    notification = sent.find((n) => n.channel === 'email' && n.recipient.includes('@'))!;
    assert.ok(notification, 'the L3 case pages the executives by e-mail');
  });
  after(async () => {
    await h.store.close();
  });

  it('e-mail: the HTML part holds no link or tag from the title; the case link is the one live link', async () => {
    const smtp = await startSmtpReceiver();
    const notifier = createEmailNotifier({ host: '127.0.0.1', port: smtp.port, secure: false, from: 'radar@bank.example' });
    try {
      await notifier.send(notification);
      const text = mailText(smtp.mails[0]!.raw);
      assertInert('e-mail', text);
      const links = [...text.matchAll(/<a href="([^"]+)"/g)].map((m) => m[1]);
      assert.deepEqual([...new Set(links)], [`https://radar.bank.example/#/cases/${notification.caseId}`]);
    } finally {
      notifier.close();
      await smtp.close();
    }
  });

  it('DingTalk, WeCom and Feishu: no markdown link, emphasis, heading or auto-linked URL from the title', async () => {
    const rx = await startHttpReceiver();
    try {
      await createDingTalkNotifier({ url: `${rx.url}/robot/send?access_token=t` }, h.clock).send({ ...notification, channel: 'dingtalk' });
      await createWeComNotifier({ url: `${rx.url}/cgi-bin/webhook/send?key=k` }).send({ ...notification, channel: 'wecom' });
      await createFeishuNotifier({ url: `${rx.url}/open-apis/bot/v2/hook/x` }, h.clock).send({ ...notification, channel: 'feishu' });
      const [ding, wecom, feishu] = rx.received.map((r) => r.json as Record<string, Record<string, string>>);
      assertInert('DingTalk title', ding!.markdown!.title!);
      assertInert('DingTalk', ding!.markdown!.text!);
      assert.match(ding!.markdown!.text!, /\[查看案件\]\(https:\/\/radar\.bank\.example\/#\/cases\//, 'the service-built link stays a link');
      assertInert('WeCom', wecom!.markdown!.content!);
      assertInert('Feishu', feishu!.content!.text!);
    } finally {
      await rx.close();
    }
  });

  it('the daily digest markdown shows event titles as text', () => {
    const digest = {
      date: '2025-11-21',
      newCases: { L1: 0, L2: 0, L3: 1, total: 1 },
      sentiment: { netSentiment: -0.4, sevenDayAverage: -0.1 },
      lines: [`负面事件 1：示例银行「${HOSTILE}」负面 3 条 / 共 5 条`],
      breaches: [{ caseId: 'c_1', tier: 'L3' as const, title: HOSTILE, institution: 'example_bank', at: '2025-11-21T03:00:00.000Z' }],
    };
    const { body } = digestMarkdown(digest as unknown as Parameters<typeof digestMarkdown>[0], 'https://radar.bank.example');
    assertInert('digest', body);
    assert.match(body, /\[打开高管日报\]\(https:\/\/radar\.bank\.example\/#\/digest\)/);
  });
});
