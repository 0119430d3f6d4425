import { createHmac } from 'node:crypto';
import type { Clock } from '../../lib/clock.js';
import type { Notification } from '../../lib/domain.js';
import { NonRetryableError, RetryLaterError } from '../../lib/errors.js';
import type { Notifier } from '../types.js';
import { postJson } from './http.js';

/** DingTalk custom robot signature: base64(HMAC-SHA256(secret, `${timestamp}\n${secret}`)), URL-encoded. */
export function signDingTalk(secret: string, timestampMs: number): string {
  return encodeURIComponent(createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64'));
}

/** DingTalk 自定义机器人: markdown message; with a secret the URL carries `timestamp` and `sign`. */
export function createDingTalkNotifier(config: { url: string; secret?: string }, clock: Clock): Notifier {
  return {
    channel: 'dingtalk',
    async send(n: Notification) {
      let url = config.url;
      if (config.secret) {
        const ts = clock.now().getTime();
        url += `${url.includes('?') ? '&' : '?'}timestamp=${ts}&sign=${signDingTalk(config.secret, ts)}`;
      }
      const reply = (await postJson(url, { msgtype: 'markdown', markdown: { title: n.subject, text: `### ${n.subject}\n\n${n.body}` } })) as
        | { errcode?: number; errmsg?: string }
        | undefined;
      checkRobotReply('dingtalk', reply?.errcode, reply?.errmsg);
    },
  };
}

/** DingTalk and WeCom answer HTTP 200 with an errcode; 0 is success, rate limits are retryable. */
export function checkRobotReply(channel: string, code: number | undefined, message: string | undefined): void {
  if (code === undefined || code === 0) return;
  // 130101 (DingTalk) and 45009 (WeCom): sending too fast.
  if (code === 130101 || code === 45009) throw new RetryLaterError(`${channel} rate limited: ${code} ${message ?? ''}`);
  throw new NonRetryableError(`${channel} rejected the message: ${code} ${message ?? ''}`);
}
