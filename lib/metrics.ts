import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** All Prometheus metrics of one process, on their own registry (served at /metrics). */
export function createMetrics(options: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'radar_' });
  return {
    registry,
    crawlRequests: new Counter({
      name: 'radar_crawl_requests_total',
      help: 'HTTP requests made by crawlers',
      labelNames: ['source', 'outcome'],
      registers: [registry],
    }),
    crawlItems: new Counter({ name: 'radar_crawl_items_total', help: 'Posts fetched by crawlers', labelNames: ['source', 'result'], registers: [registry] }),
    blockEvents: new Counter({
      name: 'radar_crawl_blocked_total',
      help: 'Times a source was blocked and cooled down',
      labelNames: ['source'],
      registers: [registry],
    }),
    queueDepth: new Gauge({ name: 'radar_queue_depth', help: 'Jobs waiting or running', labelNames: ['state'], registers: [registry] }),
    analysed: new Counter({ name: 'radar_analysed_mentions_total', help: 'Mentions analysed', labelNames: ['sentiment'], registers: [registry] }),
    analysisSeconds: new Histogram({
      name: 'radar_analysis_seconds',
      help: 'Time to analyse one batch of mentions',
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1],
      registers: [registry],
    }),
    openCases: new Gauge({ name: 'radar_open_cases', help: 'Open cases by tier', labelNames: ['tier'], registers: [registry] }),
    slaBreaches: new Counter({ name: 'radar_sla_breaches_total', help: 'Deadline breaches escalated', labelNames: ['tier'], registers: [registry] }),
    notifications: new Counter({
      name: 'radar_notifications_total',
      help: 'Notification deliveries',
      labelNames: ['channel', 'outcome'],
      registers: [registry],
    }),
    httpRequests: new Histogram({
      name: 'radar_http_request_seconds',
      help: 'API request latency',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
