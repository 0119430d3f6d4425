/**
 * Traditional (Taiwan phrases) → simplified: the conversion of opencc-js
 * `Converter({ from: 'twp', to: 'cn' })` (config tw2sp: CJK-compatibility pre-pass, TSPhrases phrase
 * segmentation, then two conversion stages per segment), on opencc-js's own tries and dictionaries.
 * The walk is the library's, with a per-trie table of the BMP code units that start a word (most
 * characters of a post start none, so they cost one array read instead of a Map lookup), and without
 * the per-match objects, arrays and joins. Equivalence with the library is tested
 * (test/unit/analysis/opencc.test.ts).
 */
import * as OpenCC from 'opencc-js';

/** A node of opencc-js's Trie: children by code point, `trie_val` = replacement when a word ends here. */
type TrieNode = Map<number, TrieNode> & { trie_val?: string };

interface Tw2SpConfig {
  normalizationChain: ReadonlyArray<readonly string[]>;
  segmentation: readonly string[];
  conversionChain: ReadonlyArray<readonly string[]>;
}

interface FastTrie {
  root: TrieNode;
  /** 1 for a BMP code unit with a child at the root (surrogates: always 1, looked up in the map). */
  starts: Uint8Array;
}

function trieOf(group: readonly string[]): FastTrie {
  const t = new OpenCC.Trie();
  t.loadDictGroup(group);
  const root = (t as unknown as { map: TrieNode }).map;
  const starts = new Uint8Array(0x10000);
  starts.fill(1, 0xd800, 0xe000);
  for (const cp of root.keys()) if (cp <= 0xffff) starts[cp] = 1;
  return { root, starts };
}

// Result of `matchPrefix` (module scope: no object per match).
let matchEnd = 0;
let matchValue = '';

/** opencc-js Trie.matchPrefix: the longest word of the trie starting at `i`. */
function matchPrefix(trie: FastTrie, s: string, i: number): boolean {
  if (trie.starts[s.charCodeAt(i)] === 0) return false;
  const n = s.length;
  let node = trie.root;
  let k = 0;
  let v = '';
  for (let j = i; j < n; ) {
    const x = s.codePointAt(j)!;
    j += x > 0xffff ? 2 : 1;
    const next = node.get(x);
    if (next === undefined) break;
    node = next;
    const val = node.trie_val;
    if (val !== undefined) {
      k = j;
      v = val;
    }
  }
  if (k === 0) return false;
  matchEnd = k;
  matchValue = v;
  return true;
}

function codePointLength(s: string, i: number): number {
  return s.codePointAt(i)! > 0xffff ? 2 : 1;
}

function idsArity(cp: number): number {
  if (cp >= 0x2ff0 && cp <= 0x2ff1) return 2;
  if (cp >= 0x2ff2 && cp <= 0x2ff3) return 3;
  if (cp >= 0x2ff4 && cp <= 0x2fff) return 2;
  return 0;
}

/** End of the ideographic description sequence starting at `i`, or 0 (as opencc-js). */
function idsEnd(s: string, i: number): number {
  const arity = idsArity(s.codePointAt(i)!);
  if (arity === 0) return 0;
  let end = i + codePointLength(s, i);
  for (let n = 0; n < arity; n += 1) {
    if (end >= s.length) return 0;
    const childEnd = idsEnd(s, end);
    end = childEnd || end + codePointLength(s, end);
  }
  return end;
}

/** Length of the unmatched unit at `i`: an ideographic description sequence or one code point. */
function unmatchedLength(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c < 0x2ff0 || (c > 0x2fff && c < 0xd800) || c >= 0xe000) return 1;
  const e = idsEnd(s, i);
  return e > i ? e - i : codePointLength(s, i);
}

/**
 * opencc-js Trie.convert (words replaced, the rest kept). Builds a new string only from the first
 * replacement that differs from its source; otherwise returns `s` itself.
 */
function convert(trie: FastTrie, s: string): string {
  const n = s.length;
  let out = '';
  let last = 0;
  for (let i = 0; i < n; ) {
    if (matchPrefix(trie, s, i)) {
      const end = matchEnd;
      const v = matchValue;
      if (v.length !== end - i || !s.startsWith(v, i)) {
        out += s.slice(last, i) + v;
        last = end;
      }
      i = end;
    } else i += unmatchedLength(s, i);
  }
  return last === 0 ? s : out + s.slice(last);
}

/** Builds the converter (tries from the library's dictionaries: call once per process). */
export function createTw2Cn(): (text: string) => string {
  const config = (OpenCC.Locale.configs as unknown as Record<string, Tw2SpConfig>).tw2sp;
  if (config?.normalizationChain.length !== 1 || config.conversionChain.length !== 2) {
    throw new Error('opencc-js tw2sp config has an unexpected shape');
  }
  const normalization = trieOf(config.normalizationChain[0]!);
  const segmentation = trieOf(config.segmentation);
  const stage1 = trieOf(config.conversionChain[0]!);
  const stage2 = trieOf(config.conversionChain[1]!);
  const convertSegment = (seg: string): string => convert(stage2, convert(stage1, seg));

  return (text: string): string => {
    const s = convert(normalization, text);
    // Trie.segment: dictionary words and the unmatched runs between them, each converted alone.
    const n = s.length;
    let out = '';
    let orig = -1;
    for (let i = 0; i < n; ) {
      if (matchPrefix(segmentation, s, i)) {
        const end = matchEnd;
        if (orig >= 0) {
          out += convertSegment(s.slice(orig, i));
          orig = -1;
        }
        out += convertSegment(s.slice(i, end));
        i = end;
      } else {
        if (orig < 0) orig = i;
        i += unmatchedLength(s, i);
      }
    }
    if (orig >= 0) out += convertSegment(s.slice(orig, n));
    return out;
  };
}
