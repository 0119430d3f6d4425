import type { Config } from '../config/schema.js';
import type { Crawlers } from '../crawlers/registry.js';
import type { Dispatcher } from '../escalation/dispatcher.js';
import { CriticalError, errorMessage } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { JobQueue, RecurringJobs } from '../queue/queue.js';
import type { MentionProcessor } from './process-mentions.js';

/** Job names on the queue (BullMQ queues in cluster mode). */
export const JOBS = {
  /** `{ ids }`: stored mentions to process (ids absent: take over whatever is unprocessed). */
  process: 'process-mentions',
  /** `{ source }`: crawl one source (deduplicated per source, so runs of a source never overlap). */
  crawl: 'crawl',
  /** `{ source }`: a schedule tick; becomes a deduplicated `crawl` job. */
  tick: 'crawl-tick',
} as const;

export interface WorkerJobsDeps {
  queue: JobQueue;
  processor: MentionProcessor;
  /** Runs after each processing job (queues the search indexing of what it completed). */
  afterProcessing?: () => Promise<void>;
  dispatcher: Dispatcher;
  crawlers: Crawlers;
  log: Logger;
  /** How often to take over work whose lease expired (a crashed worker's, or this process's previous life); 0 = never. */
  intervalMs: number;
}

/** Enqueues a crawl of `source` unless one is already waiting or running anywhere. */
export function enqueueCrawl(queue: JobQueue, source: string): Promise<boolean> {
  return queue.add(JOBS.crawl, { source }, { jobId: `crawl:${source}`, attempts: 1 });
}

/** Registers the worker's job handlers; returns the orphan sweep (start; stop waits for a sweep in flight). */
export function registerWorkerJobs(deps: WorkerJobsDeps): { start(): void; stop(): Promise<void> } {
  const log = deps.log.child({ component: 'jobs' });
  deps.queue.process<{ ids?: string[] }>(JOBS.process, async (data) => {
    if (data.ids) await deps.processor.processMentions(data.ids);
    else await deps.processor.drainUnprocessed();
    await deps.afterProcessing?.();
    await deps.dispatcher.dispatchOnce();
  });
  deps.queue.process<{ source: string }>(JOBS.crawl, async ({ source }) => {
    await deps.crawlers.runner.runSource(source);
  });
  deps.queue.process<{ source: string }>(JOBS.tick, async ({ source }) => {
    if (!(await enqueueCrawl(deps.queue, source))) log.info('previous run still going, tick skipped', { source });
  });

  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  return {
    start() {
      if (timer || deps.intervalMs <= 0) return;
      timer = setInterval(() => {
        if (inFlight) return;
        inFlight = deps.processor
          .sweepOrphans()
          .then(({ mentions, events }) => {
            if (mentions > 0 || events > 0) log.warn('took over work a worker left unfinished (expired lease)', { mentions, events });
          })
          .catch((err: unknown) => {
            log.warn('orphan sweep failed; will retry', { error: errorMessage(err) });
          })
          .finally(() => {
            inFlight = undefined;
          });
      }, deps.intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await inFlight;
    },
  };
}

function isRecurring(queue: JobQueue): queue is JobQueue & RecurringJobs {
  return typeof (queue as Partial<RecurringJobs>).upsertSchedule === 'function';
}

/**
 * The scheduler role: one BullMQ job scheduler per enabled source. Upserting is idempotent, so every
 * scheduler process may do it; BullMQ creates one job per tick however many there are.
 */
export async function startClusterSchedules(queue: JobQueue, config: Config, log: Logger): Promise<void> {
  if (!isRecurring(queue)) throw new CriticalError('the scheduler role needs the BullMQ queue (REDIS_URL)');
  const enabled = Object.entries(config.crawl.sources).filter(([, c]) => c.enabled);
  for (const [id, c] of enabled) {
    try {
      await queue.upsertSchedule(`crawl:${id}`, { pattern: c.schedule, tz: 'Asia/Shanghai' }, JOBS.tick, { source: id });
    } catch (err) {
      throw new CriticalError(`crawl.sources.${id}.schedule: cannot schedule "${c.schedule}": ${errorMessage(err)}`, { cause: err });
    }
  }
  const removed = await queue.pruneSchedules(
    JOBS.tick,
    enabled.map(([id]) => `crawl:${id}`),
  );
  log.info('crawl schedules upserted', { sources: enabled.map(([id, c]) => `${id} ${c.schedule}`), removed });
}
