import type Database from 'better-sqlite3';
import type { SentimentLabel } from '../../lib/domain.js';
import { ALL_TOPICS, planSeries, planShareOfVoice, type SeriesRow, type SeriesTuple, toShareOfVoice, type VoiceRow } from '../series.js';
import type { SeriesPoint, SeriesQuery } from '../store.js';
import { dayBucket, hourBucket, prepared } from './codec.js';

export interface RollupKey {
  publishedAt: string;
  institution: string;
  source: string;
  topics: string[];
  label: SentimentLabel;
}

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
    const plan = planSeries(q, () => '?');
    if (!plan) return [];
    const rows: SeriesRow[] = [];
    for (const r of plan.reads) {
      // Raw rows (arrays): cheaper than better-sqlite3 building an object per row.
      for (const [bucket, grp, label, n] of prepared(this.db, r.sql)
        .raw(true)
        .all(...r.params) as SeriesTuple[]) {
        rows.push({ bucket: r.map(bucket), grp, label, n });
      }
    }
    return plan.finish(rows);
  }

  shareOfVoice(from: string, to: string): VoiceRow[] {
    const rows: Array<{ institution: string; label: SentimentLabel; n: number }> = [];
    for (const r of planShareOfVoice(from, to, () => '?')) rows.push(...(prepared(this.db, r.sql).all(...r.params) as typeof rows));
    return toShareOfVoice(rows);
  }
}

/** The series shape every search backend answers with (store/search imports it from here). */
export { type SeriesRow, seriesPoints } from '../series.js';
