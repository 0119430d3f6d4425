import * as cheerio from 'cheerio';
import type { Clock } from '../../lib/clock.js';
import type { RawPost } from '../../lib/domain.js';
import { parseChineseDate } from '../core/dates.js';
import { parseCount, stripHtml } from '../core/text.js';

/** HTML parsers for 黑猫投诉: the rendered search page (browser fallback) and the complaint detail page. */

type Complaint = NonNullable<RawPost['complaint']>;

const FIELD_LABELS: Record<string, keyof Complaint> = {
  投诉对象: 'target',
  投诉问题: 'issue',
  投诉要求: 'appeal',
  涉诉金额: 'amount',
  投诉进度: 'status',
};

function setField(complaint: Complaint, label: string, value: string): void {
  const key = FIELD_LABELS[label.replace(/[：:\s]/g, '')];
  const v = value.replace(/\s+/g, ' ').trim();
  if (!key || !v) return;
  if (key === 'amount') {
    const amount = parseCount(v);
    if (amount > 0) complaint.amount = amount;
  } else complaint[key] = v;
}

/** Protocol-relative links (`//tousu.sina.com.cn/…`) get https, or the base URL's scheme on the base host itself. */
export function absoluteUrl(raw: string, baseUrl: string): string {
  const base = new URL(baseUrl);
  if (!raw.startsWith('//')) return new URL(raw, base).toString();
  const url = new URL(`https:${raw}`);
  if (url.host === base.host) url.protocol = base.protocol;
  return url.toString();
}

/** The sn in `/complaint/view/{sn}/`. */
export function complaintSn(href: string): string | undefined {
  return /\/complaint\/view\/(\w+)/.exec(href)?.[1];
}

/**
 * Cards of the rendered search page: each `a[href*="/complaint/view/"]` and the card around it, whose
 * text reads `2025-11-23 于黑猫投诉平台发起 · 作者 · 标题 · 正文 · [投诉对象]… · [投诉要求]…`. Dates carry the
 * day only; the time is midnight China time (or the time when the card shows one).
 */
export function parseHeimaoSearchCards(
  html: string,
  opts: { source: string; query: string; baseUrl: string; clock: Clock },
): { posts: RawPost[]; malformed: number } {
  const $ = cheerio.load(html);
  const seen = new Set<string>();
  const posts: RawPost[] = [];
  let malformed = 0;
  $('a[href*="/complaint/view/"]').each((_, el) => {
    const link = $(el);
    const href = link.attr('href') ?? '';
    const sn = complaintSn(href);
    if (!sn || seen.has(sn)) return;
    seen.add(sn);
    const card = link.closest('.blackcat-con').length > 0 ? link.closest('.blackcat-con') : link;
    const whole = card.text().replace(/\s+/g, ' ');
    const dated = /(\d{4}-\d{2}-\d{2})(?:\s+(\d{1,2}:\d{2}))?\s*于黑猫投诉平台发起/.exec(whole);
    const publishedAt = dated ? parseChineseDate(`${dated[1]} ${dated[2] ?? '00:00'}`, opts.clock) : undefined;
    const title = card.find('h1, h2, h3, h4, .title').first().text().replace(/\s+/g, ' ').trim();
    const body = card.find('p').first().text().replace(/\s+/g, ' ').trim();
    const name = card.find('.name, .u-name').first().text().trim();
    if (!publishedAt || (!title && !body)) {
      malformed += 1;
      return;
    }
    const complaint: Complaint = {};
    card.find('li').each((_, li) => {
      const m = /^\[(.+?)\]\s*(.*)$/.exec($(li).text().replace(/\s+/g, ' ').trim());
      if (m) setField(complaint, m[1] as string, m[2] as string);
    });
    posts.push({
      source: opts.source,
      sourceType: 'complaint',
      nativeId: sn,
      url: absoluteUrl(href, opts.baseUrl),
      ...(title ? { title } : {}),
      text: body || title,
      author: { key: name || `anonymous:${sn}`, name: name || '黑猫用户', isMedia: false },
      publishedAt: publishedAt.toISOString(),
      query: opts.query,
      ...(Object.keys(complaint).length > 0 ? { complaint } : {}),
    });
  });
  return { posts, malformed };
}

export interface HeimaoDetail {
  sn?: string;
  title: string;
  /** The complaint body (first step of the timeline). */
  text: string;
  authorName?: string;
  publishedAt?: string;
  complaint: Complaint;
  /** Timeline: who did what when (投诉 / 回复 / 评价). */
  steps: Array<{ name: string; status: string; at?: string; text: string }>;
}

/** `/complaint/view/{sn}/`: h1.article, ul.ts-q-list label/value rows, the ts-d-steplist timeline. */
export function parseHeimaoDetail(html: string, clock: Clock): HeimaoDetail | undefined {
  const $ = cheerio.load(html);
  const title = $('h1.article').first().text().trim();
  if (!title) return undefined;
  const complaint: Complaint = {};
  let sn: string | undefined;
  $('ul.ts-q-list > li').each((_, el) => {
    const li = $(el);
    const label = li.find('label').first().text();
    const value = (li.find('a, b').first().text() || li.clone().children('label').remove().end().text()).trim();
    if (label.includes('投诉编号')) sn = value;
    else setField(complaint, label, value);
  });
  const steps = $('div.ts-d-steplist > div.ts-d-item')
    .map((_, el) => {
      const item = $(el);
      const at = parseChineseDate(item.find('span.u-date').first().text().trim(), clock);
      return {
        name: item.find('span.u-name').first().text().trim(),
        status: item.find('span.u-status').first().text().trim(),
        ...(at ? { at: at.toISOString() } : {}),
        text: stripHtml(item.find('div.ts-d-cont').html() ?? ''),
      };
    })
    .get();
  const userDate = parseChineseDate($('div.ts-q-user span.u-date').first().text().trim(), clock);
  const authorName = $('div.ts-q-user span.u-name').first().text().trim() || undefined;
  const publishedAt = steps[0]?.at ?? userDate?.toISOString();
  return {
    ...(sn ? { sn } : {}),
    title,
    text: steps[0]?.text || $('div.ts-reply p').eq(1).text().trim(),
    ...(authorName ? { authorName } : {}),
    ...(publishedAt ? { publishedAt } : {}),
    complaint,
    steps,
  };
}
