import assert from 'node:assert/strict';
import type { Case } from '../../../lib/domain.js';
import { mailText } from '../../fixtures/mail.js';
import { ADMIN_KEY, get, type SecurityEnv, startSecurityEnv } from './harness.js';

const PHONE = '13712345678';
const ID = '11010519491231002X';
/** The phone sits across the 60-character title cut: cut before masking, `1371234…` would be left. */
const TITLE = `示例银行某支行保安当众殴打前来办理业务的七旬老人致其头部受伤住院，银行至今拒不道歉也不赔偿，家属联系电话${PHONE} 身份证${ID}`;
const TEXT = `本报记者调查：示例银行某支行保安当众殴打前来办理业务的七旬老人，老人头部受伤送医。家属多次投诉无果，银行态度恶劣。家属电话${PHONE}，老人身份证号${ID}。`;

/** Every string that must never leave the service: the numbers and the stubs a cut would leave. */
function assertClean(where: string, text: string): void {
  for (const secret of [PHONE, ID, '1371234', '11010519', '110105 1949']) {
    assert.ok(!text.includes(secret), `${where} leaks ${secret}: …${text.slice(Math.max(0, text.indexOf(secret) - 60), text.indexOf(secret) + 30)}…`);
  }
}

describe('personal data in a crawled news title never leaves the service unmasked', function () {
  this.timeout(60_000);
  let env: SecurityEnv;
  let sse = '';
  const aborter = new AbortController();

  before(async () => {
    env = await startSecurityEnv();
    const exec = await env.key('executive');
    const res = await fetch(`${env.url}/api/v1/stream`, { headers: { authorization: `Bearer ${exec}` }, signal: aborter.signal });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    void (async () => {
      for (;;) {
        const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (done) return;
        sse += decoder.decode(value, { stream: true });
      }
    })();
    await new Promise<void>((resolve) => {
      const tick = () => (sse.includes(': connected') ? resolve() : setTimeout(tick, 10));
      tick();
    });
    const now = env.runtime.clock.now();
    env.news.publish([
      {
        id: 'n-hostile-1',
        title: TITLE,
        text: TEXT,
        author: { id: 'reporter', name: `记者李明${PHONE}` },
        publishedAt: new Date(now.getTime() - 5 * 60_000).toISOString(),
        media: true,
        url: `${env.news.url}/a/n-hostile-1.shtml?tel=${PHONE}&id=${ID}`,
      },
    ]);
    await env.crawl();
    const cases = await env.runtime.store.listCases({ limit: 10 });
    assert.equal(cases.items.length, 1, 'the news report opened one case');
    assert.equal(cases.items[0]!.tier, 'L3');
    // The stream delivers asynchronously: wait for the case to arrive on it.
    await new Promise<void>((resolve) => {
      const tick = () => (sse.includes('case.changed') ? resolve() : setTimeout(tick, 10));
      tick();
    });
  });

  after(async () => {
    aborter.abort();
    await env?.close();
  });

  it('masks the title before cutting it: the case title keeps no stub of the number', async () => {
    const [c] = (await env.runtime.store.listCases({ limit: 1 })).items as Case[];
    assert.ok(TITLE.indexOf(PHONE) < 59 && TITLE.indexOf(PHONE) + PHONE.length > 59, 'the number straddles the cut');
    assert.match(c!.title, /^示例银行某支行保安/);
    assertClean('case title', c!.title);
  });

  it('API responses (alerts, events, mentions, exports) carry masked text, titles, author names and URLs', async () => {
    const consumer = await env.key('consumer');
    const [c] = (await env.runtime.store.listCases({ limit: 1 })).items as Case[];
    const urls = [
      [`/api/v1/alerts`, ADMIN_KEY],
      [`/api/v1/alerts/${c!.id}`, ADMIN_KEY],
      [`/api/v1/alerts/${c!.id}/notifications`, ADMIN_KEY],
      [`/api/v1/events`, consumer],
      [`/api/v1/events/${c!.eventId}`, consumer],
      [`/api/v1/mentions`, consumer],
      [`/api/v1/mentions/news-rss:n-hostile-1`, consumer],
      [`/api/v1/mentions/export?format=csv`, consumer],
      [`/api/v1/mentions/export?format=ndjson`, consumer],
    ] as const;
    for (const [path, key] of urls) {
      const res = await get(`${env.url}${path}`, key);
      assert.equal(res.status, 200, `${path}: ${res.text}`);
      assertClean(path, res.text);
    }
    const one = JSON.parse((await get(`${env.url}/api/v1/mentions/news-rss:n-hostile-1`, consumer)).text) as { author: { name: string }; url: string };
    assert.match(one.author.name, /^记者李明137\*{4}5678$/);
    assert.match(one.url, /\/a\/n-hostile-1\.shtml\?tel=137\*{4}5678/);
  });

  it('search is no oracle: the full-text index never saw the numbers', async () => {
    const consumer = await env.key('consumer');
    for (const q of [PHONE, ID, '13712345678 示例银行']) {
      const res = await get(`${env.url}/api/v1/mentions?q=${encodeURIComponent(q)}`, consumer);
      assert.equal(res.status, 200);
      assert.deepEqual((JSON.parse(res.text) as { items: unknown[] }).items, [], `q=${q} finds the post`);
    }
    const hit = await get(`${env.url}/api/v1/mentions?q=${encodeURIComponent('保安')}`, consumer);
    assert.equal((JSON.parse(hit.text) as { items: unknown[] }).items.length, 1, 'the post itself is searchable');
  });

  it('the live stream, the webhook, DingTalk and e-mail carry masked titles', () => {
    assertClean('SSE', sse);
    assert.ok(env.webhook.received.length > 0 && env.dingtalk.received.length > 0 && env.smtp.mails.length > 0, 'every channel delivered');
    for (const r of env.webhook.received) assertClean('webhook', r.raw);
    for (const r of env.dingtalk.received) assertClean('dingtalk', r.raw);
    for (const m of env.smtp.mails) {
      const text = mailText(m.raw);
      assert.match(text, /示例银行某支行保安/, 'the decoded mail holds the title');
      assertClean('e-mail', text);
    }
  });

  it('the log and the SQLite files (database and WAL) hold no unmasked number', () => {
    assert.ok(env.logLines.length > 0);
    assertClean('log', env.logLines.join('\n'));
    const bytes = env.storeBytes();
    assert.ok(bytes.includes(Buffer.from('示例银行某支行保安')), 'the store holds the post');
    assertClean('SQLite files', bytes.toString('latin1'));
  });
});
