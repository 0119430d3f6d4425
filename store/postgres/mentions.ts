import type pg from 'pg';
import type { Analysis, Event, Mention } from '../../lib/domain.js';
import { CompletionCollector } from '../completion.js';
import { type MaskText, maskMention } from '../mask.js';
import {
  decodeCursor,
  encodeCursor,
  highlight,
  leaseParams,
  listColumn,
  type MentionRow,
  mentionData,
  normIso,
  queryTerms,
  rowToMention,
  sortKey,
  sortKeyFloor,
  titleText,
} from '../sqlite/codec.js';
import { byPublished, isSkCursor, type JoinedRow, toView } from '../sqlite/mentions.js';
import type { RollupKey } from '../sqlite/rollups.js';
import { type CompletionItem, type CompletionResult, type Lease, LeaseLostError, type MentionQuery, type MentionView, type Page } from '../store.js';
import { dollar, inTx, inTxRetry, lockKey, type Queryable } from './db.js';
import { PgEventRepo } from './events.js';
import type { PgRollups } from './rollups.js';

const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export interface PgMentionOptions {
  tokenize?: (text: string) => string[];
  keepRawText?: boolean;
  /** PII masker applied to every crawled field before a mention is first stored (unless keepRawText). */
  maskText?: MaskText;
}

const VIEW = 'm.id, m.data, m.duplicate_of, m.processed_at, m.published_at, m.lease_owner, a.data AS adata';

/** Mentions, leases, analyses and search (jieba tokens and the title in a `simple` tsvector). */
export class PgMentionRepo {
  readonly events: PgEventRepo;

  constructor(
    private readonly pool: pg.Pool,
    private readonly rollups: PgRollups,
    private readonly options: PgMentionOptions,
  ) {
    this.events = new PgEventRepo(pool);
  }

  /** Upserts run one at a time (content dedup reads, then writes) under an advisory lock nothing else takes. */
  async upsert(mentions: Mention[]): Promise<{ inserted: string[]; fresh: string[]; duplicates: string[] }> {
    const inserted: string[] = [];
    const fresh: string[] = [];
    const duplicates: string[] = [];
    if (mentions.length === 0) return { inserted, fresh, duplicates };
    await inTx(this.pool, async (c) => {
      await c.query(`SELECT pg_advisory_xact_lock(${lockKey('$1')})`, ['upsert-mentions']);
      const ids = mentions.map((m) => m.id);
      const hashes = [...new Set(mentions.map((m) => m.contentHash).filter(Boolean))];
      const stored = (await c.query("SELECT id, data::jsonb->'truncated' = 'true' AS cut FROM mentions WHERE id = ANY($1)", [ids])).rows as Array<{
        id: string;
        cut: boolean | null;
      }>;
      const seen = new Set(stored.map((r) => r.id));
      const cut = new Set(stored.filter((r) => r.cut).map((r) => r.id));
      const owner = new Map<string, string>();
      const known = await c.query('SELECT content_hash, min(id) AS id FROM mentions WHERE content_hash = ANY($1) AND duplicate_of IS NULL GROUP BY 1', [
        hashes,
      ]);
      for (const r of known.rows as Array<{ content_hash: string; id: string }>) owner.set(r.content_hash, r.id);
      const cols: unknown[][] = [[], [], [], [], [], [], []];
      for (const raw of mentions) {
        if (seen.has(raw.id)) {
          // A post stored cut short (`truncated`) whose full text arrived: it takes the full text and goes back to the pipeline.
          if (cut.has(raw.id) && !raw.truncated) {
            cut.delete(raw.id);
            await c.query('UPDATE mentions SET data = $1, content_hash = $2, processed_at = NULL WHERE id = $3', [
              mentionData(this.masked(raw)),
              raw.contentHash,
              raw.id,
            ]);
            fresh.push(raw.id);
          }
          continue;
        }
        seen.add(raw.id);
        const m = this.masked(raw);
        const dupOf = m.contentHash ? owner.get(m.contentHash) : undefined;
        if (m.contentHash && !dupOf) owner.set(m.contentHash, m.id);
        const values = [m.id, m.source, normIso(m.publishedAt), m.fetchedAt, m.contentHash, dupOf ?? null, mentionData(m)];
        for (const [i, v] of values.entries()) cols[i]!.push(v);
        inserted.push(m.id);
        (dupOf ? duplicates : fresh).push(m.id);
      }
      if (inserted.length === 0) return;
      await c.query(
        `INSERT INTO mentions (id, source, published_at, fetched_at, content_hash, duplicate_of, data)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])`,
        cols,
      );
    });
    return { inserted, fresh, duplicates };
  }

