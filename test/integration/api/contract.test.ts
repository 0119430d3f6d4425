import assert from 'node:assert/strict';
import { after, before, describe, it } from 'mocha';
import { openApiPath } from '../../../api/openapi.js';
import type { RouteDef } from '../../../api/route.js';
import type { ApiRole } from '../../../lib/domain.js';
import { type Harness, ROLES, startHarness } from './harness.js';

/** One request with bad input per route that takes input, and the field the 400 must name. */
const BAD_INPUT: Record<string, { path: string; role?: ApiRole; body?: unknown; field: string }> = {
  'get /api/v1/mentions': { path: '/api/v1/mentions?q=年费&limit=0', field: 'query.limit' },
  'get /api/v1/mentions/export': { path: '/api/v1/mentions/export?format=xlsx', field: 'query.format' },
  'get /api/v1/mentions/:id': { path: `/api/v1/mentions/${'x'.repeat(201)}`, field: 'params.id' },
  'get /api/v1/events': { path: '/api/v1/events?from=昨天', field: 'query.from' },
  'get /api/v1/events/:id': { path: '/api/v1/events/ev_fee?mentions=9999', field: 'query.mentions' },
  'get /api/v1/alerts': { path: '/api/v1/alerts?tier=L4', field: 'query.tier' },
  'get /api/v1/alerts/:id': { path: `/api/v1/alerts/${'c'.repeat(201)}`, field: 'params.id' },
  'get /api/v1/alerts/:id/notifications': { path: `/api/v1/alerts/${'c'.repeat(201)}/notifications`, field: 'params.id' },
  'post /api/v1/alerts/:id/ack': { path: '/api/v1/alerts/c_l1/ack', body: { note: '   ' }, field: 'body.note' },
  'post /api/v1/alerts/:id/respond': { path: '/api/v1/alerts/c_l1/respond', body: { kind: 'tweet', text: '已致电客户' }, field: 'body.kind' },
  'post /api/v1/alerts/:id/reassign': { path: '/api/v1/alerts/c_l1/reassign', body: { owner: 'pr' }, field: 'body.assignee' },
  'post /api/v1/alerts/:id/comment': { path: '/api/v1/alerts/c_l1/comment', body: { text: 42 }, field: 'body.text' },
  'post /api/v1/alerts/:id/resolve': { path: '/api/v1/alerts/c_l1/resolve', body: { note: 123 }, field: 'body.note' },
  'post /api/v1/alerts/:id/review': { path: '/api/v1/alerts/c_done/review', body: {}, field: 'body.note' },
  'get /api/v1/reports/sentiment': { path: '/api/v1/reports/sentiment?interval=week', field: 'query.interval' },
  'get /api/v1/reports/share-of-voice': { path: '/api/v1/reports/share-of-voice?to=not-a-date', field: 'query.to' },
  'get /api/v1/reports/top-terms': { path: '/api/v1/reports/top-terms?sentiment=angry', field: 'query.sentiment' },
  'get /api/v1/reports/sla': { path: '/api/v1/reports/sla?from=2025-13-45', field: 'query.from' },
  'get /api/v1/reports/attribution': { path: '/api/v1/reports/attribution?month=2025-13', field: 'query.month' },
  'get /api/v1/reports/digest': { path: '/api/v1/reports/digest?date=20251121', field: 'query.date' },
  'post /api/v1/sources/:id/run': { path: '/api/v1/sources/WEIBO!/run', field: 'params.id' },
  'post /api/v1/rules/validate': { path: '/api/v1/rules/validate', body: { yaml: 5 }, field: 'body.yaml' },
  'put /api/v1/rules': { path: '/api/v1/rules', body: {}, field: 'body.yaml' },
  'post /api/v1/keys': { path: '/api/v1/keys', body: { name: '风控数据组', role: 'root' }, field: 'body.role' },
  'delete /api/v1/keys/:id': { path: `/api/v1/keys/${'k'.repeat(101)}`, field: 'params.id' },
  'get /api/v1/stream': { path: '/api/v1/stream?access_token=a&access_token=b', field: 'query.access_token' },
};

const routeKey = (d: RouteDef) => `${d.method} ${d.path}`;
/** A concrete URL for a route (path parameters filled with seeded ids). */
const concrete = (d: RouteDef) => d.path.replace(':id', d.path.startsWith('/api/v1/alerts') ? 'c_l1' : d.path.startsWith('/api/v1/sources') ? 'weibo' : 'x1');

