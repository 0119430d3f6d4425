import type { SentimentLabel } from '../lib/domain.js';
import { DAY_MS, dayLabel, HOUR_MS, hourLabel, SHANGHAI_OFFSET_MS } from './sqlite/codec.js';
import type { SeriesPoint, SeriesQuery } from './store.js';

/**
 * Backend-neutral planning of the rollup reads (both backends keep the same rollup tables): which
 * statements to run over which bucket ranges, and how to turn their rows into series points.
 * `param(i)` spells the i-th (0-based) bind parameter: `?` for SQLite, `$1…` for PostgreSQL.
 */
export type Param = (index: number) => string;

export const ALL_TOPICS = '*';

export interface RollupRead {
  sql: string;
  params: unknown[];
  /** Maps a row's bucket to the series bucket (hour rows read for whole days become day buckets). */
  map: (bucket: number) => number;
}

/** One rollup row as read raw (array): bucket, group, label, count. */
export type SeriesTuple = [bucket: number, grp: string, label: SentimentLabel, n: number];

/** One count of a series: bucket number (UTC hour, or Asia/Shanghai day since the epoch), group, label. */
export interface SeriesRow {
  bucket: number;
  grp: string;
  label: SentimentLabel;
  n: number;
}

export interface SeriesPlan {
  reads: RollupRead[];
  finish(rows: SeriesRow[]): SeriesPoint[];
}

export function planSeries(q: SeriesQuery, param: Param): SeriesPlan | undefined {
  const fromMs = Date.parse(q.from);
  const toMs = Date.parse(q.to);
  if (!(toMs > fromMs)) return undefined;
  const groupCol = q.groupBy ?? null;
  const where: string[] = [];
  const params: unknown[] = [];
  if (q.topic || groupCol === 'topic') {
    if (q.topic) {
      where.push(`topic = ${param(params.length)}`);
      params.push(q.topic);
    } else where.push(`topic != '${ALL_TOPICS}'`);
  } else where.push(`topic = '${ALL_TOPICS}'`);
  if (q.institution) {
    where.push(`institution = ${param(params.length)}`);
    params.push(q.institution);
  }
  if (q.source) {
    where.push(`source = ${param(params.length)}`);
    params.push(q.source);
  }
  const select = `SELECT bucket, ${groupCol ?? "''"} AS grp, label, SUM(count) AS n FROM`;
  // Without institution or source in the filter or grouping, the *_total rollups (topic, bucket, label)
  // hold the answer: a few rows per bucket, read in primary-key order (no sort for GROUP BY).
  const totals = !q.institution && !q.source && (groupCol === null || groupCol === 'topic');
  const suffix = totals ? '_total' : '';
  const group = groupCol ? `GROUP BY bucket, ${groupCol}, label` : 'GROUP BY bucket, label';
  const h0 = Math.floor(fromMs / HOUR_MS);
  const h1 = Math.ceil(toMs / HOUR_MS);
  const reads: RollupRead[] = [];
  const read = (table: string, lo: number, hi: number, map: (b: number) => number) => {
    if (hi <= lo) return;
    const bounds = [`bucket >= ${param(params.length)}`, `bucket < ${param(params.length + 1)}`];
    reads.push({ sql: `${select} ${table}${suffix} WHERE ${[...where, ...bounds].join(' AND ')} ${group}`, params: [...params, lo, hi], map });
  };
  if (q.interval === 'hour') read('rollup_hour', h0, h1, (b) => b);
  else for (const span of daySpans(fromMs, toMs)) read(span.table, span.lo, span.hi, span.table === 'rollup_day' ? (b) => b : hourToDay);
  return { reads, finish: (rows) => seriesPoints(q, rows) };
}

/**
 * Every bucket overlapping [from, to) (hours, or Asia/Shanghai days), each group seen, zero-filled; the
 * one shape every backend (store and search index) answers with.
 */
export function seriesPoints(q: SeriesQuery, rows: SeriesRow[]): SeriesPoint[] {
  const fromMs = Date.parse(q.from);
  const toMs = Date.parse(q.to);
  if (!(toMs > fromMs)) return [];
  if (q.interval === 'hour') return toPoints(rows, range(Math.floor(fromMs / HOUR_MS), Math.ceil(toMs / HOUR_MS)), hourLabel, q.groupBy !== undefined);
  const d0 = Math.floor((fromMs + SHANGHAI_OFFSET_MS) / DAY_MS);
  const d1 = Math.ceil((toMs + SHANGHAI_OFFSET_MS) / DAY_MS);
  return toPoints(rows, range(d0, d1), dayLabel, q.groupBy !== undefined);
}

