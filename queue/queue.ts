/**
 * A job queue. The in-process backend (queue/memory.ts) runs handlers with bounded concurrency and
 * retries with exponential backoff; the cluster backend (BullMQ on Redis) passes the same contract suite.
 */
export interface JobOptions {
  /** Total attempts including the first (default 3). */
  attempts?: number;
  /** First backoff delay in ms, doubled each retry (default 1000). */
  backoffMs?: number;
  /** A job with the same id while one is queued or running is dropped (no overlap). */
  jobId?: string;
  delayMs?: number;
}

export interface JobContext {
  attempt: number;
  jobId: string;
}

export type JobHandler<T> = (data: T, ctx: JobContext) => Promise<void>;

export interface QueueStats {
  waiting: number;
  active: number;
  completed: number;
  failed: number;
}

export interface JobQueue {
  /** Registers the handler for a job name; at most `concurrency` run at once across names of this queue. */
  process<T>(name: string, handler: JobHandler<T>): void;
  /** Returns false when a job with the same jobId is already queued or running. */
  add<T>(name: string, data: T, options?: JobOptions): Promise<boolean>;
  stats(): Promise<QueueStats>;
  /** Resolves when nothing is waiting or running (tests, shutdown). */
  drain(): Promise<void>;
  /** Stops taking jobs, waits for running ones. */
  close(): Promise<void>;
}

/**
 * Recurring jobs (the cluster's crawl schedules): BullMQ job schedulers keep one schedule per id in Redis
 * and create exactly one job per tick, however many scheduler processes upsert the same schedule.
 */
export interface RecurringJobs {
  /** Creates or replaces recurring job `id`: one `name` job with `data` per tick of the cron `pattern` (seconds optional) in `tz`. */
  upsertSchedule(id: string, schedule: { pattern: string; tz: string }, name: string, data: unknown): Promise<void>;
  /** Removes the recurring jobs of `name` whose id is not in `keep` (a source disabled since). Returns how many. */
  pruneSchedules(name: string, keep: string[]): Promise<number>;
}

/** An error a handler throws to stop retries (bad input). */
export class UnrecoverableJobError extends Error {
  override name = 'UnrecoverableJobError';
}
