import type { Notification } from '../../lib/domain.js';
import type { Notifier } from '../types.js';
import { checkRobotReply } from './dingtalk.js';
import { postJson } from './http.js';

/** WeCom 企业微信群机器人: markdown message to the robot's webhook URL (the key is in the URL). */
export function createWeComNotifier(config: { url: string }): Notifier {
  return {
    channel: 'wecom',
    async send(n: Notification) {
      // WeCom markdown allows 4096 bytes of content.
      const content = truncateUtf8(`### ${n.subject}\n${n.body}`, 4000);
      const reply = (await postJson(config.url, { msgtype: 'markdown', markdown: { content } })) as { errcode?: number; errmsg?: string } | undefined;
      checkRobotReply('wecom', reply?.errcode, reply?.errmsg);
    },
  };
}

export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let out = '';
  for (const ch of text) {
    if (Buffer.byteLength(`${out}${ch}…`) > maxBytes) break;
    out += ch;
  }
  return `${out}…`;
}
