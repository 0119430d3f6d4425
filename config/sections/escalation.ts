import { z } from 'zod';

const recipient = z.object({ name: z.string(), email: z.string().email().optional(), phone: z.string().optional(), manager: z.string().optional() }).strict();

export const escalationSchema = z
  .object({
    /** Rule file (zod-validated); see config/escalation.yaml. */
    rulesFile: z.string().default('config/escalation.yaml'),
    /** How often the SLA sweeper looks for due clocks. */
    sweepIntervalSeconds: z.number().positive().default(30),
    /** On-call roster: role → people. */
    roster: z.partialRecord(z.enum(['customer_service', 'pr', 'executive', 'compliance']), z.array(recipient)).default({}),
    channels: z
      .object({
        webhook: z
          .object({ url: z.string().url(), secret: z.string().min(8) })
          .strict()
          .optional(),
        dingtalk: z.object({ url: z.string().url(), secret: z.string().optional() }).strict().optional(),
        wecom: z.object({ url: z.string().url() }).strict().optional(),
        feishu: z.object({ url: z.string().url(), secret: z.string().optional() }).strict().optional(),
        email: z
          .object({
            host: z.string(),
            port: z.number().int(),
            secure: z.boolean().default(false),
            user: z.string().optional(),
            pass: z.string().optional(),
            from: z.string(),
          })
          .strict()
          .optional(),
        sms: z.object({ url: z.string().url(), token: z.string().optional() }).strict().optional(),
      })
      .strict()
      .default({}),
    /** Which channels page which role. */
    routes: z
      .partialRecord(z.enum(['customer_service', 'pr', 'executive', 'compliance']), z.array(z.enum(['webhook', 'dingtalk', 'wecom', 'feishu', 'email', 'sms'])))
      .default({}),
    maxDeliveryAttempts: z.number().int().min(1).default(5),
    digest: z
      .object({ schedule: z.string().default('0 8 * * *'), timezone: z.string().default('Asia/Shanghai'), enabled: z.boolean().default(true) })
      .strict()
      .default({ schedule: '0 8 * * *', timezone: 'Asia/Shanghai', enabled: true }),
  })
  .strict();
