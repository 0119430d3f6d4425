import type { Analyzer, Clusterer } from '../analysis/types.js';
import type { Clock } from '../lib/clock.js';
import { HOUR, iso } from '../lib/clock.js';
import type { Analysis, Event, Mention } from '../lib/domain.js';
import { errorMessage } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import type { Store } from '../store/store.js';
import { type EscalationLedger, noLedger } from './escalation-ledger.js';

/** How the mentions of one call are analysed: the analyzer (production) or stored analyses (backtest). */
export type AnalyseFn = (mentions: Mention[], at: string) => Array<Analysis | Error>;

export interface ProcessorDeps {
  store: Store;
  analyse: AnalyseFn;
  clusterer: Clusterer;
  /** Called once per call with every event whose stats changed; the escalation service decides. */
  onEventUpdated: (event: Event) => Promise<unknown>;
  /** Called with every mention once its analysis is saved (the search indexing job's feed). */
  onCompleted?: (mentionId: string) => void;
  clock: Clock;
  log: Logger;
  metrics?: Metrics;
  /** Lease holder name, unique per process. */
  owner: string;
  /** How long a claimed mention stays ours before another worker may take it over (default 60 s). */
  leaseMs?: number;
  /** Hours of events in the clustering window. */
  windowHours: number;
  /**
   * Other processes cluster into the same store (cluster mode): the events of an institution are
   * re-read from the store under its lock before assigning. Embedded mode owns the index alone.
   */
  shared: boolean;
  /** Cluster mode: marks events between completion and escalation (see escalation-ledger.ts). */
  ledger?: EscalationLedger;
}

/** How long a mention whose analysis threw waits before any worker tries it again. */
const FAILED_BACKOFF_MS = 10 * 60_000;

export interface ProcessResult {
  /** Mentions this call analysed and completed. */
  processed: number;
  /** Ids it did not get: processed already, duplicates, or leased by another worker. */
  skipped: string[];
  /** Mentions whose analysis threw (released with a back-off before anyone retries them). */
  failed: number;
}

export interface MentionProcessor {
  /** lease → analyse → cluster → escalate → complete, for these stored mentions. */
  processMentions(ids: string[]): Promise<ProcessResult>;
  /** Takes over unprocessed mentions nobody holds (after a crash, an expired lease, a lost job) until none is left. */
  drainUnprocessed(batchSize?: number): Promise<number>;
  /**
   * Cluster upkeep, run periodically by every worker: takes over mentions whose lease ran out and
   * re-evaluates events a dead worker completed mentions for but never escalated. Returns both counts.
   */
  sweepOrphans(): Promise<{ mentions: number; events: number }>;
  /** Start-up: rebuilds the clustering index from the store and re-evaluates recent events, then drains. */
  recover(): Promise<void>;
  processed(): number;
}

/** The processor's state, shared by its steps. */
interface Ctx {
  deps: ProcessorDeps;
  log: Logger;
  leaseMs: number;
  ledger: EscalationLedger;
  /** lastSeenAt|mentionCount of each event as the index last saw it (cluster mode: skip unchanged ones). */
  seen: Map<string, string>;
  /** Mentions completed by this processor so far. */
  total: { n: number };
}

type Analysed = { mention: Mention; analysis: Analysis };
type RunResult = { processed: number; failedIds: string[] };

const signature = (e: Event) => `${e.lastSeenAt}|${e.mentionCount}|${e.title}`;

async function syncInstitution(ctx: Ctx, institution: string): Promise<void> {
  const { deps, seen } = ctx;
  const since = iso(deps.clock.now().getTime() - deps.windowHours * HOUR);
  for (const event of await deps.store.listRecentEvents(since, institution)) {
    if (seen.get(event.id) === signature(event)) continue;
    deps.clusterer.update(event);
    seen.set(event.id, signature(event));
  }
}

