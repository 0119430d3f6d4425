import type { Config } from '../config/schema.js';
import { createLogger } from '../lib/logger.js';
import { createStore } from '../store/index.js';
import { createSearchIndex } from '../store/search/index.js';
import { reindex } from './search.js';

function instant(value: string, flag: string): string {
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw new Error(`${flag} must be an ISO date or datetime (got "${value}")`);
  return new Date(ms).toISOString();
}

/** `radar reindex --from <date> [--to <date>]`: backfills the configured derived index from the store. */
export async function reindexCli(config: Config, opts: { from: string; to?: string }): Promise<void> {
  const from = instant(opts.from, '--from');
  const to = opts.to ? instant(opts.to, '--to') : new Date().toISOString();
  if (from >= to) throw new Error('--from must be before --to');
  const log = createLogger({ level: 'warn', format: 'pretty' });
  const store = await createStore(config.store, { log });
  const index = createSearchIndex(config, { store, log });
  try {
    if (!index.derived) {
      process.stdout.write('the search index is the store itself (search.backend store): nothing to reindex\n');
      return;
    }
    const n = await reindex(store, index, { from, to, batchSize: config.search.batchSize }, (done) => process.stderr.write(`\rindexed ${done}`));
    process.stdout.write(`${n > 0 ? '\n' : ''}indexed ${n} mentions published in [${from}, ${to}) into ${index.backend}\n`);
  } finally {
    await index.close();
    await store.close();
  }
}
