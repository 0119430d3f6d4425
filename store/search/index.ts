import type { Config } from '../../config/schema.js';
import { CriticalError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import type { Store } from '../store.js';
import { ElasticsearchSearchIndex } from './elasticsearch/es-index.js';
import { PgSearchIndex } from './postgres/pg-index.js';
import type { SearchIndex } from './search-index.js';
import { StoreSearchIndex } from './store-index.js';

/** Which index `search.backend` selects (`auto`: Elasticsearch, else PostgreSQL, else the store's own). */
export function searchBackend(config: Pick<Config, 'store' | 'search'>): SearchIndex['backend'] {
  const b = config.search.backend;
  if (b !== 'auto') return b;
  if (config.store.elasticsearchUrl) return 'elasticsearch';
  if (config.search.postgresUrl) return 'postgres';
  return 'store';
}

/** Opens the configured search index. The caller closes it (the store stays the caller's too). */
export function createSearchIndex(config: Pick<Config, 'store' | 'search'>, deps: { store: Store; log: Logger }): SearchIndex {
  const s = config.search;
  const log = deps.log.child({ component: 'search' });
  switch (searchBackend(config)) {
    case 'elasticsearch':
      if (!config.store.elasticsearchUrl) throw new CriticalError('search.backend is elasticsearch but ELASTICSEARCH_URL (store.elasticsearchUrl) is not set');
      return new ElasticsearchSearchIndex({
        url: config.store.elasticsearchUrl,
        prefix: s.indexPrefix,
        retentionMonths: s.retentionMonths,
        shards: s.shards,
        replicas: s.replicas,
        bulkConcurrency: s.bulkConcurrency,
        log,
      });
    case 'postgres':
      if (!s.postgresUrl) throw new CriticalError('search.backend is postgres but SEARCH_DATABASE_URL (search.postgresUrl) is not set');
      return new PgSearchIndex({ url: s.postgresUrl, retentionMonths: s.retentionMonths, log });
    default:
      return new StoreSearchIndex(deps.store);
  }
}

export { SearchUnavailableError } from './errors.js';
export type { IndexDoc, SearchIndex, ShareOfVoiceRow, TermCount, TopTermsQuery } from './search-index.js';
