import { actionButtons } from '../actions.js';
import { api, errorText } from '../api.js';
import { h, replace } from '../dom.js';
import { OWNER_LABEL, STATE_LABEL, TIER_LABEL, TIERS } from '../labels.js';
import { countdown, isOverdue, runningClocks } from '../sla.js';
import { onStream, onStreamStatus } from '../stream.js';
import { formatShanghai } from '../time.js';
import type { Case, OwnerRole, Page, Tier } from '../types.js';
import { institutionName } from './names.js';

interface Filters {
  tier?: Tier;
  owner?: OwnerRole;
  overdue: boolean;
}

const ACTIVE: ReadonlySet<Case['state']> = new Set(['open', 'acknowledged', 'responded']);
const MAX_PAGES = 5;

function readFilters(params: URLSearchParams): Filters {
  const tier = params.get('tier');
  const owner = params.get('owner');
  return {
    tier: tier && (TIERS as string[]).includes(tier) ? (tier as Tier) : undefined,
    owner: owner && owner in OWNER_LABEL ? (owner as OwnerRole) : undefined,
    overdue: params.get('overdue') === 'true',
  };
}

function writeFilters(f: Filters): void {
  const params = new URLSearchParams();
  if (f.tier) params.set('tier', f.tier);
  if (f.owner) params.set('owner', f.owner);
  if (f.overdue) params.set('overdue', 'true');
  const query = params.toString();
  location.hash = query ? `#/?${query}` : '#/';
}

function matches(c: Case, f: Filters): boolean {
  if (!ACTIVE.has(c.state)) return false;
  if (f.tier && c.tier !== f.tier) return false;
  if (f.owner && c.owner !== f.owner) return false;
  if (f.overdue && !isOverdue(c)) return false;
  return true;
}

/** Most urgent first: the nearest running clock, then the newest. */
function urgency(c: Case): number {
  const dues = runningClocks(c).map((clock) => new Date(clock.dueAt).getTime());
  return dues.length > 0 ? Math.min(...dues) : Number.MAX_SAFE_INTEGER;
}

export function caseCard(c: Case, onChange: (updated: Case | undefined) => void): HTMLElement {
  const clocks = runningClocks(c);
  return h(
    'article',
    { class: `card tier-${c.tier} state-${c.state}`, data: { caseId: c.id, tier: c.tier, state: c.state } },
    h(
      'header',
      { class: 'card-head' },
      h('span', { class: `tier-badge tier-${c.tier}` }, `${c.tier} ${TIER_LABEL[c.tier]}`),
      h('span', { class: 'institution' }, institutionName(c)),
      h('span', { class: `state-badge state-${c.state}`, data: { role: 'state' } }, STATE_LABEL[c.state] ?? c.state),
    ),
    h('a', { class: 'card-title', href: `#/cases/${encodeURIComponent(c.id)}` }, c.title),
    h(
      'div',
      { class: 'card-meta' },
      h('span', { class: 'owner' }, `${OWNER_LABEL[c.owner] ?? c.owner} `, h('code', null, c.owner)),
      c.assignee ? h('span', { class: 'assignee' }, `处理人 ${c.assignee}`) : null,
      h('span', { class: 'opened' }, `开案 ${formatShanghai(c.openedAt)}`),
    ),
    h(
      'div',
      { class: 'counts' },
      h('span', null, '提及 ', h('b', null, c.mentionCount)),
      h('span', { class: 'complainants' }, '投诉人 ', h('b', null, c.distinctComplainants)),
      h('span', { class: 'authors' }, '作者 ', h('b', null, c.distinctAuthors)),
      h('span', null, '媒体 ', h('b', null, c.mediaCount ?? 0)),
    ),
    clocks.length > 0
      ? h('div', { class: 'clocks' }, ...clocks.map(countdown))
      : h('div', { class: 'clocks done' }, c.respondedAt ? `已于 ${formatShanghai(c.respondedAt)} 回应` : ''),
    actionButtons(c, onChange),
  );
}

