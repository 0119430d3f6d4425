import type pg from 'pg';
import type { Case, CaseClock, Notification } from '../../lib/domain.js';
import { ConflictError } from '../../lib/errors.js';
import {
  ACTIVE_FILTER,
  CASE_COLUMNS,
  type CaseRow,
  type ClockRow,
  type HistoryRow,
  isCaseCursor,
  type NotificationRow,
  rowToCase,
  rowToClock,
  rowToHistory,
  rowToNotification,
} from '../sqlite/case-rows.js';
import { decodeCursor, encodeCursor, leaseParams } from '../sqlite/codec.js';
import type { CaseChange, CaseQuery, Lease, NotificationAttempt, Page } from '../store.js';
import { dollar, inTx, lockKey, pgCode, type Queryable } from './db.js';

const caseParams = (c: Case): unknown[] => [
  c.id,
  c.eventId,
  c.tier,
  c.owner,
  c.assignee ?? null,
  c.state,
  c.institution,
  c.title,
  JSON.stringify(c.topics),
  c.openedAt,
  c.updatedAt,
  c.tierSince,
  c.ackDueAt ?? null,
  c.acknowledgedAt ?? null,
  c.deadlineAt ?? null,
  c.respondedAt ?? null,
  c.resolvedAt ?? null,
  c.ruleId ?? null,
  c.mentionCount,
  c.distinctAuthors,
  c.mediaCount,
  JSON.stringify(c.responses),
  JSON.stringify(c.breachedTiers),
  c.distinctComplainants,
];

const COLUMN_LIST = CASE_COLUMNS.split(',').map((s) => s.trim());
const INSERT_CASE = `INSERT INTO cases (${CASE_COLUMNS}) VALUES (${COLUMN_LIST.map((_, i) => dollar(i)).join(', ')})`;
const UPSERT_CASE = `${INSERT_CASE} ON CONFLICT (id) DO UPDATE SET ${COLUMN_LIST.filter((c) => c !== 'id')
  .map((c) => `${c} = excluded.${c}`)
  .join(', ')}`;

/** Cases with their history, clocks and the notification outbox; every change is one transaction. */
export class PgCaseRepo {
  constructor(private readonly pool: pg.Pool) {}

  private async withHistory(rows: CaseRow[], on: Queryable = this.pool): Promise<Case[]> {
    if (rows.length === 0) return [];
    const all = (await on.query('SELECT * FROM case_history WHERE case_id = ANY($1) ORDER BY case_id, seq', [rows.map((r) => r[0])])).rows as HistoryRow[];
    const hist = new Map<string, ReturnType<typeof rowToHistory>[]>();
    for (const h of all) {
      const list = hist.get(h.case_id) ?? [];
      list.push(rowToHistory(h));
      hist.set(h.case_id, list);
    }
    return rows.map((r) => rowToCase(r, hist.get(r[0]) ?? []));
  }

  private async caseRows(on: Queryable, sql: string, params: unknown[]): Promise<CaseRow[]> {
    return (await on.query({ text: sql, values: params, rowMode: 'array' })).rows as CaseRow[];
  }

  async get(id: string, on: Queryable = this.pool): Promise<Case | undefined> {
    const rows = await this.caseRows(on, `SELECT ${CASE_COLUMNS} FROM cases WHERE id = $1`, [id]);
    return (await this.withHistory(rows, on))[0];
  }

  async getByEvent(eventId: string): Promise<Case | undefined> {
    const rows = await this.caseRows(this.pool, `SELECT ${CASE_COLUMNS} FROM cases WHERE event_id = $1 ORDER BY opened_at DESC LIMIT 1`, [eventId]);
    return (await this.withHistory(rows))[0];
  }

