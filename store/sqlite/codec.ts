import type Database from 'better-sqlite3';
import type { Analysis, Mention, SourceCursor } from '../../lib/domain.js';
import { createHighlighter } from '../../lib/html.js';
import type { Lease } from '../store.js';

const SK_SECOND = 2 ** 21;
const SK_MS = 2048;

/** FNV-1a over the id, 11 bits: spreads mentions published in the same millisecond. */
function idBits(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) & (SK_MS - 1);
}

/** Sort key for a publish instant: ordering by sk equals ordering by publishedAt (then a hash of the id). */
export function sortKey(publishedAt: string, id: string): number {
  const ms = Math.max(0, Date.parse(publishedAt) || 0);
  return Math.floor(ms / 1000) * SK_SECOND + (ms % 1000) * SK_MS + idBits(id);
}

/** Smallest sort key of an instant (for range bounds). */
export function sortKeyFloor(at: string): number {
  const ms = Math.max(0, Date.parse(at) || 0);
  return Math.floor(ms / 1000) * SK_SECOND + (ms % 1000) * SK_MS;
}

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function decodeCursor<T>(cursor: string | undefined, check: (v: unknown) => v is T): T | undefined {
  if (!cursor) return undefined;
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return check(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** JSON of a mention without the columns stored separately. */
export function mentionData(m: Mention): string {
  const { duplicateOf: _d, processedAt: _p, ...rest } = m;
  return JSON.stringify(rest);
}

export interface MentionRow {
  data: string;
  duplicate_of: string | null;
  processed_at: string | null;
}

export function rowToMention(row: MentionRow): Mention {
  const m = JSON.parse(row.data) as Mention;
  if (row.duplicate_of) m.duplicateOf = row.duplicate_of;
  if (row.processed_at) m.processedAt = row.processed_at;
  return m;
}

/** A `source_cursors` row as both backends store it. */
export interface CursorRow {
  source: string;
  query: string;
  last_id: string | null;
  last_published_at: string | null;
  updated_at: string;
}

export function rowToCursor(r: CursorRow): SourceCursor {
  const c: SourceCursor = { source: r.source, query: r.query, updatedAt: r.updated_at };
  if (r.last_id !== null) c.lastId = r.last_id;
  if (r.last_published_at !== null) c.lastPublishedAt = r.last_published_at;
  return c;
}

export function parseAnalysis(data: string | null | undefined): Analysis | undefined {
  return data ? (JSON.parse(data) as Analysis) : undefined;
}

/** `,a,b,` form so that `instr(col, ',a,')` tests membership. */
export function listColumn(values: string[]): string {
  return values.length === 0 ? ',' : `,${values.join(',')},`;
}

export function ftsPhrase(term: string): string {
  return `"${term.replaceAll('"', '""')}"`;
}

/** Wraps every occurrence of the terms in `<mark>` (longest term first, case-insensitive), HTML-escaping the rest. */
export function highlight(text: string, terms: string[]): string {
  return createHighlighter(terms)(text);
}

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/** Asia/Shanghai has no DST: a fixed UTC+8 offset. */
export const SHANGHAI_OFFSET_MS = 8 * HOUR_MS;

export function hourBucket(at: string): number {
  return Math.floor(Date.parse(at) / HOUR_MS);
}

export function dayBucket(at: string): number {
  return Math.floor((Date.parse(at) + SHANGHAI_OFFSET_MS) / DAY_MS);
}

export function hourLabel(bucket: number): string {
  return new Date(bucket * HOUR_MS).toISOString();
}

export function dayLabel(bucket: number): string {
  return new Date(bucket * DAY_MS).toISOString().slice(0, 10);
}

/** Canonical UTC ISO form so that stored times compare as strings. */
export function normIso(at: string): string {
  const ms = Date.parse(at);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : at;
}

/** The title as indexed: PII-masked when a masker is given, then its tokens joined by spaces (or as is without a tokenizer). */
export function titleText(tokenize: ((text: string) => string[]) | undefined, title: string | undefined, mask?: (text: string) => string): string {
  if (!title) return '';
  const t = mask ? mask(title) : title;
  return tokenize ? tokenize(t).join(' ') : t;
}

/** Distinct non-empty search terms of a query (the analysis tokenizer, or whitespace). */
export function queryTerms(tokenize: ((text: string) => string[]) | undefined, q: string | undefined): string[] {
  if (!q?.trim()) return [];
  const raw = tokenize ? tokenize(q) : q.split(/\s+/);
  return [...new Set(raw.map((t) => t.trim()).filter((t) => t.length > 0))];
}

/** Named parameters of a lease: owner, now and the instant it ends (canonical ISO, comparable as text). */
export function leaseParams(lease: Lease): { owner: string; now: string; until: string } {
  const now = Date.parse(lease.at);
  if (!Number.isFinite(now)) throw new TypeError(`lease.at is not an instant: ${lease.at}`);
  if (!(lease.ms > 0)) throw new TypeError(`lease.ms must be positive: ${lease.ms}`);
  return { owner: lease.owner, now: new Date(now).toISOString(), until: new Date(now + lease.ms).toISOString() };
}

const statementCache = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/** A prepared statement for dynamic SQL (filters), cached per connection: preparing costs more than running. */
export function prepared(db: Database.Database, sql: string): Database.Statement {
  let cache = statementCache.get(db);
  if (!cache) {
    cache = new Map();
    statementCache.set(db, cache);
  }
  let st = cache.get(sql);
  if (!st) {
    st = db.prepare(sql);
    if (cache.size > 500) cache.clear();
    cache.set(sql, st);
  }
  return st;
}
