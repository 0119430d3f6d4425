import type pg from 'pg';
import type { SentimentLabel } from '../../lib/domain.js';
import { ALL_TOPICS, planSeries, planShareOfVoice, type SeriesRow, toShareOfVoice, type VoiceRow } from '../series.js';
import { dayBucket, hourBucket } from '../sqlite/codec.js';
import type { RollupKey } from '../sqlite/reports.js';
import type { SeriesPoint, SeriesQuery } from '../store.js';
import { dollar, type Queryable } from './db.js';

/** The rollups of the SQLite store, maintained in the completing transaction (rows in a fixed order: no deadlocks). */
export class PgRollups {
  constructor(private readonly pool: pg.Pool) {}

  async add(c: Queryable, key: RollupKey, n = 1): Promise<void> {
    const h = hourBucket(key.publishedAt);
    const d = dayBucket(key.publishedAt);
    if (!Number.isFinite(h)) return;
    const topics = [ALL_TOPICS, ...[...new Set(key.topics)].sort()];
    // One statement, four upserts; rows in a fixed order, so concurrent completions never deadlock.
    const dim = (table: string, bucket: string) =>
      `INSERT INTO ${table} (topic, bucket, institution, source, label, count) SELECT t, ${bucket}, $3, $4, $5, $6 FROM unnest($1::text[]) AS t
       ON CONFLICT (topic, bucket, institution, source, label) DO UPDATE SET count = ${table}.count + excluded.count`;
    const total = (table: string, bucket: string) =>
      `INSERT INTO ${table}_total (topic, bucket, label, count) SELECT t, ${bucket}, $5, $6 FROM unnest($1::text[]) AS t
       ON CONFLICT (topic, bucket, label) DO UPDATE SET count = ${table}_total.count + excluded.count`;
    await c.query(
      `WITH hd AS (${dim('rollup_hour', '$2')}), ht AS (${total('rollup_hour', '$2')}), dd AS (${dim('rollup_day', '$7')}) ${total('rollup_day', '$7')}`,
      [topics, h, key.institution, key.source, key.label, n, d],
    );
  }

  async series(q: SeriesQuery): Promise<SeriesPoint[]> {
    const plan = planSeries(q, dollar);
    if (!plan) return [];
    const rows: SeriesRow[] = [];
    for (const r of plan.reads) {
      for (const row of (await this.pool.query(r.sql, r.params)).rows as SeriesRow[]) {
        rows.push({ ...row, bucket: r.map(row.bucket) });
      }
    }
    return plan.finish(rows);
  }

  async shareOfVoice(from: string, to: string): Promise<VoiceRow[]> {
    const rows: Array<{ institution: string; label: SentimentLabel; n: number }> = [];
    for (const r of planShareOfVoice(from, to, dollar)) rows.push(...((await this.pool.query(r.sql, r.params)).rows as typeof rows));
    return toShareOfVoice(rows);
  }
}
