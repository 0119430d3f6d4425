import type pg from 'pg';
import type { Analysis, ApiKeyRecord, AuditEntry, Case, CaseClock, Event, Mention, Notification, SourceCursor, SourceHealth } from '../../lib/domain.js';
import type { Logger } from '../../lib/logger.js';
import { KeyedMutex } from '../lock.js';
import type { MaskText } from '../mask.js';
import type { VoiceRow } from '../series.js';
import type {
  CaseChange,
  CaseQuery,
  CompletionItem,
  CompletionResult,
  EventQuery,
  Lease,
  MentionQuery,
  MentionView,
  NotificationAttempt,
  Page,
  SeriesPoint,
  SeriesQuery,
  Store,
} from '../store.js';
import { PgAdminRepo } from './admin.js';
import { PgCaseRepo } from './cases.js';
import { createPool, lockKey, pgCode, quoteIdent } from './db.js';
import { PgMentionRepo } from './mentions.js';
import { migratePg } from './migrations.js';
import { PgRollups } from './rollups.js';

export interface PgStoreOptions {
  /** postgres://user:password@host:port/database */
  connectionString: string;
  /** Schema holding the tables (created if missing; default: the role's search_path, normally `public`). */
  schema?: string;
  /** Connections in the pool (default 10). */
  poolSize?: number;
  log: Logger;
  /** Tokenizer for search queries and titles (the analysis tokenizer); default: split on whitespace. */
  tokenize?: (text: string) => string[];
  /** Keep the unmasked post text after analysis (default false). */
  keepRawText?: boolean;
  /** PII masker for every crawled field before it is stored (the analysis masker; default none). */
  maskText?: MaskText;
}

/**
 * The cluster Store on PostgreSQL: one pool per process, each method one statement or one transaction.
 * Same tables and semantics as the SQLite store; concurrency between processes is handled by row locks
 * (FOR UPDATE / SKIP LOCKED), conditional updates and advisory locks, as noted on each method.
 */
export class PgStore implements Store {
  private readonly mentions: PgMentionRepo;
  private readonly cases: PgCaseRepo;
  private readonly admin: PgAdminRepo;
  private readonly rollups: PgRollups;
  /** One waiter per key per process, so lock waiters cannot take every pooled connection. */
  private readonly locks = new KeyedMutex();
  private closed = false;

  private constructor(
    readonly pool: pg.Pool,
    options: PgStoreOptions,
  ) {
    this.rollups = new PgRollups(pool);
    this.mentions = new PgMentionRepo(pool, this.rollups, {
      tokenize: options.tokenize,
      keepRawText: options.keepRawText ?? false,
      maskText: options.maskText,
    });
    this.cases = new PgCaseRepo(pool);
    this.admin = new PgAdminRepo(pool);
  }

