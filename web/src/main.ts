import { adoptKeyFromUrl, getApiKey, setApiKey, setUnauthorizedHandler } from './api.js';
import { h, replace } from './dom.js';
import { tickCountdowns } from './sla.js';
import { connectStream, disconnectStream, onStreamStatus } from './stream.js';
import { renderBoard } from './views/board.js';
import { renderCase } from './views/case.js';
import { renderDigest } from './views/digest.js';
import { renderLogin } from './views/login.js';
import { renderSources } from './views/sources.js';
import { renderTrends } from './views/trends.js';

const NAV = [
  { hash: '#/', label: '告警看板', match: (p: string) => p === '/' || p.startsWith('/cases/') },
  { hash: '#/trends', label: '趋势', match: (p: string) => p === '/trends' },
  { hash: '#/sources', label: '数据源', match: (p: string) => p === '/sources' },
  { hash: '#/digest', label: '高管日报', match: (p: string) => p === '/digest' },
];

const app = document.getElementById('app')!;
let cleanup: () => void = () => {};
let loggedIn = false;

function parseHash(): { path: string; params: URLSearchParams } {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path, query] = raw.split('?', 2);
  return { path: path || '/', params: new URLSearchParams(query ?? '') };
}

function shell(path: string): { view: HTMLElement; off: () => void } {
  const live = h('span', { class: 'live', id: 'live-status' }, '连接中…');
  const off = onStreamStatus((connected) => {
    live.textContent = connected ? '● 实时' : '○ 已断开，重连中';
    live.classList.toggle('on', connected);
  });
  const main = h('main', { id: 'view' });
  replace(
    app,
    h(
      'header',
      { class: 'topbar' },
      h('a', { class: 'brand', href: '#/' }, '舆情雷达 ', h('small', null, 'yuqing-radar')),
      h('nav', null, ...NAV.map((n) => h('a', { href: n.hash, class: n.match(path) ? 'active' : '' }, n.label))),
      live,
      h('button', { class: 'btn small logout', on: { click: logout } }, '退出'),
    ),
    main,
  );
  return { view: main, off };
}

function route(): void {
  cleanup();
  cleanup = () => {};
  if (!getApiKey()) {
    showLogin();
    return;
  }
  loggedIn = true;
  connectStream();
  const { path, params } = parseHash();
  const { view, off } = shell(path);
  const caseMatch = /^\/cases\/(.+)$/.exec(path);
  let stop: () => void;
  if (caseMatch) stop = renderCase(view, decodeURIComponent(caseMatch[1]));
  else if (path === '/trends') stop = renderTrends(view, params);
  else if (path === '/sources') stop = renderSources(view);
  else if (path === '/digest') stop = renderDigest(view, params);
  else stop = renderBoard(view, params);
  cleanup = () => {
    off();
    stop();
  };
}

function showLogin(message?: string): void {
  loggedIn = false;
  disconnectStream();
  renderLogin(app, route, message);
}

function logout(): void {
  setApiKey(undefined);
  cleanup();
  showLogin();
}

setUnauthorizedHandler(() => {
  if (!loggedIn) return;
  setApiKey(undefined);
  cleanup();
  showLogin('API key 无效或已吊销，请重新登录。');
});

adoptKeyFromUrl();
window.addEventListener('hashchange', route);
window.setInterval(tickCountdowns, 1000);
route();
