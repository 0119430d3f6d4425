import { api, errorText } from '../api.js';
import { h, replace } from '../dom.js';
import { TIER_LABEL, TIERS } from '../labels.js';
import { formatShanghai, serverNow, shanghaiDate } from '../time.js';
import type { Tier } from '../types.js';

interface Digest {
  date: string;
  newCases: Record<Tier, number> & { total: number };
  promotions: number;
  breaches: Array<{ caseId: string; tier: Tier; title: string; institution: string; at: string }>;
  topNegativeEvents: Array<{ id: string; title: string; institution: string; institutionName: string; negativeCount: number; mentionCount: number }>;
  sentiment: {
    negative: number;
    neutral: number;
    positive: number;
    total: number;
    netSentiment: number | null;
    sevenDayAverage: number | null;
    delta: number | null;
  };
  lines: string[];
}

interface SlaRow {
  tier?: Tier;
  label?: string;
  cases: number;
  acknowledged: number;
  meanTimeToAcknowledgeMinutes: number | null;
  responded: number;
  meanTimeToRespondMinutes: number | null;
  withinDeadlinePct: number | null;
  breaches: number;
}

function kpi(label: string, value: string, cls = ''): HTMLElement {
  return h('div', { class: `kpi ${cls}` }, h('div', { class: 'kpi-value' }, value), h('div', { class: 'kpi-label' }, label));
}

function signed(n: number | null | undefined): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  return `${n > 0 ? '+' : ''}${n.toFixed(2)}`;
}

const minutes = (n: number | null) => (n === null ? '—' : `${n.toFixed(0)} 分钟`);
const percent = (n: number | null) => (n === null ? '—' : `${n.toFixed(0)}%`);

/**
 * The day the digest opens on: the latest Asia/Shanghai day with mentions among `points` (daily buckets),
 * which may be today so far; today when there are none. `note` says which it is.
 */
export function openingDay(points: Array<{ bucket: string; total: number }>, today: string): { date: string; note: string } {
  let latest: string | undefined;
  for (const p of points) {
    if (p.total <= 0) continue;
    const day = formatShanghai(p.bucket).slice(0, 10);
    if (day <= today && (!latest || day > latest)) latest = day;
  }
  if (!latest || latest === today) return { date: today, note: '今日（截至目前）' };
  return { date: latest, note: `最近有数据的一天（${latest}）；今日暂无数据` };
}

const SLA_HEADERS = ['级别', '案件', '已受理', '平均受理用时', '已回应', '平均回应用时', '按时完成率', '超时'];

function slaTable(rows: SlaRow[], total: SlaRow): HTMLElement {
  const tr = (name: string, r: SlaRow) =>
    h(
      'tr',
      null,
      h('td', null, name),
      h('td', { class: 'num' }, r.cases),
      h('td', { class: 'num' }, r.acknowledged),
      h('td', { class: 'num' }, minutes(r.meanTimeToAcknowledgeMinutes)),
      h('td', { class: 'num' }, r.responded),
      h('td', { class: 'num' }, minutes(r.meanTimeToRespondMinutes)),
      h('td', { class: 'num' }, percent(r.withinDeadlinePct)),
      h('td', { class: r.breaches > 0 ? 'num bad' : 'num' }, r.breaches),
    );
  return h(
    'table',
    { class: 'table' },
    // Numeric columns are right-aligned: their headings too, so each number sits under its heading.
    h('thead', null, h('tr', null, ...SLA_HEADERS.map((t, i) => h('th', i === 0 ? null : { class: 'num' }, t)))),
    h('tbody', null, ...rows.map((r) => tr(r.tier ? `${r.tier} ${TIER_LABEL[r.tier]}` : (r.label ?? ''), r)), tr('合计', total)),
  );
}

