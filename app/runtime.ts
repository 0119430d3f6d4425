import { readFileSync } from 'node:fs';
import { createAnalyzer, createClusterer, createInstitutionMatcher, maskPii, TOPICS } from '../analysis/index.js';
import { createTokenizer } from '../analysis/tokenizer.js';
import { createApiApp } from '../api/app.js';
import { ensureBootstrapKey } from '../api/keys.js';
import { startApiServer } from '../api/server.js';
import { projectPath } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { BrowserPool, findChrome } from '../crawlers/core/browser.js';
import { createCrawlers } from '../crawlers/registry.js';
import { createDigestScheduler } from '../escalation/digest.js';
import { createDispatcher } from '../escalation/dispatcher.js';
import { createNotifiers } from '../escalation/notifiers/index.js';
import { parseRules } from '../escalation/rules.js';
import { createEscalationService } from '../escalation/service.js';
import { createSweeper } from '../escalation/sweeper.js';
import { createCaseWorkflow } from '../escalation/workflow.js';
import { MessageBus } from '../lib/bus.js';
import { type Clock, systemClock } from '../lib/clock.js';
import { createLogger, type Logger } from '../lib/logger.js';
import { createMetrics, type Metrics } from '../lib/metrics.js';
import { createQueue } from '../queue/index.js';
import type { JobQueue } from '../queue/queue.js';
import { createStore } from '../store/index.js';
import type { Store } from '../store/store.js';
import { createPipeline, type Pipeline } from './pipeline.js';
import { createSearch, type SearchRuntime } from './search.js';

export interface RuntimeOptions {
  clock?: Clock;
  log?: Logger;
  /** Start the HTTP API (default true). */
  api?: boolean;
  /** Start cron schedules for crawlers, the SLA sweeper and the digest (default true). */
  schedules?: boolean;
  /** Bootstrap admin key (env RADAR_API_KEY). */
  apiKey?: string;
}

export interface Runtime {
  config: Config;
  store: Store;
  queue: JobQueue;
  search: SearchRuntime;
  pipeline: Pipeline;
  crawlers: ReturnType<typeof createCrawlers>;
  escalation: ReturnType<typeof createEscalationService>;
  sweeper: ReturnType<typeof createSweeper>;
  dispatcher: ReturnType<typeof createDispatcher>;
  workflow: ReturnType<typeof createCaseWorkflow>;
  bus: MessageBus;
  metrics: Metrics;
  log: Logger;
  clock: Clock;
  url?: string;
  close(): Promise<void>;
}

const RULES_NAME = 'escalation';

/**
 * The composition root: wires store, queue, analysis, crawlers, escalation, notifications and the API
 * for `radar start` and `radar demo`. Whoever creates a resource here closes it in `close()`.
 */
