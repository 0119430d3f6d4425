import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import { CriticalError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { PgStore } from './postgres/pg-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

export interface StoreDeps {
  log: Logger;
  /** The analysis tokenizer, used for search queries and titles (the store must not import nodejieba). */
  tokenize?: (text: string) => string[];
  /** The analysis PII masker: every crawled field is masked before it is stored (unless store.keepRawText). */
  maskText?: (text: string) => string;
  /**
   * `postgres://…` or `postgresql://…` (the process's DATABASE_URL, passed by the caller): the PostgreSQL
   * store instead of SQLite. Optional `?schema=name` selects a schema; `poolSize` sizes the pool (default 10).
   */
  databaseUrl?: string;
  poolSize?: number;
}

/** The PostgreSQL store for a `postgres://` URL; a `schema` query parameter selects the schema. */
async function openPostgres(url: string, config: Config['store'], deps: StoreDeps): Promise<Store> {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') ?? undefined;
  parsed.searchParams.delete('schema');
  try {
    return await PgStore.open({
      connectionString: parsed.toString(),
      schema,
      poolSize: deps.poolSize,
      log: deps.log,
      tokenize: deps.tokenize,
      maskText: deps.maskText,
      keepRawText: config.keepRawText,
    });
  } catch (err) {
    throw new CriticalError(`cannot open the PostgreSQL store at ${parsed.host}${parsed.pathname}`, { cause: err });
  }
}

/**
 * Opens the configured store: PostgreSQL when `deps.databaseUrl` is a postgres URL, else SQLite at
 * `${dataDir}/radar.db` (in memory when dataDir is `:memory:`).
 */
export async function createStore(config: Config['store'], deps: StoreDeps): Promise<Store> {
  if (deps.databaseUrl && /^postgres(ql)?:\/\//.test(deps.databaseUrl)) return openPostgres(deps.databaseUrl, config, deps);
  if (deps.databaseUrl) throw new CriticalError('DATABASE_URL must start with postgres:// or postgresql://');
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

export { PgStore } from './postgres/pg-store.js';
export { SqliteStore } from './sqlite/sqlite-store.js';
export { type Lease, LeaseLostError, type Store } from './store.js';