  /** Connects, creates the schema if asked, and applies pending migrations. */
  static async open(options: PgStoreOptions): Promise<PgStore> {
    const log = options.log.child({ component: 'store' });
    if (options.schema) {
      const setup = createPool({ connectionString: options.connectionString, max: 1 });
      try {
        await setup.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(options.schema)}`);
      } catch (err) {
        // Two processes creating it at once: the loser sees a unique violation; the schema exists.
        if (pgCode(err) !== '23505' && pgCode(err) !== '42P06') throw err;
      } finally {
        await setup.end();
      }
    }
    const pool = createPool({ connectionString: options.connectionString, schema: options.schema, max: options.poolSize });
    pool.on('error', (err) => log.warn('idle PostgreSQL connection failed', { error: err.message }));
    try {
      const applied = await migratePg(pool);
      if (applied.length > 0) log.info('store migrated', { backend: 'postgres', versions: applied });
    } catch (err) {
      await pool.end();
      throw err;
    }
    return new PgStore(pool, options);
  }

  // ---- mentions ----
  upsertMentions(mentions: Mention[]): Promise<{ inserted: string[]; fresh: string[]; duplicates: string[] }> {
    return this.mentions.upsert(mentions);
  }
  getMention(id: string): Promise<(Mention & { analysis?: Analysis }) | undefined> {
    return this.mentions.get(id);
  }
  listUnprocessedMentions(limit: number): Promise<Mention[]> {
    return this.mentions.listUnprocessed(limit);
  }
  completeMention(mentionId: string, analysis: Analysis, eventId: string | undefined, at: string, owner?: string): Promise<Event | undefined> {
    return this.mentions.complete(mentionId, analysis, eventId, at, owner);
  }
  completeMentions(items: CompletionItem[], at: string, owner?: string): Promise<CompletionResult> {
    return this.mentions.completeMany(items, at, owner);
  }
  searchMentions(query: MentionQuery): Promise<Page<MentionView>> {
    return this.mentions.search(query);
  }
  claimMentions(ids: string[], lease: Lease): Promise<Mention[]> {
    return this.mentions.claim(ids, lease);
  }
  claimUnprocessedMentions(limit: number, lease: Lease): Promise<Mention[]> {
    return this.mentions.claimUnprocessed(limit, lease);
  }
  releaseMentions(ids: string[], owner: string, retryAt?: string): Promise<number> {
    return this.mentions.release(ids, owner, retryAt);
  }

  // ---- events ----
  saveEvent(event: Event): Promise<void> {
    return this.mentions.events.save(event);
  }
  getEvent(id: string): Promise<Event | undefined> {
    return this.mentions.events.get(id);
  }
  listRecentEvents(since: string, institution?: string): Promise<Event[]> {
    return this.mentions.events.listRecent(since, institution);
  }
  listEvents(query: EventQuery): Promise<Page<Event>> {
    return this.mentions.events.list(query);
  }
  listEventMentions(eventId: string, limit: number): Promise<MentionView[]> {
    return this.mentions.listEventMentions(eventId, limit);
  }

  // ---- cases, clocks, outbox ----
  getCase(id: string): Promise<Case | undefined> {
    return this.cases.get(id);
  }
  getCaseByEvent(eventId: string): Promise<Case | undefined> {
    return this.cases.getByEvent(eventId);
  }
  listCases(query: CaseQuery): Promise<Page<Case>> {
    return this.cases.list(query);
  }
  commitCaseChange(change: CaseChange): Promise<Case> {
    return this.cases.commit(change);
  }
  listDueClocks(now: string, limit: number): Promise<CaseClock[]> {
    return this.cases.dueClocks(now, limit);
  }
  claimClock(id: string, at: string): Promise<boolean> {
    return this.cases.claimClock(id, at);
  }
  listClocks(caseId: string): Promise<CaseClock[]> {
    return this.cases.clocks(caseId);
  }
  listDueNotifications(now: string, limit: number): Promise<Notification[]> {
    return this.cases.dueNotifications(now, limit);
  }
  claimNotifications(limit: number, lease: Lease): Promise<Notification[]> {
    return this.cases.claimNotifications(limit, lease);
  }
  recordNotificationAttempt(id: string, result: NotificationAttempt): Promise<void> {
    return this.cases.recordAttempt(id, result);
  }
  listNotifications(caseId: string): Promise<Notification[]> {
    return this.cases.notifications(caseId);
  }
  enqueueNotifications(notifications: Notification[]): Promise<number> {
    return this.cases.enqueue(notifications);
  }

  // ---- sources ----
  getCursor(source: string, query: string): Promise<SourceCursor | undefined> {
    return this.admin.getCursor(source, query);
  }
  setCursor(cursor: SourceCursor): Promise<void> {
    return this.admin.setCursor(cursor);
  }
  getSourceHealth(source: string): Promise<SourceHealth | undefined> {
    return this.admin.getHealth(source);
  }
  saveSourceHealth(health: SourceHealth): Promise<void> {
    return this.admin.saveHealth(health);
  }
  listSourceHealth(): Promise<SourceHealth[]> {
    return this.admin.listHealth();
  }
  async getSourceState(source: string): Promise<Record<string, unknown> | undefined> {
    const data = await this.admin.getState(source, 'state');
    return data === undefined ? undefined : (JSON.parse(data) as Record<string, unknown>);
  }
  putSourceState(source: string, state: Record<string, unknown>, at: string): Promise<void> {
    return this.admin.setState(source, 'state', JSON.stringify(state), at);
  }
  loadCookieJar(source: string): Promise<string | undefined> {
    return this.admin.getState(source, 'cookies');
  }
  saveCookieJar(source: string, jar: string, at: string): Promise<void> {
    return this.admin.setState(source, 'cookies', jar, at);
  }

  // ---- reports ----
  sentimentSeries(query: SeriesQuery): Promise<SeriesPoint[]> {
    return this.rollups.series(query);
  }
  shareOfVoice(from: string, to: string): Promise<VoiceRow[]> {
    return this.rollups.shareOfVoice(from, to);
  }
  listCasesOpenedBetween(from: string, to: string): Promise<Case[]> {
    return this.cases.openedBetween(from, to);
  }
  listAnalysedMentions(from: string, to: string, afterId: string | undefined, limit: number): Promise<Array<Mention & { analysis: Analysis }>> {
    return this.mentions.listAnalysed(from, to, afterId, limit);
  }

  // ---- keys, rules, audit ----
  createApiKey(record: ApiKeyRecord): Promise<void> {
    return this.admin.createKey(record);
  }
  findApiKeyByHash(hash: string): Promise<ApiKeyRecord | undefined> {
    return this.admin.keyByHash(hash);
  }
  listApiKeys(): Promise<ApiKeyRecord[]> {
    return this.admin.keys();
  }
  revokeApiKey(id: string, at: string): Promise<boolean> {
    return this.admin.revoke(id, at);
  }
  touchApiKey(id: string, at: string): Promise<void> {
    return this.admin.touch(id, at);
  }
  saveRuleSet(name: string, yamlText: string, actor: string, at: string): Promise<number> {
    return this.admin.saveRuleSet(name, yamlText, actor, at);
  }
  getRuleSet(name: string): Promise<{ version: number; yaml: string; savedAt: string; actor: string } | undefined> {
    return this.admin.getRuleSet(name);
  }
  getRuleSetVersion(name: string): Promise<number> {
    return this.admin.ruleSetVersion(name);
  }
  appendAudit(entry: AuditEntry): Promise<void> {
    return this.admin.appendAudit(entry);
  }
  listAudit(target: string | undefined, limit: number): Promise<AuditEntry[]> {
    return this.admin.listAudit(target, limit);
  }

  // ---- coordination ----
  /** A session advisory lock on a dedicated connection, held while fn runs; dies with the connection. */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return this.locks.run(key, async () => {
      const client = await this.pool.connect();
      let broken: Error | undefined;
      // A connection killed while fn runs must not surface as an unhandled 'error' event.
      const onError = (err: Error) => {
        broken = err;
      };
      client.on('error', onError);
      try {
        await client.query(`SELECT pg_advisory_lock(${lockKey('$1')})`, [key]);
        try {
          return await fn();
        } finally {
          await client.query(`SELECT pg_advisory_unlock(${lockKey('$1')})`, [key]).catch((err: Error) => {
            broken = err;
          });
        }
      } finally {
        client.off('error', onError);
        client.release(broken);
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
