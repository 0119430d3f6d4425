import pg from 'pg';
import { createHighlighter } from '../../../lib/html.js';
import type { Logger } from '../../../lib/logger.js';
import { type SeriesRow, seriesPoints } from '../../sqlite/rollups.js';
import type { MentionQuery, MentionView, Page, SeriesPoint, SeriesQuery } from '../../store.js';
import { clampLimit, decodeTimeCursor, encodeTimeCursor, type FlatDoc, flatten, hourRange, retentionCutoff, sortShare, sortTerms } from '../common.js';
import { redactSecrets, SearchUnavailableError } from '../errors.js';
import type { IndexDoc, SearchIndex, ShareOfVoiceRow, TermCount, TopTermsQuery } from '../search-index.js';
import { migrateSearch } from './migrations.js';

export interface PgSearchIndexOptions {
  /** postgres://user:password@host:port/db (never logged). */
  url: string;
  /** Schema for the index tables (default: the connection's search_path). Tests use a fresh one each. */
  schema?: string;
  /** Pool size (default 5). */
  maxConnections?: number;
  /** Months of mentions kept, the current one included (default 24). */
  retentionMonths?: number;
  /** The current time, for the retention cutoff of incoming documents (default: the system clock). */
  now?: () => Date;
  log: Logger;
}

/** Connection-level failures (the server is down, restarting or refusing connections). */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', '57P01', '57P03', '53300', '08006', '08001']);

const GROUP_COLUMN = { source: 'source', institution: 'institution', topic: 'tp.topic' } as const;

/** Mention search on PostgreSQL full text: jieba tokens in a `tsvector` of the `simple` configuration. */
export class PgSearchIndex implements SearchIndex {
  readonly backend = 'postgres' as const;
  readonly derived = true;
  private readonly pool: pg.Pool;
  private ready: Promise<unknown> | undefined;
  private readonly retentionMonths: number;
  private readonly now: () => Date;

