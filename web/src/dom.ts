/**
 * DOM building without innerHTML: every string becomes a text node, so API data can never inject
 * markup. The only elements created from data are the ones built here explicitly (e.g. <mark>).
 */
export type Child = Node | string | number | null | undefined | false;

export interface Attrs {
  class?: string;
  /** data-* attributes (keys without the `data-` prefix). */
  data?: Record<string, string>;
  on?: Partial<{ [K in keyof HTMLElementEventMap]: (event: HTMLElementEventMap[K]) => void }>;
  [attribute: string]: unknown;
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs | null = null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [name, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (name === 'class') el.className = String(value);
      else if (name === 'data') for (const [k, v] of Object.entries(value as Record<string, string>)) el.dataset[k] = v;
      else if (name === 'on') {
        for (const [type, handler] of Object.entries(value as Record<string, EventListener>)) el.addEventListener(type, handler);
      } else if (name === 'value' && 'value' in el) (el as HTMLInputElement).value = String(value);
      else if (name === 'checked' && 'checked' in el) (el as HTMLInputElement).checked = Boolean(value);
      else el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

/** Replaces all children of `parent`. */
export function replace(parent: Node, ...children: Child[]): void {
  while (parent.firstChild) parent.removeChild(parent.firstChild);
  append(parent, children);
}

/** Only http(s) links are rendered as links; anything else (javascript:, data:) is refused. */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url, location.href);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

let toastTimer: number | undefined;

/** A short message at the bottom of the screen (errors and confirmations). */
export function toast(message: string, kind: 'ok' | 'error' = 'ok'): void {
  let box = document.getElementById('toast');
  if (!box) {
    box = h('div', { id: 'toast', role: 'status' });
    document.body.appendChild(box);
  }
  box.textContent = message;
  box.className = `toast show ${kind}`;
  window.clearTimeout(toastTimer);
  toastTimer = window.setTimeout(() => box?.classList.remove('show'), 4000);
}
