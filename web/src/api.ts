import { observeServerTime } from './time.js';

const KEY_STORAGE = 'yuqing-radar.apiKey';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function getApiKey(): string | undefined {
  return localStorage.getItem(KEY_STORAGE) ?? undefined;
}

export function setApiKey(key: string | undefined): void {
  if (key) localStorage.setItem(KEY_STORAGE, key);
  else localStorage.removeItem(KEY_STORAGE);
}

/**
 * Takes `?key=` from the page URL (the demo prints such a link), stores it and removes it from the
 * address bar so that it does not linger in history or screenshots.
 */
export function adoptKeyFromUrl(): void {
  const url = new URL(location.href);
  const key = url.searchParams.get('key');
  if (!key) return;
  setApiKey(key);
  url.searchParams.delete('key');
  history.replaceState(null, '', url.pathname + url.search + url.hash);
}

type Query = Record<string, string | number | boolean | undefined>;

/** Called on 401 so that the app can show the login screen. */
let onUnauthorized: () => void = () => {};

export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

async function request<T>(method: string, path: string, query?: Query, body?: unknown): Promise<T> {
  const url = new URL(`/api/v1${path}`, location.origin);
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
  const headers: Record<string, string> = { Accept: 'application/json' };
  const key = getApiKey();
  if (key) headers.Authorization = `Bearer ${key}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'network', '无法连接服务器 (network error)');
  }
  observeServerTime(res.headers.get('x-server-time'));
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const err = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
    if (res.status === 401) onUnauthorized();
    throw new ApiError(res.status, err?.code ?? `http_${res.status}`, err?.message ?? `请求失败 (HTTP ${res.status})`);
  }
  return json as T;
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', path, query),
  post: <T>(path: string, body: unknown = {}) => request<T>('POST', path, undefined, body),
};

/** A readable Chinese message for an error thrown by `api`. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 403) return `权限不足 (forbidden): ${err.message}`;
    if (err.status === 409) return `操作冲突 (conflict): ${err.message}`;
    return err.message;
  }
  return err instanceof Error ? err.message : String(err);
}
