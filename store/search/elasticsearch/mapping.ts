import type { FlatDoc } from '../common.js';

/** Bump when the mapping changes: the template is replaced and `radar reindex` rebuilds the indices. */
export const TEMPLATE_VERSION = 1;

export interface TemplateOptions {
  /** Index name prefix; monthly indices are `${prefix}-YYYY.MM`, read through the alias `${prefix}`. */
  prefix: string;
  shards: number;
  replicas: number;
  /** Seconds between refreshes (new mentions become searchable after at most this). */
  refreshIntervalSeconds: number;
}

/**
 * The composable index template every monthly index is created from (on its first document). The
 * mapping is explicit and strict: an unexpected field is an error, never a silently guessed type.
 */
export function indexTemplate(o: TemplateOptions) {
  return {
    name: o.prefix,
    index_patterns: [`${o.prefix}-*`],
    priority: 200,
    version: TEMPLATE_VERSION,
    _meta: { description: 'yuqing-radar analysed mentions (derived from the system of record)' },
    template: {
      aliases: { [o.prefix]: {} },
      settings: {
        number_of_shards: o.shards,
        number_of_replicas: o.replicas,
        refresh_interval: `${o.refreshIntervalSeconds}s`,
        analysis: {
          analyzer: {
            // jieba segmented the text already: the tokens are space-separated, so no plugin is needed.
            jieba_tokens: { type: 'custom' as const, tokenizer: 'whitespace', filter: ['lowercase'] },
          },
        },
      },
      mappings: {
        dynamic: 'strict' as const,
        properties: {
          id: { type: 'keyword' as const },
          source: { type: 'keyword' as const },
          sourceType: { type: 'keyword' as const },
          institution: { type: 'keyword' as const },
          institutions: { type: 'keyword' as const },
          topics: { type: 'keyword' as const },
          sentiment: { type: 'keyword' as const },
          sentimentScore: { type: 'float' as const },
          publishedAt: { type: 'date' as const },
          indexedAt: { type: 'date' as const },
          tokens: { type: 'text' as const, analyzer: 'jieba_tokens', norms: false },
          terms: { type: 'keyword' as const },
          // Masked display text, indexed with offsets for the highlighter (standard analyzer: one token per CJK character).
          displayText: { type: 'text' as const, analyzer: 'standard', index_options: 'offsets' as const },
          title: { type: 'text' as const, analyzer: 'standard' },
          // What search returns, kept in _source only.
          view: { type: 'object' as const, enabled: false },
        },
      },
    },
  };
}

/** The monthly index a mention lives in, by its publish month (UTC): the same mention always lands in the same index. */
export function monthlyIndex(prefix: string, publishedAt: string): string {
  const d = new Date(publishedAt);
  return `${prefix}-${d.getUTCFullYear()}.${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The month a monthly index holds (UTC ms of its first instant), or undefined for other names. */
export function indexMonth(prefix: string, name: string): number | undefined {
  const m = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(\\d{4})\\.(\\d{2})$`).exec(name);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, 1) : undefined;
}

/** The document body of one mention. */
export function toSource(d: FlatDoc, indexedAt: string) {
  return {
    id: d.id,
    source: d.source,
    sourceType: d.sourceType,
    institution: d.institution,
    institutions: d.institutions,
    topics: d.topics,
    sentiment: d.sentiment,
    sentimentScore: d.sentimentScore,
    publishedAt: d.publishedAt,
    indexedAt,
    tokens: d.tokens,
    terms: d.terms,
    displayText: d.displayText,
    title: d.title,
    view: d.view,
  };
}
