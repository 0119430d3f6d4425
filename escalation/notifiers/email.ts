import nodemailer from 'nodemailer';
import type { Notification } from '../../lib/domain.js';
import { NonRetryableError, RetryLaterError } from '../../lib/errors.js';
import { escapeHtml } from '../../lib/html.js';
import type { Notifier } from '../types.js';

export interface EmailConfig {
  host: string;
  port: number;
  secure: boolean;
  user?: string;
  pass?: string;
  from: string;
}

const ADDRESS = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** E-mail through SMTP (nodemailer): an HTML part rendered from the markdown body and the plain text. */
export function createEmailNotifier(config: EmailConfig): Notifier & { close(): void } {
  const transport = nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.secure,
    auth: config.user ? { user: config.user, pass: config.pass ?? '' } : undefined,
    // Loopback receivers and internal relays often run without TLS.
    ignoreTLS: !config.secure && (config.host === '127.0.0.1' || config.host === 'localhost'),
    connectionTimeout: 10_000,
  });
  return {
    channel: 'email',
    async send(n: Notification) {
      if (!ADDRESS.test(n.recipient)) throw new NonRetryableError(`email recipient is not an address: ${n.recipient}`);
      try {
        await transport.sendMail({
          from: config.from,
          to: n.recipient,
          subject: n.subject,
          text: n.body,
          html: markdownToHtml(n.subject, n.body),
          headers: { 'X-Radar-Idempotency-Key': encodeURIComponent(n.idempotencyKey), 'X-Radar-Case': n.caseId },
        });
      } catch (err) {
        const code = (err as { responseCode?: number }).responseCode;
        if (code !== undefined && code >= 500 && code < 600) throw new NonRetryableError(`SMTP rejected the message: ${String(err)}`, { cause: err });
        throw new RetryLaterError(`SMTP delivery failed: ${err instanceof Error ? err.message : String(err)}`, undefined, { cause: err });
      }
    },
    close: () => transport.close(),
  };
}

/** The small markdown subset the messages use: headings, bold, links, list items, tables, paragraphs. */
export function markdownToHtml(title: string, markdown: string): string {
  const inline = (s: string) =>
    escapeHtml(s)
      .replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>')
      .replace(/\[([^\]]+)\]\((https?:\/\/[^)\s]+)\)/g, (_m, text: string, href: string) => `<a href="${href}">${text}</a>`);
  const out: string[] = [];
  let list = false;
  let table = false;
  for (const raw of markdown.split('\n')) {
    const line = raw.trimEnd();
    const isItem = /^\s*[-*] /.test(line);
    const isRow = /^\|.*\|$/.test(line);
    if (list && !isItem) {
      out.push('</ul>');
      list = false;
    }
    if (table && !isRow) {
      out.push('</table>');
      table = false;
    }
    if (isRow) {
      if (/^\|[\s:|-]+\|$/.test(line)) continue;
      if (!table) out.push('<table border="1" cellpadding="4" style="border-collapse:collapse">');
      table = true;
      const cells = line
        .slice(1, -1)
        .split('|')
        .map((c) => `<td>${inline(c.trim())}</td>`);
      out.push(`<tr>${cells.join('')}</tr>`);
    } else if (isItem) {
      if (!list) out.push('<ul>');
      list = true;
      out.push(`<li>${inline(line.replace(/^\s*[-*] /, ''))}</li>`);
    } else if (/^#{1,6} /.test(line)) {
      const level = Math.min(line.indexOf(' '), 6);
      out.push(`<h${level}>${inline(line.slice(level + 1))}</h${level}>`);
    } else if (line.length > 0) {
      out.push(`<p>${inline(line)}</p>`);
    }
  }
  if (list) out.push('</ul>');
  if (table) out.push('</table>');
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body style="font-family:'PingFang SC','Microsoft YaHei',sans-serif">${out.join('\n')}</body></html>`;
}
