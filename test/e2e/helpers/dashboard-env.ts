/**
 * The real API (createApiApp) over a real SQLite store with the real escalation service and case
 * workflow, seeded with realistic posts about 示例银行 so that the escalation rules open one case per
 * tier. Used by the dashboard browser test.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiApp } from '../../../api/app.js';
import { createKey } from '../../../api/keys.js';
import { loadConfig, projectPath } from '../../../config/load.js';
import type { Config } from '../../../config/schema.js';
import { type CaseWorkflow, createCaseWorkflow } from '../../../escalation/case/index.js';
import { parseRules } from '../../../escalation/rules.js';
import { createEscalationService, type EscalationService } from '../../../escalation/service.js';
import { MessageBus } from '../../../lib/bus.js';
import { type Clock, HOUR, MINUTE, systemClock } from '../../../lib/clock.js';
import type { Analysis, Case, Event, Mention, SentimentLabel, SourceHealth, SourceType } from '../../../lib/domain.js';
import { emptyEventStats } from '../../../lib/domain.js';
import { sha256Hex } from '../../../lib/ids.js';
import { silentLogger } from '../../../lib/logger.js';
import { createMetrics } from '../../../lib/metrics.js';
import { createStore } from '../../../store/index.js';
import type { Store } from '../../../store/store.js';

export interface PostSeed {
  source: string;
  sourceType: SourceType;
  nativeId: string;
  text: string;
  title?: string;
  author: { key: string; name: string; isMedia?: boolean; verifiedType?: number };
  minutesAgo: number;
  institution: string;
  institutionName: string;
  label: SentimentLabel;
  negativePhrases?: string[];
  topic?: { id: string; label: string; businessLine: string; cause: string };
  /** Weibo long text not expanded (the dashboard marks it 未展开全文). */
  truncated?: boolean;
}

export interface DashboardEnv {
  url: string;
  /** Secrets of keys by role. */
  keys: { pr: string; admin: string; executive: string };
  store: Store;
  workflow: CaseWorkflow;
  escalation: EscalationService;
  bus: MessageBus;
  clock: Clock;
  config: Config;
  /** Stores posts for an event (creating it when new), then lets the escalation service evaluate it. */
  addPosts(eventId: string, title: string, posts: PostSeed[]): Promise<Case | undefined>;
  /** Stores posts that belong to no event (background volume for the trend and share-of-voice charts). */
  addLoosePosts(posts: PostSeed[]): Promise<void>;
  close(): Promise<void>;
}

function analysisFor(m: Mention, p: PostSeed, now: Date): Analysis {
  return {
    mentionId: m.id,
    sentiment: { label: p.label, score: p.label === 'negative' ? 0.93 : p.label === 'neutral' ? 0.45 : 0.08 },
    institutions: [{ id: p.institution, name: p.institutionName, matched: p.institutionName, sentiment: p.label }],
    primaryInstitution: p.institution,
    topics: p.topic ? [{ ...p.topic, phrases: p.negativePhrases ?? [] }] : [],
    severity: { regulatorMentioned: false, regulators: [], collectiveAction: false, reach: 100, runRumour: false },
    tokens: [p.institutionName, ...(p.negativePhrases ?? [])],
    keyTerms: p.negativePhrases ?? [],
    simhash: sha256Hex(p.text).slice(0, 16),
    displayText: p.text,
    negativePhrases: p.negativePhrases ?? [],
    modelVersion: 'e2e-seed',
    analyzedAt: now.toISOString(),
  };
}

