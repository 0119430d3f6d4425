import { escapeHtml } from '../../../lib/html.js';

/** One `match` per query term on the whitespace-analysed jieba tokens: every term must match. */
export function termFilters(terms: string[]) {
  return terms.map((t) => ({ match: { tokens: { query: t, operator: 'and' as const } } }));
}

const LUCENE_ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#x27;': "'", '&#x2F;': '/', '&#39;': "'" };

/**
 * Elasticsearch's html-encoded highlight in the project's form: Lucene's entities (`&#x2F;`, `&#x27;`)
 * re-escaped like every other output (lib/html), and the per-character marks of a CJK phrase
 * (`<mark>信</mark><mark>用</mark>`) joined into one.
 */
export function normalizeHighlight(fragment: string): string {
  let out = '';
  for (const part of fragment.split(/(<\/?mark>)/)) {
    if (part === '<mark>' || part === '</mark>') out += part;
    else out += escapeHtml(part.replace(/&(?:amp|lt|gt|quot|#x27|#x2F|#39);/g, (e) => LUCENE_ENTITIES[e] ?? e));
  }
  return out.replaceAll('</mark><mark>', '');
}
