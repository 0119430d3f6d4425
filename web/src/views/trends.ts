import { api, errorText } from '../api.js';
import { type Chart, COLORS, createChart } from '../charts.js';
import { h, replace } from '../dom.js';
import { sourceLabel, topicLabel } from '../labels.js';
import { serverNow, shanghaiDate } from '../time.js';
import type { SeriesPoint, ShareOfVoiceItem } from '../types.js';
import { rememberInstitution } from './names.js';

const ALL = '__all__';
const LINE_COLORS = ['#1d4ed8', '#7c3aed', '#0891b2', '#ca8a04', '#db2777', '#059669'];

type GroupBy = 'source' | 'topic';

function groupName(groupBy: GroupBy, id: string): string {
  return groupBy === 'source' ? sourceLabel(id) : topicLabel(id);
}

/** Stacked negative/neutral/positive bars for the chosen group (or all) plus net sentiment lines. */
export function sentimentOption(points: SeriesPoint[], groupBy: GroupBy, selected: string): Record<string, unknown> {
  const buckets = [...new Set(points.map((p) => p.bucket))].sort();
  const groups = [...new Set(points.map((p) => p.group ?? ''))].sort();
  const chosen = selected === ALL ? points : points.filter((p) => (p.group ?? '') === selected);
  const sum = (bucket: string, key: 'negative' | 'neutral' | 'positive') => chosen.filter((p) => p.bucket === bucket).reduce((n, p) => n + p[key], 0);
  const lineGroups = selected === ALL ? groups : [selected];
  const net = (group: string) =>
    buckets.map((b) => {
      const p = points.find((x) => x.bucket === b && (x.group ?? '') === group);
      return p && p.total > 0 ? Number(p.netSentiment.toFixed(3)) : null;
    });
  const bar = (name: string, key: 'negative' | 'neutral' | 'positive') => ({
    name,
    type: 'bar',
    stack: 'volume',
    itemStyle: { color: COLORS[key] },
    data: buckets.map((b) => sum(b, key)),
  });
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0, type: 'scroll' },
    grid: { left: 50, right: 60, top: 40, bottom: 40 },
    xAxis: { type: 'category', data: buckets.map((b) => b.slice(0, 10)) },
    yAxis: [
      { type: 'value', name: '提及量' },
      { type: 'value', name: '净情感', min: -1, max: 1 },
    ],
    series: [
      bar('负面', 'negative'),
      bar('中性', 'neutral'),
      bar('正面', 'positive'),
      ...lineGroups.map((g, i) => ({
        name: `净情感 · ${groupName(groupBy, g)}`,
        type: 'line',
        yAxisIndex: 1,
        connectNulls: true,
        itemStyle: { color: selected === ALL ? LINE_COLORS[i % LINE_COLORS.length] : COLORS.net },
        data: net(g),
      })),
    ],
  };
}

const SHARE_TOP = 10;

/**
 * The most-mentioned institutions (our bank always included), largest at the top. Our bank and its peers
 * are two series stacked in one bar slot, so each bar's colour is its legend entry's colour.
 */
export function shareOption(items: ShareOfVoiceItem[]): Record<string, unknown> {
  const top = [...items].sort((a, b) => b.mentions - a.mentions).filter((i, rank) => i.ourBank || (rank < SHARE_TOP && i.mentions > 0));
  const sorted = top.reverse();
  const label = (i: ShareOfVoiceItem) => (i.ourBank ? `★ ${i.name ?? i.institution}` : (i.name ?? i.institution));
  const mentions = (name: string, ours: boolean) => ({
    name,
    type: 'bar',
    stack: 'mentions',
    itemStyle: { color: ours ? COLORS.ours : COLORS.peer },
    data: sorted.map((i) => (i.ourBank === ours ? i.mentions : '-')),
    label: { show: true, position: 'right' },
  });
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0 },
    grid: { left: 110, right: 30, top: 36, bottom: 30 },
    xAxis: { type: 'value', name: '提及量' },
    yAxis: { type: 'category', data: sorted.map(label), axisLabel: { fontWeight: 'normal' } },
    series: [
      mentions('本行提及量', true),
      mentions('同业提及量', false),
      { name: '负面', type: 'bar', itemStyle: { color: COLORS.negative }, data: sorted.map((i) => i.negative) },
    ],
  };
}

function sentimentPanel(title: string, groupBy: GroupBy, range: { from: string }, charts: Chart[]): HTMLElement {
  const chartEl = h('div', { class: 'chart', data: { chart: `sentiment-${groupBy}` } });
  const select = h('select', { name: `${groupBy}-group` }, h('option', { value: ALL }, groupBy === 'source' ? '全部来源' : '全部问题'));
  const note = h('span', { class: 'muted' });
  const panel = h('section', { class: 'panel' }, h('div', { class: 'panel-head' }, h('h2', null, title), select, note), chartEl);
  void (async () => {
    try {
      const res = await api.get<{ points: SeriesPoint[] }>('/reports/sentiment', { interval: 'day', groupBy, ...range });
      const chart = createChart(chartEl);
      charts.push(chart);
      for (const g of [...new Set(res.points.map((p) => p.group ?? ''))].sort()) select.appendChild(h('option', { value: g }, groupName(groupBy, g)));
      const draw = () => chart.setOption(sentimentOption(res.points, groupBy, select.value), { notMerge: true });
      select.addEventListener('change', draw);
      draw();
      if (res.points.length === 0) note.textContent = '所选时段暂无数据';
    } catch (err) {
      replace(chartEl, h('p', { class: 'error' }, `加载失败：${errorText(err)}`));
    }
  })();
  return panel;
}

export function renderTrends(root: HTMLElement, params: URLSearchParams): () => void {
  const days = Number(params.get('days') ?? 7) || 7;
  const now = serverNow();
  // Up to now (the API's default end): a future `to` would add an empty bucket for tomorrow.
  const range = { from: `${shanghaiDate(now, days - 1)}T00:00:00+08:00` };
  const charts: Chart[] = [];
  const daysSelect = h(
    'select',
    { name: 'days', on: { change: (e) => (location.hash = `#/trends?days=${(e.target as HTMLSelectElement).value}`) } },
    ...[7, 14, 30, 90].map((d) => h('option', { value: String(d), selected: d === days }, `近 ${d} 天`)),
  );
  const sovEl = h('div', { class: 'chart', data: { chart: 'share-of-voice' } });
  replace(
    root,
    h('div', { class: 'page-head' }, h('h1', null, '舆情趋势'), h('label', null, '时间范围 ', daysSelect)),
    sentimentPanel('按来源的情感走势', 'source', range, charts),
    sentimentPanel('按问题类型的情感走势', 'topic', range, charts),
    h('section', { class: 'panel' }, h('h2', null, `声量对比（Share of voice，前 ${SHARE_TOP} 家，本行高亮 ★）`), sovEl),
  );
  void (async () => {
    try {
      const res = await api.get<{ items: ShareOfVoiceItem[] }>('/reports/share-of-voice', range);
      for (const i of res.items) rememberInstitution(i.institution, i.name);
      const chart = createChart(sovEl);
      charts.push(chart);
      chart.setOption(shareOption(res.items));
    } catch (err) {
      replace(sovEl, h('p', { class: 'error' }, `加载失败：${errorText(err)}`));
    }
  })();
  const onResize = () => {
    for (const c of charts) c.resize();
  };
  window.addEventListener('resize', onResize);
  return () => {
    window.removeEventListener('resize', onResize);
    for (const c of charts) c.dispose();
  };
}
