import { z } from 'zod';

export const serverSchema = z
  .object({
    /** HTTP port (env PORT). */
    port: z.number().int().min(0).max(65535).default(3000),
    host: z.string().default('0.0.0.0'),
    /** Public base URL used in notification links. */
    publicUrl: z.string().url().default('http://localhost:3000'),
    /** Allowed CORS origins; empty = same-origin only. */
    corsOrigins: z.array(z.string()).default([]),
    /** Requests per minute per API key. */
    rateLimitPerMinute: z.number().int().positive().default(600),
    /** Wrong API keys tolerated per client address per minute; beyond it that address gets 429 (brute force). */
    authFailuresPerMinute: z.number().int().positive().default(60),
    /** Serve /metrics without an API key (for a Prometheus scraper on a private network); otherwise admin only. */
    metricsPublic: z.boolean().default(false),
  })
  .strict();

export const logSchema = z
  .object({
    /** env LOG_LEVEL */
    level: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
    /** `json` lines in production, `pretty` in development. */
    format: z.enum(['json', 'pretty']).default('json'),
  })
  .strict();

export const storeSchema = z
  .object({
    backend: z.enum(['sqlite', 'elasticsearch']).default('sqlite'),
    /** Folder of the embedded SQLite file (env RADAR_DATA_DIR). */
    dataDir: z.string().default('./data'),
    /** env ELASTICSEARCH_URL */
    elasticsearchUrl: z.string().url().optional(),
    /** Keep the unmasked post text. Off by default: only PII-masked text is shown anywhere. */
    keepRawText: z.boolean().default(false),
  })
  .strict();

export const queueSchema = z
  .object({
    backend: z.enum(['memory', 'bullmq']).default('memory'),
    concurrency: z.number().int().min(1).max(64).default(4),
    /** env REDIS_URL */
    redisUrl: z.string().optional(),
    /** How long a worker holds the jobs, mentions and notifications it works on; a crashed worker's are taken over after this. */
    leaseSeconds: z.number().int().min(1).max(3600).default(60),
    /** Prefix of every Redis key and channel (BullMQ queues, bus, pacing): deployments sharing one Redis use different ones. */
    prefix: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/)
      .default('radar'),
  })
  .strict();