/** Share-of-voice reads over [from, to): whole days from rollup_day, edge hours from rollup_hour. */
export function planShareOfVoice(from: string, to: string, param: Param): RollupRead[] {
  return daySpans(Date.parse(from), Date.parse(to)).map((span) => ({
    sql: `SELECT institution, label, SUM(count) AS n FROM ${span.table}
         WHERE topic = '${ALL_TOPICS}' AND bucket >= ${param(0)} AND bucket < ${param(1)} AND institution != '' GROUP BY institution, label`,
    params: [span.lo, span.hi],
    map: (b) => b,
  }));
}

export interface VoiceRow {
  institution: string;
  mentions: number;
  negative: number;
  positive: number;
  neutral: number;
}

export function toShareOfVoice(rows: Array<{ institution: string; label: SentimentLabel; n: number }>): VoiceRow[] {
  const by = new Map<string, VoiceRow>();
  for (const r of rows) {
    const e = by.get(r.institution) ?? { institution: r.institution, mentions: 0, negative: 0, positive: 0, neutral: 0 };
    e[r.label] += Number(r.n);
    e.mentions += Number(r.n);
    by.set(r.institution, e);
  }
  return [...by.values()].sort((a, b) => b.mentions - a.mentions || a.institution.localeCompare(b.institution));
}

const hourToDay = (b: number) => Math.floor((b * HOUR_MS + SHANGHAI_OFFSET_MS) / DAY_MS);

/** Splits [from, to) into whole Asia/Shanghai days (rollup_day) and the partial edge hours (rollup_hour). */
function daySpans(fromMs: number, toMs: number): Array<{ table: 'rollup_day' | 'rollup_hour'; lo: number; hi: number }> {
  if (!(toMs > fromMs)) return [];
  const h0 = Math.floor(fromMs / HOUR_MS);
  const h1 = Math.ceil(toMs / HOUR_MS);
  const dayStartHour = (d: number) => (d * DAY_MS - SHANGHAI_OFFSET_MS) / HOUR_MS;
  const d0 = Math.floor((fromMs + SHANGHAI_OFFSET_MS) / DAY_MS);
  const d1 = Math.ceil((toMs + SHANGHAI_OFFSET_MS) / DAY_MS);
  const fullFrom = dayStartHour(d0) >= h0 ? d0 : d0 + 1;
  const fullTo = dayStartHour(d1) <= h1 ? d1 : d1 - 1;
  if (fullTo <= fullFrom) return [{ table: 'rollup_hour', lo: h0, hi: h1 }];
  const spans: Array<{ table: 'rollup_day' | 'rollup_hour'; lo: number; hi: number }> = [{ table: 'rollup_day', lo: fullFrom, hi: fullTo }];
  if (dayStartHour(fullFrom) > h0) spans.push({ table: 'rollup_hour', lo: h0, hi: dayStartHour(fullFrom) });
  if (h1 > dayStartHour(fullTo)) spans.push({ table: 'rollup_hour', lo: dayStartHour(fullTo), hi: h1 });
  return spans;
}

function range(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let b = lo; b < hi; b++) out.push(b);
  return out;
}

function toPoints(rows: SeriesRow[], buckets: number[], label: (b: number) => string, grouped: boolean): SeriesPoint[] {
  const groups = grouped ? [...new Set(rows.map((r) => r.grp))].sort() : [''];
  const cells = new Map<string, SeriesPoint>();
  for (const b of buckets) {
    for (const g of groups) {
      const p: SeriesPoint = { bucket: label(b), negative: 0, neutral: 0, positive: 0, total: 0, netSentiment: 0 };
      if (grouped) p.group = g;
      cells.set(`${b}|${g}`, p);
    }
  }
  for (const r of rows) {
    const p = cells.get(`${r.bucket}|${grouped ? r.grp : ''}`);
    if (!p) continue;
    p[r.label] += Number(r.n);
    p.total += Number(r.n);
  }
  const out = [...cells.values()];
  for (const p of out) p.netSentiment = p.total === 0 ? 0 : (p.positive - p.negative) / p.total;
  return out;
}
