import type Database from 'better-sqlite3';
import type { Analysis, Event, Mention } from '../../lib/domain.js';
import { authorKey, isComplainant, isMediaMention } from '../../lib/who-counts.js';
import { listColumn, mentionData, normIso, sortKey } from './codec.js';
import type { EventRepo } from './events.js';
import type { Rollups } from './rollups.js';

export interface BulkItem {
  mention: Mention;
  analysis: Analysis;
  eventId?: string;
}

/**
 * Fast path for seeding benchmarks and imports: writes processed mentions with their analyses in one
 * transaction per batch and aggregates rollups in memory. Event stats are rebuilt by `finish()`.
 * Not for live data: it skips content dedup and the per-mention incremental event update.
 */
export class BulkImporter {
  private readonly touched = new Set<string>();
  private readonly s;

  constructor(
    private readonly db: Database.Database,
    private readonly events: EventRepo,
    private readonly rollups: Rollups,
    private readonly titleText: (title: string | undefined) => string,
  ) {
    this.s = {
      mention: db.prepare(
        'INSERT OR IGNORE INTO mentions (id, source, published_at, fetched_at, content_hash, duplicate_of, processed_at, data) VALUES (?, ?, ?, ?, ?, NULL, ?, ?)',
      ),
      skTaken: db.prepare('SELECT 1 FROM analyses WHERE sk = ?').pluck(),
      analysis: db.prepare(
        'INSERT INTO analyses (sk, mention_id, published_at, source, label, institution, institutions, topics, event_id, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      fts: db.prepare('INSERT INTO mention_fts (rowid, tokens, title) VALUES (?, ?, ?)'),
      link: db.prepare('INSERT OR IGNORE INTO event_mentions (event_id, mention_id, published_at) VALUES (?, ?, ?)'),
      member: db.prepare('INSERT OR IGNORE INTO event_members (event_id, kind, member) VALUES (?, ?, ?)'),
    };
  }

  import(events: Event[], items: BulkItem[]): number {
    return this.db
      .transaction(() => {
        for (const e of events) this.events.save(e);
        const roll = new Map<string, { key: Parameters<Rollups['add']>[0]; n: number }>();
        let n = 0;
        for (const { mention: m, analysis: a, eventId } of items) {
          const publishedAt = normIso(m.publishedAt);
          const processedAt = m.processedAt ?? a.analyzedAt;
          if (this.s.mention.run(m.id, m.source, publishedAt, m.fetchedAt, m.contentHash, processedAt, mentionData(m)).changes === 0) continue;
          n++;
          let sk = sortKey(publishedAt, m.id);
          while (this.s.skTaken.get(sk)) sk++;
          const topics = a.topics.map((t) => t.id);
          this.s.analysis.run(
            sk,
            m.id,
            publishedAt,
            m.source,
            a.sentiment.label,
            a.primaryInstitution ?? null,
            listColumn(a.institutions.map((i) => i.id)),
            listColumn(topics),
            eventId ?? null,
            JSON.stringify(a),
          );
          this.s.fts.run(sk, a.tokens.join(' '), this.titleText(m.title));
          const rk = `${publishedAt.slice(0, 13)}|${a.primaryInstitution ?? ''}|${m.source}|${topics.join(',')}|${a.sentiment.label}`;
          const r = roll.get(rk);
          if (r) r.n++;
          else roll.set(rk, { key: { publishedAt, institution: a.primaryInstitution ?? '', source: m.source, topics, label: a.sentiment.label }, n: 1 });
          if (eventId) {
            this.touched.add(eventId);
            this.s.link.run(eventId, m.id, publishedAt);
            const author = authorKey(m);
            this.s.member.run(eventId, 'a', author);
            if (isComplainant(m, a.sentiment.label)) this.s.member.run(eventId, 'c', author);
            if (isMediaMention(m)) this.s.member.run(eventId, 'm', author);
          }
        }
        for (const { key, n: count } of roll.values()) this.rollups.add(key, count);
        return n;
      })
      .immediate();
  }

  /** Recomputes stats of every event touched since the last call. */
  finish(): void {
    this.events.rebuildStats([...this.touched]);
    this.touched.clear();
  }
}
