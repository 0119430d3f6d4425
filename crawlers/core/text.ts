import { createHash } from 'node:crypto';

/** Text helpers shared by the source adapters: HTML to plain text, counts, content fingerprints. */

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  ensp: ' ',
  emsp: ' ',
  thinsp: ' ',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  middot: '·',
  ldquo: '“',
  rdquo: '”',
  lsquo: '‘',
  rsquo: '’',
  laquo: '«',
  raquo: '»',
  copy: '©',
  reg: '®',
  times: '×',
  yen: '¥',
  deg: '°',
  bull: '•',
  zwj: '',
  zwnj: '',
};

/** Decodes HTML character references (named, decimal and hex). Unknown names are left as they are. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z][a-z0-9]*);?/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      if (!Number.isFinite(code) || code <= 0 || code > 0x10ffff) return whole;
      return String.fromCodePoint(code);
    }
    const named = NAMED_ENTITIES[ref.toLowerCase()];
    return named === undefined ? whole : named;
  });
}

/**
 * HTML fragment → plain text: scripts/styles dropped, `<br>` and block ends become newlines, Weibo
 * emoticon images become their `alt` text (`[哭]`), entities decoded, whitespace collapsed.
 * Link texts such as `@示例银行` and `#话题#` are kept.
 */
export function stripHtml(html: string | undefined | null): string {
  if (!html) return '';
  const text = html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(script|style|noscript)\b[\s\S]*?<\/\1\s*>/gi, '')
    // Emoticon alt quoted (`alt="[怒]"`) or unquoted (`alt=[doge]`), both seen in real Weibo HTML.
    .replace(/<img\b[^>]*?\balt\s*=\s*(?:(["'])(\[[^"'\]]{1,12}\])\1|(\[[^\s"'>\]]{1,12}\]))[^>]*>/gi, (_m, _q, quoted, bare) => quoted ?? bare)
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|h[1-6]|tr|blockquote|section|article)\s*>/gi, '\n')
    .replace(/<[^>]*>/g, '');
  return decodeEntities(text)
    .replace(/\u200b|\u200c|\ufeff/g, '')
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * A count as platforms print it: `12`, `1,234`, `1.2万`, `100万+`, `3亿`, `1.5w`, `转发 12`.
 * Text without a number (`转发`, `''`) is 0.
 */
export function parseCount(value: string | number | undefined | null): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? Math.round(value) : 0;
  const m = /(\d+(?:\.\d+)?)\s*(万|亿|千|百|[wWkK])?/.exec(value.normalize('NFKC').replace(/(\d),(?=\d{3})/g, '$1'));
  if (!m) return 0;
  const n = Number(m[1]);
  const unit = m[2];
  const factor =
    unit === '亿' ? 1e8 : unit === '万' || unit === 'w' || unit === 'W' ? 1e4 : unit === '千' || unit === 'k' || unit === 'K' ? 1e3 : unit === '百' ? 100 : 1;
  return Math.round(n * factor);
}

/**
 * Normalised text for fingerprints: NFKC (full-width → half-width), lower case, URLs, whitespace and
 * punctuation (ASCII and CJK) removed, so a repost with different spacing or quotes matches.
 */
export function normalizeForHash(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/https?:\/\/\S+/g, '')
    .replace(/[\s\p{P}\p{S}]+/gu, '');
}

/** Cross-source dedup fingerprint: sha256 of the normalised text, first 16 hex characters. */
export function contentHash(text: string): string {
  return createHash('sha256').update(normalizeForHash(text)).digest('hex').slice(0, 16);
}
