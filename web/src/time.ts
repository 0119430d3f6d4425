const HOUR = 3_600_000;

/** UTC ISO → `2025-11-22 10:00` in Asia/Shanghai (UTC+8, no daylight saving). */
export function formatShanghai(at: string | undefined, withSeconds = false): string {
  if (!at) return '—';
  const ms = new Date(at).getTime();
  if (Number.isNaN(ms)) return '—';
  const text = new Date(ms + 8 * HOUR).toISOString().replace('T', ' ');
  return withSeconds ? text.slice(0, 19) : text.slice(0, 16);
}

/** The Shanghai calendar date (YYYY-MM-DD) `daysAgo` days before `now`. */
export function shanghaiDate(now: number, daysAgo = 0): string {
  return new Date(now + 8 * HOUR - daysAgo * 24 * HOUR).toISOString().slice(0, 10);
}

/** `1:05:09` / `12:04` for a duration in ms (absolute value). */
export function formatDuration(ms: number): string {
  const total = Math.floor(Math.abs(ms) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(s).padStart(2, '0');
  if (h >= 24) return `${Math.floor(h / 24)}天${h % 24}小时`;
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/**
 * The server's clock can differ from the browser's (and runs fake in tests): when the API sends
 * `X-Server-Time` (UTC ISO), countdowns use server time.
 */
let skewMs = 0;

export function observeServerTime(header: string | null): void {
  if (!header) return;
  const server = new Date(header).getTime();
  if (!Number.isNaN(server)) skewMs = server - Date.now();
}

export function serverNow(): number {
  return Date.now() + skewMs;
}
