import type { SourceConfig } from '../config/schema.js';
import type { MessageBus } from '../lib/bus.js';
import type { Clock } from '../lib/clock.js';
import type { Mention, RawPost, SourceHealth } from '../lib/domain.js';
import { BlockedError, errorMessage, NonRetryableError, NotFoundError } from '../lib/errors.js';
import { mentionId } from '../lib/ids.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import type { Store } from '../store/store.js';
import { contentHash } from './core/text.js';
import type { BrowserFetcher, Fetcher, SourceAdapter, SourceContext } from './types.js';

/** The part of the Store the runner uses. */
export type RunnerStore = Pick<
  Store,
  'upsertMentions' | 'getCursor' | 'setCursor' | 'getSourceHealth' | 'saveSourceHealth' | 'loadCookieJar' | 'saveCookieJar'
>;

export interface RunSummary {
  source: string;
  /** Posts the adapter returned (after dedup within the run). */
  fetched: number;
  /** Mentions with a new id. */
  stored: number;
  /** Posts already known (same id or same content) or repeated within the run. */
  duplicates: number;
  /** Items (or whole pages) that failed to parse and were skipped. */
  malformed: number;
  /** Posts dropped by the relevance filter. */
  filtered: number;
  pages: number;
  blocked: boolean;
  error?: string;
}

export interface CrawlRunnerDeps {
  store: RunnerStore;
  adapters: Map<string, SourceAdapter>;
  sourceConfigs: Record<string, SourceConfig>;
  fetcherFor(sourceId: string): Fetcher & {
    setCookies?(cookies: Array<{ name: string; value: string; domain: string }>): Promise<void>;
    /** Cookie jar as text, shared through the store (CoreFetcher has both). */
    exportCookies?(): Promise<string>;
    importCookies?(text: string): Promise<void>;
  };
  browser?: BrowserFetcher;
  clock: Clock;
  log: Logger;
  metrics?: Metrics;
  bus?: MessageBus;
  queriesFor(sourceId: string): string[];
  /** Relevance filter (e.g. mentions a watched institution); posts failing it are not stored. */
  filter?: (post: RawPost) => boolean;
  /** Called with the ids of fresh mentions (new id and new content) after they were stored. */
  onStored: (mentionIds: string[]) => Promise<void>;
}

export interface CrawlRunner {
  runSource(sourceId: string): Promise<RunSummary>;
}

function emptyHealth(source: string): SourceHealth {
  return { source, status: 'idle', consecutiveFailures: 0, itemsFetched: 0, itemsMalformed: 0, running: false };
}

/** A RawPost as adapters must deliver it; anything else counts as malformed. */
function isValidPost(post: RawPost): boolean {
  return (
    typeof post?.nativeId === 'string' &&
    post.nativeId.length > 0 &&
    typeof post.text === 'string' &&
    (post.text.trim().length > 0 || (post.title ?? '').trim().length > 0) &&
    typeof post.publishedAt === 'string' &&
    !Number.isNaN(Date.parse(post.publishedAt)) &&
    typeof post.author === 'object' &&
    post.author !== null
  );
}

type RunnerFetcher = ReturnType<CrawlRunnerDeps['fetcherFor']>;
type Cursor = Awaited<ReturnType<RunnerStore['getCursor']>>;
type PageResult = Awaited<ReturnType<SourceAdapter['fetchPage']>>;

/** The runner's shared parts. */
interface Runner {
  deps: CrawlRunnerDeps;
  log: Logger;
}

/** One run of one source. */
interface Run extends Runner {
  sourceId: string;
  adapter: SourceAdapter;
  config: SourceConfig;
  fetcher: RunnerFetcher;
  summary: RunSummary;
  health: SourceHealth;
  /** Native ids already taken in this run. */
  seen: Set<string>;
  /** One browser cookie refresh per run. */
  cookiesRefreshed: boolean;
}

/** One query of a run: the posts fetched and how paging ended. */
interface QueryPages {
  cursor: Cursor;
  posts: RawPost[];
  page: number | string | undefined;
  reachedKnown: boolean;
  complete: boolean;
  failure: unknown;
}

