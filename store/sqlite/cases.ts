import type Database from 'better-sqlite3';
import type { Case, CaseClock, CaseHistoryEntry, Notification } from '../../lib/domain.js';
import { ConflictError } from '../../lib/errors.js';
import type { CaseChange, CaseQuery, Lease, NotificationAttempt, Page } from '../store.js';
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
} from './case-rows.js';
import { decodeCursor, encodeCursor, leaseParams, prepared } from './codec.js';

interface ListStatements {
  count: Database.Statement;
  page: Database.Statement;
}

/** Cases with their history, clocks and the notification outbox. */
export class CaseRepo {
  private readonly s;
  private readonly listCache = new Map<string, ListStatements>();

  constructor(private readonly db: Database.Database) {
    this.s = {
      get: db.prepare(`SELECT ${CASE_COLUMNS} FROM cases WHERE id = ?`).raw(true),
      byEvent: db.prepare(`SELECT ${CASE_COLUMNS} FROM cases WHERE event_id = ? ORDER BY opened_at DESC LIMIT 1`).raw(true),
      history: db.prepare('SELECT * FROM case_history WHERE case_id = ? ORDER BY seq'),
      updatedAt: db.prepare('SELECT updated_at FROM cases WHERE id = ?').pluck(),
      caseExists: db.prepare('SELECT id FROM cases WHERE id = ? OR event_id = ? LIMIT 1').pluck(),
      maxSeq: db.prepare('SELECT coalesce(max(seq), 0) FROM case_history WHERE case_id = ?').pluck(),
      upsert: db.prepare(
        `INSERT INTO cases (id, event_id, tier, owner, assignee, state, institution, title, topics, opened_at, updated_at, tier_since, ack_due_at,
           acknowledged_at, deadline_at, responded_at, resolved_at, rule_id, mention_count, distinct_authors, media_count, responses, breached_tiers,
           distinct_complainants)
         VALUES (@id, @eventId, @tier, @owner, @assignee, @state, @institution, @title, @topics, @openedAt, @updatedAt, @tierSince, @ackDueAt,
           @acknowledgedAt, @deadlineAt, @respondedAt, @resolvedAt, @ruleId, @mentionCount, @distinctAuthors, @mediaCount, @responses, @breachedTiers,
           @distinctComplainants)
         ON CONFLICT (id) DO UPDATE SET event_id = excluded.event_id, tier = excluded.tier, owner = excluded.owner, assignee = excluded.assignee,
           state = excluded.state, institution = excluded.institution, title = excluded.title, topics = excluded.topics, opened_at = excluded.opened_at,
           updated_at = excluded.updated_at, tier_since = excluded.tier_since, ack_due_at = excluded.ack_due_at, acknowledged_at = excluded.acknowledged_at,
           deadline_at = excluded.deadline_at, responded_at = excluded.responded_at, resolved_at = excluded.resolved_at, rule_id = excluded.rule_id,
           mention_count = excluded.mention_count, distinct_authors = excluded.distinct_authors, media_count = excluded.media_count,
           responses = excluded.responses, breached_tiers = excluded.breached_tiers, distinct_complainants = excluded.distinct_complainants`,
      ),
      addHistory: db.prepare('INSERT INTO case_history (case_id, seq, at, type, tier, actor, reason, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      addClock: db.prepare('INSERT OR IGNORE INTO clocks (id, case_id, kind, tier, due_at, fired_at, cancelled_at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      cancelClocks: db.prepare(
        'UPDATE clocks SET cancelled_at = ? WHERE case_id = ? AND kind IN (SELECT value FROM json_each(?)) AND fired_at IS NULL AND cancelled_at IS NULL',
      ),
      addNotification: db.prepare(
        `INSERT OR IGNORE INTO notifications (id, case_id, tier, kind, channel, recipient, idempotency_key, subject, body, status, attempts,
           next_attempt_at, last_error, sent_at, created_at)
         VALUES (@id, @caseId, @tier, @kind, @channel, @recipient, @idempotencyKey, @subject, @body, @status, @attempts, @nextAttemptAt,
           @lastError, @sentAt, @createdAt)`,
      ),
      dueClocks: db.prepare('SELECT * FROM clocks WHERE due_at <= ? AND fired_at IS NULL AND cancelled_at IS NULL ORDER BY due_at, id LIMIT ?'),
      claimClock: db.prepare('UPDATE clocks SET fired_at = ? WHERE id = ? AND fired_at IS NULL AND cancelled_at IS NULL'),
      clocksOf: db.prepare('SELECT * FROM clocks WHERE case_id = ? ORDER BY due_at, id'),
      dueNotifications: db.prepare("SELECT * FROM notifications WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?"),
      notificationsOf: db.prepare('SELECT * FROM notifications WHERE case_id = ? ORDER BY created_at, id'),
      claimable: db
        .prepare(
          `SELECT id FROM notifications WHERE status = 'pending' AND next_attempt_at <= @now
           AND (claim_until IS NULL OR claim_until <= @now) ORDER BY next_attempt_at, id LIMIT @limit`,
        )
        .pluck(),
      claimNotification: db.prepare('UPDATE notifications SET claim_owner = @owner, claim_until = @until WHERE id = @id'),
      notification: db.prepare('SELECT * FROM notifications WHERE id = ?'),
      attempt: db.prepare(
        `UPDATE notifications SET claim_owner = NULL, claim_until = NULL, attempts = attempts + 1, status = @status, sent_at = coalesce(@sentAt, sent_at), last_error = @error,
           next_attempt_at = coalesce(@next, next_attempt_at) WHERE id = @id`,
      ),
      openedBetween: db.prepare(`SELECT ${CASE_COLUMNS} FROM cases WHERE opened_at >= ? AND opened_at < ? ORDER BY opened_at, id`).raw(true),
    };
  }

  private withHistory(rows: CaseRow[]): Case[] {
    if (rows.length === 0) return [];
    if (rows.length === 1) return [rowToCase(rows[0]!, (this.s.history.all(rows[0]![0]) as HistoryRow[]).map(rowToHistory))];
    const hist = new Map<string, CaseHistoryEntry[]>();
    const all: HistoryRow[] = [];
    for (let i = 0; i < rows.length; i += 500) {
      const ids = rows.slice(i, i + 500).map((r) => r[0]);
      const sql = `SELECT * FROM case_history WHERE case_id IN (${ids.map(() => '?').join(',')}) ORDER BY case_id, seq`;
      all.push(...(prepared(this.db, sql).all(...ids) as HistoryRow[]));
    }
    for (const h of all) {
      const list = hist.get(h.case_id) ?? [];
      list.push(rowToHistory(h));
      hist.set(h.case_id, list);
    }
    return rows.map((r) => rowToCase(r, hist.get(r[0]) ?? []));
  }

  get(id: string): Case | undefined {
    const r = this.s.get.get(id) as CaseRow | undefined;
    return r ? this.withHistory([r])[0] : undefined;
  }

  getByEvent(eventId: string): Case | undefined {
    const r = this.s.byEvent.get(eventId) as CaseRow | undefined;
    return r ? this.withHistory([r])[0] : undefined;
  }

  /**
   * The count and page statements for one filter shape (which filters are set, not their values),
   * prepared once: preparing costs more than running these queries.
   */
  private listStatements(q: CaseQuery, withCursor: boolean): ListStatements {
    const overdue = q.overdueAt !== undefined;
    const key = `${q.tier !== undefined ? 't' : ''}${q.owner !== undefined ? 'o' : ''}${q.assignee !== undefined ? 'a' : ''}${q.institution !== undefined ? 'i' : ''}|${q.state ?? ''}|${overdue ? 'd' : ''}|${withCursor ? 'c' : ''}`;
    let st = this.listCache.get(key);
    if (st) return st;
    const where: string[] = [];
    if (q.tier !== undefined) where.push('tier = @tier');
    if (q.owner !== undefined) where.push('owner = @owner');
    if (q.assignee !== undefined) where.push('assignee = @assignee');
    if (q.institution !== undefined) where.push('institution = @institution');
    // Spelled exactly as the partial index cases_active (migration 3) so the planner can use it.
    if (q.state === 'active' || overdue) where.push(ACTIVE_FILTER);
    if (q.state !== undefined && q.state !== 'active') where.push('state = @state');
    if (overdue)
      where.push('((ack_due_at < @overdueAt AND acknowledged_at IS NULL) OR (deadline_at < @overdueAt AND responded_at IS NULL AND resolved_at IS NULL))');
    const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    if (withCursor) where.push('(opened_at, id) < (@cursorT, @cursorId)');
    // Active cases are few (open work), so their partial index beats any other: without statistics the
    // planner would rather take cases_state and sort.
    const from = q.state === 'active' || overdue ? 'cases INDEXED BY cases_active' : 'cases';
    st = {
      count: this.db.prepare(`SELECT count(*) FROM ${from} ${filter}`).pluck(),
      page: this.db
        .prepare(`SELECT ${CASE_COLUMNS} FROM ${from} ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY opened_at DESC, id DESC LIMIT @limit`)
        .raw(true),
    };
    this.listCache.set(key, st);
    return st;
  }

  list(q: CaseQuery): Page<Case> {
    const limit = Math.max(1, Math.min(q.limit, 1000));
    const cursor = decodeCursor(q.cursor, isCaseCursor);
    const st = this.listStatements(q, cursor !== undefined);
    const params: Record<string, unknown> = {};
    if (q.tier !== undefined) params.tier = q.tier;
    if (q.owner !== undefined) params.owner = q.owner;
    if (q.assignee !== undefined) params.assignee = q.assignee;
    if (q.institution !== undefined) params.institution = q.institution;
    if (q.state !== undefined && q.state !== 'active') params.state = q.state;
    if (q.overdueAt !== undefined) params.overdueAt = q.overdueAt;
    const total = q.withTotal === false ? undefined : (st.count.get(params) as number);
    if (cursor) {
      params.cursorT = cursor.t;
      params.cursorId = cursor.id;
    }
    params.limit = limit + 1;
    const rows = st.page.all(params) as CaseRow[];
    const pageRows = rows.length > limit ? rows.slice(0, limit) : rows;
    const items = q.withHistory === false ? pageRows.map((r) => rowToCase(r, [])) : this.withHistory(pageRows);
    const page: Page<Case> = { items };
    const last = items.at(-1);
    if (rows.length > limit && last) page.nextCursor = encodeCursor({ t: last.openedAt, id: last.id });
    if (total !== undefined) page.total = total;
    return page;
  }

  commit(change: CaseChange): Case {
    return this.db
      .transaction((): Case => {
        const c = change.case;
        if (change.expectNew) {
          const other = this.s.caseExists.get(c.id, c.eventId) as string | undefined;
          if (other !== undefined) throw new ConflictError(`a case for event ${c.eventId} already exists`, { id: other, eventId: c.eventId });
        }
        const current = this.s.updatedAt.get(c.id) as string | undefined;
        if (change.expectedUpdatedAt !== undefined && current !== change.expectedUpdatedAt) {
          throw new ConflictError(`case ${c.id} was changed by someone else`, { id: c.id, expected: change.expectedUpdatedAt, actual: current ?? null });
        }
        this.s.upsert.run({
          id: c.id,
          eventId: c.eventId,
          tier: c.tier,
          owner: c.owner,
          assignee: c.assignee ?? null,
          state: c.state,
          institution: c.institution,
          title: c.title,
          topics: JSON.stringify(c.topics),
          openedAt: c.openedAt,
          updatedAt: c.updatedAt,
          tierSince: c.tierSince,
          ackDueAt: c.ackDueAt ?? null,
          acknowledgedAt: c.acknowledgedAt ?? null,
          deadlineAt: c.deadlineAt ?? null,
          respondedAt: c.respondedAt ?? null,
          resolvedAt: c.resolvedAt ?? null,
          ruleId: c.ruleId ?? null,
          mentionCount: c.mentionCount,
          distinctAuthors: c.distinctAuthors,
          distinctComplainants: c.distinctComplainants,
          mediaCount: c.mediaCount,
          responses: JSON.stringify(c.responses),
          breachedTiers: JSON.stringify(c.breachedTiers),
        });
        let seq = this.s.maxSeq.get(c.id) as number;
        for (const h of change.history) {
          seq++;
          this.s.addHistory.run(c.id, seq, h.at, h.type, h.tier ?? null, h.actor ?? null, h.reason ?? null, h.data ? JSON.stringify(h.data) : null);
        }
        // Cancel first so that a clock of the same kind scheduled in this change (re-based deadline) survives.
        if (change.cancelClockKinds.length > 0) this.s.cancelClocks.run(c.updatedAt, c.id, JSON.stringify(change.cancelClockKinds));
        for (const k of change.scheduleClocks) {
          this.s.addClock.run(k.id, c.id, k.kind, k.tier, k.dueAt, k.firedAt ?? null, k.cancelledAt ?? null);
        }
        this.insertNotifications(change.notifications);
        return this.get(c.id)!;
      })
      .immediate();
  }

  insertNotifications(list: Notification[]): number {
    let n = 0;
    for (const x of list) {
      n += this.s.addNotification.run({ ...x, lastError: x.lastError ?? null, sentAt: x.sentAt ?? null }).changes;
    }
    return n;
  }

  enqueue(list: Notification[]): number {
    return this.db.transaction(() => this.insertNotifications(list)).immediate();
  }

  dueClocks(now: string, limit: number): CaseClock[] {
    return (this.s.dueClocks.all(now, limit) as ClockRow[]).map(rowToClock);
  }

  claimClock(id: string, at: string): boolean {
    return this.s.claimClock.run(at, id).changes === 1;
  }

  clocks(caseId: string): CaseClock[] {
    return (this.s.clocksOf.all(caseId) as ClockRow[]).map(rowToClock);
  }

  dueNotifications(now: string, limit: number): Notification[] {
    return (this.s.dueNotifications.all(now, limit) as NotificationRow[]).map(rowToNotification);
  }

  claimNotifications(limit: number, lease: Lease): Notification[] {
    const p = leaseParams(lease);
    return this.db
      .transaction(() => {
        const ids = this.s.claimable.all({ now: p.now, limit: Math.max(0, limit) }) as string[];
        return ids.map((id) => {
          this.s.claimNotification.run({ ...p, id });
          return rowToNotification(this.s.notification.get(id) as NotificationRow);
        });
      })
      .immediate();
  }

  notifications(caseId: string): Notification[] {
    return (this.s.notificationsOf.all(caseId) as NotificationRow[]).map(rowToNotification);
  }

  recordAttempt(id: string, r: NotificationAttempt): void {
    const status = r.ok ? 'sent' : r.nextAttemptAt ? 'pending' : 'failed';
    this.s.attempt.run({
      id,
      status,
      sentAt: r.ok ? r.at : null,
      error: r.ok ? null : (r.error ?? 'unknown error'),
      next: r.ok ? null : (r.nextAttemptAt ?? null),
    });
  }

  openedBetween(from: string, to: string): Case[] {
    return this.withHistory(this.s.openedBetween.all(from, to) as CaseRow[]);
  }
}
