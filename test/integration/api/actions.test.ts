import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'mocha';
import { createKey, revokeKey } from '../../../api/keys.js';
import { type Harness, startHarness } from './harness.js';

/** Reads an SSE response until `predicate` matches one event, or throws after `max` events. */
// biome-ignore lint/suspicious/noExplicitAny: SSE payloads are inspected dynamically
async function readEvent(res: Response, predicate: (e: { event: string; data: unknown }) => boolean): Promise<{ event: string; data: any }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error('stream ended');
      buffer += decoder.decode(value, { stream: true });
      let idx = buffer.indexOf('\n\n');
      while (idx >= 0) {
        const block = buffer.slice(0, idx);
        buffer = buffer.slice(idx + 2);
        const event = /^event: (.+)$/m.exec(block)?.[1];
        const data = /^data: (.+)$/m.exec(block)?.[1];
        if (event && data) {
          const parsed = { event, data: JSON.parse(data) };
          if (predicate(parsed)) return parsed;
        }
        idx = buffer.indexOf('\n\n');
      }
    }
  } finally {
    await reader.cancel();
  }
}

describe('API case actions, admin endpoints and live stream', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ sseHeartbeatMs: 50 });
  });
  after(async () => {
    await h.close();
  });

  describe('case workflow through the API', () => {
    it('customer service acknowledges, responds, comments and resolves an L1 case', async () => {
      const ack = await h.json('POST', '/api/v1/alerts/c_l1/ack', { role: 'customer_service', body: { note: '已联系客户核实' } });
      assert.equal(ack.status, 200, JSON.stringify(ack.body));
      assert.equal(ack.body.state, 'acknowledged');
      assert.equal(ack.body.acknowledgedAt, h.clock.now().toISOString());
      const last = ack.body.history.at(-1);
      assert.equal(last.actor, '测试-customer_service');
      h.clock.advance(20 * 60_000);
      const resp = await h.json('POST', '/api/v1/alerts/c_l1/respond', {
        role: 'customer_service',
        body: { kind: 'reply_to_complainant', text: '您好，已为您退还年费，给您带来不便深表歉意。' },
      });
      assert.equal(resp.status, 200, JSON.stringify(resp.body));
      assert.equal(resp.body.state, 'responded');
      assert.equal(resp.body.responses[0].kind, 'reply_to_complainant');
      const comment = await h.json('POST', '/api/v1/alerts/c_l1/comment', { role: 'customer_service', body: { text: '客户表示满意' } });
      assert.equal(comment.status, 200);
      assert.ok(comment.body.history.some((e: { type: string }) => e.type === 'comment' || e.type === 'commented'));
      const resolved = await h.json('POST', '/api/v1/alerts/c_l1/resolve', { role: 'customer_service', body: {} });
      assert.equal(resolved.status, 200, JSON.stringify(resolved.body));
      assert.equal(resolved.body.state, 'resolved');
      const review = await h.json('POST', '/api/v1/alerts/c_l1/review', { role: 'customer_service', body: { note: '复盘：年费减免规则需在APP首页提示' } });
      assert.equal(review.status, 200, JSON.stringify(review.body));
      assert.equal(review.body.state, 'reviewed');
    });

    it('reassigns a case', async () => {
      const res = await h.json('POST', '/api/v1/alerts/c_l2/reassign', { role: 'pr', body: { assignee: '公关部-张敏' } });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.assignee, '公关部-张敏');
    });

    it('the workflow refuses a tier the role may not handle (403) and a wrong state (409)', async () => {
      const forbidden = await h.json('POST', '/api/v1/alerts/c_l3/ack', { role: 'customer_service', body: {} });
      assert.equal(forbidden.status, 403);
      assert.equal(forbidden.body.error.code, 'forbidden_role');
      const twice = await h.json('POST', '/api/v1/alerts/c_l2/ack', { role: 'pr', body: {} });
      assert.equal(twice.status, 409);
      const missing = await h.json('POST', '/api/v1/alerts/c_missing/ack', { role: 'pr', body: {} });
      assert.equal(missing.status, 404);
    });
  });

  describe('response cache of the alert board', () => {
    it('serves repeated reads from cache, drops them on case.changed and after the TTL', async () => {
      const state = async () =>
        (await h.json('GET', '/api/v1/alerts?owner=pr&limit=50', { role: 'pr' })).body.items.find((c: { id: string }) => c.id === 'c_l2')?.assignee;
      const before = await state();
      const c = (await h.store.getCase('c_l2'))!;
      await h.store.commitCaseChange({
        case: { ...c, assignee: '直接写库', updatedAt: h.clock.now().toISOString() },
        history: [],
        scheduleClocks: [],
        cancelClockKinds: [],
        notifications: [],
      });
      assert.equal(await state(), before, 'a write that bypasses the bus is not seen within the TTL');
      h.clock.advance(1001);
      assert.equal(await state(), '直接写库');
      await h.json('POST', '/api/v1/alerts/c_l2/reassign', { role: 'pr', body: { assignee: '公关部-李雷' } });
      assert.equal(await state(), '公关部-李雷', 'a case action through the workflow is visible on the next read');
    });
  });

  describe('live stream', () => {
    it('delivers case.changed to an EventSource-style client authenticated by ?access_token=', async () => {
      const controller = new AbortController();
      const res = await fetch(`${h.url}/api/v1/stream?access_token=${h.keys.executive}`, { signal: controller.signal });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
      const received = readEvent(res, (e) => e.event === 'case.changed');
      const ack = await h.json('POST', '/api/v1/alerts/c_l3/ack', { role: 'executive', body: { note: '高管已知悉，启动应急预案' } });
      assert.equal(ack.status, 200, JSON.stringify(ack.body));
      const event = await received;
      assert.equal(event.data.case.id, 'c_l3');
      assert.equal(event.data.case.state, 'acknowledged');
      assert.equal(event.data.change, ack.body.history.at(-1).type);
      controller.abort();
    });

    it('sends heartbeats and keeps case changes from consumer keys', async () => {
      const res = await fetch(`${h.url}/api/v1/stream`, { headers: { authorization: `Bearer ${h.keys.consumer}` } });
      const reader = res.body!.getReader();
      let text = '';
      h.bus.publish({ type: 'case.changed', case: (await h.store.getCase('c_l2'))!, change: 'comment' });
      h.bus.publish({
        type: 'source.health',
        health: { source: 'weibo', status: 'blocked', consecutiveFailures: 3, itemsFetched: 0, itemsMalformed: 0, running: false },
      });
      h.bus.publish({ type: 'mention.stored', count: 7 });
      while (!text.includes('event: mention.stored') || !text.includes(': heartbeat')) {
        const { value } = await reader.read();
        text += new TextDecoder().decode(value);
      }
      await reader.cancel();
      assert.ok(!text.includes('case.changed'));
      assert.match(text, /data: \{"count":7\}/);
      assert.ok(!text.includes('source.health'), 'a consumer key may not read source health (GET /sources is for case roles)');
    });

    it('sends source health to roles that may read the sources', async () => {
      const res = await fetch(`${h.url}/api/v1/stream`, { headers: { authorization: `Bearer ${h.keys.pr}` } });
      const received = readEvent(res, (e) => e.event === 'source.health');
      h.bus.publish({
        type: 'source.health',
        health: { source: 'weibo', status: 'blocked', consecutiveFailures: 3, itemsFetched: 0, itemsMalformed: 0, running: false },
      });
      assert.equal((await received).data.health.status, 'blocked');
    });

    /** Reads the stream to its end; returns the text. */
    async function drain(res: Response): Promise<string> {
      const reader = res.body!.getReader();
      let text = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return text;
        text += new TextDecoder().decode(value);
      }
    }

    it('ends the stream of a key revoked through the API at once', async () => {
      const key = await createKey(h.store, { name: '临时-bi', role: 'consumer' }, h.clock);
      const res = await fetch(`${h.url}/api/v1/stream`, { headers: { authorization: `Bearer ${key.secret}` } });
      assert.equal(res.status, 200);
      const ended = drain(res);
      const del = await h.request('DELETE', `/api/v1/keys/${key.id}`, { role: 'admin' });
      assert.equal(del.status, 204);
      h.bus.publish({ type: 'mention.stored', count: 1 });
      const text = await ended;
      assert.match(text, /event: revoked/);
      assert.ok(!text.includes('"count":1'), 'nothing is delivered after the revocation');
    });
  });

  describe('sources', () => {
    it('runs a source now (admin) and audits it; 404 for an unknown source', async () => {
      const res = await h.json('POST', '/api/v1/sources/heimao/run', { role: 'admin' });
      assert.equal(res.status, 202);
      assert.deepEqual(res.body, { source: 'heimao', status: 'started' });
      assert.deepEqual(h.crawlRuns, ['heimao']);
      const audit = await h.store.listAudit('source:heimao', 10);
      assert.equal(audit[0]?.action, 'source.run');
      assert.equal((await h.json('POST', '/api/v1/sources/douyin/run', { role: 'admin' })).status, 404);
    });
  });

  describe('rules', () => {
    it('gets, validates and replaces the rule set with an audit entry', async () => {
      const current = await h.json('GET', '/api/v1/rules', { role: 'admin' });
      assert.equal(current.status, 200);
      assert.match(current.body.yaml, /l1_single_complaint/);
      const invalid = await h.json('POST', '/api/v1/rules/validate', { role: 'admin', body: { yaml: 'version: 1\nrules:\n  - id: x\n    tier: L9\n' } });
      assert.equal(invalid.status, 200);
      assert.equal(invalid.body.valid, false);
      assert.ok(invalid.body.issues.length > 0);
      const valid = await h.json('POST', '/api/v1/rules/validate', { role: 'admin', body: { yaml: current.body.yaml } });
      assert.deepEqual(valid.body, { valid: true, issues: [] });
      const rejected = await h.json('PUT', '/api/v1/rules', { role: 'admin', body: { yaml: 'rules: 不是列表' } });
      assert.equal(rejected.status, 400);
      assert.equal(rejected.body.error.code, 'invalid_rules');
      const saved = await h.json('PUT', '/api/v1/rules', {
        role: 'admin',
        body: { yaml: current.body.yaml.replace('deadlineMinutes: 120', 'deadlineMinutes: 90') },
      });
      assert.equal(saved.status, 200, JSON.stringify(saved.body));
      assert.equal(saved.body.version, 1);
      const after = await h.json('GET', '/api/v1/rules', { role: 'admin' });
      assert.equal(after.body.version, 1);
      assert.match(after.body.yaml, /deadlineMinutes: 90/);
      const audit = await h.store.listAudit('rules', 10);
      assert.equal(audit[0]?.action, 'rules.update');
      assert.equal(audit[0]?.actor, '测试-admin');
    });
  });

  describe('keys', () => {
    it('creates a key whose secret works, lists keys without hashes, revokes it', async () => {
      const created = await h.json('POST', '/api/v1/keys', { role: 'admin', body: { name: '风控数据组', role: 'consumer' } });
      assert.equal(created.status, 201);
      assert.match(created.body.secret, /^yr_[0-9a-f]{40}$/);
      const works = await h.json('GET', '/api/v1/mentions?limit=1', { key: created.body.secret });
      assert.equal(works.status, 200);
      const list = await h.json('GET', '/api/v1/keys', { role: 'admin' });
      const listed = list.body.items.find((k: { id: string }) => k.id === created.body.key.id);
      assert.equal(listed.name, '风控数据组');
      assert.equal(listed.hash, undefined);
      assert.ok(!JSON.stringify(list.body).includes(created.body.secret));
      const revoked = await h.request('DELETE', `/api/v1/keys/${created.body.key.id}`, { role: 'admin' });
      assert.equal(revoked.status, 204);
      assert.equal((await h.json('GET', '/api/v1/mentions?limit=1', { key: created.body.secret })).status, 401);
      assert.equal((await h.request('DELETE', `/api/v1/keys/${created.body.key.id}`, { role: 'admin' })).status, 404);
    });
  });

  it('GET /metrics (admin) refreshes the open cases gauge', async () => {
    assert.equal((await h.request('GET', '/api/v1/alerts/c_l2', { role: 'pr' })).status, 200);
    const res = await h.request('GET', '/metrics', { role: 'admin' });
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.match(text, /radar_open_cases\{tier="L2"\} 1/);
    assert.match(text, /radar_http_request_seconds_count\{method="GET",route="\/api\/v1\/alerts\/:id"/);
  });
});

