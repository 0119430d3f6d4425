import { actionButtons } from '../actions.js';
import { api, errorText } from '../api.js';
import { h, replace, safeUrl, toast } from '../dom.js';
import { highlightPhrases } from '../highlight.js';
import { historyLabel, OWNER_LABEL, RESPONSE_KIND_LABEL, STATE_LABEL, sourceLabel, TIER_LABEL, topicLabel } from '../labels.js';
import { countdown, runningClocks } from '../sla.js';
import { onStream } from '../stream.js';
import { formatShanghai } from '../time.js';
import type { Case, EventDetail, HistoryEntry, Mention } from '../types.js';
import { institutionName } from './names.js';

const EVIDENCE_LIMIT = 50;

function field(label: string, ...value: Array<Node | string>): HTMLElement {
  return h('div', { class: 'field' }, h('dt', null, label), h('dd', null, ...value));
}

function header(c: Case): HTMLElement {
  const clocks = runningClocks(c);
  return h(
    'section',
    { class: `case-head tier-${c.tier}` },
    h(
      'div',
      { class: 'case-title' },
      h('span', { class: `tier-badge tier-${c.tier}` }, `${c.tier} ${TIER_LABEL[c.tier]}`),
      h('h1', null, c.title),
      h('span', { class: `state-badge state-${c.state}`, data: { role: 'state' } }, STATE_LABEL[c.state] ?? c.state),
    ),
    h(
      'dl',
      { class: 'fields' },
      field('机构', institutionName(c)),
      field('负责部门', `${OWNER_LABEL[c.owner] ?? c.owner} (${c.owner})`),
      field('处理人', c.assignee ?? '未指派'),
      field('开案时间', formatShanghai(c.openedAt)),
      field('受理时限', formatShanghai(c.ackDueAt), c.acknowledgedAt ? `（已于 ${formatShanghai(c.acknowledgedAt)} 受理）` : ''),
      field('处置时限', formatShanghai(c.deadlineAt), c.respondedAt ? `（已于 ${formatShanghai(c.respondedAt)} 回应）` : ''),
      field('提及 / 投诉人 / 作者 / 媒体', `${c.mentionCount} / ${c.distinctComplainants} / ${c.distinctAuthors} / ${c.mediaCount ?? 0}`),
      field('触发规则', c.ruleId ?? '—'),
      field('问题类型', (c.topics ?? []).map(topicLabel).join('、') || '—'),
    ),
    clocks.length > 0 ? h('div', { class: 'clocks' }, ...clocks.map(countdown)) : null,
  );
}

function historyDetail(e: HistoryEntry): string {
  const parts: string[] = [];
  if (e.reason) parts.push(e.reason);
  const data = e.data ?? {};
  if (typeof data.text === 'string') parts.push(data.text);
  if (typeof data.note === 'string') parts.push(data.note);
  const to = typeof data.to === 'string' ? data.to : e.tier;
  if (typeof data.from === 'string' && to) parts.unshift(`${data.from} → ${to}`);
  return parts.join(' · ');
}

function timeline(c: Case): HTMLElement {
  const entries = [...(c.history ?? [])].sort((a, b) => a.at.localeCompare(b.at));
  return h(
    'section',
    { class: 'panel' },
    h('h2', null, '审计时间线'),
    entries.length === 0
      ? h('p', { class: 'empty' }, '暂无记录')
      : h(
          'ol',
          { class: 'timeline' },
          ...entries.map((e) =>
            h(
              'li',
              { class: `tl-item tl-${e.type}`, data: { type: e.type } },
              h('time', null, formatShanghai(e.at, true)),
              h('span', { class: 'tl-type' }, historyLabel(e.type)),
              e.tier ? h('span', { class: `tier-badge small tier-${e.tier}` }, e.tier) : null,
              e.actor ? h('span', { class: 'tl-actor' }, e.actor) : null,
              h('span', { class: 'tl-reason' }, historyDetail(e)),
            ),
          ),
        ),
  );
}

function responses(c: Case): HTMLElement | null {
  if (!c.responses || c.responses.length === 0) return null;
  return h(
    'section',
    { class: 'panel' },
    h('h2', null, '回应记录'),
    ...c.responses.map((r) => {
      const url = safeUrl(r.url);
      return h(
        'div',
        { class: 'response' },
        h('div', { class: 'response-meta' }, `${RESPONSE_KIND_LABEL[r.kind] ?? r.kind} · ${r.actor} · ${formatShanghai(r.at)}`),
        h('p', null, r.text),
        url ? h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, url) : null,
      );
    }),
  );
}

