import type { Config } from '../config/schema.js';
import type { CaseWorkflow } from '../escalation/case/index.js';
import type { RulesService } from '../escalation/rules-live.js';
import type { MessageBus } from '../lib/bus.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import type { SearchIndex } from '../store/search/search-index.js';
import type { Store } from '../store/store.js';
import type { Authenticator } from './auth.js';
import type { DtoContext } from './dto.js';

/** Declared once, with the case (escalation/case/types.ts). */
export type { CaseActor, CaseWorkflow } from '../escalation/case/index.js';

/** Declared with the live rules (escalation/rules-live.ts). */
export type { RuleIssue, RulesService } from '../escalation/rules-live.js';

export interface CrawlControl {
  runNow(sourceId: string): Promise<unknown>;
  sourceIds(): string[];
}

export interface TopicInfo {
  businessLine: string;
  cause: string;
  label: string;
}

export interface ApiDeps {
  config: Config;
  store: Store;
  /** Mention search and the sentiment/share-of-voice/top-terms reports; default: the store's own index. */
  search?: SearchIndex;
  workflow: CaseWorkflow;
  rules: RulesService;
  crawl: CrawlControl;
  /** Splits a query into search terms (nodejieba); whitespace split when absent. */
  tokenize?: (text: string) => string[];
  /** PII masking for text without analysis (analysis/pii); a built-in fallback when absent. */
  maskText?: (text: string) => string;
  /** Topic id → business line / cause / Chinese label, for the attribution report. */
  topicInfo?: (topicId: string) => TopicInfo | undefined;
  bus: MessageBus;
  metrics: Metrics;
  clock: Clock;
  log: Logger;
  /** Folder of the built dashboard, served at `/`. */
  webDir?: string;
  /** Validate every JSON response against its schema (default: on unless NODE_ENV=production). */
  validateResponses?: boolean;
  /**
   * Lifetime of cached responses of hot reads (alert list, search, sentiment series) in ms; dropped
   * earlier on case/mention bus messages. Default 1000; 0 disables the cache.
   */
  responseCacheMs?: number;
  /** SSE heartbeat interval (default 15 s). */
  sseHeartbeatMs?: number;
  /** A request body must arrive within this time (default 10 s; 408 otherwise). */
  bodyTimeoutMs?: number;
  /** How often a live stream re-reads its key from the store, to end streams revoked elsewhere (default 5 s). */
  streamKeyCheckMs?: number;
}

/** What controllers receive. */
export interface ApiContext extends ApiDeps {
  search: SearchIndex;
  dto: DtoContext;
  auth: Authenticator;
  log: Logger;
}
