import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import { createAnalyzer, createClusterer, createInstitutionMatcher, maskPii } from '../analysis/index.js';
import { createTokenizer } from '../analysis/tokenizer.js';
import type { Config } from '../config/schema.js';
import { BrowserPool, findChrome } from '../crawlers/core/browser.js';
import { HostPacer, type Pacer, RedisHostPacer } from '../crawlers/core/pacer.js';
import { createCrawlers } from '../crawlers/registry.js';
import { createCaseWorkflow } from '../escalation/case/index.js';
import { createDigestScheduler } from '../escalation/digest.js';
import { createDispatcher } from '../escalation/dispatcher.js';
import { createNotifiers } from '../escalation/notifiers/index.js';
import { createLiveRules } from '../escalation/rules-live.js';
import { createEscalationService } from '../escalation/service.js';
import { createSweeper } from '../escalation/sweeper.js';
import { MessageBus, RedisBus } from '../lib/bus.js';
import { type Clock, systemClock } from '../lib/clock.js';
import { CriticalError, errorMessage } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { createLogger, type Logger } from '../lib/logger.js';
import { createMetrics, type Metrics } from '../lib/metrics.js';
import { createQueue } from '../queue/index.js';
import type { JobQueue } from '../queue/queue.js';
import { createStore } from '../store/index.js';
import type { Store } from '../store/store.js';
import { startApi } from './api-role.js';
import { redisLedger } from './escalation-ledger.js';
import { enqueueCrawl, JOBS, registerWorkerJobs, startClusterSchedules } from './jobs.js';
import { analyserFn, createMentionProcessor, type MentionProcessor } from './process-mentions.js';
import { createSearch, type SearchRuntime } from './search.js';

/** `all` is `radar start` (embedded); the others are the cluster roles. */
export type Role = 'all' | 'api' | 'worker' | 'scheduler';

export interface RuntimeOptions {
  clock?: Clock;
  log?: Logger;
  /** Which role this process plays (default `all`). */
  role?: Role;
  /** Start the HTTP API (default true for `all` and `api`). */
  api?: boolean;
  /** Start cron schedules, the SLA sweeper, the dispatcher and the digest (default true). */
  schedules?: boolean;
  /** Bootstrap admin key (env RADAR_API_KEY). */
  apiKey?: string;
  /** PostgreSQL system of record (env DATABASE_URL; `?schema=` selects a schema); absent: the SQLite file. */
  databaseUrl?: string;
}

