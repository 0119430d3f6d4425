import { randomUUID } from 'node:crypto';
import { DelayedError, type Job, MetricsTime, Queue, UnrecoverableError, Worker } from 'bullmq';
import { errorMessage, RetryLaterError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { DEFAULT_ATTEMPTS, DEFAULT_BACKOFF_MS, isUnrecoverable } from './memory.js';
import type { JobHandler, JobOptions, JobQueue, QueueStats, RecurringJobs } from './queue.js';

export interface BullMqQueueOptions {
  /** redis://[user:password@]host:port[/db] */
  url: string;
  /** Redis key prefix (default `radar`); tests use a random one. */
  prefix?: string;
  /** Concurrent handlers per job name in this process (default 4). */
  concurrency?: number;
  log: Logger;
  /**
   * How long an active job stays locked to its worker without renewal (default 30 s): a job of a worker
   * that died is handed to another worker after about this long (BullMQ stalled-job check).
   */
  lockMs?: number;
  /** How often drain() polls Redis (default 25 ms). */
  pollMs?: number;
}

/**
 * The cluster queue: one BullMQ Queue and Worker per job name (so a process only takes the jobs it
 * registered handlers for). Attempts with exponential backoff are BullMQ's own; `jobId` maps to BullMQ
 * deduplication, which holds while the job is waiting, delayed, retrying or active and is released when it
 * finishes. Completed/failed counts come from BullMQ metrics, so they are cluster-wide.
 */
export class BullMqQueue implements JobQueue, RecurringJobs {
  private readonly queues = new Map<string, Queue>();
  private readonly workers = new Map<string, Worker>();
  private readonly connection: { url: string; maxRetriesPerRequest: null };
  private readonly prefix: string;
  private readonly concurrency: number;
  private readonly log: Logger;
  private closed = false;

  constructor(private readonly options: BullMqQueueOptions) {
    this.connection = { url: options.url, maxRetriesPerRequest: null };
    this.prefix = options.prefix ?? 'radar';
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.log = options.log.child({ component: 'queue' });
  }

  /** BullMQ queue names cannot contain `:`. */
  private static queueName(name: string): string {
    return name.replaceAll(':', '_');
  }

  private queue(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(BullMqQueue.queueName(name), { connection: this.connection, prefix: this.prefix });
      q.on('error', (err) => this.log.warn('queue connection error', { name, error: errorMessage(err) }));
      this.queues.set(name, q);
    }
    return q;
  }

  process<T>(name: string, handler: JobHandler<T>): void {
    if (this.workers.has(name)) throw new Error(`a handler for ${name} is already registered`);
    this.queue(name);
    const worker = new Worker(
      BullMqQueue.queueName(name),
      async (job: Job, token?: string) => {
        const jobId = (job.opts.deduplication?.id as string | undefined) ?? job.id ?? '';
        try {
          await handler(job.data as T, { attempt: job.attemptsMade + 1, jobId });
        } catch (err) {
          if (err instanceof RetryLaterError) {
            const b = job.opts.backoff;
            const backoffMs = typeof b === 'number' ? b : (b?.delay ?? DEFAULT_BACKOFF_MS);
            await job.moveToDelayed(Date.now() + (err.retryAfterMs ?? backoffMs), token);
            throw new DelayedError();
          }
          if (isUnrecoverable(err)) throw new UnrecoverableError(errorMessage(err));
          throw err;
        }
      },
      {
        connection: this.connection,
        prefix: this.prefix,
        concurrency: this.concurrency,
        ...(this.options.lockMs ? { lockDuration: this.options.lockMs, stalledInterval: this.options.lockMs } : {}),
        metrics: { maxDataPoints: MetricsTime.ONE_WEEK },
      },
    );
    worker.on('failed', (job, err) => {
      const final = !job || err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
      if (final) this.log.warn('job failed', { name, jobId: job?.id, attempt: job?.attemptsMade, error: errorMessage(err) });
    });
    worker.on('error', (err) => this.log.warn('worker error', { name, error: errorMessage(err) }));
    this.workers.set(name, worker);
  }

  async add<T>(name: string, data: T, options: JobOptions = {}): Promise<boolean> {
    if (this.closed) return false;
    const id = randomUUID();
    const job = await this.queue(name).add(name, data, {
      jobId: id,
      attempts: Math.max(1, options.attempts ?? DEFAULT_ATTEMPTS),
      backoff: { type: 'exponential', delay: Math.max(0, options.backoffMs ?? DEFAULT_BACKOFF_MS) },
      ...(options.delayMs && options.delayMs > 0 ? { delay: options.delayMs } : {}),
      ...(options.jobId ? { deduplication: { id: options.jobId } } : {}),
      removeOnComplete: true,
      removeOnFail: { count: 1000 },
    });
    // A deduplicated add returns the id of the job already holding the key.
    return job.id === id;
  }

  async upsertSchedule(id: string, schedule: { pattern: string; tz: string }, name: string, data: unknown): Promise<void> {
    await this.queue(name).upsertJobScheduler(
      id,
      { pattern: schedule.pattern, tz: schedule.tz },
      { name, data, opts: { attempts: 1, removeOnComplete: true, removeOnFail: { count: 100 } } },
    );
  }

  async pruneSchedules(name: string, keep: string[]): Promise<number> {
    const q = this.queue(name);
    let removed = 0;
    for (const s of await q.getJobSchedulers()) {
      if (s.key && !keep.includes(s.key) && (await q.removeJobScheduler(s.key))) removed++;
    }
    return removed;
  }

  async stats(): Promise<QueueStats> {
    const out: QueueStats = { waiting: 0, active: 0, completed: 0, failed: 0 };
    for (const q of this.queues.values()) {
      const c = await q.getJobCounts('waiting', 'delayed', 'prioritized', 'active');
      out.waiting += (c.waiting ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0);
      out.active += c.active ?? 0;
      out.completed += (await q.getMetrics('completed', 0, 0)).meta.count;
      out.failed += (await q.getMetrics('failed', 0, 0)).meta.count;
    }
    return out;
  }

  async drain(): Promise<void> {
    for (;;) {
      const s = await this.stats();
      if (s.waiting === 0 && s.active === 0) return;
      await new Promise((r) => setTimeout(r, this.options.pollMs ?? 25));
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.workers.values()].map((w) => w.close()));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
