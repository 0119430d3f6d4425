import type { Analysis, Event, Mention } from '../../lib/domain.js';
import { authorKey, isComplainant, isMediaMention } from '../../lib/who-counts.js';
import { decodeCursor, encodeCursor, normIso } from '../sqlite/codec.js';
import { type EventRow, isEventCursor, rowToEvent } from '../sqlite/events.js';
import type { EventQuery, Page } from '../store.js';
import { dollar, pgCode, type Queryable } from './db.js';

const minuteOf = (at: string): number => Math.floor(Date.parse(at) / 60_000);

/** Events with stats maintained incrementally, as in SQLite; a completion locks its event row. */
export class PgEventRepo {
  constructor(private readonly db: Queryable) {}

  async get(id: string, on: Queryable = this.db): Promise<Event | undefined> {
    const r = (await on.query('SELECT * FROM events WHERE id = $1', [id])).rows[0] as EventRow | undefined;
    return r ? rowToEvent(r) : undefined;
  }

  async save(e: Event): Promise<void> {
    await this.db.query(
      `INSERT INTO events (id, institution, topics, key_terms, title, simhash, first_seen_at, last_seen_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (id) DO UPDATE SET institution = excluded.institution, topics = excluded.topics, key_terms = excluded.key_terms,
         title = excluded.title, simhash = excluded.simhash`,
      [e.id, e.institution, JSON.stringify(e.topics), JSON.stringify(e.keyTerms), e.title, e.simhash, normIso(e.firstSeenAt), normIso(e.lastSeenAt)],
    );
  }

  /**
   * Links the mention and bumps the stats inside the caller's transaction; a second call changes nothing.
   * The event row is locked first, so the stats statement sees every earlier completion's minutes.
   */
  async addMention(c: Queryable, eventId: string, m: Mention, a: Analysis, publishedAt: string): Promise<Event | undefined> {
    let locked: { linked: number; last_seen_at: string } | undefined;
    try {
      locked = (
        await c.query(
          `WITH l AS (INSERT INTO event_mentions (event_id, mention_id, published_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1)
           SELECT (SELECT count(*) FROM l) AS linked, last_seen_at FROM events WHERE id = $1 FOR UPDATE`,
          [eventId, m.id, publishedAt],
        )
      ).rows[0];
    } catch (err) {
      if (pgCode(err) === '23503') throw new Error(`event ${eventId} not saved; call saveEvent before completeMention`);
      throw err;
    }
    if (!locked) throw new Error(`event ${eventId} not saved; call saveEvent before completeMention`);
    if (locked.linked !== 1) return this.get(eventId, c);
    const kinds = ['a', ...(isComplainant(m, a.sentiment.label) ? ['c'] : []), ...(isMediaMention(m) ? ['m'] : [])];
    const fresh = new Set(
      (
        await c.query(
          'INSERT INTO event_members (event_id, kind, member) SELECT $1, k, $2 FROM unnest($3::text[]) AS k ON CONFLICT DO NOTHING RETURNING kind',
          [eventId, authorKey(m), kinds],
        )
      ).rows.map((r: { kind: string }) => r.kind),
    );
    const lastSeen = publishedAt > locked.last_seen_at ? publishedAt : locked.last_seen_at;
    const lm = minuteOf(lastSeen);
    const pm = minuteOf(publishedAt);
    // The statement's snapshot does not see its own minute upsert: this mention is added by hand.
    const updated = await c.query(
      `WITH mi AS (INSERT INTO event_minutes (event_id, minute, count) VALUES ($1, $12, 1)
                   ON CONFLICT (event_id, minute) DO UPDATE SET count = event_minutes.count + 1 RETURNING 1)
       UPDATE events SET mention_count = mention_count + 1, distinct_authors = distinct_authors + $2, distinct_complainants = distinct_complainants + $3,
         negative_count = negative_count + $4, media_count = media_count + $5,
         sources = CASE WHEN sources::jsonb ? $6 THEN sources ELSE (sources::jsonb || to_jsonb($6::text))::text END,
         regulator_mentioned = greatest(regulator_mentioned, $7), run_rumour = greatest(run_rumour, $8), first_seen_at = least(first_seen_at, $9),
         last_seen_at = $10,
         last_hour_count = $13 + (SELECT coalesce(sum(count), 0) FROM event_minutes WHERE event_id = $1 AND minute > $11 - 60 AND minute <= $11)
       WHERE id = $1 RETURNING *`,
      [
        eventId,
        fresh.has('a') ? 1 : 0,
        fresh.has('c') ? 1 : 0,
        a.sentiment.label === 'negative' ? 1 : 0,
        fresh.has('m') ? 1 : 0,
        m.source,
        a.severity.regulatorMentioned ? 1 : 0,
        a.severity.runRumour ? 1 : 0,
        publishedAt,
        lastSeen,
        lm,
        pm,
        pm > lm - 60 && pm <= lm ? 1 : 0,
      ],
    );
    return rowToEvent(updated.rows[0] as EventRow);
  }

  async listRecent(since: string, institution?: string): Promise<Event[]> {
    const r =
      institution === undefined
        ? await this.db.query('SELECT * FROM events WHERE last_seen_at >= $1 ORDER BY last_seen_at, id', [since])
        : await this.db.query('SELECT * FROM events WHERE institution = $1 AND last_seen_at >= $2 ORDER BY last_seen_at, id', [institution, since]);
    return (r.rows as EventRow[]).map(rowToEvent);
  }

  async list(q: EventQuery): Promise<Page<Event>> {
    const limit = Math.max(1, Math.min(q.limit, 1000));
    const where: string[] = [];
    const params: unknown[] = [];
    const bind = (v: unknown) => {
      params.push(v);
      return dollar(params.length - 1);
    };
    if (q.institution) where.push(`institution = ${bind(q.institution)}`);
    if (q.topic) where.push(`topics::jsonb ? ${bind(q.topic)}`);
    if (q.from) where.push(`last_seen_at >= ${bind(q.from)}`);
    if (q.to) where.push(`first_seen_at < ${bind(q.to)}`);
    const cursor = decodeCursor(q.cursor, isEventCursor);
    if (cursor) where.push(`(last_seen_at, id) < (${bind(cursor.t)}, ${bind(cursor.id)})`);
    const sql = `SELECT * FROM events ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY last_seen_at DESC, id DESC LIMIT ${bind(limit + 1)}`;
    const rows = (await this.db.query(sql, params)).rows as EventRow[];
    const items = rows.slice(0, limit).map(rowToEvent);
    const last = items.at(-1);
    return rows.length > limit && last ? { items, nextCursor: encodeCursor({ t: last.lastSeenAt, id: last.id }) } : { items };
  }
}
