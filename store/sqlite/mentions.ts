import type Database from 'better-sqlite3';
import type { Analysis, Event, Mention } from '../../lib/domain.js';
import { CompletionCollector, outcomeOf } from '../completion.js';
import { type MaskText, maskMention } from '../mask.js';
import { type CompletionItem, type CompletionResult, type Lease, LeaseLostError, type MentionQuery, type MentionView, type Page } from '../store.js';
import {
  decodeCursor,
  encodeCursor,
  ftsPhrase,
  highlight,
  leaseParams,
  listColumn,
  type MentionRow,
  mentionData,
  normIso,
  parseAnalysis,
  prepared,
  queryTerms,
  rowToMention,
  sortKey,
  sortKeyFloor,
  titleText,
} from './codec.js';
import { EventRepo } from './events.js';
import type { Rollups } from './rollups.js';

export type Tokenize = (text: string) => string[];

export interface MentionRepoOptions {
  tokenize?: Tokenize;
  /** Keep the unmasked text after analysis (default false: the text is replaced by the PII-masked displayText). */
  keepRawText?: boolean;
  /** PII masker applied to every crawled field before a mention is first stored (unless keepRawText). */
  maskText?: MaskText;
}

export type JoinedRow = MentionRow & { adata: string | null; sk?: number; id?: string; published_at?: string; lease_owner?: string | null };

export const byPublished = (a: JoinedRow, b: JoinedRow): number =>
  a.published_at! < b.published_at! ? -1 : a.published_at! > b.published_at! ? 1 : a.id! < b.id! ? -1 : 1;

export const isSkCursor = (v: unknown): v is { k: number } => typeof v === 'object' && v !== null && typeof (v as { k: unknown }).k === 'number';

/** Mentions, analyses, full-text search; delegates event stats to EventRepo. */
export class MentionRepo {
  private readonly s;
  readonly events: EventRepo;

