import { z } from 'zod';
import { API_ROLES } from './keys.js';

/** Shared request and response schemas; they validate traffic and feed /openapi.json. */

export const tierSchema = z.enum(['L1', 'L2', 'L3']);
export const ownerSchema = z.enum(['customer_service', 'pr', 'executive', 'compliance']);
export const caseStateSchema = z.enum(['open', 'acknowledged', 'responded', 'resolved', 'reviewed']);
export const sentimentLabelSchema = z.enum(['negative', 'neutral', 'positive']);
export const roleSchema = z.enum(API_ROLES);

export const errorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});

/** An instant in a query string: ISO-8601 or `YYYY-MM-DD` (midnight UTC); normalised to ISO. */
export const instantParam = z
  .string()
  .refine((s) => /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(s) && !Number.isNaN(Date.parse(s)), 'expected an ISO-8601 date or date-time')
  .transform((s) => new Date(s).toISOString());

export const limitParam = (max: number, dflt: number) => z.coerce.number().int().min(1).max(max).default(dflt);

export const idParams = z.object({ id: z.string().min(1).max(200) });

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z.string().optional(),
    total: z.number().int().optional(),
  });

export const historyEntrySchema = z.object({
  at: z.string(),
  type: z.string(),
  tier: tierSchema.optional(),
  actor: z.string().optional(),
  reason: z.string().optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});

export const caseResponseSchema = z.object({
  kind: z.enum(['reply_to_complainant', 'public_statement', 'regulator_notice']),
  text: z.string(),
  url: z.string().optional(),
  actor: z.string(),
  at: z.string(),
});

const caseCore = {
  id: z.string(),
  eventId: z.string(),
  tier: tierSchema,
  owner: ownerSchema,
  assignee: z.string().optional(),
  state: caseStateSchema,
  institution: z.string(),
  institutionName: z.string(),
  title: z.string(),
  topics: z.array(z.string()),
  openedAt: z.string(),
  updatedAt: z.string(),
  tierSince: z.string(),
  ackDueAt: z.string().optional(),
  acknowledgedAt: z.string().optional(),
  deadlineAt: z.string().optional(),
  respondedAt: z.string().optional(),
  resolvedAt: z.string().optional(),
  ruleId: z.string().optional(),
  mentionCount: z.number().int(),
  /** Distinct authors of the event's mentions (media and neutral posters included). */
  distinctAuthors: z.number().int(),
  /** Distinct complainants (lib/who-counts.ts): the 投诉人 count. */
  distinctComplainants: z.number().int(),
  mediaCount: z.number().int(),
  breachedTiers: z.array(tierSchema),
  /** Ack or completion deadline passed and not met. */
  overdue: z.boolean(),
};

/** A case in lists (no history or responses; fetch the case for those). */
export const caseSummarySchema = z.object(caseCore);
/** A case as DESIGN.md §Contracts describes it, with its full history. */
export const caseSchema = z.object({ ...caseCore, history: z.array(historyEntrySchema), responses: z.array(caseResponseSchema) });

export const notificationSchema = z.object({
  id: z.string(),
  tier: tierSchema,
  kind: z.string(),
  channel: z.string(),
  recipient: z.string(),
  subject: z.string(),
  status: z.enum(['pending', 'sent', 'failed', 'suppressed']),
  attempts: z.number().int(),
  nextAttemptAt: z.string(),
  lastError: z.string().optional(),
  sentAt: z.string().optional(),
  createdAt: z.string(),
});

export const mentionSchema = z.object({
  id: z.string(),
  source: z.string(),
  sourceType: z.enum(['social', 'complaint', 'news']),
  url: z.string().optional(),
  title: z.string().optional(),
  /** PII-masked text (raw only when store.keepRawText is on). */
  text: z.string(),
  /** Text with query matches wrapped in <mark>…</mark>; everything else HTML-escaped (search only). */
  highlight: z.string().optional(),
  author: z.object({ name: z.string(), isMedia: z.boolean(), verifiedType: z.number().optional(), followers: z.number().optional() }),
  publishedAt: z.string(),
  fetchedAt: z.string(),
  metrics: z.object({ reposts: z.number().optional(), comments: z.number().optional(), likes: z.number().optional() }).optional(),
  /** True when the platform cut the text (Weibo "…全文") and it could not be expanded yet: `text` is only the beginning. */
  truncated: z.boolean().optional(),
  /** `day` when only the publication date is known (publishedAt is that day's start, Asia/Shanghai). */
  datePrecision: z.enum(['day']).optional(),
  /** App-store star rating, 1–5. */
  rating: z.number().int().min(1).max(5).optional(),
  complaint: z
    .object({
      target: z.string().optional(),
      appeal: z.string().optional(),
      issue: z.string().optional(),
      amount: z.number().optional(),
      status: z.string().optional(),
    })
    .optional(),
  sentiment: z.object({ label: sentimentLabelSchema, score: z.number() }).optional(),
  institutions: z.array(z.object({ id: z.string(), name: z.string(), branch: z.string().optional(), sentiment: sentimentLabelSchema.optional() })),
  topics: z.array(z.object({ id: z.string(), label: z.string() })),
  /** Negative phrases the model found, for highlighting (the dashboard marks them in `text`). */
  negativePhrases: z.array(z.string()),
  duplicateOf: z.string().optional(),
});

export const eventSchema = z.object({
  id: z.string(),
  institution: z.string(),
  institutionName: z.string(),
  title: z.string(),
  topics: z.array(z.string()),
  keyTerms: z.array(z.string()),
  firstSeenAt: z.string(),
  lastSeenAt: z.string(),
  mentionCount: z.number().int(),
  distinctAuthors: z.number().int(),
  distinctComplainants: z.number().int(),
  negativeCount: z.number().int(),
  mediaCount: z.number().int(),
  sources: z.array(z.string()),
  regulatorMentioned: z.boolean(),
  runRumour: z.boolean(),
});

export const seriesPointSchema = z.object({
  bucket: z.string(),
  group: z.string().optional(),
  negative: z.number().int(),
  neutral: z.number().int(),
  positive: z.number().int(),
  total: z.number().int(),
  netSentiment: z.number(),
});

export const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  role: roleSchema,
  prefix: z.string(),
  createdAt: z.string(),
  revokedAt: z.string().optional(),
  lastUsedAt: z.string().optional(),
});

export const sourceStatusSchema = z.object({
  source: z.string(),
  kind: z.string().optional(),
  enabled: z.boolean(),
  schedule: z.string().optional(),
  status: z.enum(['ok', 'blocked', 'failing', 'idle', 'disabled']),
  lastRunAt: z.string().optional(),
  lastSuccessAt: z.string().optional(),
  lastErrorAt: z.string().optional(),
  lastError: z.string().optional(),
  consecutiveFailures: z.number().int(),
  blockedUntil: z.string().optional(),
  itemsFetched: z.number().int(),
  itemsMalformed: z.number().int(),
  running: z.boolean(),
});