export async function startDashboardEnv(): Promise<DashboardEnv> {
  const dataDir = mkdtempSync(join(tmpdir(), 'radar-dashboard-'));
  const config = loadConfig({ env: {}, overrides: { store: { dataDir } } });
  const log = silentLogger();
  // Real time: the browser's countdowns and the server agree without a fake clock in the page.
  const clock = systemClock;
  const bus = new MessageBus();
  const metrics = createMetrics();
  const store = await createStore(config.store, { log });
  const rules = parseRules(readFileSync(projectPath(config.escalation.rulesFile), 'utf8'));
  const escalation = createEscalationService({ store, rules, config, clock, log, bus, metrics });
  const workflow = createCaseWorkflow({ store, clock, log, bus, rules });
  const sources = ['weibo', 'heimao', 'jutousu', 'rss:people-finance'];
  const app = createApiApp({
    config,
    store,
    workflow,
    rules: { get: async () => ({ version: 1, yaml: '' }), validate: () => [], update: async () => ({ version: 1 }) },
    crawl: { runNow: async () => undefined, sourceIds: () => sources },
    bus,
    metrics,
    clock,
    log,
    webDir: projectPath('web/dist'),
    sseHeartbeatMs: 2_000,
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const keys = {
    pr: (await createKey(store, { name: '公关部-王敏', role: 'pr' }, clock)).secret,
    admin: (await createKey(store, { name: 'ops-admin', role: 'admin' }, clock)).secret,
    executive: (await createKey(store, { name: '高管-李行长', role: 'executive' }, clock)).secret,
  };

  async function addPosts(eventId: string, title: string, posts: PostSeed[]): Promise<Case | undefined> {
    const now = clock.now();
    const first = posts[0];
    if ((await store.getEvent(eventId)) === undefined) {
      const firstSeen = new Date(now.getTime() - Math.max(...posts.map((p) => p.minutesAgo)) * MINUTE).toISOString();
      await store.saveEvent({
        id: eventId,
        institution: first.institution,
        topics: first.topic ? [first.topic.id] : [],
        keyTerms: first.negativePhrases ?? [],
        title,
        simhash: sha256Hex(title).slice(0, 16),
        firstSeenAt: firstSeen,
        lastSeenAt: now.toISOString(),
        ...emptyEventStats(),
      });
    }
    let event: Event | undefined;
    for (const p of posts) {
      const mention = seedMention(p, now);
      await store.upsertMentions([mention]);
      event = await store.completeMention(mention.id, analysisFor(mention, p, now), eventId, now.toISOString());
    }
    return event ? escalation.onEventUpdated(event) : undefined;
  }

  async function addLoosePosts(posts: PostSeed[]): Promise<void> {
    const now = clock.now();
    const mentions = posts.map((p) => seedMention(p, now));
    await store.upsertMentions(mentions);
    for (const [i, m] of mentions.entries()) await store.completeMention(m.id, analysisFor(m, posts[i], now), undefined, now.toISOString());
  }

  return {
    url,
    keys,
    store,
    workflow,
    escalation,
    bus,
    clock,
    config,
    addPosts,
    addLoosePosts,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function seedMention(p: PostSeed, now: Date): Mention {
  const publishedAt = new Date(now.getTime() - p.minutesAgo * MINUTE).toISOString();
  const urls: Record<string, string> = {
    weibo: `https://weibo.com/${p.author.key}/${p.nativeId}`,
    heimao: `https://tousu.sina.com.cn/complaint/view/${p.nativeId}/`,
    jutousu: `https://ts.21cn.com/tousu/show/id/${p.nativeId}`,
  };
  return {
    id: `${p.source}:${p.nativeId}`,
    source: p.source,
    sourceType: p.sourceType,
    nativeId: p.nativeId,
    url: urls[p.source] ?? `https://finance.people.com.cn/n1/2025/1122/c1004-${p.nativeId}.html`,
    title: p.title,
    text: p.text,
    author: { key: p.author.key, name: p.author.name, isMedia: p.author.isMedia ?? false, verifiedType: p.author.verifiedType },
    publishedAt,
    fetchedAt: now.toISOString(),
    contentHash: sha256Hex(`${p.source}:${p.nativeId}:${p.text}`),
    ...(p.truncated ? { truncated: true } : {}),
  };
}

/** Health rows as the crawlers record them: one healthy, one blocked by a captcha, one failing, one idle. */
export async function seedSourceHealth(store: Store, now: Date): Promise<void> {
  const at = (m: number) => new Date(now.getTime() - m * MINUTE).toISOString();
  const rows: SourceHealth[] = [
    { source: 'weibo', status: 'ok', lastRunAt: at(2), lastSuccessAt: at(2), consecutiveFailures: 0, itemsFetched: 1842, itemsMalformed: 3, running: false },
    {
      source: 'heimao',
      status: 'blocked',
      lastRunAt: at(5),
      lastSuccessAt: at(95),
      lastErrorAt: at(5),
      lastError: 'HTTP 403: 验证码页面 (captcha) — cooling down',
      consecutiveFailures: 4,
      blockedUntil: new Date(now.getTime() + HOUR).toISOString(),
      itemsFetched: 356,
      itemsMalformed: 0,
      running: false,
    },
    {
      source: 'jutousu',
      status: 'failing',
      lastRunAt: at(3),
      lastSuccessAt: at(40),
      lastErrorAt: at(3),
      lastError: 'ETIMEDOUT after 15000 ms',
      consecutiveFailures: 2,
      itemsFetched: 97,
      itemsMalformed: 1,
      running: false,
    },
  ];
  for (const row of rows) await store.saveSourceHealth(row);
}
