import { randomUUID } from 'node:crypto';
import { errorMessage, NonRetryableError, RetryLaterError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { type JobHandler, type JobOptions, type JobQueue, type QueueStats, UnrecoverableJobError } from './queue.js';

/** Timer functions, injectable so that tests control backoff and delays. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface MemoryQueueOptions {
  /** Handlers running at once across all job names (default 4). */
  concurrency?: number;
  log: Logger;
  timers?: Timers;
}

interface Job {
  name: string;
  data: unknown;
  id: string;
  attempt: number;
  attempts: number;
  backoffMs: number;
  timer?: unknown;
}

export const DEFAULT_ATTEMPTS = 3;
export const DEFAULT_BACKOFF_MS = 1000;

/** Errors after which retrying is pointless: the queue's own and the project's "bad input" error. */
export function isUnrecoverable(err: unknown): boolean {
  return err instanceof UnrecoverableJobError || err instanceof NonRetryableError;
}

/**
 * The in-process queue: FIFO, bounded concurrency across names, exponential backoff, jobId dedup while
 * queued or running. A RetryLaterError reschedules the job after its retryAfterMs without using an attempt.
 * Jobs live in memory only; the pipeline recovers unprocessed work from the store after a restart.
 */
export class MemoryQueue implements JobQueue {
  private readonly handlers = new Map<string, JobHandler<unknown>>();
  private readonly ready: Job[] = [];
  private readonly delayed = new Set<Job>();
  private readonly ids = new Set<string>();
  private readonly idleWaiters: Array<() => void> = [];
  private readonly concurrency: number;
  private readonly timers: Timers;
  private readonly log: Logger;
  private active = 0;
  private completed = 0;
  private failed = 0;
  private closed = false;

  constructor(options: MemoryQueueOptions) {
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.timers = options.timers ?? realTimers;
    this.log = options.log.child({ component: 'queue' });
  }

  process<T>(name: string, handler: JobHandler<T>): void {
    this.handlers.set(name, handler as JobHandler<unknown>);
    this.pump();
  }

  async add<T>(name: string, data: T, options: JobOptions = {}): Promise<boolean> {
    if (this.closed) return false;
    const id = options.jobId ?? randomUUID();
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    const job: Job = {
      name,
      data,
      id,
      attempt: 1,
      attempts: Math.max(1, options.attempts ?? DEFAULT_ATTEMPTS),
      backoffMs: Math.max(0, options.backoffMs ?? DEFAULT_BACKOFF_MS),
    };
    if (options.delayMs && options.delayMs > 0) this.schedule(job, options.delayMs);
    else this.ready.push(job);
    this.pump();
    return true;
  }

  async stats(): Promise<QueueStats> {
    return { waiting: this.ready.length + this.delayed.size, active: this.active, completed: this.completed, failed: this.failed };
  }

  drain(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    this.closed = true;
    const dropped = this.ready.length + this.delayed.size;
    for (const job of this.delayed) this.timers.clearTimeout(job.timer);
    for (const job of [...this.ready, ...this.delayed]) this.ids.delete(job.id);
    this.ready.length = 0;
    this.delayed.clear();
    if (dropped > 0) this.log.warn('queue closed with waiting jobs dropped', { dropped });
    await this.drain();
  }

  private isIdle(): boolean {
    return this.active === 0 && this.ready.length === 0 && this.delayed.size === 0;
  }

  private schedule(job: Job, ms: number): void {
    this.delayed.add(job);
    job.timer = this.timers.setTimeout(() => {
      if (!this.delayed.delete(job)) return;
      job.timer = undefined;
      this.ready.push(job);
      this.pump();
    }, ms);
  }

  private pump(): void {
    while (!this.closed && this.active < this.concurrency) {
      const i = this.ready.findIndex((j) => this.handlers.has(j.name));
      if (i < 0) break;
      const [job] = this.ready.splice(i, 1);
      void this.run(job!);
    }
    if (this.isIdle()) for (const w of this.idleWaiters.splice(0)) w();
  }

  private async run(job: Job): Promise<void> {
    this.active++;
    const handler = this.handlers.get(job.name)!;
    try {
      await handler(job.data, { attempt: job.attempt, jobId: job.id });
      this.completed++;
      this.ids.delete(job.id);
    } catch (err) {
      this.onFailure(job, err);
    } finally {
      this.active--;
      this.pump();
    }
  }

  private onFailure(job: Job, err: unknown): void {
    if (this.closed) {
      this.failed++;
      this.ids.delete(job.id);
      return;
    }
    if (err instanceof RetryLaterError) {
      const ms = err.retryAfterMs ?? job.backoffMs;
      this.log.debug('job throttled, retrying later', { name: job.name, jobId: job.id, ms });
      this.schedule(job, ms);
      return;
    }
    if (isUnrecoverable(err) || job.attempt >= job.attempts) {
      this.failed++;
      this.ids.delete(job.id);
      this.log.warn('job failed', { name: job.name, jobId: job.id, attempt: job.attempt, error: errorMessage(err) });
      return;
    }
    const ms = job.backoffMs * 2 ** (job.attempt - 1);
    this.log.debug('job attempt failed, retrying', { name: job.name, jobId: job.id, attempt: job.attempt, ms, error: errorMessage(err) });
    job.attempt++;
    this.schedule(job, ms);
  }
}
