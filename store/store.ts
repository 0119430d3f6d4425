import type {
  Analysis,
  ApiKeyRecord,
  AuditEntry,
  Case,
  CaseClock,
  CaseHistoryEntry,
  Event,
  Mention,
  Notification,
  SentimentLabel,
  SourceCursor,
  SourceHealth,
  Tier,
} from '../lib/domain.js';
import { ConflictError } from '../lib/errors.js';

/**
 * The persistence boundary. Every backend (SQLite embedded, Elasticsearch cluster) passes the same
 * contract suite in `test/unit/store/contract.ts`. No module outside `store/` knows which backend runs.
 *
 * All methods are async so that a network backend fits; the SQLite backend runs them synchronously
 * inside, which makes each method atomic.
 */
export interface Store {
  // ---- mentions -------------------------------------------------------------------------------
  /**
   * Idempotent upsert by `id` (= `source:nativeId`). A mention whose `contentHash` already exists
   * under another id is stored with `duplicateOf` set (and is never processed again).
   * Returns the ids that were new (neither the id nor, for `fresh`, the content was seen).
   */
  upsertMentions(mentions: Mention[]): Promise<{ inserted: string[]; fresh: string[]; duplicates: string[] }>;
  getMention(id: string): Promise<(Mention & { analysis?: Analysis }) | undefined>;
  /** Mentions stored but not yet processed (crash recovery), oldest first, duplicates excluded. */
  listUnprocessedMentions(limit: number): Promise<Mention[]>;
  /**
   * Saves the analysis, links the mention to the event and marks the mention processed, atomically.
   * `eventId` may be undefined when the mention does not belong to any event (not about a watched
   * institution). Returns the event's recomputed stats, if any. Ends the mention's lease. With `owner`,
   * throws LeaseLostError (nothing written) when another owner holds the lease of the unprocessed mention.
   */
  completeMention(mentionId: string, analysis: Analysis, eventId: string | undefined, at: string, owner?: string): Promise<Event | undefined>;
  /**
   * completeMention for each item (with the same `at` and `owner`) in ONE transaction. Per item: an
   * already-processed mention is a no-op; one leased by another owner is skipped, listed in `lost`, and
   * nothing is written for it. Any other error (unknown mention, unsaved event) rolls the whole batch back.
   */
  completeMentions(items: CompletionItem[], at: string, owner?: string): Promise<CompletionResult>;
  searchMentions(query: MentionQuery): Promise<Page<MentionView>>;
  /**
   * Leases the given mentions to `lease.owner` until `lease.at + lease.ms`. Returns the mentions this caller
   * won, oldest first: stored, not a duplicate, not processed, and not leased by another owner (or that
   * lease expired). Re-claiming one's own lease extends it. Exactly one of two concurrent callers wins each.
   */
  claimMentions(ids: string[], lease: Lease): Promise<Mention[]>;
  /** Claims up to `limit` unprocessed mentions under no running lease (not even the caller's), oldest first (recovery, sweeps). */
  claimUnprocessedMentions(limit: number, lease: Lease): Promise<Mention[]>;
  /**
   * Ends `owner`'s lease on these mentions without completing them (analysis failed, shutting down).
   * With `retryAt` nobody can claim them before that instant (back-off for a failing mention).
   * Returns how many leases were released. completeMention ends the lease by itself.
   */
  releaseMentions(ids: string[], owner: string, retryAt?: string): Promise<number>;

  // ---- events ---------------------------------------------------------------------------------
  /** Creates or replaces an event's descriptive fields (title, key terms, simhash, topics). Stats are derived by the store. */
  saveEvent(event: Event): Promise<void>;
  getEvent(id: string): Promise<Event | undefined>;
  /** Events whose `lastSeenAt` >= since (of one institution when given), for rebuilding the clustering index. */
  listRecentEvents(since: string, institution?: string): Promise<Event[]>;
  listEvents(query: EventQuery): Promise<Page<Event>>;
  listEventMentions(eventId: string, limit: number): Promise<MentionView[]>;