  private masked(m: Mention): Mention {
    return this.options.maskText && !this.options.keepRawText ? maskMention(m, this.options.maskText) : m;
  }

  async get(id: string): Promise<(Mention & { analysis?: Analysis }) | undefined> {
    const r = (await this.pool.query(`SELECT ${VIEW} FROM mentions m LEFT JOIN analyses a ON a.mention_id = m.id WHERE m.id = $1`, [id])).rows[0];
    return r ? toView(r as JoinedRow) : undefined;
  }

  async listUnprocessed(limit: number): Promise<Mention[]> {
    const r = await this.pool.query(
      'SELECT data, duplicate_of, processed_at FROM mentions WHERE processed_at IS NULL AND duplicate_of IS NULL ORDER BY published_at, id LIMIT $1',
      [Math.max(0, limit)],
    );
    return (r.rows as MentionRow[]).map(rowToMention);
  }

  /** Locks the candidate rows in id order (two claimers never deadlock), re-checked after any wait. */
  async claim(ids: string[], lease: Lease): Promise<Mention[]> {
    const p = leaseParams(lease);
    const r = await this.pool.query(
      `WITH c AS (SELECT id FROM mentions WHERE id = ANY($1) AND processed_at IS NULL AND duplicate_of IS NULL
                    AND (lease_until IS NULL OR lease_until <= $2 OR lease_owner = $3) ORDER BY id FOR UPDATE)
       UPDATE mentions m SET lease_owner = $3, lease_until = $4 FROM c WHERE m.id = c.id
       RETURNING m.id, m.data, m.duplicate_of, m.processed_at, m.published_at`,
      [ids, p.now, p.owner, p.until],
    );
    return (r.rows as JoinedRow[]).sort(byPublished).map(rowToMention);
  }

  async claimUnprocessed(limit: number, lease: Lease): Promise<Mention[]> {
    const p = leaseParams(lease);
    const r = await this.pool.query(
      `WITH c AS (SELECT id FROM mentions WHERE processed_at IS NULL AND duplicate_of IS NULL AND (lease_until IS NULL OR lease_until <= $1)
                  ORDER BY published_at, id LIMIT $2 FOR UPDATE SKIP LOCKED)
       UPDATE mentions m SET lease_owner = $3, lease_until = $4 FROM c WHERE m.id = c.id
       RETURNING m.id, m.data, m.duplicate_of, m.processed_at, m.published_at`,
      [p.now, Math.max(0, limit), p.owner, p.until],
    );
    return (r.rows as JoinedRow[]).sort(byPublished).map(rowToMention);
  }

  async release(ids: string[], owner: string, retryAt: string | undefined): Promise<number> {
    const r = await this.pool.query(
      'UPDATE mentions SET lease_owner = NULL, lease_until = $1 WHERE id = ANY($2) AND lease_owner = $3 AND processed_at IS NULL',
      [retryAt === undefined ? null : normIso(retryAt), ids, owner],
    );
    return r.rowCount ?? 0;
  }

  async complete(mentionId: string, analysis: Analysis, eventId: string | undefined, at: string, owner?: string): Promise<Event | undefined> {
    return inTxRetry(this.pool, async (c) => {
      const counts: RollupKey[] = [];
      const event = await this.completeOn(c, mentionId, analysis, eventId, at, owner, counts);
      await this.rollups.addAll(c, counts);
      return event;
    });
  }

