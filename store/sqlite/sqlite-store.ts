import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Analysis, ApiKeyRecord, AuditEntry, Case, CaseClock, Event, Mention, Notification, SourceCursor, SourceHealth } from '../../lib/domain.js';
import type { Logger } from '../../lib/logger.js';
import { type KeyedMutex, mutexFor } from '../lock.js';
import type { MaskText } from '../mask.js';
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
import { AdminRepo } from './admin.js';
import { BulkImporter, type BulkItem } from './bulk.js';
import { CaseRepo } from './cases.js';
import { MentionRepo, type Tokenize } from './mentions.js';
import { migrate } from './migrations.js';
import { Rollups } from './rollups.js';

export interface SqliteStoreOptions {
  /** File path, or `:memory:`. */
  path: string;
  log: Logger;
  /** Tokenizer for search queries and titles (the analysis tokenizer); default: split on whitespace. */
  tokenize?: Tokenize;
  /** Keep the unmasked post text after analysis (default false). */
  keepRawText?: boolean;
  /** PII masker for every crawled field before it is stored (the analysis masker; default none). */
  maskText?: MaskText;
  /** How long a writer waits for another connection's lock (default 5000 ms). */
  busyTimeoutMs?: number;
}

/** The embedded Store: one better-sqlite3 connection in WAL mode. Each method is one atomic statement or transaction. */
export class SqliteStore implements Store {
  readonly db: Database.Database;
  private readonly mentions: MentionRepo;
  private readonly cases: CaseRepo;
  private readonly admin: AdminRepo;
  private readonly rollups: Rollups;
  private bulk?: BulkImporter;
  private readonly locks: KeyedMutex;