  // ---- cases ----------------------------------------------------------------------------------
  getCase(id: string): Promise<Case | undefined>;
  getCaseByEvent(eventId: string): Promise<Case | undefined>;
  listCases(query: CaseQuery): Promise<Page<Case>>;
  /**
   * Applies one case change atomically: upserts the case, appends history entries, schedules or
   * cancels clocks, and adds notifications to the outbox (ignoring ones whose idempotencyKey exists).
   * `expectedUpdatedAt` guards against lost updates (ConflictError when it does not match).
   * `expectNew` opens a case race-safely: ConflictError when a case with this id or for this event exists.
   */
  commitCaseChange(change: CaseChange): Promise<Case>;

  // ---- clocks ---------------------------------------------------------------------------------
  /** Clocks with dueAt <= now, not fired, not cancelled. */
  listDueClocks(now: string, limit: number): Promise<CaseClock[]>;
  /** Sets firedAt if still unfired; true only for the one caller that claimed it. */
  claimClock(id: string, at: string): Promise<boolean>;
  listClocks(caseId: string): Promise<CaseClock[]>;

  // ---- notifications (outbox) -----------------------------------------------------------------
  listDueNotifications(now: string, limit: number): Promise<Notification[]>;
  recordNotificationAttempt(id: string, result: NotificationAttempt): Promise<void>;
  /**
   * Claims up to `limit` due pending notifications (next attempt <= lease.at, under no running claim, not
   * even the caller's: a row in flight is never handed out twice) for `lease.ms`. Exactly one of two
   * concurrent dispatchers gets each row. recordNotificationAttempt ends the claim.
   */
  claimNotifications(limit: number, lease: Lease): Promise<Notification[]>;
  listNotifications(caseId: string): Promise<Notification[]>;
  /** Adds notifications not tied to a case change (digest); ignores existing idempotency keys. */
  enqueueNotifications(notifications: Notification[]): Promise<number>;

  // ---- sources --------------------------------------------------------------------------------
  getCursor(source: string, query: string): Promise<SourceCursor | undefined>;
  setCursor(cursor: SourceCursor): Promise<void>;
  getSourceHealth(source: string): Promise<SourceHealth | undefined>;
  saveSourceHealth(health: SourceHealth): Promise<void>;
  listSourceHealth(): Promise<SourceHealth[]>;
  /** Per-source state a crawler keeps between runs (any JSON object), shared by every worker. */
  getSourceState(source: string): Promise<Record<string, unknown> | undefined>;
  putSourceState(source: string, state: Record<string, unknown>, at: string): Promise<void>;
  /** A source's serialized cookie jar (tough-cookie `serializeSync()` JSON text), shared by every worker. */
  loadCookieJar(source: string): Promise<string | undefined>;
  saveCookieJar(source: string, jar: string, at: string): Promise<void>;

  // ---- reports --------------------------------------------------------------------------------
  /** Counts per bucket and label from a rollup maintained on completeMention (fast over 1M rows). */
  sentimentSeries(query: SeriesQuery): Promise<SeriesPoint[]>;
  /** Mentions and negatives per institution in [from, to). */
  shareOfVoice(from: string, to: string): Promise<Array<{ institution: string; mentions: number; negative: number; positive: number; neutral: number }>>;
  /** Cases opened in [from, to), for SLA and attribution reports (computed in escalation/reports.ts). */
  listCasesOpenedBetween(from: string, to: string): Promise<Case[]>;
  /** Analysed mentions in [from, to), oldest first, for the backtest (paged with afterId). */
  listAnalysedMentions(from: string, to: string, afterId: string | undefined, limit: number): Promise<Array<Mention & { analysis: Analysis }>>;

