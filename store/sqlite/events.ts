import type Database from 'better-sqlite3';
import type { Analysis, Event, Mention } from '../../lib/domain.js';
import { authorKey as authorKeyOf, isComplainant, isMediaMention } from '../../lib/who-counts.js';
import type { EventQuery, Page } from '../store.js';
import { decodeCursor, encodeCursor, normIso, prepared } from './codec.js';

const minuteOf = (at: string): number => Math.floor(Date.parse(at) / 60_000);

export interface EventRow {
  id: string;
  institution: string;
  topics: string;
  key_terms: string;
  title: string;
  simhash: string;
  first_seen_at: string;
  last_seen_at: string;
  mention_count: number;
  distinct_authors: number;
  distinct_complainants: number;
  negative_count: number;
  media_count: number;
  sources: string;
  regulator_mentioned: number;
  run_rumour: number;
  last_hour_count: number;
}

export function rowToEvent(r: EventRow): Event {
  return {
    id: r.id,
    institution: r.institution,
    topics: JSON.parse(r.topics) as string[],
    keyTerms: JSON.parse(r.key_terms) as string[],
    title: r.title,
    simhash: r.simhash,
    firstSeenAt: r.first_seen_at,
    lastSeenAt: r.last_seen_at,
    mentionCount: r.mention_count,
    distinctAuthors: r.distinct_authors,
    distinctComplainants: r.distinct_complainants,
    negativeCount: r.negative_count,
    mediaCount: r.media_count,
    sources: JSON.parse(r.sources) as string[],
    regulatorMentioned: r.regulator_mentioned === 1,
    runRumour: r.run_rumour === 1,
    lastHourCount: r.last_hour_count,
  };
}

export const isEventCursor = (v: unknown): v is { t: string; id: string } =>
  typeof v === 'object' && v !== null && typeof (v as { t: unknown }).t === 'string' && typeof (v as { id: unknown }).id === 'string';

/** Events with stats maintained incrementally: each completion touches a constant number of rows. */
export class EventRepo {
  private readonly s;

  constructor(private readonly db: Database.Database) {
    this.s = {
      exists: db.prepare('SELECT 1 FROM events WHERE id = ?').pluck(),
      get: db.prepare('SELECT * FROM events WHERE id = ?'),
      save: db.prepare(
        `INSERT INTO events (id, institution, topics, key_terms, title, simhash, first_seen_at, last_seen_at)
         VALUES (@id, @institution, @topics, @keyTerms, @title, @simhash, @firstSeenAt, @lastSeenAt)
         ON CONFLICT (id) DO UPDATE SET institution = excluded.institution, topics = excluded.topics, key_terms = excluded.key_terms,
           title = excluded.title, simhash = excluded.simhash`,
      ),
      link: db.prepare('INSERT OR IGNORE INTO event_mentions (event_id, mention_id, published_at) VALUES (?, ?, ?)'),
      member: db.prepare('INSERT OR IGNORE INTO event_members (event_id, kind, member) VALUES (?, ?, ?)'),
      bumpMinute: db.prepare(
        'INSERT INTO event_minutes (event_id, minute, count) VALUES (?, ?, 1) ON CONFLICT (event_id, minute) DO UPDATE SET count = count + 1',
      ),
      // At most 60 rows: the minutes in (lastSeen - 1 h, lastSeen].
      lastHour: db.prepare('SELECT coalesce(sum(count), 0) FROM event_minutes WHERE event_id = ? AND minute > ? AND minute <= ?').pluck(),
      update: db.prepare(
        `UPDATE events SET mention_count = mention_count + 1, distinct_authors = distinct_authors + @newAuthor,
           distinct_complainants = distinct_complainants + @newComplainant, negative_count = negative_count + @negative,
           media_count = media_count + @newMedia, sources = @sources, regulator_mentioned = max(regulator_mentioned, @regulator),
           run_rumour = max(run_rumour, @rumour), first_seen_at = min(first_seen_at, @at), last_seen_at = @lastSeen,
           last_hour_count = @lastHour
         WHERE id = @id`,
      ),
      recent: db.prepare('SELECT * FROM events WHERE last_seen_at >= ? ORDER BY last_seen_at'),
      recentOf: db.prepare('SELECT * FROM events WHERE institution = ? AND last_seen_at >= ? ORDER BY last_seen_at'),
    };
  }

  exists(id: string): boolean {
    return this.s.exists.get(id) !== undefined;
  }

  get(id: string): Event | undefined {
    const r = this.s.get.get(id) as EventRow | undefined;
    return r ? rowToEvent(r) : undefined;
  }

  save(e: Event): void {
    this.s.save.run({
      id: e.id,
      institution: e.institution,
      topics: JSON.stringify(e.topics),
      keyTerms: JSON.stringify(e.keyTerms),
      title: e.title,
      simhash: e.simhash,
      firstSeenAt: normIso(e.firstSeenAt),
      lastSeenAt: normIso(e.lastSeenAt),
    });
  }

