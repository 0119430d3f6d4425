import type { Config } from '../config/schema.js';
import { errorMessage, RetryLaterError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { JobQueue } from '../queue/queue.js';
import { createSearchIndex, type IndexDoc, type SearchIndex, SearchUnavailableError } from '../store/search/index.js';
import type { Store } from '../store/store.js';

export const INDEX_JOB = 'search-index';
const DAY_MS = 86_400_000;

export interface SearchFeederDeps {
  store: Store;
  index: SearchIndex;
  queue: JobQueue;
  log: Logger;
  /** Mentions per indexing job (default 500). */
  batchSize?: number;
}

/**
 * The indexing job that feeds a derived index (PostgreSQL, Elasticsearch) from the system of record.
 * The pipeline reports each completed mention; `flush` queues their ids in jobs; a job reads the
 * mentions back from the store and indexes them by id, so running it twice changes nothing
 * (at-least-once is safe). While the index is unavailable a job is retried later without using an
 * attempt (RetryLaterError): ingestion goes on and the backlog drains when the index is back.
 */
export class SearchFeeder {
  private pending: string[] = [];
  private readonly log: Logger;
  private readonly batchSize: number;

  constructor(private readonly deps: SearchFeederDeps) {
    this.log = deps.log.child({ component: 'search-feeder' });
    this.batchSize = deps.batchSize ?? 500;
  }

  /** Registers the job handler on the queue (workers). */
  register(): void {
    this.deps.queue.process<{ ids: string[] }>(INDEX_JOB, (data) => this.run(data.ids));
  }

  /** Remembers a completed mention; a full batch is queued at once (the rest on the next `flush`). */
  completed(mentionId: string): void {
    this.pending.push(mentionId);
    if (this.pending.length >= this.batchSize) {
      this.flush().catch((err: unknown) => this.log.warn('cannot queue an indexing job; run radar reindex for the gap', { error: errorMessage(err) }));
    }
  }

  /** Queues the mentions completed since the last flush, `batchSize` per job. */
  async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const ids = this.pending.splice(0, this.batchSize);
      await this.deps.queue.add(INDEX_JOB, { ids }, { attempts: 5, backoffMs: 2000 });
    }
  }

  /** One job: the analysed mentions of `ids`, read from the store, into the index. */
  async run(ids: string[]): Promise<void> {
    const docs: IndexDoc[] = [];
    for (const id of ids) {
      const m = await this.deps.store.getMention(id);
      if (m?.analysis) docs.push(m as IndexDoc);
    }
    try {
      await this.deps.index.index(docs);
    } catch (err) {
      if (!(err instanceof SearchUnavailableError)) throw err;
      this.log.warn('search index unavailable; indexing job retried later', { mentions: docs.length, retryAfterMs: err.retryAfterMs, error: err.message });
      throw new RetryLaterError(err.message, err.retryAfterMs, { cause: err });
    }
  }
}

/** Backfills the index from the store: analysed mentions published in [from, to), oldest first. */
export async function reindex(
  store: Store,
  index: SearchIndex,
  range: { from: string; to: string; batchSize?: number },
  onProgress?: (indexed: number) => void,
): Promise<number> {
  let afterId: string | undefined;
  let total = 0;
  const size = range.batchSize ?? 500;
  for (;;) {
    const page = await store.listAnalysedMentions(range.from, range.to, afterId, size);
    if (page.length === 0) break;
    await index.index(page);
    total += page.length;
    onProgress?.(total);
    if (page.length < size) break;
    afterId = page.at(-1)?.id;
  }
  await index.refresh();
  return total;
}

export interface SearchRuntime {
  index: SearchIndex;
  /** Present when the index is derived (PostgreSQL, Elasticsearch); processes that run jobs call `feeder.register()`. */
  feeder?: SearchFeeder;
  /** Pipeline hook: a mention's analysis was saved. */
  completed(mentionId: string): void;
  /** Queues indexing jobs for the mentions completed so far. */
  flush(): Promise<void>;
  /** Deletes what falls out of the retention window now and then daily. */
  startRetention(now: () => Date): void;
  close(): Promise<void>;
}

/** Wires the configured search index and, for a derived one, its indexing job. */
export function createSearch(config: Config, deps: { store: Store; queue: JobQueue; log: Logger }): SearchRuntime {
  const index = createSearchIndex(config, deps);
  const feeder = index.derived ? new SearchFeeder({ ...deps, index, batchSize: config.search.batchSize }) : undefined;
  let timer: NodeJS.Timeout | undefined;
  const retention = async (now: Date) => {
    try {
      const { deleted } = await index.applyRetention(now);
      if (deleted.length > 0) deps.log.info('search retention applied', { deleted, retentionMonths: config.search.retentionMonths });
    } catch (err) {
      deps.log.warn('search retention failed; retried tomorrow', { error: errorMessage(err) });
    }
  };
  return {
    index,
    feeder,
    completed: (id) => feeder?.completed(id),
    flush: async () => feeder?.flush(),
    startRetention(now) {
      if (!index.derived || timer) return;
      void retention(now());
      timer = setInterval(() => void retention(now()), DAY_MS);
      timer.unref();
    },
    async close() {
      if (timer) clearInterval(timer);
      await index.close();
    },
  };
}
