import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import { CriticalError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

export interface StoreDeps {
  log: Logger;
  /** The analysis tokenizer, used for search queries and titles (the store must not import nodejieba). */
  tokenize?: (text: string) => string[];
  /** The analysis PII masker: every crawled field is masked before it is stored (unless store.keepRawText). */
  maskText?: (text: string) => string;
}

/** Opens the configured store: SQLite at `${dataDir}/radar.db` (in memory when dataDir is `:memory:`). */
export async function createStore(config: Config['store'], deps: StoreDeps): Promise<Store> {
  if (config.backend === 'elasticsearch') {
    throw new CriticalError(
      'Elasticsearch is not a system of record: keep store.backend sqlite (or PostgreSQL) and set ELASTICSEARCH_URL for the search index (search.backend)',
    );
  }
  let path = ':memory:';
  if (config.dataDir !== ':memory:') {
    try {
      mkdirSync(config.dataDir, { recursive: true });
    } catch (err) {
      throw new CriticalError(`cannot create data directory ${config.dataDir}`, { cause: err });
    }
    path = join(config.dataDir, 'radar.db');
  }
  try {
    return new SqliteStore({ path, log: deps.log, tokenize: deps.tokenize, maskText: deps.maskText, keepRawText: config.keepRawText });
  } catch (err) {
    throw new CriticalError(`cannot open store at ${path}`, { cause: err });
  }
}

export { SqliteStore } from './sqlite/sqlite-store.js';
export type { Store } from './store.js';
