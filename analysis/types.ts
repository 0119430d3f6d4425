import type { Analysis, Event, Mention } from '../lib/domain.js';

/** Pure text → facts. Built once (dictionaries, model loaded), then `analyze` does no I/O. */
export interface Analyzer {
  analyze(mention: Mention, analyzedAt: string): Analysis;
  /** Same results as `analyze` per mention; segments the whole batch first (faster on crawl batches). */
  analyzeBatch?(mentions: readonly Mention[], analyzedAt: string): Analysis[];
  readonly modelVersion: string;
}

/**
 * Incremental clustering of analysed mentions into events (same institution + same issue within a
 * time window). Holds an in-memory LSH index; `restore` rebuilds it from recent events at start-up.
 */
export interface Clusterer {
  restore(events: Event[]): void;
  /**
   * Returns the event the mention joins (existing id) or a new event to create. Undefined when the
   * mention is not about a watched institution. Constant time per mention.
   */
  assign(mention: Mention, analysis: Analysis): { event: Event; created: boolean } | undefined;
  /** Updates the index after the store recomputed the event's stats. */
  update(event: Event): void;
}
