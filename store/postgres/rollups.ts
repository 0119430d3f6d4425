import type pg from 'pg';
import type { SentimentLabel } from '../../lib/domain.js';
import { ALL_TOPICS, planSeries, planShareOfVoice, type SeriesRow, toShareOfVoice, type VoiceRow } from '../series.js';
import { dayBucket, hourBucket } from '../sqlite/codec.js';
import type { RollupKey } from '../sqlite/rollups.js';
import type { SeriesPoint, SeriesQuery } from '../store.js';
import { dollar, type Queryable } from './db.js';

/** The rollups of the SQLite store, maintained in the completing transaction (rows in a fixed order: no deadlocks). */
export class PgRollups {
  constructor(private readonly pool: pg.Pool) {}

  /**
   * Adds one count per key, aggregated: each rollup row is upserted once, tables in a fixed order and rows
   * sorted, so two transactions lock shared rows (the *_total rows every institution shares) in the same
   * order and cannot deadlock.
   */
  async addAll(c: Queryable, keys: RollupKey[]): Promise<void> {
    const dims = new Map<string, number>();
    const totals = new Map<string, number>();
    const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
    for (const key of keys) {
      const h = hourBucket(key.publishedAt);
      const d = dayBucket(key.publishedAt);
      if (!Number.isFinite(h)) continue;
      for (const topic of [ALL_TOPICS, ...new Set(key.topics)]) {
        for (const [kind, bucket] of [
          ['h', h],
          ['d', d],
        ] as const) {
          bump(dims, JSON.stringify([kind, topic, bucket, key.institution, key.source, key.label]));
          bump(totals, JSON.stringify([kind, topic, bucket, key.label]));
        }
      }
    }
    if (dims.size === 0) return;
    const columns = (m: Map<string, number>, kind: string, width: number): unknown[][] => {
      const rows = [...m]
        .map(([k, n]) => [...(JSON.parse(k) as unknown[]), n])
        .filter((r) => r[0] === kind)
        .sort(compareRows);
      return Array.from({ length: width + 1 }, (_, i) => rows.map((r) => r[i + 1]));
    };
    const dim = (table: string, p: number) =>
      `INSERT INTO ${table} (topic, bucket, institution, source, label, count)
       SELECT * FROM unnest($${p}::text[], $${p + 1}::bigint[], $${p + 2}::text[], $${p + 3}::text[], $${p + 4}::text[], $${p + 5}::bigint[])
       ON CONFLICT (topic, bucket, institution, source, label) DO UPDATE SET count = ${table}.count + excluded.count`;
    const total = (table: string, p: number) =>
      `INSERT INTO ${table}_total (topic, bucket, label, count) SELECT * FROM unnest($${p}::text[], $${p + 1}::bigint[], $${p + 2}::text[], $${p + 3}::bigint[])
       ON CONFLICT (topic, bucket, label) DO UPDATE SET count = ${table}_total.count + excluded.count`;
    await c.query(`WITH hd AS (${dim('rollup_hour', 1)}), ht AS (${total('rollup_hour', 7)}), dd AS (${dim('rollup_day', 11)}) ${total('rollup_day', 17)}`, [
      ...columns(dims, 'h', 5),
      ...columns(totals, 'h', 3),
      ...columns(dims, 'd', 5),
      ...columns(totals, 'd', 3),
    ]);
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

function compareRows(a: unknown[], b: unknown[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as string | number;
    const y = b[i] as string | number;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
