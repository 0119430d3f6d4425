import type { Notification } from '../../lib/domain.js';
import { NonRetryableError } from '../../lib/errors.js';
import type { Notifier } from '../types.js';
import { postJson } from './http.js';

const MOBILE = /^(\+?86)?1[3-9]\d{9}$/;

/**
 * SMS through an HTTP provider webhook (the bank's SMS gateway): POST {to, text} with a bearer token.
 * The recipient must be a mainland mobile number; the text is the subject only (SMS is for paging).
 */
export function createSmsNotifier(config: { url: string; token?: string }): Notifier {
  return {
    channel: 'sms',
    async send(n: Notification) {
      const to = n.recipient.replace(/[\s-]/g, '');
      if (!MOBILE.test(to)) throw new NonRetryableError(`sms recipient is not a mobile number: ${n.recipient}`);
      await postJson(config.url, { to, text: `【舆情雷达】${n.subject}` }, { headers: config.token ? { authorization: `Bearer ${config.token}` } : {} });
    },
  };
}
