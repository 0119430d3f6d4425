import { createHmac } from 'node:crypto';
import type { Clock } from '../../lib/clock.js';
import type { Notification } from '../../lib/domain.js';
import type { Notifier } from '../types.js';
import { postJson } from './http.js';

/** `sha256=<hex>` of HMAC-SHA256(secret, `${timestamp}.${body}`): receivers recompute it to verify. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Generic webhook: POSTs the notification as JSON with an HMAC-SHA256 signature over the timestamp and
 * the exact body bytes (`X-Radar-Signature`, `X-Radar-Timestamp`), and the idempotency key so receivers
 * can drop a redelivery after a crash between send and record.
 */
export function createWebhookNotifier(config: { url: string; secret: string }, clock: Clock): Notifier {
  return {
    channel: 'webhook',
    async send(n: Notification) {
      const body = JSON.stringify({
        id: n.id,
        caseId: n.caseId,
        tier: n.tier,
        kind: n.kind,
        recipient: n.recipient,
        subject: n.subject,
        body: n.body,
        createdAt: n.createdAt,
      });
      const timestamp = String(Math.floor(clock.now().getTime() / 1000));
      await postJson(config.url, body, {
        headers: {
          'x-radar-timestamp': timestamp,
          'x-radar-signature': signWebhook(config.secret, timestamp, body),
          'x-radar-idempotency-key': encodeURIComponent(n.idempotencyKey),
          'x-radar-recipient': encodeURIComponent(n.recipient),
        },
      });
    },
  };
}
