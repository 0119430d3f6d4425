import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nodejieba from 'nodejieba';

export interface Tokenizer {
  /** Raw nodejieba segmentation (every piece, punctuation and spaces included). */
  cut(text: string): string[];
  /** `cut` of each text, in one native call where possible (same result as `texts.map(cut)`). */
  cutMany(texts: readonly string[]): string[][];
  /** `cut` minus stop words, punctuation and whitespace. Negation and degree words are kept. */
  tokens(text: string): string[];
}

export interface TokenizerOptions {
  /** Words to add to the jieba dictionary, e.g. every watchlist alias. Default none. */
  extraWords?: string[];
}

/**
 * Finds a file shipped in `analysis/dict/`, both when running from source (tsx: analysis/x.ts) and
 * from the build (dist/analysis/x.js, where the dictionaries are not copied).
 */
export function dictPath(name: string): string {
  const candidates = [new URL(`./dict/${name}`, import.meta.url), new URL(`../../analysis/dict/${name}`, import.meta.url)];
  for (const url of candidates) {
    const path = fileURLToPath(url);
    if (existsSync(path)) return path;
  }
  throw new Error(`analysis dictionary not found: ${name}`);
}

/** Frequency given to extra words: high enough to beat splitting into common sub-words. */
const EXTRA_WORD_FREQ = 3000;

/**
 * nodejieba is one native instance per process, so what it has loaded is process-wide state too: kept
 * on globalThis, so that a second instance of this module (a test runner mixing require and import)
 * cannot reload jieba without the words the first one added.
 */
const JIEBA_STATE = Symbol.for('yuqing-radar.jieba-words');
const globals = globalThis as Record<symbol, unknown>;
if (!globals[JIEBA_STATE]) globals[JIEBA_STATE] = { words: undefined };
const jiebaState = globals[JIEBA_STATE] as { words: Set<string> | undefined };
let stopWords: Set<string> | undefined;

/**
 * Loads nodejieba once per process with the shipped user dictionary. Extra words go into a generated
 * copy of it with an explicit frequency: `insertWord` only gives the default (lowest) weight, which
 * loses against common sub-words (招商银行 + 信用卡中心). New words on a later call reload once.
 */
function loadJieba(extraWords: string[]): void {
  const loadedWords = jiebaState.words;
  const fresh = extraWords.map((w) => w.trim()).filter((w) => w && !/\s/.test(w) && !loadedWords?.has(w));
  if (loadedWords && fresh.length === 0) return;
  const words = new Set([...(loadedWords ?? []), ...fresh]);
  const base = dictPath('user.dict.utf8');
  let userDict = base;
  if (words.size > 0) {
    const body = `${readFileSync(base, 'utf8').trimEnd()}\n${[...words].map((w) => `${w} ${EXTRA_WORD_FREQ} n`).join('\n')}\n`;
    const digest = createHash('sha1').update(body).digest('hex').slice(0, 12);
    userDict = join(tmpdir(), `yuqing-radar-user-dict-${digest}.utf8`);
    if (!existsSync(userDict)) writeFileSync(userDict, body);
  }
  nodejieba.load({ userDict });
  jiebaState.words = words;
}

/** Loads `analysis/dict/stopwords.txt` once per process. */
export function loadStopWords(): Set<string> {
  if (!stopWords) {
    const set = new Set<string>();
    for (const line of readFileSync(dictPath('stopwords.txt'), 'utf8').split('\n')) {
      const w = line.trim();
      if (w && !w.startsWith('#')) set.add(w);
    }
    stopWords = set;
  }
  return stopWords;
}

// A token made only of punctuation, symbols or spaces (ASCII and CJK).
const PUNCT_ONLY_RE = /^[\s\p{P}\p{S}]+$/u;

/** True when `tok` carries no meaning for analysis (stop word, punctuation, whitespace). */
export function isNoise(tok: string, stop: Set<string>): boolean {
  if (stop.has(tok)) return true;
  const c = tok.charCodeAt(0);
  // Fast path: a token starting with a CJK ideograph, a letter or a digit is never punctuation-only.
  if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39)) return false;
  return PUNCT_ONLY_RE.test(tok);
}

/**
 * Creates a tokenizer over the process-wide nodejieba instance (HMM on for unknown words, as in
 * Python jieba). The dictionaries load once; see `loadJieba` for extra words.
 */
export function createTokenizer(options: TokenizerOptions = {}): Tokenizer {
  loadJieba(options.extraWords ?? []);
  const stop = loadStopWords();
  const cut = (text: string): string[] => (text ? nodejieba.cut(text, true) : []);
  return {
    cut,
    cutMany(texts: readonly string[]): string[][] {
      // jieba segments each run between its separators (space, tab, newline, ，。) on its own and
      // emits every separator as a token of its own: texts without a newline, joined by one, come back
      // as their own cuts with a '\n' token between each. One native call (and one UTF-8 conversion)
      // per batch instead of one per text.
      if (texts.length < 2 || texts.some((t) => t.includes('\n'))) return texts.map(cut);
      const all = nodejieba.cut(texts.join('\n'), true);
      const out: string[][] = [];
      let start = 0;
      for (let i = 0; i < all.length; i++) {
        if (all[i] !== '\n') continue;
        out.push(all.slice(start, i));
        start = i + 1;
      }
      out.push(all.slice(start));
      return out.length === texts.length ? out : texts.map(cut);
    },
    tokens(text: string): string[] {
      if (!text) return [];
      const out: string[] = [];
      for (const tok of nodejieba.cut(text, true)) {
        if (tok.length === 0 || tok === ' ' || isNoise(tok, stop)) continue;
        out.push(tok);
      }
      return out;
    },
  };
}
