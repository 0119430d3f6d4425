import { NonRetryableError, RetryLaterError } from '../../lib/errors.js';

/** POSTs JSON and returns the parsed reply; 4xx → NonRetryableError (except 429), 5xx/network → retryable. */
export async function postJson(url: string, body: unknown, options: { headers?: Record<string, string>; timeoutMs?: number } = {}): Promise<unknown> {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', ...options.headers },
      body: payload,
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch (err) {
    throw new RetryLaterError(`POST ${redact(url)} failed: ${err instanceof Error ? err.message : String(err)}`, undefined, { cause: err });
  }
  const text = await res.text();
  if (res.status === 429 || res.status >= 500) throw new RetryLaterError(`POST ${redact(url)} → HTTP ${res.status}`);
  if (res.status >= 400) throw new NonRetryableError(`POST ${redact(url)} → HTTP ${res.status}: ${text.slice(0, 200)}`);
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Drops query strings (robot tokens, signatures) from URLs that end up in logs and errors. */
export function redact(url: string): string {
  const i = url.indexOf('?');
  return i < 0 ? url : `${url.slice(0, i)}?…`;
}