export async function createRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  const clock = options.clock ?? systemClock;
  const log = options.log ?? createLogger({ level: config.log.level, format: config.log.format });
  const bus = new MessageBus();
  const metrics = createMetrics();
  const tokenizer = createTokenizer({ extraWords: config.watchlist.flatMap((i) => [i.name, ...i.aliases]) });
  const store = await createStore(config.store, { log, tokenize: (t) => tokenizer.tokens(t), maskText: (t) => maskPii(t).text });
  const queue = createQueue(config.queue, { log });
  const search = createSearch(config, { store, queue, log });
  search.feeder?.register();
  const analyzer = createAnalyzer(config);
  log.info('sentiment model loaded', {
    modelVersion: analyzer.modelVersion,
    negativeThreshold: analyzer.threshold.value,
    thresholdOrigin: analyzer.threshold.origin,
  });
  const clusterer = createClusterer(config.analysis, { clock });
  const matcher = createInstitutionMatcher(config.watchlist);

  // Rules: the latest version saved through the API wins over the file shipped with the config.
  const stored = await store.getRuleSet(RULES_NAME);
  const rulesYaml = stored?.yaml ?? readFileSync(projectPath(config.escalation.rulesFile), 'utf8');
  let rules = parseRules(rulesYaml);

  const escalation = createEscalationService({ store, rules, config, clock, log, bus, metrics });
  const workflow = createCaseWorkflow({ store, clock, log, bus, rules });
  const sweeper = createSweeper({ store, service: escalation, clock, log, intervalMs: config.escalation.sweepIntervalSeconds * 1000 });
  const dispatcher = createDispatcher({
    store,
    notifiers: createNotifiers(config, { log }),
    clock,
    log,
    metrics,
    maxAttempts: config.escalation.maxDeliveryAttempts,
  });
  const digest = createDigestScheduler({ config, store, clock, log, bus });
  for (const role of ['customer_service', 'pr', 'executive', 'compliance'] as const) {
    if ((config.escalation.routes[role] ?? []).length === 0) {
      log.warn('no notification route for a role: its cases open on the board but nobody is paged', { role, configKey: `escalation.routes.${role}` });
    }
  }

  const pipeline = createPipeline({
    store,
    analyzer,
    clusterer,
    onEventUpdated: (event) => escalation.onEventUpdated(event),
    onCompleted: (id) => search.completed(id),
    clock,
    log,
    metrics,
    windowHours: config.analysis.clusterWindowHours,
  });
  queue.process<{ reason: string }>('process-mentions', async () => {
    await pipeline.kick();
    await search.flush();
    await dispatcher.dispatchOnce();
  });
  const kickPipeline = async () => {
    await queue.add('process-mentions', { reason: 'stored' }, { attempts: 5, backoffMs: 1000 });
  };

  let browser: BrowserPool | undefined;
  const chrome = findChrome(config.crawl.chromePath);
  if (chrome) browser = new BrowserPool({ executablePath: chrome, maxPages: config.crawl.browserPages, log });
  const crawlers = createCrawlers(config, {
    store,
    clock,
    log,
    metrics,
    bus,
    browser,
    filter: (post) => matcher.isRelevant(`${post.title ?? ''} ${post.text}`),
    onStored: async (ids) => {
      if (ids.length > 0) {
        bus.publish({ type: 'mention.stored', count: ids.length });
        await kickPipeline();
      }
    },
  });

  // A run interrupted by a crash left its source marked running; nothing is running in a new process.
  for (const health of await store.listSourceHealth()) {
    if (health.running) await store.saveSourceHealth({ ...health, running: false });
  }
  await pipeline.recover();
  if (options.apiKey) await ensureBootstrapKey(store, options.apiKey, clock);

  let server: { url: string; close(): Promise<void> } | undefined;
  if (options.api ?? true) {
    const app = createApiApp({
      config,
      store,
      search: search.index,
      workflow,
      rules: {
        get: async () => {
          const current = await store.getRuleSet(RULES_NAME);
          return { version: current?.version ?? 0, yaml: current?.yaml ?? rulesYaml };
        },
        validate: (yaml: string) => {
          try {
            parseRules(yaml);
            return [];
          } catch (err) {
            return [{ path: '(rules)', message: err instanceof Error ? err.message : String(err) }];
          }
        },
        update: async (yaml: string, actor: string) => {
          rules = parseRules(yaml);
          const version = await store.saveRuleSet(RULES_NAME, yaml, actor, clock.now().toISOString());
          escalation.setRules(rules);
          workflow.setRules(rules);
          return { version };
        },
      },
      crawl: { runNow: (id: string) => crawlers.scheduler.runNow(id), sourceIds: () => [...crawlers.adapters.keys()] },
      tokenize: (t: string) => tokenizer.tokens(t),
      maskText: (t: string) => maskPii(t).text,
      topicInfo: (id: string) => {
        const topic = TOPICS.find((x) => x.id === id);
        if (!topic) return undefined;
        const businessLine = topic.businessLine === 'infer' ? (topic.fallback ?? 'other') : topic.businessLine;
        return { businessLine, cause: topic.cause, label: topic.label };
      },
      bus,
      metrics,
      clock,
      log,
      webDir: projectPath('web/dist'),
      // Response schemas are checked by the API tests; a running service does not pay for it per request.
      validateResponses: process.env.RADAR_VALIDATE_RESPONSES === '1',
    });
    server = await startApiServer(app, config.server.port, config.server.host);
    log.info('API listening', { url: server.url });
  }

  if (options.schedules ?? true) {
    crawlers.scheduler.start();
    sweeper.start();
    dispatcher.start();
    digest.start();
    search.startRetention(() => clock.now());
  }

  return {
    config,
    store,
    queue,
    search,
    pipeline,
    crawlers,
    escalation,
    sweeper,
    dispatcher,
    workflow,
    bus,
    metrics,
    log,
    clock,
    url: server?.url,
    async close() {
      crawlers.scheduler.stop();
      sweeper.stop();
      dispatcher.stop();
      digest.stop();
      await server?.close();
      await queue.close();
      await search.close();
      await crawlers.close();
      await browser?.close();
      await store.close();
    },
  };
}
