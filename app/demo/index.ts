import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deepMerge, loadConfig, projectPath } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import type { Case } from '../../lib/domain.js';
import { createLogger } from '../../lib/logger.js';
import { createRuntime, type Runtime } from '../runtime.js';
import { buildCardFeeScenario, DEMO_BANK_APP_ID, DEMO_BANK_WEIBO_UID } from './scenario/card-fee.js';
import { type FixtureServers, startFixtureServers } from './servers/index.js';

export interface DemoOptions {
  files?: string[];
  /** Speeds the scenario up (tests use 10+). */
  speed?: number;
  /** Override config values (tests: port 0, data dir). */
  overrides?: Record<string, unknown>;
  silent?: boolean;
  /** Publish the scenario phases on a timer (default true); tests publish them one by one. */
  autoPublish?: boolean;
}

export interface Demo {
  runtime: Runtime;
  servers: FixtureServers;
  apiKey: string;
  webhook: { url: string; received: Array<{ headers: Record<string, string | string[] | undefined>; body: unknown }> };
  /** Resolves when every phase of the scenario has been published. */
  published: Promise<void>;
  /** Publishes phase `index` (0-based) now. */
  publishPhase(index: number): void;
  close(): Promise<void>;
}

/**
 * A dashboard link that logs the browser in: the key in the query string, the route in the hash
 * (`/#/?key=` would put the key inside the route, which the dashboard never reads).
 */
export function dashboardLink(baseUrl: string, apiKey: string, route = '/'): string {
  return `${baseUrl.replace(/\/+$/, '')}/?key=${encodeURIComponent(apiKey)}#${route}`;
}

const TIER_LABEL: Record<Case['tier'], string> = { L1: 'L1 轻度', L2: 'L2 中度', L3: 'L3 重度' };

/** A loopback webhook receiver standing in for the bank's alert endpoint during the demo. */
async function startWebhookReceiver(): Promise<{ url: string; received: Demo['webhook']['received']; close(): Promise<void> }> {
  const received: Demo['webhook']['received'] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: unknown = Buffer.concat(chunks).toString('utf8');
      try {
        body = JSON.parse(body as string);
      } catch {
        // keep the raw text
      }
      received.push({ headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hooks/radar`, received, close: () => new Promise((r) => server.close(() => r())) };
}

/** 示例银行's official Weibo account and app as the demo's fixture servers know them (not real accounts). */
function withDemoAccounts(watchlist: Config['watchlist']): Config['watchlist'] {
  return watchlist.map((inst) => (inst.id === 'example_bank' ? { ...inst, weiboUids: [DEMO_BANK_WEIBO_UID], appStoreIds: [DEMO_BANK_APP_ID] } : inst));
}

/** Points the demo sources at the fixture servers. */
function demoOverrides(servers: FixtureServers, webhookUrl: string, dataDir: string): Record<string, unknown> {
  return {
    store: { dataDir },
    crawl: {
      sources: {
        weibo: { kind: 'weibo', baseUrl: servers.urls.weibo, searchHtmlUrl: servers.urls.weiboHtml ?? servers.urls.weibo, visitorUrl: servers.urls.weibo },
        heimao: { kind: 'heimao', baseUrl: servers.urls.heimao },
        jutousu: { kind: 'jutousu', baseUrl: servers.urls.jutousu },
        'news-rss': { kind: 'rss', feeds: [{ name: '示例财经日报', url: servers.urls.rss }] },
        'weibo-comments': { kind: 'weibo-comments', baseUrl: servers.urls.weibo },
        appstore: { kind: 'appstore', baseUrl: servers.urls.appstore },
        douyin: { kind: 'douyin', baseUrl: servers.urls.douyin },
      },
    },
    escalation: { channels: { webhook: { url: webhookUrl, secret: 'demo-webhook-secret' } } },
  };
}

export async function runDemo(options: DemoOptions = {}): Promise<Demo> {
  const speed = options.speed ?? 1;
  const servers = await startFixtureServers();
  const webhook = await startWebhookReceiver();
  const dataDir = process.env.RADAR_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'radar-demo-'));
  const overrides = deepMerge(demoOverrides(servers, webhook.url, dataDir), options.overrides ?? {});
  const loaded: Config = loadConfig({ files: [projectPath('config/demo.yaml'), ...(options.files ?? [])], overrides });
  const config: Config = { ...loaded, watchlist: withDemoAccounts(loaded.watchlist) };
  const log = createLogger({ level: config.log.level, format: config.log.format, silent: options.silent ?? false });
  const apiKey = process.env.RADAR_API_KEY ?? `demo_${randomBytes(12).toString('hex')}`;
  const runtime = await createRuntime(config, { log, apiKey });
  const demoLog = log.child({ component: 'demo' });

  const url = runtime.url ?? `http://127.0.0.1:${config.server.port}`;
  // Case links in notifications point at this demo, not at the default localhost:3000, unless the
  // operator set a public URL (the escalation service reads the config object when it renders).
  if (!process.env.RADAR_PUBLIC_URL && config.server.publicUrl === 'http://localhost:3000') config.server.publicUrl = url;
  const unsubscribe = runtime.bus.subscribe((m) => {
    if (m.type !== 'case.changed' || m.change === 'updated') return;
    const c = m.case;
    demoLog.info(`case ${m.change}: ${TIER_LABEL[c.tier]} → ${c.owner}`, {
      caseId: c.id,
      title: c.title.slice(0, 40),
      mentions: c.mentionCount,
      distinctAuthors: c.distinctAuthors,
      deadlineAt: c.deadlineAt,
    });
    if (c.tier === 'L3' && m.change === 'promoted') {
      demoLog.info('scenario complete: one case promoted L1 → L2 → L3; look at the alert board and the case audit trail', {
        dashboard: dashboardLink(url, apiKey, `/cases/${c.id}`),
        api: `curl -s -H 'Authorization: Bearer ${apiKey}' ${url}/api/v1/alerts/${c.id}`,
      });
    }
  });

  demoLog.info('demo running', {
    dataDir,
    dashboard: dashboardLink(url, apiKey),
    alerts: `curl -s -H 'Authorization: Bearer ${apiKey}' ${url}/api/v1/alerts`,
    webhookReceiver: webhook.url,
  });

  // The scenario: one complaint → ten-plus complainants on the same issue → a media report.
  const scenario = buildCardFeeScenario(runtime.clock.now());
  const timers: NodeJS.Timeout[] = [];
  let resolvePublished: () => void = () => undefined;
  const published = new Promise<void>((resolve) => {
    resolvePublished = resolve;
  });
  const publishPhase = (i: number) => {
    const phase = scenario.phases[i];
    if (!phase) throw new Error(`the scenario has ${scenario.phases.length} phases, not ${i + 1}`);
    servers.publishPhase(phase);
    demoLog.info(`scenario phase ${i + 1}/${scenario.phases.length} published: ${phase.name}`);
    if (i === scenario.phases.length - 1) resolvePublished();
  };
  if (options.autoPublish ?? true) {
    const offsets = [0, 15_000, 35_000];
    scenario.phases.forEach((_phase, i) => {
      timers.push(setTimeout(() => publishPhase(i), (offsets[i] ?? 35_000 + i * 10_000) / speed));
    });
  }

  return {
    runtime,
    servers,
    apiKey,
    webhook,
    published,
    publishPhase,
    async close() {
      for (const t of timers) clearTimeout(t);
      unsubscribe();
      await runtime.close();
      await servers.close();
      await webhook.close();
    },
  };
}
