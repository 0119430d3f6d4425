import type { Clock } from '../../lib/clock.js';

/**
 * Date strings seen on Chinese platforms (reference/sources.md §6), parsed to absolute instants.
 * Wall times without a zone are China time (Asia/Shanghai, UTC+8, no daylight saving).
 */

const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** Unix seconds (10 digits) or milliseconds (13 digits), as a number or a numeric string. */
export function parseUnixSeconds(value: string | number | undefined | null): Date | undefined {
  if (value === undefined || value === null) return undefined;
  const text = typeof value === 'number' ? String(Math.trunc(value)) : value.trim();
  if (!/^(\d{10}|\d{13})$/.test(text)) return undefined;
  const n = Number(text);
  const ms = text.length === 13 ? n : n * 1000;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** The UTC instant of a wall-clock time in Shanghai. */
export function shanghaiToDate(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): Date | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second) - SHANGHAI_OFFSET_MS;
  const d = new Date(ms);
  // Reject 2月31日 and the like (Date.UTC would roll them over into the next month).
  const wall = new Date(ms + SHANGHAI_OFFSET_MS);
  if (wall.getUTCMonth() !== month - 1 || wall.getUTCDate() !== day) return undefined;
  return d;
}

/** Year, month (1-12) and day of an instant as seen on a Shanghai wall calendar. */
function shanghaiParts(at: Date): { year: number; month: number; day: number } {
  const wall = new Date(at.getTime() + SHANGHAI_OFFSET_MS);
  return { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate() };
}

const MONTHS: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };

const RELATIVE_UNITS: Record<string, number> = {
  秒: 1000,
  秒钟: 1000,
  分: 60_000,
  分钟: 60_000,
  小时: 3_600_000,
  个小时: 3_600_000,
  天: DAY_MS,
  周: 7 * DAY_MS,
};

/** Optional ` HH:mm[:ss]` (or `HH时mm分`) after a date. */
const TIME = String.raw`(?:\s*[T ]?\s*(\d{1,2})[:：时](\d{1,2})(?:[:：分](\d{1,2}))?)?`;

const PATTERNS = {
  relative: /^(\d+|半)\s*(秒钟|秒|分钟|分|个小时|小时|天|周)\s*前/,
  dayWord: new RegExp(`^(今天|昨天|前天)${TIME}`),
  fullCn: new RegExp(`^(\\d{4})\\s*年\\s*(\\d{1,2})\\s*月\\s*(\\d{1,2})\\s*日${TIME}`),
  monthDayCn: new RegExp(`^(\\d{1,2})\\s*月\\s*(\\d{1,2})\\s*日${TIME}`),
  isoZoned: /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})$/i,
  isoLocal: new RegExp(`^(\\d{4})[-/.](\\d{1,2})[-/.](\\d{1,2})${TIME}`),
  monthDay: new RegExp(`^(\\d{1,2})-(\\d{1,2})(?!\\d)${TIME}`),
  weibo: /^[A-Za-z]{3}\s+([A-Za-z]{3})\s+(\d{1,2})\s+(\d{1,2}):(\d{2}):(\d{2})\s+([+-])(\d{2}):?(\d{2})\s+(\d{4})/,
};

function num(s: string | undefined): number {
  return s === undefined ? 0 : Number(s);
}

/**
 * Parses a date as Chinese platforms print it: relative (`刚刚`, `5分钟前`, `昨天 10:00`), partial
 * (`11月20日 10:00`, `11-20`: current year, or last year when that lands in the future), full
 * (`2024年11月20日`, `2025-11-22 10:15:02`), Weibo's `Sat Nov 22 10:00:00 +0800 2025`, RFC-822 and
 * ISO strings, and Unix seconds/milliseconds. A trailing `来自 iPhone` part is ignored.
 * Returns undefined when the text is not a date.
 */