/** Assigns, then completes the group in one store transaction; counts the completed ones into `done`. */
async function clusterAndComplete(ctx: Ctx, items: Analysed[], touched: Map<string, Event>, done: { n: number }): Promise<void> {
  const { deps } = ctx;
  const assigned: Array<{ mention: Mention; analysis: Analysis; eventId?: string }> = [];
  for (const { mention, analysis } of items) {
    const assignment = deps.clusterer.assign(mention, analysis);
    if (assignment?.created) await deps.store.saveEvent(assignment.event);
    assigned.push({ mention, analysis, eventId: assignment?.event.id });
  }
  await ctx.ledger.mark([...new Set(assigned.flatMap((a) => (a.eventId ? [a.eventId] : [])))]);
  // One transaction for the group; a mention whose lease we lost (we were too slow, another worker owns
  // it now) is skipped by the store and completed by its new owner.
  const result = await deps.store.completeMentions(
    assigned.map((a) => ({ id: a.mention.id, analysis: a.analysis, eventId: a.eventId })),
    iso(deps.clock.now()),
    deps.owner,
  );
  if (result.lost.length > 0) ctx.log.warn('mention leases lost; left to their new owner', { mentionIds: result.lost });
  for (const event of result.events) {
    deps.clusterer.update(event);
    ctx.seen.set(event.id, signature(event));
    touched.set(event.id, event);
  }
  const lost = new Set(result.lost);
  for (const { mention, analysis } of assigned) {
    if (lost.has(mention.id)) continue;
    deps.onCompleted?.(mention.id);
    deps.metrics?.analysed.inc({ sentiment: analysis.sentiment.label });
    ctx.total.n += 1;
    done.n += 1;
  }
}

/** Escalates each touched event with its latest stats; clears its ledger mark once done. */
async function escalate(ctx: Ctx, events: Iterable<Event>): Promise<Set<string>> {
  const done: string[] = [];
  for (const event of events) {
    try {
      await ctx.deps.onEventUpdated(event);
      done.push(event.id);
    } catch (err) {
      ctx.log.warn('escalation failed for event; will be re-evaluated', { eventId: event.id, error: errorMessage(err) });
    }
  }
  await ctx.ledger.done(done);
  return new Set(done);
}

/** Analyses the batch and groups the analysed mentions by primary institution; failures are released with a back-off. */
async function analyseByInstitution(ctx: Ctx, mentions: Mention[]): Promise<{ byInstitution: Map<string, Analysed[]>; failedIds: string[] }> {
  const { deps, log } = ctx;
  const at = iso(deps.clock.now());
  const results = deps.analyse(mentions, at);
  const byInstitution = new Map<string, Analysed[]>();
  const failedIds: string[] = [];
  mentions.forEach((mention, i) => {
    const analysis = results[i];
    if (!analysis || analysis instanceof Error) {
      failedIds.push(mention.id);
      log.error('mention could not be analysed; retried after a back-off', { mentionId: mention.id, error: errorMessage(analysis) });
      return;
    }
    const key = analysis.primaryInstitution ?? '';
    byInstitution.set(key, [...(byInstitution.get(key) ?? []), { mention, analysis }]);
  });
  if (failedIds.length > 0) {
    // Nobody retries a failing post before the back-off; a fixed analyzer picks it up after that.
    await deps.store.releaseMentions(failedIds, deps.owner, iso(deps.clock.now().getTime() + FAILED_BACKOFF_MS));
  }
  return { byInstitution, failedIds };
}

async function run(ctx: Ctx, mentions: Mention[]): Promise<RunResult> {
  const { deps } = ctx;
  if (mentions.length === 0) return { processed: 0, failedIds: [] };
  const started = process.hrtime.bigint();
  const { byInstitution, failedIds } = await analyseByInstitution(ctx, mentions);
  const touched = new Map<string, Event>();
  const done = { n: 0 };
  for (const [institution, items] of byInstitution) {
    if (!institution) await clusterAndComplete(ctx, items, touched, done);
    else
      await deps.store.withLock(`cluster:${institution}`, async () => {
        if (deps.shared) await syncInstitution(ctx, institution);
        await clusterAndComplete(ctx, items, touched, done);
      });
  }
  deps.metrics?.analysisSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
  // Escalate once per touched event, with its latest stats. A case is opened race-free by the store.
  await escalate(ctx, touched.values());
  ctx.log.debug('processed mentions', { count: done.n, events: touched.size });
  return { processed: done.n, failedIds };
}

/**
 * A store error mid-batch (a deadlock, a lost connection) fails the job, which the queue retries,
 * maybe on another worker: the leases are released first so that the retry can take the mentions at
 * once instead of waiting for them to expire. Completed ones are not touched by the release.
 */
async function runReleasingOnError(ctx: Ctx, mentions: Mention[]): Promise<RunResult> {
  try {
    return await run(ctx, mentions);
  } catch (err) {
    ctx.log.warn('processing failed; leases released for a retry', { mentions: mentions.length, error: errorMessage(err) });
    await ctx.deps.store.releaseMentions(
      mentions.map((m) => m.id),
      ctx.deps.owner,
    );
    throw err;
  }
}

