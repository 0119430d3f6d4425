import { readFileSync } from 'node:fs';
import { type ApiApp, createApiApp } from '../../../api/app.js';
import type { RulesService } from '../../../api/context.js';
import { createKey } from '../../../api/keys.js';
import { startApiServer } from '../../../api/server.js';
import { loadConfig, projectPath } from '../../../config/load.js';
import { createCaseWorkflow } from '../../../escalation/case/index.js';
import { parseRules } from '../../../escalation/rules.js';
import { MessageBus } from '../../../lib/bus.js';
import { FakeClock } from '../../../lib/clock.js';
import type { ApiRole } from '../../../lib/domain.js';
import { silentLogger } from '../../../lib/logger.js';
import { createMetrics } from '../../../lib/metrics.js';
import { createStore } from '../../../store/index.js';
import type { SearchIndex } from '../../../store/search/search-index.js';
import type { Store } from '../../../store/store.js';
import { seedApiFixtures, T0 } from './fixtures.js';

export const ROLES: ApiRole[] = ['consumer', 'customer_service', 'pr', 'executive', 'compliance', 'admin'];

export interface Harness {
  url: string;
  app: ApiApp;
  store: Store;
  clock: FakeClock;
  bus: MessageBus;
  keys: Record<ApiRole, string>;
  crawlRuns: string[];
  request(method: string, path: string, options?: { role?: ApiRole; key?: string; body?: unknown; headers?: Record<string, string> }): Promise<Response>;
  // biome-ignore lint/suspicious/noExplicitAny: test responses are inspected dynamically
  json<T = any>(
    method: string,
    path: string,
    options?: { role?: ApiRole; key?: string; body?: unknown },
  ): Promise<{ status: number; body: T; headers: Headers }>;
  close(): Promise<void>;
}

/** The API on 127.0.0.1 over a real in-memory SQLite store, the real case workflow and rules, seeded with fixtures. */
export async function startHarness(
  options: {
    rateLimitPerMinute?: number;
    server?: Record<string, unknown>;
    sseHeartbeatMs?: number;
    streamKeyCheckMs?: number;
    bodyTimeoutMs?: number;
    webDir?: string;
    search?: SearchIndex;
  } = {},
): Promise<Harness> {
  const clock = new FakeClock(T0);
  const config = loadConfig({
    env: {},
    overrides: {
      store: { dataDir: ':memory:' },
      server: { rateLimitPerMinute: options.rateLimitPerMinute ?? 100_000, corsOrigins: ['https://bi.example.cn'], ...options.server },
    },
  });
  const log = silentLogger();
  const store = await createStore(config.store, { log });
  const bus = new MessageBus();
  const rulesYaml = readFileSync(projectPath(config.escalation.rulesFile), 'utf8');
  let ruleSet = parseRules(rulesYaml);
  const workflow = createCaseWorkflow({ store, clock, log, bus, rules: () => ruleSet });
  const rules: RulesService = {
    get: async () => {
      const saved = await store.getRuleSet('escalation');
      return { version: saved?.version ?? 0, yaml: saved?.yaml ?? rulesYaml };
    },
    validate: (yaml) => {
      try {
        parseRules(yaml);
        return [];
      } catch (err) {
        return [{ path: '(rules)', message: err instanceof Error ? err.message : String(err) }];
      }
    },
    update: async (yaml, actor) => {
      ruleSet = parseRules(yaml);
      return { version: await store.saveRuleSet('escalation', yaml, actor, clock.now().toISOString()) };
    },
  };
  const crawlRuns: string[] = [];
  const app = createApiApp({
    config,
    store,
    search: options.search,
    workflow,
    rules,
    crawl: {
      runNow: async (id) => {
        crawlRuns.push(id);
      },
      sourceIds: () => ['weibo', 'heimao', 'news-rss'],
    },
    bus,
    metrics: createMetrics({ defaultMetrics: false }),
    clock,
    log,
    validateResponses: true,
    sseHeartbeatMs: options.sseHeartbeatMs,
    streamKeyCheckMs: options.streamKeyCheckMs,
    bodyTimeoutMs: options.bodyTimeoutMs,
    webDir: options.webDir,
  });
  const server = await startApiServer(app, 0, '127.0.0.1');
  const keys = {} as Record<ApiRole, string>;
  for (const role of ROLES) keys[role] = (await createKey(store, { name: `测试-${role}`, role }, clock)).secret;
  await seedApiFixtures(store);

  const request: Harness['request'] = (method, path, o = {}) => {
    const headers: Record<string, string> = { ...o.headers };
    const key = o.key ?? (o.role ? keys[o.role] : undefined);
    if (key) headers.authorization = `Bearer ${key}`;
    if (o.body !== undefined) headers['content-type'] = 'application/json';
    return fetch(server.url + path, { method, headers, body: o.body === undefined ? undefined : typeof o.body === 'string' ? o.body : JSON.stringify(o.body) });
  };
  return {
    url: server.url,
    app,
    store,
    clock,
    bus,
    keys,
    crawlRuns,
    request,
    async json(method, path, o) {
      const res = await request(method, path, o);
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
    },
    async close() {
      await server.close();
      await store.close();
    },
  };
}
