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

/**
 * Per-BMP-code-point memo: 0 unknown, 1 unchanged by the converter, 2 traditional. Lets mainland
 * (already simplified) text skip the converter entirely, which is most of the traffic.
 */
const tradState = new Uint8Array(0x10000);

function hasTraditional(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x3400 || c >= 0xa000) continue;
    let s = tradState[c];
    if (s === 0) {
      const ch = text[i]!;
      s = toSimplified(ch) === ch ? 1 : 2;
      tradState[c] = s;
    }
    if (s === 2) return true;
  }
  return false;
}

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
 * BMP code-unit classes for the pre-checks that let most posts skip the emoji and whitespace regexes:
 * bit 1 = Extended_Pictographic (the start of an emoji), bit 2 = a character SPACE_RE folds.
 * Built from the regexes themselves, so the pre-checks cannot disagree with them.
 */
const PICTO = 1;
const SPACE = 2;
const charClass = new Uint8Array(0x10000);
{
  const picto = /\p{Extended_Pictographic}/u;
  const space = /[\s\u00a0\u200b-\u200d\u2028\u2029\ufeff]/;
  for (let c = 0; c < 0x10000; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue;
    const ch = String.fromCharCode(c);
    if (picto.test(ch)) charClass[c]! |= PICTO;
    if (space.test(ch)) charClass[c]! |= SPACE;
  }
}

/** True when EMOJI_RE may match: a pictographic BMP character or a surrogate pair (astral emoji). */
function mayHaveEmoji(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 0xd800 && c <= 0xdbff) || (charClass[c]! & PICTO) !== 0) return true;
  }
  return false;
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
  text = toHalfWidth(text);
  if (hasTraditional(text)) text = toSimplified(text);
  if (text.indexOf('.') !== -1) text = text.replace(URL_RE, ' ');
  if (text.indexOf('[') !== -1) {
    text = text.replace(EMOTICON_RE, (_m, name: string) => {
      emoticons.push(name);
      return ' ';
    });
  }
  if (mayHaveEmoji(text)) {
    text = text.replace(EMOJI_RE, (m) => {
      emoticons.push(m);
      return ' ';
    });
  }
  if (text.indexOf('#') !== -1) {
    text = text.replace(HASHTAG_RE, (_m, inner: string) => {
      const tag = inner.trim();
      if (tag) hashtags.push(tag);
      return ` ${tag} `;
    });
  }
  if (text.indexOf('@') !== -1) {
    text = text.replace(MENTION_RE, (_m, before: string, name: string) => {
      mentions.push(name);
      return `${before} `;
    });
    text = text.replace(REPOST_SEP_RE, ' ');
  }
  text = foldSpaces(text);
  return { text, emoticons, hashtags, mentions };
}
