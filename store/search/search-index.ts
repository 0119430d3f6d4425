import type { Analysis, Mention, SentimentLabel } from '../../lib/domain.js';
import type { MentionQuery, MentionView, Page, SeriesPoint, SeriesQuery } from '../store.js';

/** An analysed mention as the indexing job hands it to an index. */
export type IndexDoc = Mention & { analysis: Analysis };

export interface ShareOfVoiceRow {
  institution: string;
  mentions: number;
  negative: number;
  positive: number;
  neutral: number;
}

export interface TopTermsQuery {
  /** Published at or after. */
  from: string;
  /** Published before. */
  to: string;
  institution?: string;
  source?: string;
  sentiment?: SentimentLabel;
  topic?: string;
  limit: number;
}

export interface TermCount {
  term: string;
  /** Mentions containing the term (document frequency, not occurrences). */
  count: number;
}

/**
 * Mention search and analytics (DESIGN.md: "mention search and analytics"). Three backends pass the
 * contract suite in test/unit/search/contract.ts: the embedded store's own index (SQLite FTS and rollups),
 * PostgreSQL full text over jieba tokens, and Elasticsearch. PostgreSQL and Elasticsearch hold a derived
 * copy fed by the indexing job (store/search/feeder.ts), idempotent by mention id and rebuildable with
 * `radar reindex`.
 *
 * Semantics shared by every backend:
 * - search: all query terms (jieba tokens) must match; newest first (publishedAt, then id); `highlight`
 *   is the HTML-escaped masked display text with the terms in <mark>; `cursor` pages on.
 * - series and share of voice count by primary institution over the hour buckets overlapping [from, to);
 *   hours are UTC hours, days are Asia/Shanghai calendar days.
 * - top terms count mentions published in [from, to) per token (tokens of 2+ characters, see `indexTerms`).
 *
 * Errors: `SearchUnavailableError` (HTTP 503) when the backend cannot be reached or is overloaded.
 */
export interface SearchIndex {
  readonly backend: 'store' | 'postgres' | 'elasticsearch';
  /** True when documents must be fed by the indexing job (false: the store indexes as it saves). */
  readonly derived: boolean;
  /** Adds or replaces analysed mentions by id. A no-op for the store's own index. */
  index(docs: IndexDoc[]): Promise<void>;
  /** Makes everything indexed so far visible to search (Elasticsearch refresh; a no-op elsewhere). */
  refresh(): Promise<void>;
  search(query: MentionQuery): Promise<Page<MentionView>>;
  sentimentSeries(query: SeriesQuery): Promise<SeriesPoint[]>;
  shareOfVoice(from: string, to: string): Promise<ShareOfVoiceRow[]>;
  topTerms(query: TopTermsQuery): Promise<TermCount[]>;
  /** Deletes what falls outside the retention window (whole time-based indices for Elasticsearch). */
  applyRetention(now: Date): Promise<{ deleted: string[] }>;
  close(): Promise<void>;
}