/** The filter form (tier, owner, overdue only); changing a filter rewrites the URL. */
function filterBar(filters: Filters, status: HTMLElement): HTMLElement {
  return h(
    'form',
    { class: 'filters', on: { submit: (e) => e.preventDefault() } },
    h(
      'label',
      null,
      '级别 ',
      h(
        'select',
        { name: 'tier', on: { change: (e) => writeFilters({ ...filters, tier: ((e.target as HTMLSelectElement).value || undefined) as Tier | undefined }) } },
        h('option', { value: '' }, '全部'),
        ...TIERS.map((t) => h('option', { value: t, selected: filters.tier === t }, `${t} ${TIER_LABEL[t]}`)),
      ),
    ),
    h(
      'label',
      null,
      '负责部门 ',
      h(
        'select',
        {
          name: 'owner',
          on: { change: (e) => writeFilters({ ...filters, owner: ((e.target as HTMLSelectElement).value || undefined) as OwnerRole | undefined }) },
        },
        h('option', { value: '' }, '全部'),
        ...(Object.keys(OWNER_LABEL) as OwnerRole[]).map((o) => h('option', { value: o, selected: filters.owner === o }, `${OWNER_LABEL[o]} (${o})`)),
      ),
    ),
    h(
      'label',
      { class: 'check' },
      h('input', {
        type: 'checkbox',
        name: 'overdue',
        checked: filters.overdue,
        on: { change: (e) => writeFilters({ ...filters, overdue: (e.target as HTMLInputElement).checked }) },
      }),
      ' 仅看已超时',
    ),
    status,
  );
}

/** One column per tier; fills `columns` with each column's body and count elements. */
function boardColumns(columns: Map<Tier, { body: HTMLElement; count: HTMLElement }>): HTMLElement {
  const board = h('div', { class: 'board' });
  for (const tier of TIERS) {
    const count = h('span', { class: 'col-count' }, '0');
    const body = h('div', { class: 'col-body' });
    columns.set(tier, { body, count });
    board.appendChild(
      h('section', { class: `column tier-${tier}`, data: { tier } }, h('h2', { class: 'col-head' }, `${tier} ${TIER_LABEL[tier]}`, count), body),
    );
  }
  return board;
}

/** Active cases matching the filters, up to MAX_PAGES pages. */
async function loadActiveCases(filters: Filters): Promise<Map<string, Case>> {
  const query = { state: 'active', tier: filters.tier, owner: filters.owner, overdue: filters.overdue ? 'true' : undefined, limit: 200 };
  let cursor: string | undefined;
  const loaded = new Map<string, Case>();
  for (let page = 0; page < MAX_PAGES; page++) {
    const res = await api.get<Page<Case>>('/alerts', { ...query, cursor });
    for (const c of res.items) loaded.set(c.id, c);
    cursor = res.nextCursor;
    if (!cursor) break;
  }
  return loaded;
}

export function renderBoard(root: HTMLElement, params: URLSearchParams): () => void {
  const filters = readFilters(params);
  const cases = new Map<string, Case>();
  const columns = new Map<Tier, { body: HTMLElement; count: HTMLElement }>();
  const status = h('div', { class: 'board-status' }, '加载中…');

  const upsert = (c: Case | undefined, flash = false): void => {
    if (!c) return;
    const known = cases.get(c.id);
    // Responses and stream messages can arrive out of order; never go back to an older version.
    if (known?.updatedAt && c.updatedAt && c.updatedAt < known.updatedAt) return;
    cases.set(c.id, c);
    draw(flash ? c.id : undefined);
  };

  const draw = (flashId?: string): void => {
    for (const tier of TIERS) {
      const col = columns.get(tier)!;
      const inTier = [...cases.values()].filter((c) => c.tier === tier && matches(c, filters)).sort((a, b) => urgency(a) - urgency(b));
      replace(col.body, ...(inTier.length > 0 ? inTier.map((c) => caseCard(c, (u) => upsert(u))) : [h('p', { class: 'empty' }, '暂无告警')]));
      col.count.textContent = String(inTier.length);
    }
    if (flashId) root.querySelector(`[data-case-id="${CSS.escape(flashId)}"]`)?.classList.add('flash');
  };

  replace(root, h('div', { class: 'page-head' }, h('h1', null, '告警看板'), filterBar(filters, status)), boardColumns(columns));

  const load = async (): Promise<void> => {
    try {
      const loaded = await loadActiveCases(filters);
      cases.clear();
      for (const [id, c] of loaded) cases.set(id, c);
      status.textContent = `共 ${loaded.size} 件进行中`;
      draw();
    } catch (err) {
      status.textContent = `加载失败：${errorText(err)}`;
    }
  };
  void load();

  const unsubscribe = onStream((message) => {
    if (message.type !== 'case.changed') return;
    upsert(message.case, true);
    status.textContent = `共 ${[...cases.values()].filter((c) => ACTIVE.has(c.state)).length} 件进行中`;
  });
  // After a dropped connection, re-fetch: changes made meanwhile were not streamed.
  let wasConnected: boolean | undefined;
  const offStatus = onStreamStatus((connected) => {
    if (connected && wasConnected === false) void load();
    wasConnected = connected;
  });
  // With "overdue only", cards enter the filter as their clocks run out.
  const redraw = filters.overdue ? window.setInterval(() => draw(), 30_000) : undefined;
  return () => {
    unsubscribe();
    offStatus();
    window.clearInterval(redraw);
  };
}
