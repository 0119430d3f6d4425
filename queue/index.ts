import type { Config } from '../config/schema.js';
import { CriticalError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { BullMqQueue } from './bullmq.js';
import { MemoryQueue } from './memory.js';
import type { JobQueue } from './queue.js';

export interface QueueDeps {
  log: Logger;
}

/** The configured job queue: in-process (default) or BullMQ on Redis (`queue.redisUrl` / env REDIS_URL). */
export function createQueue(
  config: Pick<Config['queue'], 'backend' | 'concurrency' | 'redisUrl'> & Partial<Pick<Config['queue'], 'prefix' | 'leaseSeconds'>>,
  deps: QueueDeps,
): JobQueue {
  if (config.backend === 'bullmq') {
    if (!config.redisUrl) throw new CriticalError('queue.backend is bullmq but no Redis URL is configured (queue.redisUrl or REDIS_URL)');
    return new BullMqQueue({
      url: config.redisUrl,
      prefix: config.prefix,
      concurrency: config.concurrency,
      lockMs: config.leaseSeconds === undefined ? undefined : config.leaseSeconds * 1000,
      log: deps.log,
    });
  }
  return new MemoryQueue({ concurrency: config.concurrency, log: deps.log });
}

export { BullMqQueue } from './bullmq.js';
export { MemoryQueue } from './memory.js';
export type { JobHandler, JobOptions, JobQueue, QueueStats, RecurringJobs } from './queue.js';
export { UnrecoverableJobError } from './queue.js';