export interface Runtime {
  role: Role;
  config: Config;
  store: Store;
  queue: JobQueue;
  search: SearchRuntime;
  /** The processing use case (roles that process: `all`, `worker`). */
  processor?: MentionProcessor;
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

/** Cluster roles need the shared backends; `radar start` runs on the embedded ones. */
function checkBackends(config: Config, role: Role, databaseUrl: string | undefined): string | undefined {
  if (role === 'all') return undefined;
  if (config.queue.backend !== 'bullmq' || !config.queue.redisUrl) {
    throw new CriticalError(`radar ${role} runs in a cluster: set REDIS_URL (queue.backend bullmq, queue.redisUrl)`);
  }
  if (!databaseUrl) throw new CriticalError(`radar ${role} runs in a cluster: set DATABASE_URL to a PostgreSQL database (postgres://…)`);
  return config.queue.redisUrl;
}

/** The shared backends and services every role builds first. */
interface Base {
  config: Config;
  options: RuntimeOptions;
  role: Role;
  clock: Clock;
  log: Logger;
  owner: string;
  prefix: string;
  bus: MessageBus;
  redis: Redis | undefined;
  pacer: Pacer;
  leaseMs: number;
  metrics: Metrics;
  tokenizer: ReturnType<typeof createTokenizer>;
  store: Store;
  queue: JobQueue;
  search: SearchRuntime;
}

async function createBase(config: Config, options: RuntimeOptions): Promise<Base> {
  const role = options.role ?? 'all';
  const redisUrl = checkBackends(config, role, options.databaseUrl);
  const clock = options.clock ?? systemClock;
  const log = (options.log ?? createLogger({ level: config.log.level, format: config.log.format })).child({ process: role });
  const owner = `${hostname()}:${process.pid}:${newId('p')}`;
  const prefix = config.queue.prefix;
  const bus = redisUrl ? new RedisBus({ url: redisUrl, channel: `${prefix}:bus`, log }) : new MessageBus();
  if (bus instanceof RedisBus) await bus.ready;
  const redis = redisUrl && role === 'worker' ? new Redis(redisUrl, { maxRetriesPerRequest: null }) : undefined;
  const pacer: Pacer = redis ? new RedisHostPacer(redis, `${prefix}:pace:`) : new HostPacer();
  const leaseMs = config.queue.leaseSeconds * 1000;
  const metrics = createMetrics();
  const tokenizer = createTokenizer({ extraWords: config.watchlist.flatMap((i) => [i.name, ...i.aliases]) });
  const store = await createStore(config.store, {
    log,
    tokenize: (t) => tokenizer.tokens(t),
    maskText: (t) => maskPii(t).text,
    databaseUrl: options.databaseUrl,
  });
  const queue = createQueue(config.queue, { log });
  const search = createSearch(config, { store, queue, log });
  return { config, options, role, clock, log, owner, prefix, bus, redis, pacer, leaseMs, metrics, tokenizer, store, queue, search };
}

type LiveRules = Awaited<ReturnType<typeof createLiveRules>>;

/** The escalation services; both read the live rules on every decision, so a saved rule change applies at once. */
function createEscalationParts(base: Base, rules: LiveRules) {
  const { config, store, clock, log, bus, metrics } = base;
  const escalation = createEscalationService({ store, rules: rules.current, config, clock, log, bus, metrics });
  const workflow = createCaseWorkflow({ store, clock, log, bus, rules: rules.current });
  const sweeper = createSweeper({ store, service: escalation, clock, log, intervalMs: config.escalation.sweepIntervalSeconds * 1000 });
  const dispatcher = createDispatcher({
    store,
    notifiers: createNotifiers(config, { log }),
    clock,
    log,
    metrics,
    maxAttempts: config.escalation.maxDeliveryAttempts,
    owner: base.owner,
    claimMs: base.leaseMs,
  });
  const digest = createDigestScheduler({ config, store, clock, log, bus });
  for (const r of ['customer_service', 'pr', 'executive', 'compliance'] as const) {
    if ((config.escalation.routes[r] ?? []).length === 0) {
      log.warn('no notification route for a role: its cases open on the board but nobody is paged', { role: r, configKey: `escalation.routes.${r}` });
    }
  }
  return { escalation, workflow, sweeper, dispatcher, digest };
}

/** The processing use case, on the roles that process (`all`, `worker`). */
function createProcessor(base: Base, escalation: Runtime['escalation']): MentionProcessor | undefined {
  const { config, role, clock, log, store, search, redis } = base;
  const analyzer = role === 'all' || role === 'worker' ? createAnalyzer(config) : undefined;
  if (!analyzer) return undefined;
  log.info('sentiment model loaded', {
    modelVersion: analyzer.modelVersion,
    negativeThreshold: analyzer.threshold.value,
    thresholdOrigin: analyzer.threshold.origin,
  });
  return createMentionProcessor({
    store,
    analyse: analyserFn(analyzer),
    clusterer: createClusterer(config.analysis, { clock }),
    onEventUpdated: (event) => escalation.onEventUpdated(event),
    onCompleted: (id) => search.completed(id),
    clock,
    log,
    metrics: base.metrics,
    owner: base.owner,
    leaseMs: base.leaseMs,
    windowHours: config.analysis.clusterWindowHours,
    shared: role !== 'all',
    ledger: redis ? redisLedger(redis, `${base.prefix}:escalating`, base.owner) : undefined,
  });
}

/** The crawlers, with a browser pool on the roles that crawl when Chrome is installed. */
function createCrawlerParts(base: Base) {
  const { config, store, clock, log, metrics, bus, pacer, queue } = base;
  const matcher = createInstitutionMatcher(config.watchlist);
  let browser: BrowserPool | undefined;
  const chrome = base.role === 'all' || base.role === 'worker' ? findChrome(config.crawl.chromePath) : undefined;
  if (chrome) browser = new BrowserPool({ executablePath: chrome, maxPages: config.crawl.browserPages, log });
  const crawlers = createCrawlers(config, {
    store,
    clock,
    log,
    metrics,
    bus,
    browser,
    pacer,
    filter: (post) => matcher.isRelevant(`${post.title ?? ''} ${post.text}`),
    onStored: async (ids) => {
      if (ids.length === 0) return;
      bus.publish({ type: 'mention.stored', count: ids.length });
      await queue.add(JOBS.process, { ids }, { attempts: 5, backoffMs: 1000 });
    },
  });
  return { crawlers, browser };
}

/** Startup chores: clear stale running flags (`all`), recover leases, ensure the bootstrap key. */
async function recoverState(base: Base, processor: MentionProcessor | undefined): Promise<void> {
  const { role, store, options } = base;
  if (role === 'all') {
    // A run interrupted by a crash left its source marked running; nothing is running in a new process.
    for (const health of await store.listSourceHealth()) {
      if (health.running) await store.saveSourceHealth({ ...health, running: false });
    }
  }
  await processor?.recover();
  if (options.apiKey && (role === 'all' || role === 'api')) {
    const { ensureBootstrapKey } = await import('../api/keys.js');
    await ensureBootstrapKey(store, options.apiKey, base.clock);
  }
}

async function startServer(base: Base, rules: LiveRules, workflow: Runtime['workflow'], crawlers: Runtime['crawlers']) {
  const { role, config, store, queue, log } = base;
  const runNow =
    role === 'all'
      ? (id: string) => crawlers.scheduler.runNow(id)
      : async (id: string) => {
          if (!(await enqueueCrawl(queue, id))) log.info('crawl already queued or running', { source: id });
        };
  if (!(base.options.api ?? (role === 'all' || role === 'api'))) return undefined;
  return startApi({
    config,
    store,
    search: base.search.index,
    workflow,
    rules: rules.service,
    runNow,
    sourceIds: () => [...crawlers.adapters.keys()],
    tokenizer: base.tokenizer,
    bus: base.bus,
    metrics: base.metrics,
    clock: base.clock,
    log,
  });
}

type EscalationParts = ReturnType<typeof createEscalationParts>;
type Orphans = ReturnType<typeof registerWorkerJobs> | undefined;

async function startSchedules(base: Base, parts: EscalationParts, crawlers: Runtime['crawlers'], orphans: Orphans): Promise<void> {
  const { role, queue, config, log, search, clock } = base;
  if (!(base.options.schedules ?? true)) return;
  if (role === 'all') crawlers.scheduler.start();
  if (role === 'scheduler') await startClusterSchedules(queue, config, log);
  if (role === 'all' || role === 'worker') {
    parts.sweeper.start();
    parts.dispatcher.start();
    orphans?.start();
  }
  if (role === 'all' || role === 'scheduler') {
    parts.digest.start();
    search.startRetention(() => clock.now());
  }
}

/**
 * The composition root of every role. `radar start` (`all`) wires everything in one process on the
 * embedded store, in-process queue, bus and pacer. The cluster roles share PostgreSQL and Redis: `api`
 * serves HTTP, `worker` runs crawl and processing jobs plus the SLA sweeper and the outbox dispatcher,
 * `scheduler` upserts the crawl schedules (BullMQ job schedulers) and runs the daily digest.
 * Whoever creates a resource here closes it in `close()`.
 */
export async function createRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  const base = await createBase(config, options);
  const { role, store, queue, search, bus, metrics, log, clock, redis } = base;
  const rules = await createLiveRules({ config, store, bus, clock, log });
  const parts = createEscalationParts(base, rules);
  const { escalation, workflow, sweeper, dispatcher, digest } = parts;
  const processor = createProcessor(base, escalation);
  const { crawlers, browser } = createCrawlerParts(base);

  if (processor) search.feeder?.register();
  const orphans = processor
    ? registerWorkerJobs({ queue, processor, afterProcessing: () => search.flush(), dispatcher, crawlers, log, intervalMs: base.leaseMs })
    : undefined;
  await recoverState(base, processor);
  const server = await startServer(base, rules, workflow, crawlers);
  await startSchedules(base, parts, crawlers, orphans);

  return {
    role,
    config,
    store,
    queue,
    search,
    processor,
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
      await orphans?.stop();
      rules.close();
      await server?.close();
      await queue.close();
      await search.close();
      await crawlers.close();
      await browser?.close();
      await bus.close();
      await redis?.quit().catch((err: unknown) => log.warn('redis close failed', { error: errorMessage(err) }));
      await store.close();
    },
  };
}
