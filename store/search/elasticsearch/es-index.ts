import { Client, type estypes } from '@elastic/elasticsearch';
import type { SentimentLabel } from '../../../lib/domain.js';
import { createHighlighter } from '../../../lib/html.js';
import type { Logger } from '../../../lib/logger.js';
import { DAY_MS, HOUR_MS, SHANGHAI_OFFSET_MS } from '../../sqlite/codec.js';
import { type SeriesRow, seriesPoints } from '../../sqlite/rollups.js';
import type { MentionQuery, MentionView, Page, SeriesPoint, SeriesQuery } from '../../store.js';
import { clampLimit, decodeTimeCursor, encodeTimeCursor, flatten, hourRange, retentionCutoff, sortShare, sortTerms } from '../common.js';
import { SearchUnavailableError } from '../errors.js';
import type { IndexDoc, SearchIndex, ShareOfVoiceRow, TermCount, TopTermsQuery } from '../search-index.js';
import { mapEsError } from './errors.js';
import { normalizeHighlight, termFilters } from './highlight.js';
import { indexMonth, indexTemplate, monthlyIndex, toSource } from './mapping.js';

export interface ElasticsearchIndexOptions {
  /** http(s)://[user:password@]host:9200 (never logged nor put in messages). */
  url: string;
  /** Index prefix and read alias (default `radar-mentions`). */
  prefix?: string;
  /** Months of mentions kept, the current one included; older monthly indices are deleted (default 24). */
  retentionMonths?: number;
  shards?: number;
  replicas?: number;
  refreshIntervalSeconds?: number;
  /** Bulk requests in flight at once (default 2). */
  bulkConcurrency?: number;
  /** Bulk request size (default 5 MB). */
  flushBytes?: number;
  /** Retries of documents rejected with 429 within one bulk call (default 3) and the wait between them (default 2 s). */
  bulkRetries?: number;
  bulkRetryWaitMs?: number;
  /** Per-request timeout (default 10 s). */
  requestTimeoutMs?: number;
  /** The current time, for the retention cutoff of incoming documents (default: the system clock). */
  now?: () => Date;
  log: Logger;
}

type Aggs = Record<string, estypes.AggregationsAggregate>;
interface Bucket {
  key: string | number;
  doc_count: number;
  [sub: string]: unknown;
}
const buckets = (agg: unknown): Bucket[] => ((agg as { buckets?: Bucket[] } | undefined)?.buckets ?? []) as Bucket[];

/**
 * Elasticsearch 9.x backend: monthly indices `${prefix}-YYYY.MM` created from one index template and
 * read through the alias `${prefix}`; documents keyed by mention id (indexing is idempotent); reports
 * are aggregations, never document pulls.
 */
export class ElasticsearchSearchIndex implements SearchIndex {
  readonly backend = 'elasticsearch' as const;
  readonly derived = true;
  readonly client: Client;
  readonly prefix: string;
  private readonly o: ElasticsearchIndexOptions;
  private template: Promise<void> | undefined;

  constructor(options: ElasticsearchIndexOptions) {
    this.o = options;
    this.prefix = options.prefix ?? 'radar-mentions';
    if (!/^[a-z0-9][a-z0-9_-]*$/.test(this.prefix)) throw new Error(`invalid Elasticsearch index prefix ${this.prefix}`);
    this.client = new Client({ node: options.url, requestTimeout: options.requestTimeoutMs ?? 10_000, maxRetries: 1 });
  }

  /** Puts the index template (idempotent); done once before the first write. */
  ensureTemplate(): Promise<void> {
    this.template ??= this.client.indices
      .putIndexTemplate(
        indexTemplate({
          prefix: this.prefix,
          shards: this.o.shards ?? 1,
          replicas: this.o.replicas ?? 0,
          refreshIntervalSeconds: this.o.refreshIntervalSeconds ?? 5,
        }),
      )
      .then(
        () => undefined,
        (err: unknown) => {
          this.template = undefined;
          throw mapEsError(err, 'putting the index template');
        },
      );
    return this.template;
  }

