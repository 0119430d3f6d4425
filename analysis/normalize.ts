import { createTw2Cn } from './opencc.js';

/** Result of {@link normalize}: the cleaned text plus the markup removed from it. */
export interface Normalized {
  /** Simplified, half-width, no HTML/URLs/@mentions/[表情]/emoji, single-spaced, trimmed. */
  text: string;
  /** Weibo `[表情]` names (simplified, without brackets) in order, then Unicode emoji in order. */
  emoticons: string[];
  /** Inner words of `#话题#` (the words stay in `text`). */
  hashtags: string[];
  /** `@name` handles without the `@` (removed from `text`). */
  mentions: string[];
}

// Traditional (Taiwan phrases, which also covers Hong Kong variant characters such as 裏) → simplified:
// exactly opencc-js Converter({ from: 'twp', to: 'cn' }), faster (see opencc.ts). Built once per process.
const toSimplified = createTw2Cn();

const NAMED_ENTITIES: Record<string, string> = {
  nbsp: ' ',
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  ldquo: '“',
  rdquo: '”',
  lsquo: '‘',
  rsquo: '’',
  hellip: '…',
  mdash: '—',
  middot: '·',
  yen: '¥',
};

const TAG_RE = /<\/?[a-zA-Z][^<>]*>|<!--[\s\S]*?-->/g;
const ENTITY_RE = /&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{2,8});/g;
const URL_RE = /(?:https?:\/\/|www\.)[A-Za-z0-9\-._~:/?#[\]@!$&'*+,;=%]+|\bt\.cn\/[A-Za-z0-9]+/g;
// Weibo emoticon: a short name in square brackets, e.g. [哈哈] [怒] [doge] [good].
const EMOTICON_RE = /\[([\u4e00-\u9fa5A-Za-z0-9]{1,8})\]/g;
const EMOJI_RE = /\p{Extended_Pictographic}(?:\uFE0F|\u200D\p{Extended_Pictographic}|[\u{1F3FB}-\u{1F3FF}])*/gu;
const HASHTAG_RE = /#([^#\n]{1,40})#/g;
// `@` preceded by start, whitespace, punctuation or `//` (repost chains), never by an e-mail local part.
const MENTION_RE = /(^|[^A-Za-z0-9_.\-@])@([\u4e00-\u9fa5A-Za-z0-9_-]{1,30})[:：]?/g;
const SPACE_RE = /[\s\u00a0\u200b-\u200d\u2028\u2029\ufeff]+/g;

/**
 * Per-BMP-code-unit classes of the character a code unit becomes after {@link toHalfWidth}, for the
 * pre-checks that let most posts skip whole passes. Built from the regexes themselves (so the
 * pre-checks cannot disagree with them) except the traditional bits, which are memoised lazily.
 * Each bit is an upper bound: when it is clear, the pass it guards cannot change the text.
 */
const FULL_WIDTH = 1; // folded by toHalfWidth
const PICTO = 2; // Extended_Pictographic: the start of an emoji
const SPACE = 4; // a character SPACE_RE folds
const HIGH_SURROGATE = 8; // the start of an astral character (possibly an emoji)
const DOT = 16; // '.': URL_RE runs only on texts with one (as it always has)
const BRACKET = 32; // '[': EMOTICON_RE
const HASH = 64; // '#': HASHTAG_RE
const AT = 128; // '@': MENTION_RE and REPOST_SEP_RE
const CJK = 256; // U+3400–9FFF not yet known to be changed by the converter or not (see resolveCjk)
const TRADITIONAL = 512; // U+3400–9FFF changed by the converter
const SPACE_DIRTY = 1024; // scan result only: SPACE_RE would change the text (see foldSpaces)
const charClass = new Uint16Array(0x10000);
{
  const picto = /\p{Extended_Pictographic}/u;
  const space = /[\s\u00a0\u200b-\u200d\u2028\u2029\ufeff]/;
  for (let c = 0; c < 0x10000; c++) {
    const fw = (c >= 0xff01 && c <= 0xff5e) || c === 0x3000;
    const f = fw ? (c === 0x3000 ? 0x20 : c - 0xfee0) : c;
    let bits = fw ? FULL_WIDTH : 0;
    if (f >= 0xd800 && f <= 0xdfff) {
      if (f <= 0xdbff) bits |= HIGH_SURROGATE;
    } else {
      const ch = String.fromCharCode(f);
      if (picto.test(ch)) bits |= PICTO;
      if (space.test(ch)) bits |= SPACE;
    }
    if (f === 0x2e) bits |= DOT;
    else if (f === 0x5b) bits |= BRACKET;
    else if (f === 0x23) bits |= HASH;
    else if (f === 0x40) bits |= AT;
    else if (f >= 0x3400 && f < 0xa000) bits |= CJK;
    charClass[c] = bits;
  }
}

/** Replaces the CJK bit of `c` by TRADITIONAL when the converter changes the character (memo). Returns the new class. */
function resolveCjk(c: number): number {
  const ch = String.fromCharCode(c);
  const bits = (charClass[c]! & ~CJK) | (toSimplified(ch) === ch ? 0 : TRADITIONAL);
  charClass[c] = bits;
  return bits;
}

/** Scratch buffer for the half-width text (little-endian UTF-16 code units). */
let scratch = Buffer.alloc(1024);
let scratch16 = new Uint16Array(scratch.buffer, scratch.byteOffset, scratch.length >> 1);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The classes of `text` OR-ed together, plus SPACE_DIRTY when the whitespace fold would change it:
 * some white space that is not a lone ASCII space inside the text.
 */
function scan(text: string): number {
  const n = text.length;
  let flags = 0;
  let prevSpace = -2;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    let b = charClass[c]!;
    if (b === 0) continue;
    if ((b & CJK) !== 0) b = resolveCjk(c);
    flags |= b;
    if ((b & SPACE) !== 0) {
      if (c !== 0x20 || i === 0 || i === n - 1 || prevSpace === i - 1) flags |= SPACE_DIRTY;
      prevSpace = i;
    }
  }
  return flags;
}