/** The day's headline figures: new cases per tier, promotions, breaches and net sentiment. */
function digestKpis(d: Digest): HTMLElement {
  const s = d.sentiment;
  return h(
    'div',
    { class: 'kpis' },
    ...TIERS.map((t) => kpi(`新增 ${t} ${TIER_LABEL[t]}`, String(d.newCases[t] ?? 0), `tier-${t}`)),
    kpi('升级次数', String(d.promotions)),
    kpi('超时案件', String(d.breaches.length), d.breaches.length > 0 ? 'bad' : ''),
    kpi(`净情感（${s.total} 条提及）`, signed(s.netSentiment), s.netSentiment !== null && s.netSentiment < 0 ? 'bad' : ''),
    kpi('前 7 日均值', signed(s.sevenDayAverage)),
    kpi('较 7 日均值', signed(s.delta), s.delta === null ? '' : s.delta < 0 ? 'bad' : 'good'),
  );
}

function topNegativeEventsPanel(d: Digest): HTMLElement {
  return h(
    'section',
    { class: 'panel' },
    h('h2', null, '负面声量最高的事件'),
    d.topNegativeEvents.length === 0
      ? h('p', { class: 'empty' }, '当日无负面事件')
      : h(
          'ol',
          { class: 'top-events' },
          ...d.topNegativeEvents.map((e) =>
            h('li', null, h('b', null, e.title), h('span', { class: 'muted' }, ` ${e.institutionName} · 负面 ${e.negativeCount} / 提及 ${e.mentionCount}`)),
          ),
        ),
  );
}

function breachesPanel(d: Digest): HTMLElement | null {
  return d.breaches.length > 0
    ? h(
        'section',
        { class: 'panel' },
        h('h2', null, '超时案件'),
        h(
          'ul',
          { class: 'top-events' },
          ...d.breaches.map((b) =>
            h(
              'li',
              null,
              h('span', { class: `tier-badge small tier-${b.tier}` }, b.tier),
              h('a', { href: `#/cases/${encodeURIComponent(b.caseId)}` }, b.title),
              h('span', { class: 'muted' }, ` 超时于 ${formatShanghai(b.at)}`),
            ),
          ),
        ),
      )
    : null;
}

export function renderDigest(root: HTMLElement, params: URLSearchParams): () => void {
  const body = h('div', null, h('p', { class: 'muted' }, '加载中…'));
  const sla = h('section', { class: 'panel' }, h('h2', null, '近 30 天 SLA 达成'), h('p', { class: 'muted' }, '加载中…'));
  const picker = h('input', {
    type: 'date',
    name: 'date',
    value: params.get('date') ?? '',
    on: { change: (e) => (location.hash = `#/digest?date=${(e.target as HTMLInputElement).value}`) },
  });
  const dayNote = h('span', { class: 'muted', data: { role: 'digest-day' } });
  replace(root, h('div', { class: 'page-head' }, h('h1', null, '高管日报'), h('label', null, '日期 ', picker), dayNote), body, sla);

  void (async () => {
    try {
      let date = params.get('date');
      if (!date) {
        // No day chosen: open on the latest day with data (today so far, if it has any) and say which.
        const today = shanghaiDate(serverNow());
        const series = await api.get<{ points: Array<{ bucket: string; total: number }> }>('/reports/sentiment', { interval: 'day' });
        const opening = openingDay(series.points, today);
        date = opening.date;
        picker.value = date;
        dayNote.textContent = opening.note;
      }
      const d = await api.get<Digest>('/reports/digest', { date });
      replace(
        body,
        digestKpis(d),
        d.lines.length > 0
          ? h('section', { class: 'panel' }, h('h2', null, `${d.date} 摘要`), h('ul', { class: 'digest-lines' }, ...d.lines.map((l) => h('li', null, l))))
          : null,
        topNegativeEventsPanel(d),
        breachesPanel(d),
      );
    } catch (err) {
      replace(body, h('p', { class: 'error' }, `加载失败：${errorText(err)}`));
    }
  })();
  void (async () => {
    try {
      const r = await api.get<{ tiers: SlaRow[]; total: SlaRow }>('/reports/sla');
      replace(sla, h('h2', null, '近 30 天 SLA 达成'), slaTable(r.tiers, r.total));
    } catch (err) {
      replace(sla, h('h2', null, '近 30 天 SLA 达成'), h('p', { class: 'error' }, `加载失败：${errorText(err)}`));
    }
  })();
  return () => {};
}