  /**
   * One transaction for the batch, in a fixed lock order (items by event, then id; rollups last, sorted),
   * so concurrent batches do not deadlock; retried from the start if PostgreSQL still picks it as a victim.
   * A lost lease is detected before any write for that mention.
   */
  async completeMany(items: CompletionItem[], at: string, owner: string | undefined): Promise<CompletionResult> {
    const sorted = [...items].sort((x, y) => compareIds(x.eventId ?? '', y.eventId ?? '') || compareIds(x.id, y.id));
    return inTxRetry(this.pool, async (c) => {
      const batch = new CompletionCollector();
      const counts: RollupKey[] = [];
      for (const it of sorted) {
        const outcome = await this.completeOn(c, it.id, it.analysis, it.eventId, at, owner, counts).catch((err: unknown) =>
          err instanceof LeaseLostError ? err : Promise.reject(err),
        );
        batch.record(it.id, outcome);
      }
      await this.rollups.addAll(c, counts);
      return batch.result();
    });
  }

  /**
   * About five round trips: lock + read, analysis + mark processed, then the event's link + lock, members and
   * stats. The rollup counts go to `counts`, written by the caller at the end of the transaction.
   */
  private async completeOn(
    c: Queryable,
    mentionId: string,
    analysis: Analysis,
    eventId: string | undefined,
    at: string,
    owner: string | undefined,
    counts: RollupKey[],
  ): Promise<Event | undefined> {
    const row = (
      await c.query(
        `SELECT m.id, m.data, m.duplicate_of, m.processed_at, m.lease_owner, a.mention_id IS NOT NULL AS done, a.event_id AS prior_event
         FROM mentions m LEFT JOIN analyses a ON a.mention_id = m.id WHERE m.id = $1 FOR UPDATE OF m`,
        [mentionId],
      )
    ).rows[0] as (JoinedRow & { done: boolean; prior_event: string | null }) | undefined;
    if (!row) throw new Error(`mention ${mentionId} not found`);
    if (row.done) {
      // Re-opened after its full text arrived: refresh the analysis and search vector; counts stay.
      if (row.processed_at === null) await this.refresh(c, rowToMention(row), analysis, at);
      // Already completed: never count twice.
      const id = row.prior_event ?? eventId;
      return id ? this.events.get(id, c) : undefined;
    }
    if (owner !== undefined && row.lease_owner && row.lease_owner !== owner) throw new LeaseLostError(mentionId, owner, row.lease_owner);
    const mention = rowToMention(row);
    const publishedAt = normIso(mention.publishedAt);
    const topics = analysis.topics.map((t) => t.id);
    const stored = this.options.keepRawText ? mention : { ...mention, text: analysis.displayText };
    const text = this.searchText(mention, analysis);
    const values = [mention.id, publishedAt, mention.source, analysis.sentiment.label, analysis.primaryInstitution ?? null];
    values.push(listColumn(analysis.institutions.map((i) => i.id)), listColumn(topics), eventId ?? null, JSON.stringify(analysis), text);
    values.push(at);
    const data = mentionData(stored);
    // The sort key is unique: on a collision (same millisecond and hash bits) take the next free one.
    for (let sk = sortKey(publishedAt, mention.id); ; sk++) {
      const ins = await c.query(
        `WITH ins AS (
           INSERT INTO analyses (sk, mention_id, published_at, source, label, institution, institutions, topics, event_id, data, tsv)
           VALUES ($12, $1, $2, $3, $4, $5, $6, $7, $8, $9, to_tsvector('simple', $10)) ON CONFLICT (sk) DO NOTHING RETURNING mention_id)
         UPDATE mentions SET processed_at = $11, data = $13, lease_owner = NULL, lease_until = NULL WHERE id = (SELECT mention_id FROM ins)`,
        [...values, sk, data],
      );
      if (ins.rowCount === 1) break;
    }
    counts.push({ publishedAt, institution: analysis.primaryInstitution ?? '', source: mention.source, topics, label: analysis.sentiment.label });
    return eventId ? this.events.addMention(c, eventId, mention, analysis, publishedAt) : undefined;
  }

  private async refresh(c: Queryable, mention: Mention, analysis: Analysis, at: string): Promise<void> {
    const text = this.searchText(mention, analysis);
    const stored = this.options.keepRawText ? mention : { ...mention, text: analysis.displayText };
    await c.query(
      `WITH a AS (UPDATE analyses SET label = $2, data = $3, tsv = to_tsvector('simple', $4) WHERE mention_id = $1)
       UPDATE mentions SET processed_at = $5, data = $6, lease_owner = NULL, lease_until = NULL WHERE id = $1`,
      [mention.id, analysis.sentiment.label, JSON.stringify(analysis), text, at, mentionData(stored)],
    );
  }