  constructor(private readonly options: SqliteStoreOptions) {
    const log = options.log.child({ component: 'store' });
    this.db = new Database(options.path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma(`busy_timeout = ${Math.floor(options.busyTimeoutMs ?? 5000)}`);
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('cache_size = -65536');
    this.db.pragma('temp_store = MEMORY');
    const applied = migrate(this.db);
    if (applied.length > 0) log.info('store migrated', { path: options.path, versions: applied });
    this.rollups = new Rollups(this.db);
    this.mentions = new MentionRepo(this.db, this.rollups, {
      tokenize: options.tokenize,
      keepRawText: options.keepRawText ?? false,
      maskText: options.maskText,
    });
    this.cases = new CaseRepo(this.db);
    this.admin = new AdminRepo(this.db);
    this.locks = mutexFor(options.path === ':memory:' ? ':memory:' : resolve(options.path));
  }

  get path(): string {
    return this.options.path;
  }

  // ---- mentions ----
  async upsertMentions(mentions: Mention[]): Promise<{ inserted: string[]; fresh: string[]; duplicates: string[] }> {
    return this.mentions.upsert(mentions);
  }
  async getMention(id: string): Promise<(Mention & { analysis?: Analysis }) | undefined> {
    return this.mentions.get(id);
  }
  async listUnprocessedMentions(limit: number): Promise<Mention[]> {
    return this.mentions.listUnprocessed(limit);
  }
  async completeMention(mentionId: string, analysis: Analysis, eventId: string | undefined, at: string, owner?: string): Promise<Event | undefined> {
    return this.mentions.complete(mentionId, analysis, eventId, at, owner);
  }
  async completeMentions(items: CompletionItem[], at: string, owner?: string): Promise<CompletionResult> {
    return this.mentions.completeMany(items, at, owner);
  }
  async searchMentions(query: MentionQuery): Promise<Page<MentionView>> {
    return this.mentions.search(query);
  }
  async claimMentions(ids: string[], lease: Lease): Promise<Mention[]> {
    return this.mentions.claim(ids, lease);
  }
  async claimUnprocessedMentions(limit: number, lease: Lease): Promise<Mention[]> {
    return this.mentions.claimUnprocessed(limit, lease);
  }
  async releaseMentions(ids: string[], owner: string, retryAt?: string): Promise<number> {
    return this.mentions.release(ids, owner, retryAt);
  }

  // ---- events ----
  async saveEvent(event: Event): Promise<void> {
    this.mentions.events.save(event);
  }
  async getEvent(id: string): Promise<Event | undefined> {
    return this.mentions.events.get(id);
  }
  async listRecentEvents(since: string, institution?: string): Promise<Event[]> {
    return this.mentions.events.listRecent(since, institution);
  }
  async listEvents(query: EventQuery): Promise<Page<Event>> {
    return this.mentions.events.list(query);
  }
  async listEventMentions(eventId: string, limit: number): Promise<MentionView[]> {
    return this.mentions.listEventMentions(eventId, limit);
  }

  // ---- cases ----
  async getCase(id: string): Promise<Case | undefined> {
    return this.cases.get(id);
  }
  async getCaseByEvent(eventId: string): Promise<Case | undefined> {
    return this.cases.getByEvent(eventId);
  }
  async listCases(query: CaseQuery): Promise<Page<Case>> {
    return this.cases.list(query);
  }
  async commitCaseChange(change: CaseChange): Promise<Case> {
    return this.cases.commit(change);
  }

  // ---- clocks ----
  async listDueClocks(now: string, limit: number): Promise<CaseClock[]> {
    return this.cases.dueClocks(now, limit);
  }
  async claimClock(id: string, at: string): Promise<boolean> {
    return this.cases.claimClock(id, at);
  }
  async listClocks(caseId: string): Promise<CaseClock[]> {
    return this.cases.clocks(caseId);
  }

  // ---- notifications ----
  async listDueNotifications(now: string, limit: number): Promise<Notification[]> {
    return this.cases.dueNotifications(now, limit);
  }
  async recordNotificationAttempt(id: string, result: NotificationAttempt): Promise<void> {
    this.cases.recordAttempt(id, result);
  }
  async claimNotifications(limit: number, lease: Lease): Promise<Notification[]> {
    return this.cases.claimNotifications(limit, lease);
  }
  async listNotifications(caseId: string): Promise<Notification[]> {
    return this.cases.notifications(caseId);
  }
  async enqueueNotifications(notifications: Notification[]): Promise<number> {
    return this.cases.enqueue(notifications);
  }

  // ---- sources ----
  async getCursor(source: string, query: string): Promise<SourceCursor | undefined> {
    return this.admin.getCursor(source, query);
  }
  async setCursor(cursor: SourceCursor): Promise<void> {
    this.admin.setCursor(cursor);
  }
  async getSourceHealth(source: string): Promise<SourceHealth | undefined> {
    return this.admin.getHealth(source);
  }
  async saveSourceHealth(health: SourceHealth): Promise<void> {
    this.admin.saveHealth(health);
  }
  async listSourceHealth(): Promise<SourceHealth[]> {
    return this.admin.listHealth();
  }
  async getSourceState(source: string): Promise<Record<string, unknown> | undefined> {
    const data = this.admin.getState(source, 'state');
    return data === undefined ? undefined : (JSON.parse(data) as Record<string, unknown>);
  }
  async putSourceState(source: string, state: Record<string, unknown>, at: string): Promise<void> {
    this.admin.setState(source, 'state', JSON.stringify(state), at);
  }
  async loadCookieJar(source: string): Promise<string | undefined> {
    return this.admin.getState(source, 'cookies');
  }
  async saveCookieJar(source: string, jar: string, at: string): Promise<void> {
    this.admin.setState(source, 'cookies', jar, at);
  }

  // ---- reports ----
  async sentimentSeries(query: SeriesQuery): Promise<SeriesPoint[]> {
    return this.rollups.series(query);
  }
  async shareOfVoice(from: string, to: string): Promise<Array<{ institution: string; mentions: number; negative: number; positive: number; neutral: number }>> {
    return this.rollups.shareOfVoice(from, to);
  }
  async listCasesOpenedBetween(from: string, to: string): Promise<Case[]> {
    return this.cases.openedBetween(from, to);
  }
  async listAnalysedMentions(from: string, to: string, afterId: string | undefined, limit: number): Promise<Array<Mention & { analysis: Analysis }>> {
    return this.mentions.listAnalysed(from, to, afterId, limit);
  }

  // ---- keys, rules, audit ----
  async createApiKey(record: ApiKeyRecord): Promise<void> {
    this.admin.createKey(record);
  }
  async findApiKeyByHash(hash: string): Promise<ApiKeyRecord | undefined> {
    return this.admin.keyByHash(hash);
  }
  async listApiKeys(): Promise<ApiKeyRecord[]> {
    return this.admin.keys();
  }
  async revokeApiKey(id: string, at: string): Promise<boolean> {
    return this.admin.revoke(id, at);
  }
  async touchApiKey(id: string, at: string): Promise<void> {
    this.admin.touch(id, at);
  }
  async saveRuleSet(name: string, yamlText: string, actor: string, at: string): Promise<number> {
    return this.admin.saveRuleSet(name, yamlText, actor, at);
  }
  async getRuleSet(name: string): Promise<{ version: number; yaml: string; savedAt: string; actor: string } | undefined> {
    return this.admin.getRuleSet(name);
  }
  async getRuleSetVersion(name: string): Promise<number> {
    return this.admin.ruleSetVersion(name);
  }
  async appendAudit(entry: AuditEntry): Promise<void> {
    this.admin.appendAudit(entry);
  }
  async listAudit(target: string | undefined, limit: number): Promise<AuditEntry[]> {
    return this.admin.listAudit(target, limit);
  }

  // ---- coordination ----
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return this.locks.run(key, fn);
  }

  // ---- bulk (seeding and imports only) ----
  /** Writes already-analysed mentions (and their events) in one transaction; call `finishBulkImport()` after the last batch. */
  bulkImport(events: Event[], items: BulkItem[]): number {
    this.bulk ??= new BulkImporter(this.db, this.mentions.events, this.rollups, (t) => this.mentions.titleText(t));
    // Seeding can be redone after a crash, so it skips the WAL fsync.
    this.db.pragma('synchronous = OFF');
    try {
      return this.bulk.import(events, items);
    } finally {
      this.db.pragma('synchronous = NORMAL');
    }
  }
  /** Rebuilds the stats of events touched by bulkImport and refreshes the planner statistics. */
  finishBulkImport(): void {
    this.bulk?.finish();
    this.db.pragma('optimize');
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    this.db.pragma('optimize');
    this.db.close();
  }
}

export type { BulkItem };
