const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/**
 * A highlighter for one set of terms: HTML-escapes the text and wraps case-insensitive occurrences of
 * the terms (longest first) in <mark>…</mark>. The pattern is compiled once, not once per text.
 */
export function createHighlighter(terms: string[]): (text: string) => string {
  const wanted = [...new Set(terms.map((t) => t.trim()).filter((t) => t.length > 0))].sort((a, b) => b.length - a.length);
  if (wanted.length === 0) return escapeHtml;
  const pattern = new RegExp(wanted.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'giu');
  return (text) => {
    let out = '';
    let last = 0;
    for (const m of text.matchAll(pattern)) {
      out += `${escapeHtml(text.slice(last, m.index))}<mark>${escapeHtml(m[0])}</mark>`;
      last = m.index + m[0].length;
    }
    return out + escapeHtml(text.slice(last));
  };
}