  async list(q: CaseQuery): Promise<Page<Case>> {
    const limit = Math.max(1, Math.min(q.limit, 1000));
    const cursor = decodeCursor(q.cursor, isCaseCursor);
    const where: string[] = [];
    const params: unknown[] = [];
    const bind = (v: unknown) => {
      params.push(v);
      return dollar(params.length - 1);
    };
    if (q.tier !== undefined) where.push(`tier = ${bind(q.tier)}`);
    if (q.owner !== undefined) where.push(`owner = ${bind(q.owner)}`);
    if (q.assignee !== undefined) where.push(`assignee = ${bind(q.assignee)}`);
    if (q.institution !== undefined) where.push(`institution = ${bind(q.institution)}`);
    if (q.state === 'active' || q.overdueAt !== undefined) where.push(ACTIVE_FILTER);
    if (q.state !== undefined && q.state !== 'active') where.push(`state = ${bind(q.state)}`);
    if (q.overdueAt !== undefined) {
      const at = bind(q.overdueAt);
      where.push(`((ack_due_at < ${at} AND acknowledged_at IS NULL) OR (deadline_at < ${at} AND responded_at IS NULL AND resolved_at IS NULL))`);
    }
    const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const total = q.withTotal === false ? undefined : ((await this.pool.query(`SELECT count(*) AS n FROM cases ${filter}`, params)).rows[0].n as number);
    if (cursor) where.push(`(opened_at, id) < (${bind(cursor.t)}, ${bind(cursor.id)})`);
    const sql = `SELECT ${CASE_COLUMNS} FROM cases ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY opened_at DESC, id DESC LIMIT ${bind(limit + 1)}`;
    const rows = await this.caseRows(this.pool, sql, params);
    const pageRows = rows.length > limit ? rows.slice(0, limit) : rows;
    const items = q.withHistory === false ? pageRows.map((r) => rowToCase(r, [])) : await this.withHistory(pageRows);
    const page: Page<Case> = { items };
    const last = items.at(-1);
    if (rows.length > limit && last) page.nextCursor = encodeCursor({ t: last.openedAt, id: last.id });
    if (total !== undefined) page.total = total;
    return page;
  }

