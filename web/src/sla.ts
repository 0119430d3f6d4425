import { h } from './dom.js';
import { formatDuration, formatShanghai, serverNow } from './time.js';
import type { Case } from './types.js';

export interface SlaClock {
  /** 受理时限 (acknowledgement) or 处置时限 (the tier deadline). */
  label: string;
  dueAt: string;
}

/** The clocks still running for a case: acknowledgement until acked, the tier deadline until responded. */
export function runningClocks(c: Case): SlaClock[] {
  const clocks: SlaClock[] = [];
  if (c.state === 'open' && c.ackDueAt) clocks.push({ label: '受理时限', dueAt: c.ackDueAt });
  if ((c.state === 'open' || c.state === 'acknowledged') && c.deadlineAt)
    clocks.push({ label: c.tier === 'L3' ? '处置时限' : '回应时限', dueAt: c.deadlineAt });
  return clocks;
}

export function isOverdue(c: Case, now = serverNow()): boolean {
  return runningClocks(c).some((clock) => new Date(clock.dueAt).getTime() <= now);
}

/** A live countdown element; `tickCountdowns` (every second) keeps its text current. */
export function countdown(clock: SlaClock): HTMLElement {
  const el = h('span', { class: 'countdown', data: { due: clock.dueAt, label: clock.label }, title: `${clock.label} ${formatShanghai(clock.dueAt)}` });
  renderCountdown(el, serverNow());
  return el;
}

function renderCountdown(el: HTMLElement, now: number): void {
  const due = new Date(el.dataset.due ?? '').getTime();
  if (Number.isNaN(due)) return;
  const left = due - now;
  const overdue = left <= 0;
  el.textContent = overdue ? `${el.dataset.label} 已超时 ${formatDuration(left)}` : `${el.dataset.label} 剩余 ${formatDuration(left)}`;
  el.classList.toggle('overdue', overdue);
  el.classList.toggle('soon', !overdue && left < 15 * 60_000);
}

export function tickCountdowns(): void {
  const now = serverNow();
  for (const el of document.querySelectorAll<HTMLElement>('.countdown')) renderCountdown(el, now);
}