  /** Links the mention and bumps the stats; a second call for the same mention changes nothing. */
  addMention(eventId: string, m: Mention, a: Analysis, publishedAt: string): Event | undefined {
    const linked = this.s.link.run(eventId, m.id, publishedAt).changes === 1;
    if (!linked) return this.get(eventId);
    const row = this.s.get.get(eventId) as EventRow;
    const authorKey = authorKeyOf(m);
    const newAuthor = this.s.member.run(eventId, 'a', authorKey).changes;
    const newComplainant = isComplainant(m, a.sentiment.label) ? this.s.member.run(eventId, 'c', authorKey).changes : 0;
    const newMedia = isMediaMention(m) ? this.s.member.run(eventId, 'm', authorKey).changes : 0;
    const sources = JSON.parse(row.sources) as string[];
    if (!sources.includes(m.source)) sources.push(m.source);
    const lastSeen = publishedAt > row.last_seen_at ? publishedAt : row.last_seen_at;
    this.s.bumpMinute.run(eventId, minuteOf(publishedAt));
    this.s.update.run({
      id: eventId,
      newAuthor,
      newComplainant,
      negative: a.sentiment.label === 'negative' ? 1 : 0,
      newMedia,
      sources: JSON.stringify(sources),
      regulator: a.severity.regulatorMentioned ? 1 : 0,
      rumour: a.severity.runRumour ? 1 : 0,
      at: publishedAt,
      lastSeen,
      lastHour: this.lastHourCount(eventId, lastSeen),
    });
    return this.get(eventId);
  }

  private lastHourCount(eventId: string, lastSeen: string): number {
    const m = minuteOf(lastSeen);
    return this.s.lastHour.get(eventId, m - 60, m) as number;
  }

  listRecent(since: string, institution?: string): Event[] {
    const rows = institution === undefined ? this.s.recent.all(since) : this.s.recentOf.all(institution, since);
    return (rows as EventRow[]).map(rowToEvent);
  }

  list(q: EventQuery): Page<Event> {
    const limit = Math.max(1, Math.min(q.limit, 1000));
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.institution) {
      where.push('institution = ?');
      params.push(q.institution);
    }
    if (q.topic) {
      where.push('EXISTS (SELECT 1 FROM json_each(events.topics) WHERE value = ?)');
      params.push(q.topic);
    }
    if (q.from) {
      where.push('last_seen_at >= ?');
      params.push(q.from);
    }
    if (q.to) {
      where.push('first_seen_at < ?');
      params.push(q.to);
    }
    const cursor = decodeCursor(q.cursor, isEventCursor);
    if (cursor) {
      where.push('(last_seen_at, id) < (?, ?)');
      params.push(cursor.t, cursor.id);
    }
    const sql = `SELECT * FROM events ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY last_seen_at DESC, id DESC LIMIT ?`;
    const rows = prepared(this.db, sql).all(...params, limit + 1) as EventRow[];
    const items = rows.slice(0, limit).map(rowToEvent);
    const last = items.at(-1);
    return rows.length > limit && last ? { items, nextCursor: encodeCursor({ t: last.lastSeenAt, id: last.id }) } : { items };
  }

  /**
   * Recomputes stats of the given events in one pass (bulk import only) from what is already stored:
   * event_mentions, event_members (the authors, complainants and media the incremental path recorded)
   * and the mentions' analyses. It takes no per-mention facts: the members rows already hold them.
   */
  rebuildStats(eventIds: string[]): void {
    const agg = this.db.prepare(`SELECT count(*) AS n, min(published_at) AS first, max(published_at) AS last FROM event_mentions WHERE event_id = ?`);
    const members = this.db.prepare('SELECT kind, count(*) AS n FROM event_members WHERE event_id = ? GROUP BY kind');
    const flags = this.db.prepare(
      `SELECT sum(a.label = 'negative') AS neg, group_concat(DISTINCT a.source) AS sources,
         max(json_extract(a.data, '$.severity.regulatorMentioned')) AS reg, max(json_extract(a.data, '$.severity.runRumour')) AS rumour
       FROM event_mentions em JOIN analyses a ON a.mention_id = em.mention_id WHERE em.event_id = ?`,
    );
    const set = this.db.prepare(
      `UPDATE events SET mention_count = ?, distinct_authors = ?, distinct_complainants = ?, negative_count = ?, media_count = ?, sources = ?,
         regulator_mentioned = ?, run_rumour = ?, first_seen_at = ?, last_seen_at = ?, last_hour_count = ? WHERE id = ?`,
    );
    const minutes = this.db.prepare(
      `INSERT OR REPLACE INTO event_minutes (event_id, minute, count)
       SELECT event_id, CAST(unixepoch(published_at) / 60 AS INTEGER), count(*) FROM event_mentions WHERE event_id = ? GROUP BY 1, 2`,
    );
    this.db.transaction(() => {
      for (const id of eventIds) {
        minutes.run(id);
        const g = agg.get(id) as { n: number; first: string | null; last: string | null };
        if (!g.first || !g.last) continue;
        const m = new Map((members.all(id) as Array<{ kind: string; n: number }>).map((r) => [r.kind, r.n]));
        const f = flags.get(id) as { neg: number; sources: string | null; reg: number | null; rumour: number | null };
        set.run(
          g.n,
          m.get('a') ?? 0,
          m.get('c') ?? 0,
          f.neg ?? 0,
          m.get('m') ?? 0,
          JSON.stringify(f.sources ? f.sources.split(',') : []),
          f.reg ? 1 : 0,
          f.rumour ? 1 : 0,
          g.first,
          g.last,
          this.lastHourCount(id, g.last),
          id,
        );
      }
    })();
  }
}