  async index(docs: IndexDoc[]): Promise<void> {
    const now = (this.o.now ?? (() => new Date()))();
    const cutoff = retentionCutoff(now, this.o.retentionMonths ?? 24).getTime();
    const sources = docs
      .map(flatten)
      .filter((d) => Date.parse(d.publishedAt) >= cutoff)
      .map((d) => toSource(d, now.toISOString()));
    if (sources.length === 0) return;
    await this.ensureTemplate();
    const dropped: Array<{ status: number; type: string; id: string }> = [];
    try {
      await this.client.helpers.bulk({
        datasource: sources,
        onDocument: (doc) => ({ index: { _index: monthlyIndex(this.prefix, doc.publishedAt), _id: doc.id } }),
        concurrency: this.o.bulkConcurrency ?? 2,
        flushBytes: this.o.flushBytes ?? 5_000_000,
        retries: this.o.bulkRetries ?? 3,
        wait: this.o.bulkRetryWaitMs ?? 2000,
        onDrop: (d) => dropped.push({ status: d.status, type: d.error?.type ?? 'rejected', id: d.document.id }),
      });
    } catch (err) {
      throw mapEsError(err, 'bulk indexing');
    }
    const busy = dropped.filter((d) => d.status === 429 || d.status >= 500);
    if (busy.length > 0) {
      throw new SearchUnavailableError(`Elasticsearch rejected ${busy.length} of ${sources.length} documents (HTTP ${busy[0]?.status}); try again later`);
    }
    for (const d of dropped) this.o.log.warn('search document rejected', { id: d.id, status: d.status, type: d.type });
  }

  async refresh(): Promise<void> {
    try {
      await this.client.indices.refresh({ index: this.prefix, allow_no_indices: true, ignore_unavailable: true });
    } catch (err) {
      throw mapEsError(err, 'refresh');
    }
  }

  private async run<T>(what: string, body: estypes.SearchRequest): Promise<estypes.SearchResponse<T>> {
    try {
      return await this.client.search<T>({ index: this.prefix, ignore_unavailable: true, allow_no_indices: true, ...body });
    } catch (err) {
      throw mapEsError(err, what);
    }
  }

  async search(query: MentionQuery): Promise<Page<MentionView>> {
    const terms = query.q ? [...new Set(query.q.split(/\s+/).filter(Boolean))] : [];
    const limit = clampLimit(query.limit);
    const cursor = decodeTimeCursor(query.cursor);
    const range =
      query.from || query.to ? [{ range: { publishedAt: { ...(query.from ? { gte: query.from } : {}), ...(query.to ? { lt: query.to } : {}) } } }] : [];
    const res = await this.run<{ view: MentionView }>('search', {
      size: limit + 1,
      track_total_hits: false,
      _source: ['view'],
      query: { bool: { filter: [...termFilters(terms), ...range, ...fieldFilters(query)] } },
      sort: [{ publishedAt: 'desc' }, { id: 'desc' }],
      ...(cursor ? { search_after: [cursor.t, cursor.id] } : {}),
      ...(terms.length > 0
        ? {
            highlight: {
              encoder: 'html',
              pre_tags: ['<mark>'],
              post_tags: ['</mark>'],
              fields: {
                displayText: { number_of_fragments: 0, highlight_query: { bool: { should: terms.map((t) => ({ match_phrase: { displayText: t } })) } } },
              },
            },
          }
        : {}),
    });
    const hits = res.hits.hits;
    const fallback = terms.length > 0 ? createHighlighter(terms) : undefined;
    const items = hits.slice(0, limit).map((hit) => {
      const view = hit._source?.view as MentionView;
      if (!fallback) return view;
      const fragment = hit.highlight?.displayText?.[0];
      return { ...view, highlight: fragment ? normalizeHighlight(fragment) : fallback(view.analysis?.displayText ?? view.text) };
    });
    const last = hits[limit - 1];
    if (hits.length <= limit || !last?.sort) return { items };
    return { items, nextCursor: encodeTimeCursor({ t: Number(last.sort[0]), id: String(last.sort[1]) }) };
  }

  async sentimentSeries(q: SeriesQuery): Promise<SeriesPoint[]> {
    const { fromMs, toMs } = hourRange(q.from, q.to);
    if (!(toMs > fromMs)) return [];
    const histogram: estypes.AggregationsAggregationContainer = {
      date_histogram: { field: 'publishedAt', calendar_interval: q.interval === 'hour' ? '1h' : '1d', time_zone: 'Asia/Shanghai', min_doc_count: 1 },
      aggs: { s: { terms: { field: 'sentiment', size: 3 } } },
    };
    const field = q.groupBy === 'topic' ? 'topics' : q.groupBy;
    const res = await this.run('sentiment series', {
      size: 0,
      query: { bool: { filter: [timeRange(fromMs, toMs), ...fieldFilters(q)] } },
      aggs: field ? { g: { terms: { field, size: 1000 }, aggs: { t: histogram } } } : { t: histogram },
    });
    const aggs = (res.aggregations ?? {}) as Aggs;
    const toBucket = q.interval === 'hour' ? (ms: number) => Math.round(ms / HOUR_MS) : (ms: number) => Math.round((ms + SHANGHAI_OFFSET_MS) / DAY_MS);
    const rows: SeriesRow[] = [];
    const collect = (hist: unknown, grp: string) => {
      for (const b of buckets(hist)) {
        for (const s of buckets(b.s)) rows.push({ bucket: toBucket(Number(b.key)), grp, label: s.key as SentimentLabel, n: s.doc_count });
      }
    };
    if (field) for (const g of buckets(aggs.g)) collect(g.t, String(g.key));
    else collect(aggs.t, '');
    return seriesPoints(q, rows);
  }