async function saveHealth(r: Runner, health: SourceHealth): Promise<void> {
  try {
    await r.deps.store.saveSourceHealth(health);
  } catch (err) {
    r.log.warn('cannot save source health', { source: health.source, error: errorMessage(err) });
  }
  r.deps.bus?.publish({ type: 'source.health', health: { ...health } });
}

function countItems(r: Runner, source: string, result: string, n: number): void {
  if (n > 0) r.deps.metrics?.crawlItems.inc({ source, result }, n);
}

/** The jar lives in the store, so whichever worker runs the source next continues its session. */
async function loadJar(run: Run): Promise<void> {
  const { fetcher, sourceId } = run;
  if (!fetcher.importCookies) return;
  const savedJar = await run.deps.store.loadCookieJar(sourceId).catch((err: unknown) => {
    run.log.warn('cookie jar not loaded; starting with the one in memory', { source: sourceId, error: errorMessage(err) });
    return undefined;
  });
  if (savedJar) await fetcher.importCookies(savedJar);
}

async function saveJar(run: Run): Promise<void> {
  const { fetcher, sourceId, deps } = run;
  if (!fetcher.exportCookies) return;
  await fetcher
    .exportCookies()
    .then((jar) => deps.store.saveCookieJar(sourceId, jar, deps.clock.now().toISOString()))
    .catch((err: unknown) => run.log.warn('cookie jar not saved', { source: sourceId, error: errorMessage(err) }));
}

/** Fetches one page; on a block, one browser cookie refresh per run (Weibo visitor cookies), then the block stands. */
async function fetchPage(run: Run, query: string, page: number | string | undefined, ctx: SourceContext): Promise<PageResult> {
  try {
    return await run.adapter.fetchPage(query, page, ctx);
  } catch (err) {
    if (!(err instanceof BlockedError) || run.cookiesRefreshed || !(await refreshCookies(run))) throw err;
    run.cookiesRefreshed = true;
    return await run.adapter.fetchPage(query, page, ctx);
  }
}

/** Counts one page into the summary and keeps its valid, unseen posts; notes when it reaches the cursor. */
function takePage(run: Run, query: string, result: PageResult, q: QueryPages, knownAt: number): void {
  const { summary, seen, sourceId, log } = run;
  const { cursor } = q;
  summary.pages++;
  summary.malformed += result.malformed;
  for (const post of result.posts) {
    if (!isValidPost(post)) {
      summary.malformed++;
      log.warn('malformed post skipped', { source: sourceId, query, nativeId: post?.nativeId });
      continue;
    }
    if (cursor && (post.nativeId === cursor.lastId || Date.parse(post.publishedAt) <= knownAt)) q.reachedKnown = true;
    if (seen.has(post.nativeId)) {
      summary.duplicates++;
      continue;
    }
    seen.add(post.nativeId);
    q.posts.push(post);
  }
  if (result.malformed > 0) log.warn('malformed items skipped', { source: sourceId, query, page: q.page ?? 1, count: result.malformed });
}

/** Pages through one query until it reaches posts stored before (the cursor), the page limit or the end. */
async function fetchQuery(run: Run, query: string, cursor: Cursor): Promise<QueryPages> {
  const q: QueryPages = { cursor, posts: [], page: undefined, reachedKnown: false, complete: false, failure: undefined };
  const ctx: SourceContext = {
    fetcher: run.fetcher,
    browser: run.deps.browser,
    clock: run.deps.clock,
    cursor: cursor ? { lastId: cursor.lastId, lastPublishedAt: cursor.lastPublishedAt } : undefined,
  };
  const knownAt = cursor?.lastPublishedAt ? Date.parse(cursor.lastPublishedAt) : Number.NEGATIVE_INFINITY;
  try {
    for (let n = 0; n < run.config.maxPages; n++) {
      const result = await fetchPage(run, query, q.page, ctx);
      takePage(run, query, result, q, knownAt);
      q.page = result.nextPage;
      if (q.reachedKnown || q.page === undefined || result.posts.length === 0) break;
    }
    q.complete = true;
  } catch (err) {
    if (err instanceof NonRetryableError) {
      // A malformed page: skip it, count it, keep what was fetched, go on with the next query.
      run.summary.malformed++;
      run.log.warn('malformed page skipped', { source: run.sourceId, query, page: q.page ?? 1, error: errorMessage(err) });
    } else q.failure = err;
  }
  return q;
}

