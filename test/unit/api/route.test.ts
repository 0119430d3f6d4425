import assert from 'node:assert/strict';
import express from 'express';
import { describe, it } from 'mocha';
import { z } from 'zod';
import { buildOpenApi, openApiPath } from '../../../api/openapi.js';
import { RouteRegistry } from '../../../api/route.js';
import { startApiServer } from '../../../api/server.js';
import { ApiError } from '../../../lib/errors.js';

function registry(): RouteRegistry {
  const r = new RouteRegistry();
  r.add({
    method: 'get',
    path: '/things/:id',
    tag: 't',
    summary: 'one thing',
    access: ['consumer'],
    params: z.object({ id: z.string().regex(/^t\d+$/) }),
    query: z.object({ limit: z.coerce.number().int().min(1).max(10).default(5), tier: z.enum(['L1', 'L2']).optional() }),
    response: z.object({ id: z.string(), limit: z.number() }),
    handler: ({ params, query }) => ({ id: params.id, limit: query.limit }),
  });
  r.add({
    method: 'post',
    path: '/broken',
    tag: 't',
    summary: 'returns the wrong shape',
    access: 'public',
    body: z.object({ name: z.string() }),
    response: z.object({ ok: z.boolean() }),
    handler: () => ({ ok: 'yes' }) as unknown as { ok: boolean },
  });
  return r;
}

async function serve(r: RouteRegistry) {
  const app = express();
  app.use(express.json());
  const router = express.Router();
  r.mount(router, { authenticate: async () => undefined, validateResponses: true });
  app.use(router);
  app.use((err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    if (err instanceof ApiError) res.status(err.statusCode).json(err.toJSON());
    else res.status(500).json({ error: { code: 'internal', message: String((err as Error).message) } });
  });
  return startApiServer(app, 0, '127.0.0.1');
}

describe('api/route registry', () => {
  it('validates params and query, applying defaults and coercion', async () => {
    const s = await serve(registry());
    try {
      const ok = await fetch(`${s.url}/things/t7`);
      assert.deepEqual(await ok.json(), { id: 't7', limit: 5 });
      const bad = await fetch(`${s.url}/things/x7?limit=50&tier=L9`);
      assert.equal(bad.status, 400);
      const body = await bad.json();
      assert.deepEqual(body.error.details.map((d: { path: string }) => d.path).sort(), ['params.id', 'query.limit', 'query.tier']);
      assert.match(body.error.message, /^invalid params\.id: /);
    } finally {
      await s.close();
    }
  });

  it('refuses a response that does not match its schema', async () => {
    const s = await serve(registry());
    try {
      const res = await fetch(`${s.url}/broken`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: '张三' }) });
      assert.equal(res.status, 500);
      assert.match((await res.json()).error.message, /does not match its schema/);
      const missing = await fetch(`${s.url}/broken`, { method: 'POST' });
      assert.equal(missing.status, 400);
      assert.equal((await missing.json()).error.details[0].path, 'body.name');
    } finally {
      await s.close();
    }
  });

  it('refuses duplicate routes', () => {
    const r = registry();
    assert.throws(() => r.add({ method: 'get', path: '/things/:id', tag: 't', summary: 'again', access: 'public', handler: () => ({}) }), /duplicate route/);
  });

  it('documents parameters, request bodies and responses from the same schemas', () => {
    // biome-ignore lint/suspicious/noExplicitAny: the document is inspected dynamically
    const doc = buildOpenApi(registry(), { title: 't', version: '1' }) as { paths: Record<string, Record<string, any>> };
    const get = doc.paths['/things/{id}']!.get;
    assert.deepEqual(
      get.parameters.map((p: { name: string; in: string; required: boolean }) => [p.name, p.in, p.required]),
      [
        ['id', 'path', true],
        ['limit', 'query', false],
        ['tier', 'query', false],
      ],
    );
    assert.deepEqual(get.parameters[1].schema, { default: 5, type: 'integer', minimum: 1, maximum: 10 });
    assert.ok(get.responses['401'] && get.responses['403']);
    assert.deepEqual(get['x-roles'], ['admin', 'consumer']);
    const post = doc.paths['/broken']!.post;
    assert.deepEqual(post.security, []);
    assert.equal(post.requestBody.content['application/json'].schema.properties.name.type, 'string');
    assert.equal(openApiPath('/a/:id/b/:x_y'), '/a/{id}/b/{x_y}');
  });
});
