import type Database from 'better-sqlite3';
import type { SentimentLabel } from '../../lib/domain.js';
import type { SeriesPoint, SeriesQuery } from '../store.js';
import { DAY_MS, dayBucket, dayLabel, HOUR_MS, hourBucket, hourLabel, prepared, SHANGHAI_OFFSET_MS } from './codec.js';

export interface RollupKey {
  publishedAt: string;
  institution: string;
  source: string;
  topics: string[];
  label: SentimentLabel;
}

const ALL_TOPICS = '*';

/** Hourly (UTC) and daily (Asia/Shanghai) counts maintained on completeMention; reports never scan mentions. */
export class Rollups {
  private readonly addHour: Database.Statement;
  private readonly addDay: Database.Statement;
  private readonly addHourTotal: Database.Statement;
  private readonly addDayTotal: Database.Statement;

  constructor(private readonly db: Database.Database) {
    const upsert = (table: string) =>
      db.prepare(
        `INSERT INTO ${table} (topic, bucket, institution, source, label, count) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (topic, bucket, institution, source, label) DO UPDATE SET count = count + excluded.count`,
      );
    const upsertTotal = (table: string) =>
      db.prepare(
        `INSERT INTO ${table} (topic, bucket, label, count) VALUES (?, ?, ?, ?)
         ON CONFLICT (topic, bucket, label) DO UPDATE SET count = count + excluded.count`,
      );
    this.addHour = upsert('rollup_hour');
    this.addDay = upsert('rollup_day');
    this.addHourTotal = upsertTotal('rollup_hour_total');
    this.addDayTotal = upsertTotal('rollup_day_total');
  }

  add(key: RollupKey, n = 1): void {
    const h = hourBucket(key.publishedAt);
    const d = dayBucket(key.publishedAt);
    if (!Number.isFinite(h)) return;
    for (const topic of [ALL_TOPICS, ...new Set(key.topics)]) {
      this.addHour.run(topic, h, key.institution, key.source, key.label, n);
      this.addDay.run(topic, d, key.institution, key.source, key.label, n);
      this.addHourTotal.run(topic, h, key.label, n);
      this.addDayTotal.run(topic, d, key.label, n);
    }
  }

  series(q: SeriesQuery): SeriesPoint[] {
    const fromMs = Date.parse(q.from);
    const toMs = Date.parse(q.to);
    if (!(toMs > fromMs)) return [];
    const groupCol = q.groupBy ?? null;
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.topic || groupCol === 'topic') {
      if (q.topic) {
        where.push('topic = ?');
        params.push(q.topic);
      } else where.push(`topic != '${ALL_TOPICS}'`);
    } else where.push(`topic = '${ALL_TOPICS}'`);
    if (q.institution) {
      where.push('institution = ?');
      params.push(q.institution);
    }
    if (q.source) {
      where.push('source = ?');
      params.push(q.source);
    }
    const select = `SELECT bucket, ${groupCol ?? "''"} AS grp, label, SUM(count) AS n FROM`;
    // Without institution or source in the filter or grouping, the *_total rollups (topic, bucket, label)
    // hold the answer: a few rows per bucket, read in primary-key order (no sort for GROUP BY).
    const totals = !q.institution && !q.source && (groupCol === null || groupCol === 'topic');
    const suffix = totals ? '_total' : '';
    const group = groupCol ? `GROUP BY bucket, ${groupCol}, label` : 'GROUP BY bucket, label';
    // Hour buckets overlapping [from, to).
    const h0 = Math.floor(fromMs / HOUR_MS);
    const h1 = Math.ceil(toMs / HOUR_MS);
    const rows: SeriesRow[] = [];
    const run = (table: string, lo: number, hi: number, map: (b: number) => number) => {
      if (hi <= lo) return;
      const sql = `${select} ${table}${suffix} WHERE ${[...where, 'bucket >= ?', 'bucket < ?'].join(' AND ')} ${group}`;
      // Raw rows (arrays): cheaper than better-sqlite3 building an object per row.
      for (const [bucket, grp, lab, n] of prepared(this.db, sql)
        .raw(true)
        .all(...params, lo, hi) as Array<[number, string, SentimentLabel, number]>) {
        rows.push({ bucket: map(bucket), grp, label: lab, n });
      }
    };
    if (q.interval === 'hour') run('rollup_hour', h0, h1, (b) => b);
    else for (const span of daySpans(fromMs, toMs)) run(span.table, span.lo, span.hi, span.table === 'rollup_day' ? (b) => b : hourToDay);
    return seriesPoints(q, rows);
  }

  shareOfVoice(from: string, to: string): Array<{ institution: string; mentions: number; negative: number; positive: number; neutral: number }> {
    const rows: Array<{ institution: string; label: SentimentLabel; n: number }> = [];
    for (const span of daySpans(Date.parse(from), Date.parse(to))) {
      const sql = `SELECT institution, label, SUM(count) AS n FROM ${span.table}
         WHERE topic = '${ALL_TOPICS}' AND bucket >= ? AND bucket < ? AND institution != '' GROUP BY institution, label`;
      rows.push(...(prepared(this.db, sql).all(span.lo, span.hi) as typeof rows));
    }
    const by = new Map<string, { institution: string; mentions: number; negative: number; positive: number; neutral: number }>();
    for (const r of rows) {
      const e = by.get(r.institution) ?? { institution: r.institution, mentions: 0, negative: 0, positive: 0, neutral: 0 };
      e[r.label] += r.n;
      e.mentions += r.n;
      by.set(r.institution, e);
    }
    return [...by.values()].sort((a, b) => b.mentions - a.mentions || a.institution.localeCompare(b.institution));
  }
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

/** One count of a series: bucket number (UTC hour, or Asia/Shanghai day since the epoch), group, label. */
export interface SeriesRow {
  bucket: number;
  grp: string;
  label: SentimentLabel;
  n: number;
}

/**
 * Every bucket overlapping [from, to) (hours, or Asia/Shanghai days), each group seen, zero-filled; the
 * one shape every search backend answers with.
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
    p[r.label] += r.n;
    p.total += r.n;
  }
  const out = [...cells.values()];
  for (const p of out) p.netSentiment = p.total === 0 ? 0 : (p.positive - p.negative) / p.total;
  return out;
}