describe('API contract: every registered route', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });

  it('the OpenAPI document lists every registered route with its method', async () => {
    const { status, body } = await h.json('GET', '/openapi.json');
    assert.equal(status, 200);
    assert.equal(body.openapi, '3.1.0');
    const routes = h.app.locals.registry.routes;
    assert.ok(routes.length >= 28);
    for (const d of routes) {
      const op = body.paths[openApiPath(d.path)]?.[d.method];
      assert.ok(op, `missing ${d.method} ${openApiPath(d.path)}`);
      assert.ok(op.responses[String(d.status)], `missing ${d.status} response for ${routeKey(d)}`);
      if (d.query)
        for (const name of Object.keys(d.query.shape))
          assert.ok(
            op.parameters.some((p: { name: string }) => p.name === name),
            `${routeKey(d)} lacks ?${name}`,
          );
      if (d.body) assert.ok(op.requestBody, `${routeKey(d)} lacks a request body`);
    }
    const documented = Object.values(body.paths as Record<string, object>).reduce((n, ops) => n + Object.keys(ops).length, 0);
    assert.equal(documented, routes.length);
  });

  it('the docs page is served locally and its script renders from /openapi.json', async () => {
    const page = await h.request('GET', '/docs');
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /<script src="\/docs\/docs\.js"><\/script>/);
    assert.doesNotMatch(html, /https?:\/\//);
    const js = await h.request('GET', '/docs/docs.js');
    assert.equal(js.status, 200);
    assert.match(await js.text(), /fetch\('\/openapi\.json'\)/);
  });

  it('every route with input answers bad input with 400 naming the field', async () => {
    const withInput = h.app.locals.registry.routes.filter((d) => d.params || d.query || d.body);
    for (const d of withInput) {
      const bad = BAD_INPUT[routeKey(d)];
      assert.ok(bad, `no bad-input case for ${routeKey(d)}`);
      const res = await h.json(d.method.toUpperCase(), bad.path, { role: bad.role ?? 'admin', body: bad.body });
      assert.equal(res.status, 400, `${routeKey(d)}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.code, 'invalid_request');
      assert.ok(
        res.body.error.details.some((x: { path: string }) => x.path === bad.field),
        `${routeKey(d)} should name ${bad.field}: ${JSON.stringify(res.body.error.details)}`,
      );
      assert.match(res.body.error.message, new RegExp(bad.field.replace('.', '\\.')));
    }
  });

  it('every protected route answers 401 without a key and with a revoked or unknown key', async () => {
    for (const d of h.app.locals.registry.routes.filter((r) => r.access !== 'public')) {
      const res = await h.json(d.method.toUpperCase(), concrete(d), { body: d.body ? {} : undefined });
      assert.equal(res.status, 401, routeKey(d));
      assert.equal(res.body.error.code, 'unauthorized');
      const unknown = await h.json(d.method.toUpperCase(), concrete(d), { key: 'yr_0000000000000000000000000000000000000000' });
      assert.equal(unknown.status, 401, routeKey(d));
    }
  });

  it('every route that excludes a role answers 403 to that role', async () => {
    let checked = 0;
    for (const d of h.app.locals.registry.routes.filter((r) => r.access !== 'public')) {
      const allowed = d.access as readonly ApiRole[];
      const excluded = ROLES.filter((r) => r !== 'admin' && !allowed.includes(r));
      if (excluded.length === 0) continue;
      for (const role of excluded) {
        const res = await h.json(d.method.toUpperCase(), concrete(d), { role, body: d.body ? {} : undefined });
        assert.equal(res.status, 403, `${routeKey(d)} as ${role}`);
        assert.equal(res.body.error.code, 'forbidden');
        checked += 1;
      }
    }
    assert.ok(checked > 40);
  });

  it('unknown routes answer 404 JSON; errors never carry a stack trace', async () => {
    for (const path of ['/api/v1/nothing', '/api/v2/alerts', '/wp-login.php']) {
      const res = await h.json('GET', path, { role: 'admin' });
      assert.equal(res.status, 404);
      assert.equal(res.body.error.code, 'not_found');
      assert.doesNotMatch(JSON.stringify(res.body), /at .*\.ts:\d+/);
    }
    const malformed = await h.request('POST', '/api/v1/alerts/c_l1/comment', { role: 'customer_service', body: '{"text": 不是JSON', headers: {} });
    assert.equal(malformed.status, 400);
    const body = await malformed.json();
    assert.equal(body.error.code, 'invalid_request');
    assert.doesNotMatch(JSON.stringify(body), /node_modules|at JSON\.parse/);
  });

  it('sets security headers, no X-Powered-By, on API, docs and errors', async () => {
    for (const path of ['/health', '/docs', '/api/v1/nothing', '/api/v1/alerts']) {
      const res = await h.request('GET', path);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
      assert.equal(res.headers.get('x-frame-options'), 'DENY', path);
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer', path);
      const csp = res.headers.get('content-security-policy') ?? '';
      assert.match(csp, /script-src 'self'(;|$)/, path);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.equal(res.headers.get('x-powered-by'), null, path);
      assert.equal(res.headers.get('x-server-time'), h.clock.now().toISOString(), path);
    }
  });

  it('allows only configured CORS origins and answers their preflight', async () => {
    const pre = await h.request('OPTIONS', '/api/v1/alerts', {
      headers: { origin: 'https://bi.example.cn', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), 'https://bi.example.cn');
    assert.match(pre.headers.get('access-control-allow-headers') ?? '', /Authorization/);
    const other = await h.request('GET', '/health', { headers: { origin: 'https://evil.example.com' } });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
  });
});