  async commit(change: CaseChange): Promise<Case> {
    const c = change.case;
    try {
      return await inTx(this.pool, async (tx) => {
        if (change.expectNew) {
          // Openers of one event queue here, so the existence check below sees the winner's commit.
          await tx.query(`SELECT pg_advisory_xact_lock(${lockKey('$1')})`, [`case-event:${c.eventId}`]);
          const other = (await tx.query('SELECT id FROM cases WHERE id = $1 OR event_id = $2 LIMIT 1', [c.id, c.eventId])).rows[0] as
            | { id: string }
            | undefined;
          if (other) throw new ConflictError(`a case for event ${c.eventId} already exists`, { id: other.id, eventId: c.eventId });
        }
        const current = (await tx.query('SELECT updated_at FROM cases WHERE id = $1 FOR UPDATE', [c.id])).rows[0] as { updated_at: string } | undefined;
        if (change.expectedUpdatedAt !== undefined && current?.updated_at !== change.expectedUpdatedAt) {
          throw new ConflictError(`case ${c.id} was changed by someone else`, {
            id: c.id,
            expected: change.expectedUpdatedAt,
            actual: current?.updated_at ?? null,
          });
        }
        await tx.query(change.expectNew ? INSERT_CASE : UPSERT_CASE, caseParams(c));
        const seq0 = (await tx.query('SELECT coalesce(max(seq), 0) AS n FROM case_history WHERE case_id = $1', [c.id])).rows[0].n as number;
        for (const [i, h] of change.history.entries()) {
          await tx.query('INSERT INTO case_history (case_id, seq, at, type, tier, actor, reason, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
            c.id,
            seq0 + i + 1,
            h.at,
            h.type,
            h.tier ?? null,
            h.actor ?? null,
            h.reason ?? null,
            h.data ? JSON.stringify(h.data) : null,
          ]);
        }
        // Cancel first so that a clock of the same kind scheduled in this change (re-based deadline) survives.
        if (change.cancelClockKinds.length > 0) {
          await tx.query('UPDATE clocks SET cancelled_at = $1 WHERE case_id = $2 AND kind = ANY($3) AND fired_at IS NULL AND cancelled_at IS NULL', [
            c.updatedAt,
            c.id,
            change.cancelClockKinds,
          ]);
        }
        for (const k of change.scheduleClocks) {
          await tx.query(
            'INSERT INTO clocks (id, case_id, kind, tier, due_at, fired_at, cancelled_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING',
            [k.id, c.id, k.kind, k.tier, k.dueAt, k.firedAt ?? null, k.cancelledAt ?? null],
          );
        }
        await this.insertNotifications(tx, change.notifications);
        return (await this.get(c.id, tx))!;
      });
    } catch (err) {
      // A concurrent plain upsert created the row between our check and insert.
      if (change.expectNew && pgCode(err) === '23505') throw new ConflictError(`case ${c.id} already exists`, { id: c.id, eventId: c.eventId });
      throw err;
    }
  }

  private async insertNotifications(on: Queryable, list: Notification[]): Promise<number> {
    let n = 0;
    for (const x of list) {
      const values: unknown[] = [x.id, x.caseId, x.tier, x.kind, x.channel, x.recipient, x.idempotencyKey, x.subject, x.body, x.status];
      values.push(x.attempts, x.nextAttemptAt, x.lastError ?? null, x.sentAt ?? null, x.createdAt);
      const r = await on.query(
        `INSERT INTO notifications (id, case_id, tier, kind, channel, recipient, idempotency_key, subject, body, status, attempts, next_attempt_at,
           last_error, sent_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) ON CONFLICT DO NOTHING`,
        values,
      );
      n += r.rowCount ?? 0;
    }
    return n;
  }

  async enqueue(list: Notification[]): Promise<number> {
    return inTx(this.pool, (tx) => this.insertNotifications(tx, list));
  }

  async dueClocks(now: string, limit: number): Promise<CaseClock[]> {
    const r = await this.pool.query('SELECT * FROM clocks WHERE due_at <= $1 AND fired_at IS NULL AND cancelled_at IS NULL ORDER BY due_at, id LIMIT $2', [
      now,
      limit,
    ]);
    return (r.rows as ClockRow[]).map(rowToClock);
  }

  /** One conditional UPDATE: a second claimer waits for the row, re-checks fired_at and updates nothing. */
  async claimClock(id: string, at: string): Promise<boolean> {
    return (await this.pool.query('UPDATE clocks SET fired_at = $1 WHERE id = $2 AND fired_at IS NULL AND cancelled_at IS NULL', [at, id])).rowCount === 1;
  }

  async clocks(caseId: string): Promise<CaseClock[]> {
    return ((await this.pool.query('SELECT * FROM clocks WHERE case_id = $1 ORDER BY due_at, id', [caseId])).rows as ClockRow[]).map(rowToClock);
  }

  async dueNotifications(now: string, limit: number): Promise<Notification[]> {
    const r = await this.pool.query("SELECT * FROM notifications WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $2", [
      now,
      limit,
    ]);
    return (r.rows as NotificationRow[]).map(rowToNotification);
  }

  /** Rows another dispatcher is claiming right now are skipped, not waited for. */
  async claimNotifications(limit: number, lease: Lease): Promise<Notification[]> {
    const p = leaseParams(lease);
    const r = await this.pool.query(
      `WITH c AS (SELECT id FROM notifications WHERE status = 'pending' AND next_attempt_at <= $1
                    AND (claim_until IS NULL OR claim_until <= $1) ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
       UPDATE notifications n SET claim_owner = $2, claim_until = $4 FROM c WHERE n.id = c.id RETURNING n.*`,
      [p.now, p.owner, Math.max(0, limit), p.until],
    );
    const rows = (r.rows as NotificationRow[]).sort((a, b) =>
      a.next_attempt_at === b.next_attempt_at ? (String(a.id) < String(b.id) ? -1 : 1) : String(a.next_attempt_at) < String(b.next_attempt_at) ? -1 : 1,
    );
    return rows.map(rowToNotification);
  }

  async notifications(caseId: string): Promise<Notification[]> {
    const r = await this.pool.query('SELECT * FROM notifications WHERE case_id = $1 ORDER BY created_at, id', [caseId]);
    return (r.rows as NotificationRow[]).map(rowToNotification);
  }

  async recordAttempt(id: string, r: NotificationAttempt): Promise<void> {
    const status = r.ok ? 'sent' : r.nextAttemptAt ? 'pending' : 'failed';
    await this.pool.query(
      `UPDATE notifications SET claim_owner = NULL, claim_until = NULL, attempts = attempts + 1, status = $2, sent_at = coalesce($3, sent_at),
         last_error = $4, next_attempt_at = coalesce($5, next_attempt_at) WHERE id = $1`,
      [id, status, r.ok ? r.at : null, r.ok ? null : (r.error ?? 'unknown error'), r.ok ? null : (r.nextAttemptAt ?? null)],
    );
  }

  async openedBetween(from: string, to: string): Promise<Case[]> {
    const rows = await this.caseRows(this.pool, `SELECT ${CASE_COLUMNS} FROM cases WHERE opened_at >= $1 AND opened_at < $2 ORDER BY opened_at, id`, [
      from,
      to,
    ]);
    return this.withHistory(rows);
  }
}