  constructor(
    private readonly db: Database.Database,
    private readonly rollups: Rollups,
    private readonly options: MentionRepoOptions,
  ) {
    this.events = new EventRepo(db);
    this.s = {
      exists: db.prepare('SELECT 1 FROM mentions WHERE id = ?').pluck(),
      rawOf: db.prepare('SELECT data FROM mentions WHERE id = ?'),
      reopen: db.prepare('UPDATE mentions SET data = ?, content_hash = ?, processed_at = NULL WHERE id = ?'),
      refreshAnalysis: db.prepare('UPDATE analyses SET label = ?, data = ? WHERE mention_id = ?'),
      deleteFts: db.prepare('DELETE FROM mention_fts WHERE rowid = ?'),
      byHash: db.prepare('SELECT id FROM mentions WHERE content_hash = ? AND duplicate_of IS NULL LIMIT 1').pluck(),
      insert: db.prepare(
        'INSERT INTO mentions (id, source, published_at, fetched_at, content_hash, duplicate_of, processed_at, data) VALUES (?, ?, ?, ?, ?, ?, NULL, ?)',
      ),
      get: db.prepare(
        `SELECT m.id, m.data, m.duplicate_of, m.processed_at, m.published_at, m.lease_owner, a.data AS adata
         FROM mentions m LEFT JOIN analyses a ON a.mention_id = m.id WHERE m.id = ?`,
      ),
      unprocessed: db.prepare(
        'SELECT data, duplicate_of, processed_at FROM mentions WHERE processed_at IS NULL AND duplicate_of IS NULL ORDER BY published_at, id LIMIT ?',
      ),
      analysisOf: db.prepare('SELECT event_id FROM analyses WHERE mention_id = ?'),
      skTaken: db.prepare('SELECT 1 FROM analyses WHERE sk = ?').pluck(),
      insertAnalysis: db.prepare(
        'INSERT INTO analyses (sk, mention_id, published_at, source, label, institution, institutions, topics, event_id, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      insertFts: db.prepare('INSERT INTO mention_fts (rowid, tokens, title) VALUES (?, ?, ?)'),
      markProcessed: db.prepare('UPDATE mentions SET processed_at = ?, data = ?, lease_owner = NULL, lease_until = NULL WHERE id = ?'),
      claim: db.prepare(
        `UPDATE mentions SET lease_owner = @owner, lease_until = @until WHERE id = @id AND processed_at IS NULL AND duplicate_of IS NULL
           AND (lease_until IS NULL OR lease_until <= @now OR lease_owner = @owner)`,
      ),
      claimable: db
        .prepare(
          `SELECT id FROM mentions WHERE processed_at IS NULL AND duplicate_of IS NULL AND (lease_until IS NULL OR lease_until <= ?)
         ORDER BY published_at, id LIMIT ?`,
        )
        .pluck(),
      release: db.prepare('UPDATE mentions SET lease_owner = NULL, lease_until = ? WHERE id = ? AND lease_owner = ? AND processed_at IS NULL'),
      skOf: db.prepare('SELECT sk FROM analyses WHERE mention_id = ?').pluck(),
      analysed: db.prepare(
        `SELECT m.data, m.duplicate_of, m.processed_at, a.data AS adata, a.sk FROM analyses a JOIN mentions m ON m.id = a.mention_id
         WHERE a.sk >= ? AND a.sk < ? ORDER BY a.sk LIMIT ?`,
      ),
      eventMentions: db.prepare(
        `SELECT m.data, m.duplicate_of, m.processed_at, a.data AS adata FROM event_mentions em
         JOIN mentions m ON m.id = em.mention_id LEFT JOIN analyses a ON a.mention_id = em.mention_id
         WHERE em.event_id = ? ORDER BY em.published_at DESC, em.mention_id DESC LIMIT ?`,
      ),
    };
  }

  upsert(mentions: Mention[]): { inserted: string[]; fresh: string[]; duplicates: string[] } {
    const inserted: string[] = [];
    const fresh: string[] = [];
    const duplicates: string[] = [];
    this.db
      .transaction(() => {
        for (const raw of mentions) {
          if (this.s.exists.get(raw.id)) {
            if (this.replaceTruncated(raw)) fresh.push(raw.id);
            continue;
          }
          const m = this.masked(raw);
          const dupOf = m.contentHash ? (this.s.byHash.get(m.contentHash) as string | undefined) : undefined;
          this.s.insert.run(m.id, m.source, normIso(m.publishedAt), m.fetchedAt, m.contentHash, dupOf ?? null, mentionData(m));
          inserted.push(m.id);
          if (dupOf) duplicates.push(m.id);
          else fresh.push(m.id);
        }
      })
      .immediate();
    return { inserted, fresh, duplicates };
  }

  private masked(m: Mention): Mention {
    return this.options.maskText && !this.options.keepRawText ? maskMention(m, this.options.maskText) : m;
  }

  /**
   * A post stored cut short (`truncated`) whose full text arrived later: the stored mention takes the
   * full text and goes back to the pipeline (processed_at cleared) so its analysis is refreshed.
   */
  private replaceTruncated(m: Mention): boolean {
    if (m.truncated) return false;
    const row = this.s.rawOf.get(m.id) as { data: string } | undefined;
    if (!row || (JSON.parse(row.data) as Mention).truncated !== true) return false;
    this.s.reopen.run(mentionData(this.masked(m)), m.contentHash, m.id);
    return true;
  }

  get(id: string): (Mention & { analysis?: Analysis }) | undefined {
    const row = this.s.get.get(id) as JoinedRow | undefined;
    return row ? toView(row) : undefined;
  }

  listUnprocessed(limit: number): Mention[] {
    return (this.s.unprocessed.all(limit) as MentionRow[]).map(rowToMention);
  }

  claim(ids: string[], lease: Lease): Mention[] {
    const p = leaseParams(lease);
    return this.db
      .transaction(() => {
        const won = ids.filter((id) => this.s.claim.run({ ...p, id }).changes === 1);
        return won
          .map((id) => this.s.get.get(id) as JoinedRow)
          .sort(byPublished)
          .map(rowToMention);
      })
      .immediate();
  }

  claimUnprocessed(limit: number, lease: Lease): Mention[] {
    const p = leaseParams(lease);
    return this.db
      .transaction(() => {
        const ids = this.s.claimable.all(p.now, Math.max(0, limit)) as string[];
        for (const id of ids) this.s.claim.run({ ...p, id });
        return ids.map((id) => rowToMention(this.s.get.get(id) as JoinedRow));
      })
      .immediate();
  }

  release(ids: string[], owner: string, retryAt: string | undefined): number {
    const until = retryAt === undefined ? null : normIso(retryAt);
    return this.db.transaction(() => ids.reduce((n, id) => n + this.s.release.run(until, id, owner).changes, 0)).immediate();
  }

  /** One immediate transaction; each completion is a savepoint inside it (a lost lease rolls back only its own). */
  completeMany(items: CompletionItem[], at: string, owner: string | undefined): CompletionResult {
    return this.db
      .transaction(() => {
        const batch = new CompletionCollector();
        for (const it of items)
          batch.record(
            it.id,
            outcomeOf(() => this.complete(it.id, it.analysis, it.eventId, at, owner)),
          );
        return batch.result();
      })
      .immediate();
  }

  complete(mentionId: string, analysis: Analysis, eventId: string | undefined, at: string, owner?: string): Event | undefined {
    return this.db
      .transaction((): Event | undefined => {
        const row = this.s.get.get(mentionId) as JoinedRow | undefined;
        if (!row) throw new Error(`mention ${mentionId} not found`);
        const prior = this.s.analysisOf.get(mentionId) as { event_id: string | null } | undefined;
        if (prior) {
          // Re-opened after its full text arrived: refresh the analysis and search index, counts stay.
          if (row.processed_at === null) this.refresh(rowToMention(row), analysis, at);
          // Already completed: never count twice.
          const id = prior.event_id ?? eventId;
          return id ? this.events.get(id) : undefined;
        }
        if (owner !== undefined && row.lease_owner && row.lease_owner !== owner) throw new LeaseLostError(mentionId, owner, row.lease_owner);
        const mention = rowToMention(row);
        if (eventId && !this.events.exists(eventId)) throw new Error(`event ${eventId} not saved; call saveEvent before completeMention`);
        const publishedAt = normIso(mention.publishedAt);
        let sk = sortKey(publishedAt, mention.id);
        while (this.s.skTaken.get(sk)) sk++;
        const topics = analysis.topics.map((t) => t.id);
        this.s.insertAnalysis.run(
          sk,
          mention.id,
          publishedAt,
          mention.source,
          analysis.sentiment.label,
          analysis.primaryInstitution ?? null,
          listColumn(analysis.institutions.map((i) => i.id)),
          listColumn(topics),
          eventId ?? null,
          JSON.stringify(analysis),
        );
        this.s.insertFts.run(sk, analysis.tokens.join(' '), this.titleText(mention.title));
        const stored = this.options.keepRawText ? mention : { ...mention, text: analysis.displayText };
        this.s.markProcessed.run(at, mentionData(stored), mention.id);
        this.rollups.add({
          publishedAt,
          institution: analysis.primaryInstitution ?? '',
          source: mention.source,
          topics,
          label: analysis.sentiment.label,
        });
        return eventId ? this.events.addMention(eventId, mention, analysis, publishedAt) : undefined;
      })
      .immediate();
  }

  private refresh(mention: Mention, analysis: Analysis, at: string): void {
    const sk = this.s.skOf.get(mention.id) as number;
    this.s.refreshAnalysis.run(analysis.sentiment.label, JSON.stringify(analysis), mention.id);
    this.s.deleteFts.run(sk);
    this.s.insertFts.run(sk, analysis.tokens.join(' '), this.titleText(mention.title));
    const stored = this.options.keepRawText ? mention : { ...mention, text: analysis.displayText };
    this.s.markProcessed.run(at, mentionData(stored), mention.id);
  }

  titleText(title: string | undefined): string {
    return titleText(this.options.tokenize, title, this.options.keepRawText ? undefined : this.options.maskText);
  }

  queryTerms(q: string | undefined): string[] {
    return queryTerms(this.options.tokenize, q);
  }

  search(query: MentionQuery): Page<MentionView> {
    const terms = this.queryTerms(query.q);
    const limit = Math.max(1, Math.min(query.limit, 1000));
    const cursor = decodeCursor(query.cursor, isSkCursor);
    const useFts = terms.length > 0;
    const skCol = useFts ? 'f.rowid' : 'a.sk';
    const where: string[] = [];
    const params: unknown[] = [];
    if (useFts) {
      where.push('mention_fts MATCH ?');
      params.push(terms.map(ftsPhrase).join(' '));
    }
    if (query.from) {
      where.push(`${skCol} >= ?`);
      params.push(sortKeyFloor(query.from));
    }
    if (query.to) {
      where.push(`${skCol} < ?`);
      params.push(sortKeyFloor(query.to));
    }
    if (cursor) {
      where.push(`${skCol} < ?`);
      params.push(cursor.k);
    }
    if (query.institution) {
      where.push('a.institution = ?');
      params.push(query.institution);
    }
    if (query.source) {
      where.push('a.source = ?');
      params.push(query.source);
    }
    if (query.sentiment) {
      where.push('a.label = ?');
      params.push(query.sentiment);
    }
    if (query.topic) {
      where.push('instr(a.topics, ?) > 0');
      params.push(`,${query.topic},`);
    }
    const from = useFts ? 'mention_fts f JOIN analyses a ON a.sk = f.rowid' : 'analyses a';
    const sql = `SELECT m.data, m.duplicate_of, m.processed_at, a.data AS adata, a.sk FROM ${from} JOIN mentions m ON m.id = a.mention_id
      ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${skCol} DESC LIMIT ?`;
    const rows = prepared(this.db, sql).all(...params, limit + 1) as JoinedRow[];
    const page = rows.slice(0, limit);
    const items = page.map((r) => {
      const v: MentionView = toView(r);
      if (useFts) v.highlight = highlight(v.analysis?.displayText ?? v.text, terms);
      return v;
    });
    const last = page.at(-1);
    return rows.length > limit && last?.sk !== undefined ? { items, nextCursor: encodeCursor({ k: last.sk }) } : { items };
  }

  listAnalysed(from: string, to: string, afterId: string | undefined, limit: number): Array<Mention & { analysis: Analysis }> {
    let lo = sortKeyFloor(from);
    if (afterId) {
      const sk = this.s.skOf.get(afterId) as number | undefined;
      if (sk !== undefined) lo = Math.max(lo, sk + 1);
    }
    return (this.s.analysed.all(lo, sortKeyFloor(to), limit) as JoinedRow[]).map((r) => toView(r) as Mention & { analysis: Analysis });
  }

  listEventMentions(eventId: string, limit: number): MentionView[] {
    return (this.s.eventMentions.all(eventId, limit) as JoinedRow[]).map(toView);
  }
}

export function toView(row: JoinedRow): MentionView {
  const m: MentionView = rowToMention(row);
  const analysis = parseAnalysis(row.adata);
  if (analysis) m.analysis = analysis;
  return m;
}
