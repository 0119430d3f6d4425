import { z } from 'zod';

/** Mention search and analytics (store/search): which index answers, and how Elasticsearch indices are kept. */
export const searchSchema = z
  .object({
    /**
     * `auto`: Elasticsearch when `store.elasticsearchUrl` (env ELASTICSEARCH_URL) is set, else PostgreSQL
     * when `search.postgresUrl` is set, else the store's own index (SQLite FTS).
     */
    backend: z.enum(['auto', 'store', 'postgres', 'elasticsearch']).default('auto'),
    /** PostgreSQL for the search index's own tables (env SEARCH_DATABASE_URL). */
    postgresUrl: z.string().optional(),
    /** Elasticsearch index prefix; monthly indices `<prefix>-YYYY.MM` behind the alias `<prefix>`. */
    indexPrefix: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, _ and -')
      .default('radar-mentions'),
    /** Months of mentions kept in the derived index, the current one included; older ones are deleted daily. */
    retentionMonths: z.number().int().min(1).max(240).default(24),
    shards: z.number().int().min(1).max(64).default(1),
    replicas: z.number().int().min(0).max(8).default(0),
    /** Bulk requests in flight at once per indexing job. */
    bulkConcurrency: z.number().int().min(1).max(16).default(2),
    /** Mentions per indexing job. */
    batchSize: z.number().int().min(1).max(5000).default(500),
  })
  .strict();

export type SearchConfig = z.infer<typeof searchSchema>;