export function parseChineseDate(input: string | number | undefined | null, clock: Clock): Date | undefined {
  if (input === undefined || input === null) return undefined;
  if (typeof input === 'number') return parseUnixSeconds(input);
  let text = input
    .normalize('NFKC')
    .replace(/[\u00a0\u3000]/g, ' ')
    .trim();
  const from = text.indexOf('来自');
  if (from >= 0) text = text.slice(0, from).trim();
  text = text.replace(/^(发布于|发表于|发布时间[:：]?|时间[:：]?)\s*/, '');
  if (text === '') return undefined;

  const unix = parseUnixSeconds(text);
  if (unix) return unix;

  const now = clock.now();
  if (/^刚刚/.test(text)) return new Date(now.getTime());

  let m = PATTERNS.relative.exec(text);
  if (m) {
    const amount = m[1] === '半' ? 0.5 : Number(m[1]);
    const unit = RELATIVE_UNITS[m[2] as string] as number;
    return new Date(now.getTime() - amount * unit);
  }

  m = PATTERNS.dayWord.exec(text);
  if (m) {
    const back = m[1] === '今天' ? 0 : m[1] === '昨天' ? 1 : 2;
    if (m[2] === undefined) return new Date(now.getTime() - back * DAY_MS);
    const today = shanghaiParts(now);
    const base = shanghaiToDate(today.year, today.month, today.day, num(m[2]), num(m[3]), num(m[4]));
    return base ? new Date(base.getTime() - back * DAY_MS) : undefined;
  }

  m = PATTERNS.fullCn.exec(text);
  if (m) return shanghaiToDate(num(m[1]), num(m[2]), num(m[3]), num(m[4]), num(m[5]), num(m[6]));

  m = PATTERNS.monthDayCn.exec(text) ?? PATTERNS.monthDay.exec(text);
  if (m) return withInferredYear(now, num(m[1]), num(m[2]), num(m[3]), num(m[4]), num(m[5]));

  if (PATTERNS.isoZoned.test(text)) {
    const iso = text
      .replace(' ', 'T')
      .replace(/\s+(?=[+-Zz])/, '')
      .replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
    return parseRfcOrIso(iso);
  }

  m = PATTERNS.isoLocal.exec(text);
  if (m) return shanghaiToDate(num(m[1]), num(m[2]), num(m[3]), num(m[4]), num(m[5]), num(m[6]));

  m = PATTERNS.weibo.exec(text);
  if (m) {
    const month = MONTHS[(m[1] as string).toLowerCase()];
    if (month === undefined) return undefined;
    const offsetMs = (m[6] === '-' ? -1 : 1) * (num(m[7]) * 60 + num(m[8])) * 60_000;
    const ms = Date.UTC(num(m[9]), month - 1, num(m[2]), num(m[3]), num(m[4]), num(m[5])) - offsetMs;
    return new Date(ms);
  }

  return parseRfcOrIso(text);
}

/** A month/day without a year: the current Shanghai year, or last year if that is in the future. */
function withInferredYear(now: Date, month: number, day: number, hour: number, minute: number, second: number): Date | undefined {
  const { year } = shanghaiParts(now);
  const candidate = shanghaiToDate(year, month, day, hour, minute, second);
  // Allow a little clock skew before deciding the date must be from last year.
  if (candidate && candidate.getTime() > now.getTime() + DAY_MS) return shanghaiToDate(year - 1, month, day, hour, minute, second);
  return candidate;
}

/** RFC-822 (RSS pubDate) and ISO-8601 with a zone. `CST` in Chinese feeds means China time, not US Central. */
function parseRfcOrIso(text: string): Date | undefined {
  if (!/[a-z]{3}|\d{4}-\d{2}-\d{2}T/i.test(text)) return undefined;
  const fixed = text.replace(/\bCST\b/, '+0800').replace(/\bGMT\+0?8(?::?00)?\b/, '+0800');
  const ms = Date.parse(fixed);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

/** A date without a time of day, as Weibo prints older posts and comments: `06-14`, `2025-06-14`, `6月14日`, `2025年6月14日`. */
const DATE_ONLY = /^(?:\d{4}\s*[-/.年]\s*)?\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?$/;

export function isDateOnly(input: string | undefined | null): boolean {
  if (!input) return false;
  return DATE_ONLY.test(
    input
      .normalize('NFKC')
      .replace(/[\u00a0\u3000]/g, ' ')
      .trim(),
  );
}

/** The Shanghai calendar day of an instant as `YYYY-MM-DD`. */
export function shanghaiDay(at: Date): string {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}