describe('API rate limiting and public metrics', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('answers 429 with Retry-After once a key spends its bucket, and recovers as time passes', async () => {
    h = await startHarness({ rateLimitPerMinute: 3 });
    for (let i = 0; i < 3; i++) assert.equal((await h.request('GET', '/api/v1/mentions?limit=1', { role: 'consumer' })).status, 200);
    const limited = await h.json('GET', '/api/v1/mentions?limit=1', { role: 'consumer' });
    assert.equal(limited.status, 429);
    assert.equal(limited.body.error.code, 'rate_limited');
    assert.equal(limited.headers.get('retry-after'), '20');
    assert.equal((await h.request('GET', '/api/v1/mentions?limit=1', { role: 'pr' })).status, 200, 'other keys have their own bucket');
    h.clock.advance(20_000);
    assert.equal((await h.request('GET', '/api/v1/mentions?limit=1', { role: 'consumer' })).status, 200);
    assert.equal((await h.request('GET', '/api/v1/mentions?limit=1', { role: 'consumer' })).status, 429);
  });

  it('serves the dashboard files publicly with the security headers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'radar-web-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>舆情雷达</title><script src="/app.js"></script>');
    writeFileSync(join(dir, 'app.js'), 'console.log("看板")');
    h = await startHarness({ webDir: dir });
    const index = await h.request('GET', '/');
    assert.equal(index.status, 200);
    assert.match(await index.text(), /舆情雷达/);
    assert.match(index.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    const js = await h.request('GET', '/app.js');
    assert.match(js.headers.get('content-type') ?? '', /javascript/);
    assert.equal((await h.json('GET', '/missing.js')).body.error.code, 'not_found');
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves /metrics without a key when server.metricsPublic is set', async () => {
    h = await startHarness({ server: { metricsPublic: true } });
    const res = await h.request('GET', '/metrics');
    assert.equal(res.status, 200);
    assert.match(await res.text(), /radar_open_cases/);
  });
});

describe('API live stream of a key revoked elsewhere', () => {
  it('ends the stream of a key revoked by another process within the re-check interval', async () => {
    const other = await startHarness({ streamKeyCheckMs: 100 });
    try {
      const key = await createKey(other.store, { name: '临时-risk', role: 'executive' }, other.clock);
      const res = await fetch(`${other.url}/api/v1/stream`, { headers: { authorization: `Bearer ${key.secret}` } });
      assert.equal(res.status, 200);
      const reader = res.body!.getReader();
      // Revoked in the store only, as `radar keys revoke` or another API process does.
      assert.equal(await revokeKey(other.store, key.id, other.clock), true);
      let text = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      assert.match(text, /event: revoked/);
    } finally {
      await other.close();
    }
  });
});