  constructor(options: PgSearchIndexOptions) {
    if (options.schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(options.schema)) throw new Error(`invalid schema name ${options.schema}`);
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: options.maxConnections ?? 5,
      connectionTimeoutMillis: 5000,
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    });
    // An idle client losing its server must not crash the process; the next query reports it.
    this.pool.on('error', (err) => options.log.warn('search index connection lost', { error: redactSecrets(err.message) }));
    this.retentionMonths = options.retentionMonths ?? 24;
    this.now = options.now ?? (() => new Date());
  }

  /** Runs the migrations once (also done lazily by the first query). */
  migrate(): Promise<unknown> {
    this.ready ??= migrateSearch(this.pool).catch((err: unknown) => {
      this.ready = undefined;
      throw err;
    });
    return this.ready;
  }

  private async query<R extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<R[]> {
    try {
      await this.migrate();
      return (await this.pool.query<R>(sql, params)).rows;
    } catch (err) {
      throw mapPgError(err);
    }
  }

  async index(docs: IndexDoc[]): Promise<void> {
    const cutoff = retentionCutoff(this.now(), this.retentionMonths).getTime();
    const byId = new Map<string, FlatDoc>();
    for (const d of docs) {
      const flat = flatten(d);
      if (Date.parse(flat.publishedAt) >= cutoff) byId.set(flat.id, flat);
    }
    const rows = [...byId.values()];
    for (let i = 0; i < rows.length; i += 500) {
      const batch = rows.slice(i, i + 500).map((f) => ({
        id: f.id,
        published_at: f.publishedAt,
        source: f.source,
        source_type: f.sourceType,
        institution: f.institution,
        institutions: f.institutions,
        topics: f.topics,
        sentiment: f.sentiment,
        tokens: f.tokens,
        terms: f.terms,
        view: f.view,
      }));
      await this.query(
        `INSERT INTO search_mentions AS s (id, published_at, source, source_type, institution, institutions, topics, sentiment, tsv, terms, view, indexed_at)
         SELECT id, published_at, source, source_type, institution, institutions, topics, sentiment, to_tsvector('simple', tokens), terms, view, now()
         FROM jsonb_to_recordset($1::jsonb) AS x(id text, published_at timestamptz, source text, source_type text, institution text,
           institutions text[], topics text[], sentiment text, tokens text, terms text[], view jsonb)
         ON CONFLICT (id) DO UPDATE SET published_at = EXCLUDED.published_at, source = EXCLUDED.source, source_type = EXCLUDED.source_type,
           institution = EXCLUDED.institution, institutions = EXCLUDED.institutions, topics = EXCLUDED.topics, sentiment = EXCLUDED.sentiment,
           tsv = EXCLUDED.tsv, terms = EXCLUDED.terms, view = EXCLUDED.view, indexed_at = EXCLUDED.indexed_at`,
        [JSON.stringify(batch)],
      );
    }
  }

  async refresh(): Promise<void> {}

  async search(query: MentionQuery): Promise<Page<MentionView>> {
    const terms = queryTerms(query.q);
    const limit = clampLimit(query.limit);
    const w = filters(query);
    if (terms.length > 0) w.add(`tsv @@ (${terms.map((t) => `phraseto_tsquery('simple', ${w.param(t)})`).join(' && ')})`);
    if (query.from) w.add(`published_at >= ${w.param(query.from)}::timestamptz`);
    if (query.to) w.add(`published_at < ${w.param(query.to)}::timestamptz`);
    const cursor = decodeTimeCursor(query.cursor);
    if (cursor) w.add(`(published_at, id) < (${w.param(new Date(cursor.t).toISOString())}::timestamptz, ${w.param(cursor.id)})`);
    const rows = await this.query<{ view: MentionView; ms: number }>(
      `SELECT view, (extract(epoch FROM published_at) * 1000)::float8 AS ms FROM search_mentions ${w.where()}
       ORDER BY published_at DESC, id DESC LIMIT ${limit + 1}`,
      w.params,
    );
    const mark = terms.length > 0 ? createHighlighter(terms) : undefined;
    const items = rows.slice(0, limit).map((r) => (mark ? { ...r.view, highlight: mark(r.view.analysis?.displayText ?? r.view.text) } : r.view));
    const last = rows[limit - 1];
    return rows.length > limit && last ? { items, nextCursor: encodeTimeCursor({ t: Math.round(last.ms), id: last.view.id }) } : { items };
  }

  async sentimentSeries(q: SeriesQuery): Promise<SeriesPoint[]> {
    const { fromMs, toMs } = hourRange(q.from, q.to);
    if (!(toMs > fromMs)) return [];
    const w = filters(q);
    w.add(`published_at >= ${w.param(new Date(fromMs).toISOString())}::timestamptz`);
    w.add(`published_at < ${w.param(new Date(toMs).toISOString())}::timestamptz`);
    const bucket =
      q.interval === 'hour'
        ? 'floor(extract(epoch FROM published_at) / 3600)::int'
        : `(date_trunc('day', published_at AT TIME ZONE 'Asia/Shanghai')::date - DATE '1970-01-01')`;
    const grp = q.groupBy ? GROUP_COLUMN[q.groupBy] : `''`;
    const from = q.groupBy === 'topic' ? 'search_mentions, unnest(topics) AS tp(topic)' : 'search_mentions';
    const rows = await this.query<SeriesRow>(
      `SELECT ${bucket} AS bucket, ${grp} AS grp, sentiment AS label, count(*)::int AS n FROM ${from} ${w.where()} GROUP BY 1, 2, 3`,
      w.params,
    );
    return seriesPoints(q, rows);
  }

  async shareOfVoice(from: string, to: string): Promise<ShareOfVoiceRow[]> {
    const { fromMs, toMs } = hourRange(from, to);
    if (!(toMs > fromMs)) return [];
    const rows = await this.query<{ institution: string; label: 'negative' | 'neutral' | 'positive'; n: number }>(
      `SELECT institution, sentiment AS label, count(*)::int AS n FROM search_mentions
       WHERE published_at >= $1::timestamptz AND published_at < $2::timestamptz AND institution <> '' GROUP BY 1, 2`,
      [new Date(fromMs).toISOString(), new Date(toMs).toISOString()],
    );
    const by = new Map<string, ShareOfVoiceRow>();
    for (const r of rows) {
      const e = by.get(r.institution) ?? { institution: r.institution, mentions: 0, negative: 0, positive: 0, neutral: 0 };
      e[r.label] += r.n;
      e.mentions += r.n;
      by.set(r.institution, e);
    }
    return sortShare([...by.values()]);
  }

  async topTerms(q: TopTermsQuery): Promise<TermCount[]> {
    const w = filters(q);
    w.add(`published_at >= ${w.param(q.from)}::timestamptz`);
    w.add(`published_at < ${w.param(q.to)}::timestamptz`);
    const rows = await this.query<TermCount>(
      `SELECT term, count(*)::int AS count FROM search_mentions, unnest(terms) AS term ${w.where()}
       GROUP BY term ORDER BY count DESC, term COLLATE "C" LIMIT ${clampLimit(q.limit, 200)}`,
      w.params,
    );
    return sortTerms(rows);
  }

  async applyRetention(now: Date): Promise<{ deleted: string[] }> {
    const cutoff = retentionCutoff(now, this.retentionMonths).toISOString();
    const rows = await this.query<{ n: number }>(
      'WITH d AS (DELETE FROM search_mentions WHERE published_at < $1::timestamptz RETURNING 1) SELECT count(*)::int AS n FROM d',
      [cutoff],
    );
    const n = rows[0]?.n ?? 0;
    return { deleted: n > 0 ? [`${n} mentions published before ${cutoff}`] : [] };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

function queryTerms(q: string | undefined): string[] {
  return q ? [...new Set(q.split(/\s+/).filter(Boolean))] : [];
}

/** A WHERE clause under construction with numbered parameters. */
function filters(q: { institution?: string; source?: string; sentiment?: string; topic?: string }) {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const w = {
    params,
    param(v: unknown): string {
      params.push(v);
      return `$${params.length}`;
    },
    add(clause: string): void {
      clauses.push(clause);
    },
    where: () => (clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : ''),
  };
  if (q.institution !== undefined) w.add(`institution = ${w.param(q.institution)}`);
  if (q.source !== undefined) w.add(`source = ${w.param(q.source)}`);
  if (q.sentiment !== undefined) w.add(`sentiment = ${w.param(q.sentiment)}`);
  if (q.topic !== undefined) w.add(`topics @> ARRAY[${w.param(q.topic)}]::text[]`);
  return w;
}

/** PostgreSQL errors as project errors; messages carry codes, never the connection string. */
export function mapPgError(err: unknown): Error {
  if (err instanceof SearchUnavailableError) return err;
  const code = (err as { code?: string }).code;
  const message = redactSecrets(err instanceof Error ? err.message : String(err));
  if ((code && UNAVAILABLE_CODES.has(code)) || /timeout|terminat|Connection/i.test(message)) {
    return new SearchUnavailableError(`the PostgreSQL search index is unavailable (${code ?? 'connection failed'}); try again later`, 10_000, { cause: err });
  }
  return new Error(`PostgreSQL search index query failed: ${code ? `${code} ` : ''}${message}`, { cause: err });
}
