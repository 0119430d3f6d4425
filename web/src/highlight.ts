import type { Child } from './dom.js';

/**
 * Splits `text` around the negative phrases and wraps each occurrence in a <mark> element.
 * Text nodes only: the post text is never parsed as HTML. Longer phrases win over their substrings.
 */
export function highlightPhrases(text: string, phrases: readonly string[]): Child[] {
  const wanted = [...new Set(phrases.filter((p) => p.trim().length > 0))].sort((a, b) => b.length - a.length);
  if (wanted.length === 0) return [text];
  const out: Child[] = [];
  let plainStart = 0;
  let i = 0;
  while (i < text.length) {
    const hit = wanted.find((p) => text.startsWith(p, i));
    if (hit) {
      if (i > plainStart) out.push(text.slice(plainStart, i));
      const mark = document.createElement('mark');
      mark.textContent = hit;
      out.push(mark);
      i += hit.length;
      plainStart = i;
    } else {
      i += 1;
    }
  }
  if (plainStart < text.length) out.push(text.slice(plainStart));
  return out;
}
