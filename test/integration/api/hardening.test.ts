import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'mocha';
import { type Harness, startHarness } from './harness.js';

/** Sends raw bytes on a fresh connection; resolves with everything received until the server answers or closes. */
function rawRequest(url: string, head: string, body = ''): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(head + body));
    let got = '';
    socket.on('data', (c: Buffer) => {
      got += c.toString('utf8');
      // A complete JSON error answer is enough: the point is that it came without the body.
      if (/\r\n\r\n[\s\S]*\}\}$/.test(got)) {
        socket.destroy();
        resolve(got);
      }
    });
    socket.on('close', () => resolve(got));
    socket.on('error', reject);
  });
}

describe('API hardening: brute force, bodies, malformed input', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ bodyTimeoutMs: 300 });
  });
  after(async () => {
    await h.close();
  });

  it('throttles wrong keys per client address: 429 for every key from it until the budget refills', async () => {
    const wrong = { key: 'yr_guess0000000000000000000000000000000000' };
    for (let i = 0; i < 60; i++) assert.equal((await h.request('GET', '/api/v1/alerts', wrong)).status, 401, `attempt ${i + 1}`);
    const throttled = await h.json('GET', '/api/v1/alerts', wrong);
    assert.equal(throttled.status, 429);
    assert.equal(throttled.body.error.code, 'rate_limited');
    assert.ok(Number(throttled.headers.get('retry-after')) >= 1);
    // A right key from the same address learns nothing either while the address is throttled.
    assert.equal((await h.request('GET', '/api/v1/alerts', { role: 'admin' })).status, 429);
    h.clock.advance(60_000);
    assert.equal((await h.request('GET', '/api/v1/alerts', { role: 'admin' })).status, 200);
  });

  it('answers a NUL byte in q with 400 naming query.q', async () => {
    const res = await h.json('GET', '/api/v1/mentions?q=%E7%A4%BA%00%E4%BE%8B', { role: 'consumer' });
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.equal(res.body.error.details[0].path, 'query.q');
  });

  it('answers a malformed percent-escape in a path segment with 400 JSON', async () => {
    const res = await h.json('GET', '/api/v1/alerts/%E0%A4%A', { role: 'admin' });
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.equal(res.body.error.code, 'invalid_request');
  });

  it('answers a garbage or unknown Content-Encoding with 4xx JSON, and reads a valid gzip body', async () => {
    const headers = { 'content-type': 'application/json' };
    for (const encoding of ['gzip', 'br', 'deflate']) {
      const res = await h.request('POST', '/api/v1/alerts/c_l2/comment', {
        role: 'pr',
        body: 'not compressed at all',
        headers: { ...headers, 'content-encoding': encoding },
      });
      assert.equal(res.status, 400, encoding);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'invalid_request');
    }
    const unknown = await h.request('POST', '/api/v1/alerts/c_l2/comment', { role: 'pr', body: '{}', headers: { ...headers, 'content-encoding': 'zstd-ish' } });
    assert.equal(unknown.status, 415);
    const ok = await fetch(`${h.url}/api/v1/alerts/c_l2/comment`, {
      method: 'POST',
      headers: { ...headers, 'content-encoding': 'gzip', authorization: `Bearer ${h.keys.pr}` },
      body: gzipSync(JSON.stringify({ text: '已与投诉客户电话沟通' })),
    });
    assert.equal(ok.status, 200);
  });

  it('authenticates before reading a body: a caller without a key gets 401 without sending it', async () => {
    const head = `POST /api/v1/alerts/c_l2/comment HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n`;
    const answer = await rawRequest(h.url, head, '{"text":"');
    assert.match(answer, /^HTTP\/1\.1 401/);
    assert.match(answer, /connection: close/i);
  });

  it('times out a slow body with 408', async () => {
    const head = `POST /api/v1/alerts/c_l2/comment HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${h.keys.pr}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n`;
    const answer = await rawRequest(h.url, head, '{"text":"慢');
    assert.match(answer, /^HTTP\/1\.1 408/);
    assert.match(answer, /request_timeout/);
  });
});