async function crawlQuery(run: Run, query: string): Promise<void> {
  const cursor = await run.deps.store.getCursor(run.sourceId, query);
  const q = await fetchQuery(run, query, cursor);
  run.summary.fetched += q.posts.length;
  // Store first; the cursor only moves once the store has the posts and paging finished normally.
  const fresh = await storePosts(run, query, q.posts);
  if (q.complete && q.failure === undefined) await advanceCursor(run, query, q.posts, cursor);
  await notifyStored(run, fresh);
  if (q.failure !== undefined) throw q.failure;
}

function markSucceeded(run: Run): void {
  const { health, summary, log } = run;
  health.status = 'ok';
  health.lastSuccessAt = run.deps.clock.now().toISOString();
  health.consecutiveFailures = 0;
  health.blockedUntil = undefined;
  // Empty polls are routine: keep them out of the info log.
  if (summary.fetched > 0) log.info('source run finished', { ...summary });
  else log.debug('source run finished', { ...summary });
}

/** Blocks cool the source down; other failures are counted in the source health. */
function markFailed(run: Run, err: unknown): void {
  const { health, summary, log, sourceId } = run;
  const now = run.deps.clock.now();
  health.lastErrorAt = now.toISOString();
  health.lastError = errorMessage(err);
  summary.error = errorMessage(err);
  if (err instanceof BlockedError) {
    const cooldownMs = Math.max(run.config.cooldownMinutes * 60_000, err.cooldownMs ?? 0);
    health.status = 'blocked';
    health.blockedUntil = new Date(now.getTime() + cooldownMs).toISOString();
    summary.blocked = true;
    run.deps.metrics?.blockEvents.inc({ source: sourceId });
    log.warn('source blocked', { source: sourceId, cooldownMs, blockedUntil: health.blockedUntil, reason: errorMessage(err) });
  } else {
    health.status = 'failing';
    health.consecutiveFailures++;
    log.warn('source run failed', { source: sourceId, consecutiveFailures: health.consecutiveFailures, error: errorMessage(err) });
  }
}

async function finishRun(run: Run): Promise<void> {
  const { health, summary, sourceId } = run;
  await saveJar(run);
  health.running = false;
  health.itemsFetched += summary.fetched;
  health.itemsMalformed += summary.malformed;
  countItems(run, sourceId, 'malformed', summary.malformed);
  await saveHealth(run, health);
}

async function runSource(r: Runner, sourceId: string): Promise<RunSummary> {
  const { deps, log } = r;
  const adapter = deps.adapters.get(sourceId);
  const config = deps.sourceConfigs[sourceId];
  if (!adapter || !config) throw new NotFoundError('source', sourceId);
  const summary: RunSummary = { source: sourceId, fetched: 0, stored: 0, duplicates: 0, malformed: 0, filtered: 0, pages: 0, blocked: false };
  const health = (await deps.store.getSourceHealth(sourceId)) ?? emptyHealth(sourceId);
  const startedAt = deps.clock.now();

  if (health.blockedUntil && Date.parse(health.blockedUntil) > startedAt.getTime()) {
    log.info('source cooling down, run skipped', { source: sourceId, blockedUntil: health.blockedUntil });
    return { ...summary, blocked: true, error: `blocked until ${health.blockedUntil}` };
  }

  health.running = true;
  health.lastRunAt = startedAt.toISOString();
  await saveHealth(r, health);

  const fetcher = deps.fetcherFor(sourceId);
  const run: Run = { deps, log, sourceId, adapter, config, fetcher, summary, health, seen: new Set<string>(), cookiesRefreshed: false };
  await loadJar(run);
  try {
    for (const query of deps.queriesFor(sourceId)) await crawlQuery(run, query);
    markSucceeded(run);
  } catch (err) {
    markFailed(run, err);
  } finally {
    await finishRun(run);
  }
  return summary;
}