/** Result of {@link halfWidthScan}. */
let scanned = '';

/**
 * {@link toHalfWidth} and {@link scan} of its result in one pass: sets `scanned` to the half-width
 * text (a flat string, built once) and returns the classes of its characters.
 */
function halfWidthScan(text: string): number {
  const n = text.length;
  if (!LITTLE_ENDIAN) {
    scanned = toHalfWidth(text);
    return scan(scanned);
  }
  if (scratch16.length < n) {
    scratch = Buffer.alloc(2 * n + 256);
    scratch16 = new Uint16Array(scratch.buffer, scratch.byteOffset, scratch.length >> 1);
  }
  const out = scratch16;
  let flags = 0;
  let prevSpace = -2;
  for (let i = 0; i < n; i++) {
    let c = text.charCodeAt(i);
    let b = charClass[c]!;
    if (b !== 0) {
      if ((b & CJK) !== 0) b = resolveCjk(c);
      flags |= b;
      if ((b & FULL_WIDTH) !== 0) c = c === 0x3000 ? 0x20 : c - 0xfee0;
      if ((b & SPACE) !== 0) {
        if (c !== 0x20 || i === 0 || i === n - 1 || prevSpace === i - 1) flags |= SPACE_DIRTY;
        prevSpace = i;
      }
    }
    out[i] = c;
  }
  scanned = (flags & FULL_WIDTH) === 0 ? text : scratch.toString('utf16le', 0, 2 * n);
  return flags;
}

/** `text.replace(SPACE_RE, ' ').trim()`, without the regex when every space is already a lone ASCII space inside the text. */
function foldSpaces(text: string): string {
  const n = text.length;
  let clean = true;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if ((charClass[c]! & SPACE) === 0) continue;
    if (c !== 0x20 || i === 0 || i === n - 1 || (charClass[text.charCodeAt(i + 1)]! & SPACE) !== 0) {
      clean = false;
      break;
    }
  }
  return clean ? text : text.replace(SPACE_RE, ' ').trim();
}
const REPOST_SEP_RE = /\/\/(?=\s|$)/g;

function decodeEntity(whole: string, body: string): string {
  if (body[0] === '#') {
    const code = body[1] === 'x' || body[1] === 'X' ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  }
  return NAMED_ENTITIES[body.toLowerCase()] ?? whole;
}

/**
 * Full-width ASCII (U+FF01–FF5E) → ASCII and the ideographic space → space. Chinese-only punctuation
 * with no ASCII twin (。、《》「」【】…) is kept.
 */
export function toHalfWidth(text: string): string {
  let out = '';
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 0xff01 && c <= 0xff5e) || c === 0x3000) {
      out += text.slice(last, i) + String.fromCharCode(c === 0x3000 ? 0x20 : c - 0xfee0);
      last = i + 1;
    }
  }
  return last === 0 ? text : out + text.slice(last);
}

/**
 * Cleans a post for analysis: HTML, full-width, traditional characters, URLs and Weibo markup.
 * Pure; the only state is the process-wide converter and its memo.
 */
export function normalize(input: string): Normalized {
  const emoticons: string[] = [];
  const hashtags: string[] = [];
  const mentions: string[] = [];
  let text = input;
  if (text.indexOf('<') !== -1) text = text.replace(TAG_RE, ' ');
  if (text.indexOf('&') !== -1) text = text.replace(ENTITY_RE, decodeEntity);
  let flags = halfWidthScan(text);
  text = scanned;
  if ((flags & TRADITIONAL) !== 0) {
    text = toSimplified(text);
    flags = scan(text);
  }
  // From here on the passes only remove characters or put spaces (or a hashtag's own words) in their
  // place, so the classes of `scanned` stay upper bounds for the text each pass sees.
  scanned = text;
  if ((flags & DOT) !== 0 && (text.indexOf('http') !== -1 || text.indexOf('www.') !== -1 || text.indexOf('t.cn/') !== -1)) {
    text = text.replace(URL_RE, ' ');
  }
  if ((flags & BRACKET) !== 0) {
    text = text.replace(EMOTICON_RE, (_m, name: string) => {
      emoticons.push(name);
      return ' ';
    });
  }
  if ((flags & (PICTO | HIGH_SURROGATE)) !== 0) {
    text = text.replace(EMOJI_RE, (m) => {
      emoticons.push(m);
      return ' ';
    });
  }
  if ((flags & HASH) !== 0) {
    text = text.replace(HASHTAG_RE, (_m, inner: string) => {
      const tag = inner.trim();
      if (tag) hashtags.push(tag);
      return ` ${tag} `;
    });
  }
  if ((flags & AT) !== 0) {
    text = text.replace(MENTION_RE, (_m, before: string, name: string) => {
      mentions.push(name);
      return `${before} `;
    });
    text = text.replace(REPOST_SEP_RE, ' ');
  }
  if (text === scanned) {
    if ((flags & SPACE_DIRTY) !== 0) text = text.replace(SPACE_RE, ' ').trim();
  } else text = foldSpaces(text);
  scanned = '';
  return { text, emoticons, hashtags, mentions };
}
