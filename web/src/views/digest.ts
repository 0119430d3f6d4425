import { api, errorText } from '../api.js';
import { h, replace } from '../dom.js';
import { TIER_LABEL, TIERS } from '../labels.js';
import { serverNow, shanghaiDate } from '../time.js';
import type { Tier } from '../types.js';

interface DigestEvent {
  id?: string;
  caseId?: string;
  title: string;
  institution?: string;
  institutionName?: string;
  tier?: Tier;
  mentionCount?: number;
  distinctComplainants?: number;
  distinctAuthors?: number;
  negativeCount?: number;
}

interface Digest {
  date: string;
  newCasesByTier: Partial<Record<Tier, number>>;
  breaches: number | unknown[];
  topEvents: DigestEvent[];
  netSentiment: number | null;
  netSentiment7dAvg: number | null;
}

function kpi(label: string, value: string, cls = ''): HTMLElement {
  return h('div', { class: `kpi ${cls}` }, h('div', { class: 'kpi-value' }, value), h('div', { class: 'kpi-label' }, label));
}

function signed(n: number | null | undefined): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  return `${n > 0 ? '+' : ''}${n.toFixed(2)}`;
}

export function renderDigest(root: HTMLElement, params: URLSearchParams): () => void {
  const date = params.get('date') ?? shanghaiDate(serverNow(), 1);
  const body = h('div', null, h('p', { class: 'muted' }, '加载中…'));
  const picker = h('input', {
    type: 'date',
    name: 'date',
    value: date,
    on: { change: (e) => (location.hash = `#/digest?date=${(e.target as HTMLInputElement).value}`) },
  });
  replace(root, h('div', { class: 'page-head' }, h('h1', null, '高管日报'), h('label', null, '日期 ', picker)), body);

  void (async () => {
    try {
      const d = await api.get<Digest>('/reports/digest', { date });
      const breaches = Array.isArray(d.breaches) ? d.breaches.length : d.breaches;
      const delta = d.netSentiment !== null && d.netSentiment7dAvg !== null ? d.netSentiment - d.netSentiment7dAvg : null;
      replace(
        body,
        h(
          'div',
          { class: 'kpis' },
          ...TIERS.map((t) => kpi(`新增 ${t} ${TIER_LABEL[t]}`, String(d.newCasesByTier[t] ?? 0), `tier-${t}`)),
          kpi('超时案件', String(breaches ?? 0), breaches ? 'bad' : ''),
          kpi('净情感（当日）', signed(d.netSentiment), d.netSentiment !== null && d.netSentiment < 0 ? 'bad' : ''),
          kpi('净情感（7日均值）', signed(d.netSentiment7dAvg)),
          kpi('较 7 日均值', signed(delta), delta !== null && delta < 0 ? 'bad' : 'good'),
        ),
        h(
          'section',
          { class: 'panel' },
          h('h2', null, `${d.date} 重点事件`),
          d.topEvents.length === 0
            ? h('p', { class: 'empty' }, '当日无重点事件')
            : h(
                'ol',
                { class: 'top-events' },
                ...d.topEvents.map((e) =>
                  h(
                    'li',
                    null,
                    e.tier ? h('span', { class: `tier-badge small tier-${e.tier}` }, e.tier) : null,
                    e.caseId ? h('a', { href: `#/cases/${encodeURIComponent(e.caseId)}` }, e.title) : h('b', null, e.title),
                    h(
                      'span',
                      { class: 'muted' },
                      ` ${e.institutionName ?? e.institution ?? ''} · 提及 ${e.mentionCount ?? 0} · 投诉人 ${e.distinctComplainants ?? e.distinctAuthors ?? 0}`,
                    ),
                  ),
                ),
              ),
        ),
      );
    } catch (err) {
      replace(body, h('p', { class: 'error' }, `加载失败：${errorText(err)}`));
    }
  })();
  return () => {};
}