function evidencePost(m: Mention): HTMLElement {
  const text = m.analysis?.displayText ?? m.text ?? '';
  const url = safeUrl(m.url);
  const sentiment = m.sentiment ?? m.analysis?.sentiment;
  const phrases = m.negativePhrases ?? m.analysis?.negativePhrases ?? [];
  return h(
    'article',
    { class: `post sentiment-${sentiment?.label ?? 'unknown'}`, data: { mentionId: m.id } },
    h(
      'div',
      { class: 'post-meta' },
      h('span', { class: 'source' }, sourceLabel(m.source)),
      h('span', { class: 'author' }, m.author?.name ?? '匿名', m.author?.isMedia ? h('span', { class: 'media-badge' }, '媒体') : null),
      h('time', null, m.datePrecision === 'day' ? formatShanghai(m.publishedAt).slice(0, 10) : formatShanghai(m.publishedAt)),
      m.rating !== undefined
        ? h('span', { class: 'rating', title: `${m.rating} 星评价` }, `${'★'.repeat(m.rating)}${'☆'.repeat(Math.max(0, 5 - m.rating))}`)
        : null,
      sentiment ? h('span', { class: 'score' }, `负面概率 ${(sentiment.score * 100).toFixed(0)}%`) : null,
      url ? h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, '查看原文') : null,
    ),
    m.title ? h('h3', null, m.title) : null,
    h(
      'p',
      { class: 'post-text' },
      ...highlightPhrases(text, phrases),
      m.truncated ? h('span', { class: 'truncated-badge', title: '平台只返回了开头，全文展开失败，稍后会重试' }, '未展开全文') : null,
    ),
  );
}

/** Built once per page so that live redraws never replace the text being typed. */
function commentBox(id: string, onSaved: (updated: Case | undefined) => void): HTMLElement {
  const textarea = h('textarea', { name: 'text', rows: 3, maxlength: 2000, placeholder: '添加备注（调查进展、联系记录等）', required: true });
  const form = h(
    'form',
    {
      class: 'comment-box',
      on: {
        submit: async (e) => {
          e.preventDefault();
          const text = textarea.value.trim();
          if (!text) return;
          try {
            const updated = await api.post<Case>(`/alerts/${encodeURIComponent(id)}/comment`, { text });
            textarea.value = '';
            toast('备注已保存');
            onSaved(updated);
          } catch (err) {
            toast(`保存备注失败：${errorText(err)}`, 'error');
          }
        },
      },
    },
    textarea,
    h('button', { type: 'submit', class: 'btn' }, '添加备注'),
  );
  return form;
}

export function renderCase(root: HTMLElement, id: string): () => void {
  let current: Case | undefined;
  const head = h('div');
  const actions = h('div');
  const rest = h('div');
  const evidence = h('section', { class: 'panel evidence' }, h('h2', null, '证据帖子'), h('p', { class: 'empty' }, '加载中…'));

  const draw = (c: Case): void => {
    // Responses and stream messages can arrive out of order; never go back to an older version.
    if (current?.updatedAt && c.updatedAt && c.updatedAt < current.updatedAt) return;
    current = c;
    replace(head, header(c));
    replace(actions, actionButtons(c, refresh));
    replace(rest, responses(c), timeline(c));
  };

  const refresh = async (updated?: Case): Promise<void> => {
    if (updated?.history) return draw(updated);
    try {
      draw(await api.get<Case>(`/alerts/${encodeURIComponent(id)}`));
    } catch (err) {
      toast(errorText(err), 'error');
    }
  };

  const side = h('div', { class: 'case-side' }, h('section', { class: 'panel' }, h('h2', null, '处置'), actions, commentBox(id, refresh)), rest);
  replace(root, h('a', { class: 'back', href: '#/' }, '← 返回告警看板'), head, h('div', { class: 'case-body' }, evidence, side));

  void (async () => {
    let c: Case;
    try {
      c = await api.get<Case>(`/alerts/${encodeURIComponent(id)}`);
    } catch (err) {
      replace(head, h('p', { class: 'error' }, `无法加载案件：${errorText(err)}`));
      return;
    }
    draw(c);
    try {
      const event = await api.get<EventDetail>(`/events/${encodeURIComponent(c.eventId)}`, { mentions: EVIDENCE_LIMIT });
      const mentions = event.mentions ?? [];
      replace(
        evidence,
        h('h2', null, `证据帖子（${mentions.length}）`),
        ...(mentions.length > 0 ? mentions.map(evidencePost) : [h('p', { class: 'empty' }, '暂无帖子')]),
      );
    } catch (err) {
      replace(evidence, h('h2', null, '证据帖子'), h('p', { class: 'error' }, `无法加载帖子：${errorText(err)}`));
    }
  })();

  return onStream((message) => {
    if (message.type === 'case.changed' && message.case.id === id && current) void refresh(message.case);
  });
}
