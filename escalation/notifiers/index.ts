import type { Config } from '../../config/schema.js';
import { type Clock, systemClock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import type { Notifier } from '../types.js';
import { createDingTalkNotifier } from './dingtalk.js';
import { createEmailNotifier } from './email.js';
import { createFeishuNotifier } from './feishu.js';
import { createSmsNotifier } from './sms.js';
import { createWebhookNotifier } from './webhook.js';
import { createWeComNotifier } from './wecom.js';

/** The configured channels, keyed by channel id. A route to an unconfigured channel fails its notifications visibly. */
export function createNotifiers(config: Config, deps: { log: Logger; clock?: Clock }): Map<string, Notifier> {
  const clock = deps.clock ?? systemClock;
  const c = config.escalation.channels;
  const list: Notifier[] = [];
  if (c.webhook) list.push(createWebhookNotifier(c.webhook, clock));
  if (c.dingtalk) list.push(createDingTalkNotifier(c.dingtalk, clock));
  if (c.wecom) list.push(createWeComNotifier(c.wecom));
  if (c.feishu) list.push(createFeishuNotifier(c.feishu, clock));
  if (c.email) list.push(createEmailNotifier(c.email));
  if (c.sms) list.push(createSmsNotifier(c.sms));
  const routed = new Set(Object.values(config.escalation.routes).flat());
  for (const channel of routed) {
    if (!list.some((n) => n.channel === channel)) deps.log.warn('notification route uses a channel that is not configured', { channel });
  }
  return new Map(list.map((n) => [n.channel, n]));
}