  async shareOfVoice(from: string, to: string): Promise<ShareOfVoiceRow[]> {
    const { fromMs, toMs } = hourRange(from, to);
    if (!(toMs > fromMs)) return [];
    const res = await this.run('share of voice', {
      size: 0,
      query: { bool: { filter: [timeRange(fromMs, toMs)], must_not: [{ term: { institution: '' } }] } },
      aggs: { i: { terms: { field: 'institution', size: 1000 }, aggs: { s: { terms: { field: 'sentiment', size: 3 } } } } },
    });
    return sortShare(
      buckets((res.aggregations as Aggs | undefined)?.i).map((b) => {
        const row: ShareOfVoiceRow = { institution: String(b.key), mentions: b.doc_count, negative: 0, positive: 0, neutral: 0 };
        for (const s of buckets(b.s)) row[s.key as SentimentLabel] = s.doc_count;
        return row;
      }),
    );
  }

  async topTerms(q: TopTermsQuery): Promise<TermCount[]> {
    const size = clampLimit(q.limit, 200);
    const res = await this.run('top terms', {
      size: 0,
      query: { bool: { filter: [{ range: { publishedAt: { gte: q.from, lt: q.to } } }, ...fieldFilters(q)] } },
      aggs: { t: { terms: { field: 'terms', size, shard_size: Math.max(100, size * 5), order: [{ _count: 'desc' }, { _key: 'asc' }] } } },
    });
    return sortTerms(buckets((res.aggregations as Aggs | undefined)?.t).map((b) => ({ term: String(b.key), count: b.doc_count })));
  }

  /** Deletes the monthly indices older than the retention window (whole indices: no delete-by-query). */
  async applyRetention(now: Date): Promise<{ deleted: string[] }> {
    const cutoff = retentionCutoff(now, this.o.retentionMonths ?? 24).getTime();
    try {
      const indices = await this.client.indices.get({ index: `${this.prefix}-*`, allow_no_indices: true, ignore_unavailable: true, features: ['aliases'] });
      const old = Object.keys(indices).filter((name) => {
        const month = indexMonth(this.prefix, name);
        return month !== undefined && month < cutoff;
      });
      if (old.length > 0) await this.client.indices.delete({ index: old.sort() });
      return { deleted: old };
    } catch (err) {
      throw mapEsError(err, 'retention');
    }
  }

  /** Deletes every index of this prefix and the template (tests, and a full rebuild before `radar reindex`). */
  async dropAll(): Promise<void> {
    try {
      // By name: Elasticsearch refuses wildcard deletes by default (action.destructive_requires_name).
      const names = Object.keys(
        await this.client.indices.get({ index: `${this.prefix}-*`, allow_no_indices: true, ignore_unavailable: true, features: ['aliases'] }),
      );
      if (names.length > 0) await this.client.indices.delete({ index: names });
      await this.client.indices.deleteIndexTemplate({ name: this.prefix }, { ignore: [404] });
      this.template = undefined;
    } catch (err) {
      throw mapEsError(err, 'dropping the indices');
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

function timeRange(fromMs: number, toMs: number) {
  return { range: { publishedAt: { gte: fromMs, lt: toMs, format: 'epoch_millis' } } };
}

function fieldFilters(q: { institution?: string; source?: string; sentiment?: string; topic?: string }) {
  const out: Array<{ term: Record<string, string> }> = [];
  if (q.institution !== undefined) out.push({ term: { institution: q.institution } });
  if (q.source !== undefined) out.push({ term: { source: q.source } });
  if (q.sentiment !== undefined) out.push({ term: { sentiment: q.sentiment } });
  if (q.topic !== undefined) out.push({ term: { topics: q.topic } });
  return out;
}
