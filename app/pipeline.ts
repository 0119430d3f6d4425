import type { Analyzer, Clusterer } from '../analysis/types.js';
import type { Clock } from '../lib/clock.js';
import { HOUR, iso } from '../lib/clock.js';
import type { Analysis, Event } from '../lib/domain.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import type { Store } from '../store/store.js';

export interface PipelineDeps {
  store: Store;
  analyzer: Analyzer;
  clusterer: Clusterer;
  /** Called with every event whose stats changed; the escalation service decides what to do. */
  onEventUpdated: (event: Event) => Promise<unknown>;
  /** Called with every mention once its analysis is saved (the search indexing job's feed). */
  onCompleted?: (mentionId: string) => void;
  clock: Clock;
  log: Logger;
  metrics?: Metrics;
  /** Mentions taken per batch. */
  batchSize?: number;
  /** Hours of events restored into the clustering index at start-up. */
  windowHours: number;
}

export interface Pipeline {
  /** Restores the clustering index and re-evaluates recent events (crash recovery), then drains pending mentions. */
  recover(): Promise<void>;
  /** Processes every stored-but-unprocessed mention; concurrent calls coalesce into one serial loop. */
  kick(): Promise<void>;
  /** Mentions processed since start. */
  processed(): number;
}

/**
 * Stored mention → analysis → event → escalation. A mention is marked processed in the same store
 * transaction that links it to its event, so a crash before that point reprocesses it on restart, and a
 * crash after it loses nothing (escalation re-evaluates recent events at recovery; its notifications are
 * idempotent per case, tier and kind, so nothing is sent twice).
 */
export function createPipeline(deps: PipelineDeps): Pipeline {
  const log = deps.log.child({ component: 'pipeline' });
  const batchSize = deps.batchSize ?? 200;
  let running: Promise<void> | undefined;
  let again = false;
  let total = 0;
  /** Mentions whose processing threw: skipped (and logged) so they cannot block the ones behind them. */
  const failed = new Set<string>();

  async function processBatch(): Promise<number> {
    const listed = await deps.store.listUnprocessedMentions(batchSize + failed.size);
    const mentions = listed.filter((m) => !failed.has(m.id)).slice(0, batchSize);
    if (mentions.length === 0) return 0;
    const started = process.hrtime.bigint();
    const touched = new Map<string, Event>();
    // The batch path segments every text first, then runs the JS stages (faster per post: jieba's and
    // the model's tables stay in cache). Same results as `analyze`; `analyzedAt` is set per mention
    // below. A failure there falls back to one-by-one analysis, which fails at the same mention.
    let batch: Analysis[] | undefined;
    if (deps.analyzer.analyzeBatch) {
      try {
        batch = deps.analyzer.analyzeBatch(mentions, iso(deps.clock.now()));
      } catch {
        batch = undefined;
      }
    }
    for (let i = 0; i < mentions.length; i++) {
      const mention = mentions[i]!;
      const at = iso(deps.clock.now());
      let analysis: Analysis;
      try {
        if (batch) {
          analysis = batch[i]!;
          analysis.analyzedAt = at;
        } else analysis = deps.analyzer.analyze(mention, at);
      } catch (err) {
        // Bad input for the analyzer: the post stays stored (unprocessed) and is retried after a restart.
        failed.add(mention.id);
        log.error('mention could not be analysed; skipped', { mentionId: mention.id, error: String(err) });
        continue;
      }
      const assignment = deps.clusterer.assign(mention, analysis);
      if (assignment?.created) await deps.store.saveEvent(assignment.event);
      const event = await deps.store.completeMention(mention.id, analysis, assignment?.event.id, at);
      deps.onCompleted?.(mention.id);
      if (event) {
        deps.clusterer.update(event);
        touched.set(event.id, event);
      }
      deps.metrics?.analysed.inc({ sentiment: analysis.sentiment.label });
      total += 1;
    }
    deps.metrics?.analysisSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
    // Escalate once per touched event per batch, with its latest stats.
    for (const event of touched.values()) {
      try {
        await deps.onEventUpdated(event);
      } catch (err) {
        // The mention is stored and processed; recovery re-evaluates the event, so this heals itself.
        log.warn('escalation failed for event; will be re-evaluated', { eventId: event.id, error: String(err) });
      }
    }
    log.debug('processed mentions', { count: mentions.length, events: touched.size });
    return mentions.length;
  }

  async function loop(): Promise<void> {
    do {
      again = false;
      while ((await processBatch()) > 0) {
        // keep draining
      }
    } while (again);
  }

  return {
    async recover() {
      const since = iso(deps.clock.now().getTime() - deps.windowHours * HOUR);
      const events = await deps.store.listRecentEvents(since);
      deps.clusterer.restore(events);
      for (const event of events) await deps.onEventUpdated(event);
      log.info('pipeline recovered', { events: events.length });
      await this.kick();
    },
    kick() {
      if (running) {
        again = true;
        return running;
      }
      running = loop().finally(() => {
        running = undefined;
      });
      return running;
    },
    processed: () => total,
  };
}
