import type { MentionQuery, MentionView, Page, SeriesPoint, SeriesQuery, Store } from '../store.js';
import { clampLimit, indexTerms, sortTerms } from './common.js';
import type { IndexDoc, SearchIndex, ShareOfVoiceRow, TermCount, TopTermsQuery } from './search-index.js';

/** Analysed mentions read per page when counting top terms. */
const TERMS_PAGE = 500;

/**
 * The embedded backend: the system of record's own index (SQLite FTS5 over jieba tokens and hourly/daily
 * rollups maintained as mentions complete). Nothing to feed: `index` is a no-op.
 */
export class StoreSearchIndex implements SearchIndex {
  readonly backend = 'store' as const;
  readonly derived = false;

  /** `maxTermScan`: top terms read at most this many mentions of the range (default 200,000). */
  constructor(
    private readonly store: Store,
    private readonly maxTermScan = 200_000,
  ) {}

  async index(_docs: IndexDoc[]): Promise<void> {}

  async refresh(): Promise<void> {}

  search(query: MentionQuery): Promise<Page<MentionView>> {
    return this.store.searchMentions(query);
  }

  sentimentSeries(query: SeriesQuery): Promise<SeriesPoint[]> {
    return this.store.sentimentSeries(query);
  }

  shareOfVoice(from: string, to: string): Promise<ShareOfVoiceRow[]> {
    return this.store.shareOfVoice(from, to);
  }

  /** Counts tokens over the analysed mentions of the range: the embedded store keeps no term rollup. */
  async topTerms(q: TopTermsQuery): Promise<TermCount[]> {
    const counts = new Map<string, number>();
    let afterId: string | undefined;
    let scanned = 0;
    while (scanned < this.maxTermScan) {
      const page = await this.store.listAnalysedMentions(q.from, q.to, afterId, TERMS_PAGE);
      for (const m of page) {
        const a = m.analysis;
        if (q.institution !== undefined && (a.primaryInstitution ?? '') !== q.institution) continue;
        if (q.source !== undefined && m.source !== q.source) continue;
        if (q.sentiment !== undefined && a.sentiment.label !== q.sentiment) continue;
        if (q.topic !== undefined && !a.topics.some((t) => t.id === q.topic)) continue;
        for (const t of indexTerms(a.tokens)) counts.set(t, (counts.get(t) ?? 0) + 1);
      }
      scanned += page.length;
      if (page.length < TERMS_PAGE) break;
      afterId = page.at(-1)?.id;
    }
    return sortTerms([...counts].map(([term, count]) => ({ term, count }))).slice(0, clampLimit(q.limit, 200));
  }

  /** The embedded store keeps everything; its size is the operator's call. */
  async applyRetention(_now: Date): Promise<{ deleted: string[] }> {
    return { deleted: [] };
  }

  /** The store belongs to whoever opened it. */
  async close(): Promise<void> {}
}
