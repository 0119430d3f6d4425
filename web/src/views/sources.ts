import { api, errorText } from '../api.js';
import { h, replace, toast } from '../dom.js';
import { SOURCE_STATUS_LABEL, sourceLabel } from '../labels.js';
import { onStream } from '../stream.js';
import { formatShanghai } from '../time.js';
import type { SourceHealth } from '../types.js';

function row(s: SourceHealth, onRun: ((source: string) => void) | undefined): HTMLTableRowElement {
  return h(
    'tr',
    { data: { source: s.source, status: s.status } },
    h('td', null, h('b', null, sourceLabel(s.source, s.kind)), h('div', { class: 'muted' }, s.schedule ? `${s.source} · ${s.schedule}` : s.source)),
    h(
      'td',
      null,
      h('span', { class: `status-badge status-${s.status}` }, `${SOURCE_STATUS_LABEL[s.status] ?? s.status}`),
      s.running ? h('span', { class: 'muted' }, ' 抓取中…') : null,
    ),
    h('td', null, formatShanghai(s.lastSuccessAt)),
    h('td', { class: 'error-cell' }, s.lastError ? h('div', null, s.lastError, h('div', { class: 'muted' }, formatShanghai(s.lastErrorAt))) : '—'),
    h('td', { class: s.consecutiveFailures > 0 ? 'num bad' : 'num' }, s.consecutiveFailures),
    h('td', null, s.blockedUntil ? formatShanghai(s.blockedUntil) : '—'),
    h('td', { class: 'num' }, s.itemsFetched),
    h('td', { class: s.itemsMalformed > 0 ? 'num bad' : 'num' }, s.itemsMalformed),
    h(
      'td',
      null,
      onRun
        ? h('button', { class: 'btn small', data: { action: 'run' }, disabled: s.running, on: { click: () => onRun(s.source) } }, '立即抓取')
        : h('span', { class: 'muted' }, '仅管理员'),
    ),
  );
}

export function renderSources(root: HTMLElement): () => void {
  const rows = new Map<string, SourceHealth>();
  const tbody = h('tbody');
  const status = h('span', { class: 'muted' }, '加载中…');

  const run = async (source: string): Promise<void> => {
    try {
      await api.post(`/sources/${encodeURIComponent(source)}/run`);
      toast(`已触发抓取：${sourceLabel(source)}`);
    } catch (err) {
      toast(`触发失败：${errorText(err)}`, 'error');
    }
  };
  // Only admin keys may trigger a crawl: other roles see the state without the button.
  let canRun = false;
  api
    .get<{ role: string }>('/me')
    .then((me) => {
      canRun = me.role === 'admin';
      draw();
    })
    .catch(() => undefined);
  const draw = (): void => {
    const sorted = [...rows.values()].sort((a, b) => a.source.localeCompare(b.source));
    replace(
      tbody,
      ...(sorted.length > 0 ? sorted.map((s) => row(s, canRun ? run : undefined)) : [h('tr', null, h('td', { colspan: 9, class: 'empty' }, '暂无数据源'))]),
    );
  };

  replace(
    root,
    h('div', { class: 'page-head' }, h('h1', null, '数据源状态'), status),
    h(
      'section',
      { class: 'panel' },
      h(
        'table',
        { class: 'table sources' },
        h(
          'thead',
          null,
          h('tr', null, ...['数据源', '状态', '最近成功', '最近错误', '连续失败', '封禁至', '已抓取', '解析失败', '操作 (admin)'].map((t) => h('th', null, t))),
        ),
        tbody,
      ),
    ),
  );

  void (async () => {
    try {
      const res = await api.get<{ items: SourceHealth[] }>('/sources');
      for (const s of res.items) rows.set(s.source, s);
      status.textContent = `${res.items.length} 个数据源`;
      draw();
    } catch (err) {
      status.textContent = `加载失败：${errorText(err)}`;
    }
  })();

  return onStream((message) => {
    if (message.type !== 'source.health') return;
    rows.set(message.health.source, message.health);
    draw();
  });
}
