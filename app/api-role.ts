import { maskPii, TOPICS } from '../analysis/index.js';
import type { Tokenizer } from '../analysis/tokenizer.js';
import { createApiApp } from '../api/app.js';
import type { RulesService } from '../api/context.js';
import { startApiServer } from '../api/server.js';
import { projectPath } from '../config/load.js';
import type { Config } from '../config/schema.js';
import type { CaseWorkflow } from '../escalation/case/index.js';
import type { MessageBus } from '../lib/bus.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import type { SearchIndex } from '../store/search/search-index.js';
import type { Store } from '../store/store.js';

export interface ApiRoleDeps {
  config: Config;
  store: Store;
  /** Mention search and reports (default: the store's own index). */
  search?: SearchIndex;
  workflow: CaseWorkflow;
  rules: RulesService;
  /** Embedded: crawls in this process; cluster: enqueues a crawl job for a worker. */
  runNow: (sourceId: string) => Promise<unknown>;
  sourceIds: () => string[];
  tokenizer: Tokenizer;
  bus: MessageBus;
  metrics: Metrics;
  clock: Clock;
  log: Logger;
}

/** The HTTP API and dashboard of `radar start` and `radar api`. */
export async function startApi(deps: ApiRoleDeps): Promise<{ url: string; close(): Promise<void> }> {
  const app = createApiApp({
    config: deps.config,
    store: deps.store,
    search: deps.search,
    workflow: deps.workflow,
    rules: deps.rules,
    crawl: { runNow: deps.runNow, sourceIds: deps.sourceIds },
    tokenize: (t: string) => deps.tokenizer.tokens(t),
    maskText: (t: string) => maskPii(t).text,
    topicInfo: (id: string) => {
      const topic = TOPICS.find((x) => x.id === id);
      if (!topic) return undefined;
      const businessLine = topic.businessLine === 'infer' ? (topic.fallback ?? 'other') : topic.businessLine;
      return { businessLine, cause: topic.cause, label: topic.label };
    },
    bus: deps.bus,
    metrics: deps.metrics,
    clock: deps.clock,
    log: deps.log,
    webDir: projectPath('web/dist'),
    // Response schemas are checked by the API tests; a running service does not pay for it per request.
    validateResponses: process.env.RADAR_VALIDATE_RESPONSES === '1',
  });
  const server = await startApiServer(app, deps.config.server.port, deps.config.server.host);
  deps.log.info('API listening', { url: server.url });
  return server;
}
