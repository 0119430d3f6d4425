import { createHmac } from 'node:crypto';
import type { Clock } from '../../lib/clock.js';
import type { Notification } from '../../lib/domain.js';
import { NonRetryableError } from '../../lib/errors.js';
import type { Notifier } from '../types.js';
import { postJson } from './http.js';

/** Feishu custom bot signature: base64(HMAC-SHA256 keyed with `${timestamp}\n${secret}` over an empty message). */
export function signFeishu(secret: string, timestampSec: number): string {
  return createHmac('sha256', `${timestampSec}\n${secret}`).update('').digest('base64');
}

/** Feishu 飞书自定义机器人: a text message; with a secret the body carries `timestamp` and `sign`. */
export function createFeishuNotifier(config: { url: string; secret?: string }, clock: Clock): Notifier {
  return {
    channel: 'feishu',
    async send(n: Notification) {
      const body: Record<string, unknown> = { msg_type: 'text', content: { text: `${n.subject}\n${n.body}` } };
      if (config.secret) {
        const ts = Math.floor(clock.now().getTime() / 1000);
        body.timestamp = String(ts);
        body.sign = signFeishu(config.secret, ts);
      }
      const reply = (await postJson(config.url, body)) as { code?: number; StatusCode?: number; msg?: string } | undefined;
      const code = reply?.code ?? reply?.StatusCode ?? 0;
      if (code !== 0) throw new NonRetryableError(`feishu rejected the message: ${code} ${reply?.msg ?? ''}`);
    },
  };
}
