import { z } from 'zod';

export const institutionSchema = z
  .object({
    /** Stable English id, e.g. `icbc`. */
    id: z.string().regex(/^[a-z][a-z0-9_]*$/, 'lowercase id'),
    /** Chinese name, e.g. 工商银行. */
    name: z.string().min(1),
    /** Aliases matched in text (full names, short names, English). */
    aliases: z.array(z.string().min(1)).min(1),
    /**
     * Ambiguous short forms (中信, 民生) matched only in a bank-customer context: the post speaks of a
     * bank service (客服, 催收, 返现, 信用卡, 额度 …) and the short form is not part of another word.
     */
    contextAliases: z.array(z.string().min(1)).optional(),
    /** Words that, when they contain or surround a match, mean it is not this institution (招商局 ≠ 招商银行). */
    exclude: z.array(z.string()).default([]),
    /** The bank running this service. Exactly one institution should be marked. */
    ourBank: z.boolean().default(false),
    category: z.enum(['state', 'joint_stock', 'city', 'rural', 'foreign', 'other']).default('other'),
    /** Official Weibo account uids whose posts' comments are watched (source kind weibo-comments). Fill in verified uids only. */
    weiboUids: z.array(z.string().regex(/^\d{5,12}$/, 'numeric Weibo uid')).optional(),
    /** App Store app ids of the institution's apps (source kind appstore); check with itunes.apple.com/lookup?id=…&country=cn. */
    appStoreIds: z.array(z.string().regex(/^\d{6,12}$/, 'numeric App Store id')).optional(),
  })
  .strict();

export const watchlistSchema = z
  .array(institutionSchema)
  .min(1)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    for (const [i, inst] of list.entries()) {
      if (seen.has(inst.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate institution id ${inst.id}` });
      seen.add(inst.id);
    }
    if (list.filter((i) => i.ourBank).length > 1) ctx.addIssue({ code: 'custom', path: [], message: 'at most one institution may be ourBank' });
  });

export type Institution = z.infer<typeof institutionSchema>;
