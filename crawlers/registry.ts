import type { Config, Institution, SourceConfig } from '../config/schema.js';
import type { MessageBus } from '../lib/bus.js';
import type { Clock } from '../lib/clock.js';
import type { RawPost } from '../lib/domain.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import { type CoreFetcher, createFetcher, HostPacer, type Pacer, type Sleep } from './core/http.js';
import { type CrawlRunner, createCrawlRunner, type RunnerStore } from './runner.js';
import { type CrawlScheduler, type CronLike, createCrawlScheduler } from './scheduler.js';
import { createAdapter } from './sources/index.js';
import type { BrowserFetcher, SourceAdapter } from './types.js';

/** Feeds have no keyword search: one run fetches the whole feed with query `*`. */
const FEED_KINDS = new Set<string>(['rss', 'sina-roll', 'cls']);

/** Feeds have no keyword search: the runner calls them once per run with query '*'. */
export function isFeedKind(kind: string): boolean {
  return FEED_KINDS.has(kind);
}

export interface CrawlersDeps {
  store: RunnerStore;
  clock: Clock;
  log: Logger;
  metrics?: Metrics;
  bus?: MessageBus;
  browser?: BrowserFetcher;
  filter?: (post: RawPost) => boolean;
  onStored: (mentionIds: string[]) => Promise<void>;
  /** Per-host pacing shared by every source (cluster: RedisHostPacer, shared by every worker); default one in-process pacer for these crawlers. */
  pacer?: Pacer;
  /** Test seams. */
  sleep?: Sleep;
  cron?: CronLike;
  env?: Record<string, string | undefined>;
}

export interface Crawlers {
  runner: CrawlRunner;
  scheduler: CrawlScheduler;
  /** Enabled sources only, by id. */
  adapters: Map<string, SourceAdapter>;
  fetchers: Map<string, CoreFetcher>;
  queriesFor(sourceId: string): string[];
  close(): Promise<void>;
}

/**
 * Queries of a source: configured ones, else derived from the watchlist: the watched institutions'
 * official Weibo uids (weibo-comments), their App Store app ids (appstore), `*` for feeds, and the
 * names and first aliases for keyword searches.
 */
export function queriesForSource(source: SourceConfig, watchlist: Institution[]): string[] {
  if (source.queries.length > 0) return [...new Set(source.queries)];
  if (isFeedKind(source.kind)) return ['*'];
  if (source.kind === 'weibo-comments') return [...new Set(watchlist.flatMap((i) => i.weiboUids ?? []))];
  if (source.kind === 'appstore') return [...new Set(watchlist.flatMap((i) => i.appStoreIds ?? []))];
  const queries: string[] = [];
  for (const inst of watchlist) {
    queries.push(inst.name);
    if (inst.aliases[0]) queries.push(inst.aliases[0]);
  }
  return [...new Set(queries)];
}

/** Wires adapters, one fetcher per source, the runner and the scheduler for every enabled source. */
export function createCrawlers(config: Config, deps: CrawlersDeps): Crawlers {
  const env = deps.env ?? process.env;
  const pacer = deps.pacer ?? new HostPacer();
  const sourceConfigs: Record<string, SourceConfig> = {};
  const adapters = new Map<string, SourceAdapter>();
  const fetchers = new Map<string, CoreFetcher>();
  const queries = new Map<string, string[]>();

  for (const [id, source] of Object.entries(config.crawl.sources)) {
    if (!source.enabled) continue;
    sourceConfigs[id] = source;
    const cookie = source.cookie ?? (source.cookieEnv ? env[source.cookieEnv] : undefined);
    // Browser sources (douyin) hand the operator's cookies to the page themselves.
    adapters.set(id, createAdapter(id, cookie ? { ...source, cookie } : source, config.watchlist));
    queries.set(id, queriesForSource(source, config.watchlist));
    fetchers.set(
      id,
      createFetcher({
        sourceId: id,
        requestsPerMinute: source.requestsPerMinute,
        jitter: source.jitter,
        timeoutMs: source.timeoutMs,
        userAgent: source.kind === 'weibo' || source.kind === 'weibo-comments' ? config.crawl.mobileUserAgent : config.crawl.userAgent,
        cookie: cookie || undefined,
        proxy: source.proxy,
        clock: deps.clock,
        log: deps.log,
        metrics: deps.metrics,
        pacer,
        sleep: deps.sleep,
      }),
    );
  }

  const queriesFor = (id: string) => queries.get(id) ?? [];
  const runner = createCrawlRunner({
    store: deps.store,
    adapters,
    sourceConfigs,
    fetcherFor: (id) => {
      const f = fetchers.get(id);
      if (!f) throw new Error(`no fetcher for source ${id}`);
      return f;
    },
    browser: deps.browser,
    clock: deps.clock,
    log: deps.log,
    metrics: deps.metrics,
    bus: deps.bus,
    queriesFor,
    filter: deps.filter,
    onStored: deps.onStored,
  });
  const scheduler = createCrawlScheduler({ runner, sourceConfigs, log: deps.log, clock: deps.clock, cron: deps.cron });

  return {
    runner,
    scheduler,
    adapters,
    fetchers,
    queriesFor,
    async close() {
      scheduler.stop();
      await Promise.all([...fetchers.values()].map((f) => f.close()));
    },
  };
}
