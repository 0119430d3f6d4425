/**
 * Ingest throughput end to end: stored post → analyse → cluster → escalate → commit, in posts per second,
 * on the same generated posts for three set-ups measured in one run:
 *   - embedded: `radar start`'s runtime (SQLite file, in-process queue) in this process;
 *   - cluster, 1 worker and 2 workers: `radar worker` OS processes on PostgreSQL and Redis.
 * This process plays the crawler: it stores the posts in batches of 200 and enqueues one processing job
 * per batch, as a crawl run does; the clock stops when the store has no unprocessed mention left.
 * Printed as ratios to embedded. Cluster runs need DATABASE_URL/TEST_DATABASE_URL and
 * REDIS_URL/TEST_REDIS_URL (skipped otherwise). BENCH_POSTS sets the count (default 4,000). Always exits 0.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { JOBS } from '../app/jobs.js';
import { createRuntime } from '../app/runtime.js';
import { loadConfig } from '../config/load.js';
import type { Mention } from '../lib/domain.js';
import { silentLogger } from '../lib/logger.js';
import { createQueue } from '../queue/index.js';
import type { JobQueue } from '../queue/queue.js';
import { createStore } from '../store/index.js';
import type { Store } from '../store/store.js';
import { type RoleProcess, startRole } from '../test/e2e/helpers/processes.js';
import { dropSchemas, randomSchema } from '../test/unit/store/pg-env.js';
import { ingestPosts } from './lib/ingest-posts.js';

const POSTS = Number(process.env.BENCH_POSTS ?? 4000);
const BATCH = 200;
const log = silentLogger();

/** Stores the posts batch by batch with a processing job each, then waits until none is unprocessed. */
async function ingest(store: Store, queue: JobQueue, posts: Mention[]): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < posts.length; i += BATCH) {
    const { inserted } = await store.upsertMentions(posts.slice(i, i + BATCH));
    await queue.add(JOBS.process, { ids: inserted }, { attempts: 5, backoffMs: 1000 });
  }
  while ((await store.listUnprocessedMentions(1)).length > 0) await new Promise((r) => setTimeout(r, 20));
  return posts.length / (Number(process.hrtime.bigint() - started) / 1e9);
}

async function embedded(posts: Mention[]): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'radar-bench-ingest-'));
  const config = loadConfig({ overrides: { store: { dataDir: dir }, log: { level: 'warn' } } });
  const runtime = await createRuntime(config, { log, api: false, schedules: false });
  try {
    return await ingest(runtime.store, runtime.queue, posts);
  } finally {
    await runtime.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function cluster(posts: Mention[], workers: number, backends: { db: string; redis: string }): Promise<number> {
  const schema = randomSchema('radar_bench');
  const url = new URL(backends.db);
  url.searchParams.set('schema', schema);
  const dir = mkdtempSync(join(tmpdir(), 'radar-bench-cluster-'));
  const prefix = `bench${process.pid}w${workers}`;
  const file = join(dir, 'cluster.yaml');
  writeFileSync(
    file,
    stringify({
      queue: { backend: 'bullmq', redisUrl: backends.redis, prefix, concurrency: Number(process.env.BENCH_CONCURRENCY ?? 4) },
      log: { format: 'json', level: 'info' },
    }),
  );
  const env = { DATABASE_URL: url.toString() };
  const config = loadConfig({ files: [file], env: { ...env, REDIS_URL: backends.redis } });
  const store = await createStore(config.store, { log, databaseUrl: env.DATABASE_URL });
  const queue = createQueue(config.queue, { log });
  const procs: RoleProcess[] = [];
  try {
    for (let i = 0; i < workers; i++) procs.push(startRole(`worker${i + 1}`, ['-c', file, 'worker'], env, 'processing recovered'));
    await Promise.all(procs.map((p) => p.ready));
    return await ingest(store, queue, posts);
  } finally {
    for (const p of procs) p.proc.kill('SIGTERM');
    await Promise.all(procs.map((p) => p.exited));
    await queue.close();
    await store.close();
    await dropSchemas(backends.db, [schema]);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const posts = ingestPosts(POSTS, loadConfig().watchlist);
  const db = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  const redis = process.env.REDIS_URL ?? process.env.TEST_REDIS_URL;
  const rows: Array<[string, number | undefined]> = [['embedded (SQLite, in-process queue)', await embedded(posts)]];
  for (const workers of [1, 2]) {
    const label = `cluster, ${workers} worker${workers > 1 ? 's' : ''} (PostgreSQL, BullMQ)`;
    rows.push([label, db && redis ? await cluster(posts, workers, { db, redis }) : undefined]);
  }
  const base = rows[0]![1]!;
  console.log(`\ningest: ${POSTS} posts stored → analysed → clustered → escalated → committed (${BATCH} per job)\n`);
  console.log(`${'set-up'.padEnd(44)}${'posts/s'.padStart(10)}${'ratio'.padStart(8)}`);
  for (const [label, rate] of rows) {
    console.log(
      `${label.padEnd(44)}${(rate === undefined ? 'skipped' : rate.toFixed(0)).padStart(10)}${(rate === undefined ? '' : (rate / base).toFixed(2)).padStart(8)}`,
    );
  }
  if (!(db && redis)) console.log('\n(cluster rows skipped: set DATABASE_URL and REDIS_URL, or TEST_DATABASE_URL and TEST_REDIS_URL)');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 0;
});