  /** What the tsvector holds: the jieba tokens and the (tokenized, masked) title, lower-cased. */
  private searchText(mention: Mention, analysis: Analysis): string {
    return `${analysis.tokens.join(' ')} ${this.titleText(mention.title)}`.toLowerCase();
  }

  titleText(title: string | undefined): string {
    return titleText(this.options.tokenize, title, this.options.keepRawText ? undefined : this.options.maskText);
  }

  queryTerms(q: string | undefined): string[] {
    return queryTerms(this.options.tokenize, q);
  }

  async search(query: MentionQuery): Promise<Page<MentionView>> {
    const terms = this.queryTerms(query.q);
    const limit = Math.max(1, Math.min(query.limit, 1000));
    const cursor = decodeCursor(query.cursor, isSkCursor);
    const where: string[] = [];
    const params: unknown[] = [];
    const bind = (v: unknown) => {
      params.push(v);
      return dollar(params.length - 1);
    };
    // Each term is a phrase (all its words, adjacent), every term must match: FTS5's behaviour in SQLite.
    if (terms.length > 0) where.push(`a.tsv @@ (${terms.map((t) => `phraseto_tsquery('simple', ${bind(t.toLowerCase())})`).join(' && ')})`);
    if (query.from) where.push(`a.sk >= ${bind(sortKeyFloor(query.from))}`);
    if (query.to) where.push(`a.sk < ${bind(sortKeyFloor(query.to))}`);
    if (cursor) where.push(`a.sk < ${bind(cursor.k)}`);
    if (query.institution) where.push(`a.institution = ${bind(query.institution)}`);
    if (query.source) where.push(`a.source = ${bind(query.source)}`);
    if (query.sentiment) where.push(`a.label = ${bind(query.sentiment)}`);
    if (query.topic) where.push(`position(${bind(`,${query.topic},`)} in a.topics) > 0`);
    const sql = `SELECT ${VIEW}, a.sk FROM analyses a JOIN mentions m ON m.id = a.mention_id
      ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY a.sk DESC LIMIT ${bind(limit + 1)}`;
    const rows = (await this.pool.query(sql, params)).rows as JoinedRow[];
    const page = rows.slice(0, limit);
    const items = page.map((r) => {
      const v: MentionView = toView(r);
      if (terms.length > 0) v.highlight = highlight(v.analysis?.displayText ?? v.text, terms);
      return v;
    });
    const last = page.at(-1);
    return rows.length > limit && last?.sk !== undefined ? { items, nextCursor: encodeCursor({ k: last.sk }) } : { items };
  }

  async listAnalysed(from: string, to: string, afterId: string | undefined, limit: number): Promise<Array<Mention & { analysis: Analysis }>> {
    let lo = sortKeyFloor(from);
    if (afterId) {
      const r = (await this.pool.query('SELECT sk FROM analyses WHERE mention_id = $1', [afterId])).rows[0] as { sk: number } | undefined;
      if (r) lo = Math.max(lo, r.sk + 1);
    }
    const r = await this.pool.query(
      `SELECT ${VIEW}, a.sk FROM analyses a JOIN mentions m ON m.id = a.mention_id WHERE a.sk >= $1 AND a.sk < $2 ORDER BY a.sk LIMIT $3`,
      [lo, sortKeyFloor(to), limit],
    );
    return (r.rows as JoinedRow[]).map((x) => toView(x) as Mention & { analysis: Analysis });
  }

  async listEventMentions(eventId: string, limit: number): Promise<MentionView[]> {
    const r = await this.pool.query(
      `SELECT ${VIEW} FROM event_mentions em JOIN mentions m ON m.id = em.mention_id LEFT JOIN analyses a ON a.mention_id = em.mention_id
       WHERE em.event_id = $1 ORDER BY em.published_at DESC, em.mention_id DESC LIMIT $2`,
      [eventId, limit],
    );
    return (r.rows as JoinedRow[]).map(toView);
  }
}
