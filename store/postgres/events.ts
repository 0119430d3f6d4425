import type { Analysis, Event, Mention } from '../../lib/domain.js';
import { decodeCursor, encodeCursor, normIso } from '../sqlite/codec.js';
import { type EventRow, isComplainant, isEventCursor, isMediaMention, rowToEvent } from '../sqlite/events.js';
import type { EventQuery, Page } from '../store.js';
import { dollar, type Queryable } from './db.js';

const minuteOf = (at: string): number => Math.floor(Date.parse(at) / 60_000);

/** Events with stats maintained incrementally, as in SQLite; a completion locks its event row. */
export class PgEventRepo {
  constructor(private readonly db: Queryable) {}

  async exists(id: string, on: Queryable = this.db): Promise<boolean> {
    return ((await on.query('SELECT 1 FROM events WHERE id = $1', [id])).rowCount ?? 0) > 0;
  }

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

  /** Links the mention and bumps the stats inside the caller's transaction; a second call changes nothing. */
  async addMention(c: Queryable, eventId: string, m: Mention, a: Analysis, publishedAt: string): Promise<Event | undefined> {
    const linked = await c.query('INSERT INTO event_mentions (event_id, mention_id, published_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
      eventId,
      m.id,
      publishedAt,
    ]);
    if (linked.rowCount !== 1) return this.get(eventId, c);
    const row = (await c.query('SELECT * FROM events WHERE id = $1 FOR UPDATE', [eventId])).rows[0] as EventRow;
    const authorKey = `${m.source}:${m.author.key}`;
    const member = async (kind: string) =>
      (await c.query('INSERT INTO event_members (event_id, kind, member) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [eventId, kind, authorKey])).rowCount ??
      0;
    const newAuthor = await member('a');
    const newComplainant = isComplainant(m, a) ? await member('c') : 0;
    const newMedia = isMediaMention(m) ? await member('m') : 0;
    const sources = JSON.parse(row.sources) as string[];
    if (!sources.includes(m.source)) sources.push(m.source);
    const lastSeen = publishedAt > row.last_seen_at ? publishedAt : row.last_seen_at;
    await c.query(
      `INSERT INTO event_minutes (event_id, minute, count) VALUES ($1, $2, 1) ON CONFLICT (event_id, minute) DO UPDATE SET count = event_minutes.count + 1`,
      [eventId, minuteOf(publishedAt)],
    );
    const lm = minuteOf(lastSeen);
    const lastHour = (
      await c.query('SELECT coalesce(sum(count), 0) AS n FROM event_minutes WHERE event_id = $1 AND minute > $2 AND minute <= $3', [eventId, lm - 60, lm])
    ).rows[0].n as number;
    const updated = await c.query(
      `UPDATE events SET mention_count = mention_count + 1, distinct_authors = distinct_authors + $2, distinct_complainants = distinct_complainants + $3,
         negative_count = negative_count + $4, media_count = media_count + $5, sources = $6, regulator_mentioned = greatest(regulator_mentioned, $7),
         run_rumour = greatest(run_rumour, $8), first_seen_at = least(first_seen_at, $9), last_seen_at = $10, last_hour_count = $11
       WHERE id = $1 RETURNING *`,
      [
        eventId,
        newAuthor,
        newComplainant,
        a.sentiment.label === 'negative' ? 1 : 0,
        newMedia,
        JSON.stringify(sources),
        a.severity.regulatorMentioned ? 1 : 0,
        a.severity.runRumour ? 1 : 0,
        publishedAt,
        lastSeen,
        lastHour,
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
