import { z } from 'zod';

export const analysisSchema = z
  .object({
    /** Sentiment model artifact (JSON) shipped in the repo. */
    modelPath: z.string().default('analysis/sentiment/model.json'),
    /**
     * P(negative) at or above which a post is labelled negative. Unset (the default): the threshold the
     * model artifact was calibrated with at training. Set it only to override that on purpose.
     */
    negativeThreshold: z.number().min(0).max(1).optional(),
    /** P(negative) below which (and with positive evidence) a post is labelled positive. */
    positiveThreshold: z.number().min(0).max(1).default(0.2),
    /** A mention joins an event only if the event was seen within this many hours. */
    clusterWindowHours: z.number().positive().default(72),
    /** Max Hamming distance between SimHashes for near-duplicates. */
    simhashDistance: z.number().int().min(0).max(32).default(12),
  })
  .strict();