/** Stored mentions are safe even if this fails: the pipeline's crash recovery finds unprocessed ones. */
async function notifyStored(run: Run, fresh: string[]): Promise<void> {
  if (fresh.length === 0) return;
  try {
    await run.deps.onStored(fresh);
  } catch (err) {
    run.log.warn('onStored failed; mentions stay queued for recovery', { source: run.sourceId, count: fresh.length, error: errorMessage(err) });
  }
}

/** Returns the ids of fresh mentions. */
async function storePosts(run: Run, query: string, posts: RawPost[]): Promise<string[]> {
  const { deps, sourceId, summary } = run;
  const kept = deps.filter ? posts.filter((p) => deps.filter?.(p)) : posts;
  const filtered = posts.length - kept.length;
  summary.filtered += filtered;
  countItems(run, sourceId, 'filtered', filtered);
  if (kept.length === 0) return [];
  const fetchedAt = deps.clock.now().toISOString();
  const mentions: Mention[] = kept.map((post) => ({
    ...post,
    source: sourceId,
    query: post.query ?? (query === '*' ? undefined : query),
    id: mentionId(sourceId, post.nativeId),
    fetchedAt,
    contentHash: contentHash(`${post.title ?? ''}${post.text}`),
  }));
  const result = await deps.store.upsertMentions(mentions);
  summary.stored += result.inserted.length;
  summary.duplicates += mentions.length - result.fresh.length;
  countItems(run, sourceId, 'stored', result.inserted.length);
  countItems(run, sourceId, 'duplicate', mentions.length - result.fresh.length);
  return result.fresh;
}

async function advanceCursor(run: Run, query: string, posts: RawPost[], previous: Cursor): Promise<void> {
  let newest: RawPost | undefined;
  for (const p of posts) if (!newest || Date.parse(p.publishedAt) > Date.parse(newest.publishedAt)) newest = p;
  if (!newest) return;
  const newestAt = new Date(newest.publishedAt).toISOString();
  if (previous?.lastPublishedAt && Date.parse(previous.lastPublishedAt) >= Date.parse(newestAt)) return;
  await run.deps.store.setCursor({
    source: run.sourceId,
    query,
    lastId: newest.nativeId,
    lastPublishedAt: newestAt,
    updatedAt: run.deps.clock.now().toISOString(),
  });
}

/** On a block, a source with a browser may get fresh visitor cookies once per run. */
async function refreshCookies(run: Run): Promise<boolean> {
  const { deps, config, fetcher, sourceId } = run;
  if (!deps.browser || !fetcher.setCookies || (config.kind !== 'weibo' && config.kind !== 'weibo-comments')) return false;
  try {
    const cookies = await deps.browser.harvestCookies(config.baseUrl);
    if (cookies.length === 0) return false;
    await fetcher.setCookies(cookies);
    run.log.warn('blocked, retrying once with browser cookies', { source: sourceId, cookies: cookies.length });
    return true;
  } catch (err) {
    run.log.warn('cookie refresh failed', { source: sourceId, error: errorMessage(err) });
    return false;
  }
}

/**
 * Runs one source: pages through each query until it reaches posts stored before (the cursor),
 * stores the new posts, and only then advances the cursor, so a crash between fetch and store
 * loses nothing and re-fetching is idempotent. Blocks cool the source down; other failures are
 * counted in the source health.
 */
export function createCrawlRunner(deps: CrawlRunnerDeps): CrawlRunner {
  const runner: Runner = { deps, log: deps.log.child({ component: 'crawler' }) };
  return { runSource: (sourceId) => runSource(runner, sourceId) };
}
