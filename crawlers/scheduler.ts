import cron from 'node-cron';
import type { SourceConfig } from '../config/schema.js';
import type { Clock } from '../lib/clock.js';
import { ConflictError, CriticalError, errorMessage, NotFoundError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { CrawlRunner, RunSummary } from './runner.js';

/** The part of node-cron the scheduler uses (injectable so tests can fire ticks by hand). */
export interface CronLike {
  validate(expression: string): boolean;
  schedule(expression: string, fn: () => unknown, options: { name: string; timezone: string }): { stop(): unknown; destroy(): unknown };
}

export interface CrawlSchedulerDeps {
  runner: CrawlRunner;
  sourceConfigs: Record<string, SourceConfig>;
  log: Logger;
  clock: Clock;
  cron?: CronLike;
  /** Schedules are read in this zone (default Asia/Shanghai: `0 9 * * *` is 09:00 China time). */
  timezone?: string;
}

export interface CrawlScheduler {
  /** Validates every enabled source's schedule (CriticalError naming the source) and starts the cron tasks. */
  start(): void;
  stop(): void;
  /** Runs a source now. 404 ApiError for unknown ids, 409 when that source is already running. */
  runNow(sourceId: string): Promise<RunSummary>;
  isRunning(sourceId: string): boolean;
}

export function createCrawlScheduler(deps: CrawlSchedulerDeps): CrawlScheduler {
  const log = deps.log.child({ component: 'crawl-scheduler' });
  const cronImpl: CronLike = deps.cron ?? (cron as unknown as CronLike);
  const running = new Map<string, Promise<RunSummary>>();
  const tasks: Array<{ stop(): unknown; destroy(): unknown }> = [];

  function launch(sourceId: string): Promise<RunSummary> {
    const startedAt = deps.clock.now();
    const run = deps.runner.runSource(sourceId).finally(() => running.delete(sourceId));
    running.set(sourceId, run);
    log.debug('crawl started', { source: sourceId, at: startedAt.toISOString() });
    return run;
  }

  function tick(sourceId: string): void {
    if (running.has(sourceId)) {
      log.info('previous run still going, tick skipped', { source: sourceId });
      return;
    }
    launch(sourceId).catch((err: unknown) => log.error('crawl run crashed', { source: sourceId, error: errorMessage(err) }));
  }

  return {
    start() {
      if (tasks.length > 0) return;
      const enabled = Object.entries(deps.sourceConfigs).filter(([, c]) => c.enabled);
      for (const [id, c] of enabled) {
        if (!cronImpl.validate(c.schedule)) {
          throw new CriticalError(`crawl.sources.${id}.schedule: invalid cron expression "${c.schedule}"`);
        }
      }
      for (const [id, c] of enabled) {
        tasks.push(cronImpl.schedule(c.schedule, () => tick(id), { name: `crawl:${id}`, timezone: deps.timezone ?? 'Asia/Shanghai' }));
      }
      log.info('crawl schedules started', { sources: enabled.map(([id, c]) => `${id} ${c.schedule}`) });
    },
    stop() {
      for (const t of tasks.splice(0)) {
        t.stop();
        t.destroy();
      }
    },
    async runNow(sourceId) {
      const c = deps.sourceConfigs[sourceId];
      if (!c?.enabled) throw new NotFoundError('source', sourceId);
      if (running.has(sourceId)) throw new ConflictError(`source ${sourceId} is already running`, { source: sourceId });
      return launch(sourceId);
    },
    isRunning(sourceId) {
      return running.has(sourceId);
    },
  };
}
