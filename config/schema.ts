import { z } from 'zod';
import { analysisSchema } from './sections/analysis.js';
import { crawlSchema } from './sections/crawl.js';
import { escalationSchema } from './sections/escalation.js';
import { searchSchema } from './sections/search.js';
import { logSchema, queueSchema, serverSchema, storeSchema } from './sections/server.js';
import { watchlistSchema } from './sections/watchlist.js';

/** The whole configuration, parsed once at start-up. Every field has a default except the watchlist. */
export const configSchema = z
  .object({
    server: serverSchema.prefault({}),
    log: logSchema.prefault({}),
    store: storeSchema.prefault({}),
    queue: queueSchema.prefault({}),
    search: searchSchema.prefault({}),
    watchlist: watchlistSchema,
    crawl: crawlSchema.prefault({}),
    analysis: analysisSchema.prefault({}),
    escalation: escalationSchema.prefault({}),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type { SourceConfig } from './sections/crawl.js';
export type { Institution } from './sections/watchlist.js';
