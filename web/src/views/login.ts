import { ApiError, api, errorText, setApiKey } from '../api.js';
import { h, replace } from '../dom.js';

/** Paste an API key once; it is kept in localStorage. */
export function renderLogin(root: HTMLElement, onLogin: () => void, message?: string): void {
  const input = h('input', { type: 'password', name: 'apiKey', autocomplete: 'off', placeholder: 'API key', required: true });
  const error = h('p', { class: 'error' }, message ?? '');
  const form = h(
    'form',
    {
      class: 'login',
      on: {
        submit: async (e) => {
          e.preventDefault();
          setApiKey(input.value.trim());
          try {
            await api.get('/alerts', { limit: 1 });
            onLogin();
          } catch (err) {
            // A read-only (consumer) key is valid but may not list cases.
            if (err instanceof ApiError && err.status === 403) return onLogin();
            setApiKey(undefined);
            error.textContent = `登录失败：${errorText(err)}`;
          }
        },
      },
    },
    h('h1', null, '舆情雷达'),
    h('p', null, '请输入 API key（由管理员发放，或使用演示程序打印的链接）。'),
    input,
    h('button', { type: 'submit', class: 'btn primary' }, '登录'),
    error,
  );
  replace(root, form);
}
