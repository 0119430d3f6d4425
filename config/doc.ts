import { z } from 'zod';
import { envOverrides } from './load.js';
import { configSchema } from './schema.js';

interface JsonSchema {
  type?: string | string[];
  default?: unknown;
  description?: string;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
}

const SECTION_NOTES: Record<string, string> = {
  watchlist: 'institutions with aliases, exclusions, official `weiboUids` and `appStoreIds` (config/watchlist.yaml)',
  'crawl.sources':
    'source id → source config (kind: weibo, weibo-comments, douyin, appstore, heimao, jutousu, rss, sina-roll, cls, eastmoney; see config/default.yaml)',
  'escalation.roster': 'role → people {name, email, phone, manager}',
  'escalation.routes': 'role → channels (webhook, dingtalk, wecom, feishu, email, sms)',
  'escalation.channels':
    'channel settings: webhook {url, secret}, dingtalk {url, secret}, wecom {url}, feishu {url, secret}, email {host, port, secure, user, pass, from}, sms {url, token}',
};

function typeOf(s: JsonSchema): string {
  if (s.enum) return s.enum.map((v) => String(v)).join(' \\| ');
  if (s.anyOf ?? s.oneOf) return 'one of several shapes';
  const t = Array.isArray(s.type) ? s.type.join('/') : (s.type ?? 'any');
  if (t === 'array' && s.items) return `list of ${typeOf(s.items)}`;
  return t;
}

function fmt(v: unknown): string {
  if (v === undefined) return '';
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  return `\`${text.replace(/\|/g, '\\|')}\``;
}

/** The README's configuration table, generated from the zod schema so the two cannot drift. */
export function configTable(): string {
  const root = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const env = new Map(envOverrides.map((o) => [o.path.join('.'), o.env]));
  const rows: string[] = ['| key | type | default | env |', '|---|---|---|---|'];
  const walk = (s: JsonSchema, path: string[]) => {
    const key = path.join('.');
    const note = SECTION_NOTES[key];
    if (note || !s.properties) {
      rows.push(`| \`${key}\` | ${note ?? typeOf(s)} | ${note ? '' : fmt(s.default)} | ${env.get(key) ?? ''} |`);
      return;
    }
    for (const [name, child] of Object.entries(s.properties)) walk(child, [...path, name]);
  };
  for (const [name, child] of Object.entries(root.properties ?? {})) walk(child, [name]);
  return rows.join('\n');
}