  // ---- keys, rules, audit ---------------------------------------------------------------------
  createApiKey(record: ApiKeyRecord): Promise<void>;
  findApiKeyByHash(hash: string): Promise<ApiKeyRecord | undefined>;
  listApiKeys(): Promise<ApiKeyRecord[]>;
  revokeApiKey(id: string, at: string): Promise<boolean>;
  touchApiKey(id: string, at: string): Promise<void>;
  /** Stores a new version of a rule set (YAML text) and returns its version number. */
  saveRuleSet(name: string, yamlText: string, actor: string, at: string): Promise<number>;
  getRuleSet(name: string): Promise<{ version: number; yaml: string; savedAt: string; actor: string } | undefined>;
  /** The latest version number of a rule set (0 when never saved): a cheap poll for workers. */
  getRuleSetVersion(name: string): Promise<number>;
  appendAudit(entry: AuditEntry): Promise<void>;
  listAudit(target: string | undefined, limit: number): Promise<AuditEntry[]>;

  // ---- coordination ---------------------------------------------------------------------------
  /**
   * Runs `fn` while holding the named lock; callers of the same key run one at a time across every
   * store instance on the same database (SQLite: per database file in this process; PostgreSQL: a
   * session advisory lock, released when `fn` settles or the connection dies). Not re-entrant.
   */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T>;

  close(): Promise<void>;
}

/** completeMention with an owner whose lease another worker has taken over. */
export class LeaseLostError extends ConflictError {
  constructor(mentionId: string, owner: string, holder: string) {
    super(`mention ${mentionId} is leased by ${holder}, not ${owner}`, { mentionId, owner, holder });
  }
}

export interface CompletionItem {
  id: string;
  analysis: Analysis;
  eventId?: string;
}

export interface CompletionResult {
  /** The recomputed stats of every event touched, once each (latest), in first-touch order. */
  events: Event[];
  /** Mentions skipped because another owner holds their lease (nothing written for them). */
  lost: string[];
}

/** A time-limited claim on work (mentions, notifications). */
export interface Lease {
  /** Who holds the claim (worker id). */
  owner: string;
  /** Now, from the injected Clock (ISO). */
  at: string;
  /** How long the claim lasts. */
  ms: number;
}

export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page; absent on the last page. */
  nextCursor?: string;
  total?: number;
}

export interface MentionView extends Mention {
  analysis?: Analysis;
  /** displayText with matches wrapped in <mark>…</mark> (search only). */
  highlight?: string;
}

export interface MentionQuery {
  /** Full-text query over tokenized text (space-separated terms, all must match). */
  q?: string;
  institution?: string;
  source?: string;
  sentiment?: SentimentLabel;
  topic?: string;
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
}

export interface EventQuery {
  institution?: string;
  topic?: string;
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
}

export interface CaseQuery {
  tier?: Tier;
  state?: Case['state'] | 'active';
  owner?: Case['owner'];
  assignee?: string;
  institution?: string;
  /** Only cases whose ackDueAt or deadlineAt is before this instant and not yet met. */
  overdueAt?: string;
  limit: number;
  cursor?: string;
  /** Count the matching cases into `Page.total` (default true; the count costs a second query per call). */
  withTotal?: boolean;
  /** Load each case's history (default true); false returns `history: []` (list views that omit it). */
  withHistory?: boolean;
}

export interface CaseChange {
  case: Case;
  expectedUpdatedAt?: string;
  /** The change opens the case: ConflictError if a case with this id, or any case for this event, exists. */
  expectNew?: boolean;
  history: CaseHistoryEntry[];
  scheduleClocks: CaseClock[];
  /** Cancels unfired clocks of these kinds for the case (e.g. ack clocks after acknowledgement). */
  cancelClockKinds: CaseClock['kind'][];
  notifications: Notification[];
}

export interface NotificationAttempt {
  ok: boolean;
  at: string;
  error?: string;
  /** When to try again (ok=false); undefined means give up (status failed). */
  nextAttemptAt?: string;
}

export interface SeriesQuery {
  from: string;
  to: string;
  interval: 'hour' | 'day';
  groupBy?: 'source' | 'topic' | 'institution';
  institution?: string;
  source?: string;
  topic?: string;
}

export interface SeriesPoint {
  bucket: string;
  group?: string;
  negative: number;
  neutral: number;
  positive: number;
  total: number;
  /** (positive - negative) / total, in [-1, 1]. */
  netSentiment: number;
}
