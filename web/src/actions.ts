import { api, errorText } from './api.js';
import { h, toast } from './dom.js';
import { RESPONSE_KIND_LABEL } from './labels.js';
import type { Case, ResponseKind } from './types.js';

type Done = (updated: Case | undefined) => void;

function defaultKind(c: Case): ResponseKind {
  if (c.owner === 'compliance') return 'regulator_notice';
  return c.owner === 'customer_service' ? 'reply_to_complainant' : 'public_statement';
}

/** A modal form; resolves with the submitted form data or undefined when cancelled. */
function openDialog(title: string, fields: HTMLElement[], submitLabel: string): Promise<FormData | undefined> {
  return new Promise((resolve) => {
    const form = h(
      'form',
      { method: 'dialog', class: 'dialog-form' },
      h('h2', null, title),
      ...fields,
      h(
        'div',
        { class: 'dialog-buttons' },
        h('button', { type: 'button', class: 'btn', data: { action: 'cancel' }, on: { click: () => dialog.close('cancel') } }, '取消'),
        h('button', { type: 'submit', class: 'btn primary', value: 'ok', data: { action: 'submit' } }, submitLabel),
      ),
    );
    const dialog = h('dialog', { class: 'dialog' }, form);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const data = new FormData(form);
      dialog.close('ok');
      resolve(data);
    });
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(undefined);
    });
    document.body.appendChild(dialog);
    dialog.showModal();
  });
}

async function run(label: string, call: () => Promise<Case | undefined>, done: Done): Promise<void> {
  try {
    const updated = await call();
    toast(`${label}成功`);
    done(updated);
  } catch (err) {
    toast(`${label}失败：${errorText(err)}`, 'error');
  }
}

export async function ackCase(c: Case, done: Done): Promise<void> {
  await run('受理', () => api.post<Case>(`/alerts/${encodeURIComponent(c.id)}/ack`), done);
}

export async function respondCase(c: Case, done: Done): Promise<void> {
  const kind = defaultKind(c);
  const data = await openDialog(
    `回应：${c.title}`,
    [
      h(
        'label',
        null,
        '回应方式 kind',
        h(
          'select',
          { name: 'kind', required: true },
          ...(Object.keys(RESPONSE_KIND_LABEL) as ResponseKind[]).map((k) =>
            h('option', { value: k, selected: k === kind }, `${RESPONSE_KIND_LABEL[k]} (${k})`),
          ),
        ),
      ),
      h(
        'label',
        null,
        '回应内容',
        h('textarea', { name: 'text', rows: 5, required: true, maxlength: 5000, placeholder: '例：您好，关于您反映的问题，我行已安排专人联系您核实处理……' }),
      ),
      h('label', null, '发布链接 URL（可选）', h('input', { name: 'url', type: 'url', placeholder: 'https://weibo.com/…' })),
    ],
    '提交回应',
  );
  if (!data) return;
  const body: Record<string, string> = { kind: String(data.get('kind')), text: String(data.get('text') ?? '').trim() };
  const url = String(data.get('url') ?? '').trim();
  if (url) body.url = url;
  await run('回应', () => api.post<Case>(`/alerts/${encodeURIComponent(c.id)}/respond`, body), done);
}

export async function resolveCase(c: Case, done: Done): Promise<void> {
  const data = await openDialog(
    `解决：${c.title}`,
    [h('label', null, '处理结果备注（可选）', h('textarea', { name: 'note', rows: 3, maxlength: 2000 }))],
    '确认解决',
  );
  if (!data) return;
  const note = String(data.get('note') ?? '').trim();
  await run('解决', () => api.post<Case>(`/alerts/${encodeURIComponent(c.id)}/resolve`, note ? { note } : {}), done);
}

/** 受理 / 回应 / 解决 buttons, enabled by the case state. */
export function actionButtons(c: Case, done: Done): HTMLElement {
  const closed = c.state === 'resolved' || c.state === 'reviewed';
  return h(
    'div',
    { class: 'actions' },
    h('button', { class: 'btn ack', data: { action: 'ack' }, disabled: c.state !== 'open', on: { click: () => ackCase(c, done) } }, '受理'),
    h('button', { class: 'btn respond', data: { action: 'respond' }, disabled: closed, on: { click: () => respondCase(c, done) } }, '回应'),
    h('button', { class: 'btn resolve', data: { action: 'resolve' }, disabled: closed, on: { click: () => resolveCase(c, done) } }, '解决'),
  );
}
