import type { SentimentLabel } from '../../lib/domain.js';
import { decodeCursor, encodeCursor, HOUR_MS } from '../sqlite/codec.js';
import type { MentionView } from '../store.js';
import type { IndexDoc } from './search-index.js';

/** The fields every derived index stores for one mention. */
export interface FlatDoc {
  id: string;
  source: string;
  sourceType: string;
  publishedAt: string;
  /** Primary institution id, '' when none (as the store's rollups count it). */
  institution: string;
  institutions: string[];
  topics: string[];
  sentiment: SentimentLabel;
  sentimentScore: number;
  /** jieba tokens joined by single spaces. */
  tokens: string;
  /** Distinct tokens counted by top terms. */
  terms: string[];
  /** PII-masked display text. */
  displayText: string;
  title: string;
  /** What search returns: the mention with its analysis, the text replaced by the masked display text. */
  view: MentionView;
}

const COUNTED = /^[\p{L}\p{N}][\p{L}\p{N}\p{M}·._-]*$/u;

/** Tokens counted by top terms: distinct, 2+ characters, starting with a letter or digit, not all digits. */
export function indexTerms(tokens: string[]): string[] {
  const out = new Set<string>();
  for (const raw of tokens) {
    const t = raw.trim().toLowerCase();
    if ([...t].length >= 2 && COUNTED.test(t) && !/^[\d.]+$/.test(t)) out.add(t);
  }
  return [...out];
}

export function flatten(doc: IndexDoc): FlatDoc {
  const { analysis } = doc;
  const publishedAt = new Date(Date.parse(doc.publishedAt)).toISOString();
  const { duplicateOf: _d, ...mention } = doc;
  return {
    id: doc.id,
    source: doc.source,
    sourceType: doc.sourceType,
    publishedAt,
    institution: analysis.primaryInstitution ?? '',
    institutions: analysis.institutions.map((i) => i.id),
    topics: [...new Set(analysis.topics.map((t) => t.id))],
    sentiment: analysis.sentiment.label,
    sentimentScore: analysis.sentiment.score,
    tokens: analysis.tokens
      .map((t) => t.replace(/\s+/g, ''))
      .filter(Boolean)
      .join(' '),
    terms: indexTerms(analysis.tokens),
    displayText: analysis.displayText,
    title: doc.title ?? '',
    // Only masked text leaves the system of record.
    view: { ...mention, text: analysis.displayText, analysis },
  };
}

/** The cursor of a newest-first page: the last item's publish instant (ms) and id. */
export interface TimeCursor {
  t: number;
  id: string;
}

const isTimeCursor = (v: unknown): v is TimeCursor =>
  typeof v === 'object' && v !== null && typeof (v as TimeCursor).t === 'number' && typeof (v as TimeCursor).id === 'string';

export const encodeTimeCursor = (c: TimeCursor): string => encodeCursor(c);
export const decodeTimeCursor = (s: string | undefined): TimeCursor | undefined => decodeCursor(s, isTimeCursor);

/** [from, to) widened to whole hours, the range the rollup-based series and share of voice cover. */
export function hourRange(from: string, to: string): { fromMs: number; toMs: number } {
  return { fromMs: Math.floor(Date.parse(from) / HOUR_MS) * HOUR_MS, toMs: Math.ceil(Date.parse(to) / HOUR_MS) * HOUR_MS };
}

export function sortShare<T extends { institution: string; mentions: number }>(rows: T[]): T[] {
  return rows.sort((a, b) => b.mentions - a.mentions || a.institution.localeCompare(b.institution));
}

export function sortTerms<T extends { term: string; count: number }>(rows: T[]): T[] {
  return rows.sort((a, b) => b.count - a.count || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0));
}

export const clampLimit = (n: number, max = 1000): number => Math.max(1, Math.min(Math.floor(n), max));

/**
 * Start of the oldest UTC calendar month kept: `months` months including the current one. Mentions
 * published before it are deleted by retention and not indexed again.
 */
export function retentionCutoff(now: Date, months: number): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (months - 1), 1));
}