const lease = (ctx: Ctx) => ({ owner: ctx.deps.owner, at: iso(ctx.deps.clock.now()), ms: ctx.leaseMs });

async function drainUnprocessed(ctx: Ctx, batchSize: number): Promise<number> {
  let count = 0;
  const failedIds = new Set<string>();
  for (;;) {
    const claimed = await ctx.deps.store.claimUnprocessedMentions(batchSize, lease(ctx));
    const fresh = claimed.filter((m) => !failedIds.has(m.id));
    const { processed, failedIds: failedNow } = await runReleasingOnError(ctx, fresh);
    count += processed;
    for (const id of failedNow) failedIds.add(id);
    if (claimed.length < batchSize || fresh.length === 0) return count;
  }
}

/** Re-escalates the events of stale ledger marks (a dead worker completed their mentions but never escalated). */
async function escalateStale(ctx: Ctx): Promise<number> {
  const stale = await ctx.ledger.stale(ctx.leaseMs);
  const events = new Map<string, Event>();
  for (const s of stale) {
    const event = events.get(s.eventId) ?? (await ctx.deps.store.getEvent(s.eventId));
    if (event) events.set(event.id, event);
  }
  const done = await escalate(ctx, events.values());
  // An event that no longer exists has nothing to escalate; a failed one stays marked for the next sweep.
  for (const s of stale) if (done.has(s.eventId) || !events.has(s.eventId)) await s.clear();
  return done.size;
}

async function recover(ctx: Ctx): Promise<void> {
  const { deps } = ctx;
  const since = iso(deps.clock.now().getTime() - deps.windowHours * HOUR);
  const events = await deps.store.listRecentEvents(since);
  deps.clusterer.restore(events);
  for (const e of events) ctx.seen.set(e.id, signature(e));
  for (const event of events) await deps.onEventUpdated(event);
  ctx.log.info('processing recovered', { events: events.length });
}

/**
 * The one processing use case, shared by the queue handler, start-up recovery and the backtest.
 *
 * Why two workers never open two events for one issue: a mention can only join an event of its primary
 * institution, so clustering is partitioned by institution. Analysis (the costly part) runs anywhere in
 * parallel; the cluster step for an institution runs under the store's lock for that institution
 * (`withLock`, a PostgreSQL advisory lock in cluster mode), after reading the institution's recent events
 * back from the store. So the worker that assigns a mention always sees every event another worker
 * created, and creating the event and linking its first mention are done before anyone else may look.
 * Leases keep a redelivered job (a worker killed mid-batch) from running the same mention twice at once;
 * the mention is marked processed in the transaction that links it, so nothing is counted twice.
 */
export function createMentionProcessor(deps: ProcessorDeps): MentionProcessor {
  const ctx: Ctx = {
    deps,
    log: deps.log.child({ component: 'processor' }),
    leaseMs: deps.leaseMs ?? 60_000,
    ledger: deps.ledger ?? noLedger,
    seen: new Map<string, string>(),
    total: { n: 0 },
  };
  const processor: MentionProcessor = {
    async processMentions(ids) {
      const claimed = await deps.store.claimMentions(ids, lease(ctx));
      const won = new Set(claimed.map((m) => m.id));
      const { processed, failedIds } = await runReleasingOnError(ctx, claimed);
      return { processed, failed: failedIds.length, skipped: ids.filter((id) => !won.has(id)) };
    },
    drainUnprocessed: (batchSize = 200) => drainUnprocessed(ctx, batchSize),
    async sweepOrphans() {
      const mentions = await processor.drainUnprocessed();
      const events = await escalateStale(ctx);
      return { mentions, events };
    },
    async recover() {
      await recover(ctx);
      await processor.drainUnprocessed();
    },
    processed: () => ctx.total.n,
  };
  return processor;
}

/** The production analysis: the batch path (jieba cuts the batch at once), one by one if it throws. */
export function analyserFn(analyzer: Analyzer): AnalyseFn {
  return (mentions, at) => {
    if (analyzer.analyzeBatch) {
      try {
        return analyzer.analyzeBatch(mentions, at).map((a) => Object.assign(a, { analyzedAt: at }));
      } catch {
        // one by one below finds the mention that fails
      }
    }
    return mentions.map((m) => {
      try {
        return analyzer.analyze(m, at);
      } catch (err) {
        return err instanceof Error ? err : new Error(String(err));
      }
    });
  };
}
