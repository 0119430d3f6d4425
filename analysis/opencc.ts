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

/** A trie node in one fixed shape (opencc-js's are Maps with an ad-hoc `trie_val` property). */
class Node {
  /** Replacement when a word ends here. */
  val: string | undefined = undefined;
  /** Children by code point, undefined when none. */
  kids: Map<number, Node> | undefined = undefined;
}

function nodeOf(map: TrieNode): Node {
  const node = new Node();
  node.val = map.trie_val;
  if (map.size > 0) {
    node.kids = new Map();
    for (const [cp, child] of map) node.kids.set(cp, nodeOf(child));
  }
  return node;
}

interface FastTrie {
  root: Node;
  /** The root's child for each BMP code unit (undefined: no word starts with it). */
  first: Array<Node | undefined>;
  /** The most code units a word's replacement has per code unit of the word (at least 1). */
  growth: number;
}

function trieOf(group: readonly string[]): FastTrie {
  const t = new OpenCC.Trie();
  t.loadDictGroup(group);
  const root = nodeOf((t as unknown as { map: TrieNode }).map);
  const first = new Array<Node | undefined>(0x10000).fill(undefined);
  for (const [cp, node] of root.kids ?? []) if (cp <= 0xffff) first[cp] = node;
  let growth = 1;
  const walk = (node: Node, units: number): void => {
    if (node.val !== undefined && units > 0) growth = Math.max(growth, Math.ceil(node.val.length / units));
    for (const [cp, child] of node.kids ?? []) walk(child, units + (cp > 0xffff ? 2 : 1));
  };
  walk(root, 0);
  return { root, first, growth };
}

// Result of `matchAt` (module scope: no object per match).
let matchEnd = 0;
let matchValue = '';

/** Code point of the UTF-16 code units `src[j…end)` start with (String.prototype.codePointAt on that range). */
function codePointIn(src: Uint16Array, j: number, end: number): number {
  const c = src[j]!;
  if (c >= 0xd800 && c <= 0xdbff && j + 1 < end) {
    const d = src[j + 1]!;
    if (d >= 0xdc00 && d <= 0xdfff) return (c - 0xd800) * 0x400 + (d - 0xdc00) + 0x10000;
  }
  return c;
}

/** opencc-js Trie.matchPrefix on `src[i…end)`: the longest word of the trie starting at `i`. */
function matchAt(trie: FastTrie, src: Uint16Array, i: number, end: number): boolean {
  const c = src[i]!;
  let node: Node | undefined;
  let j = i + 1;
  if (c >= 0xd800 && c <= 0xdbff) {
    const x = codePointIn(src, i, end);
    if (x > 0xffff) j++;
    node = trie.root.kids?.get(x);
  } else node = trie.first[c];
  let k = 0;
  let v = '';
  while (node !== undefined) {
    const val = node.val;
    if (val !== undefined) {
      k = j;
      v = val;
    }
    const kids: Map<number, Node> | undefined = node.kids;
    if (kids === undefined || j >= end) break;
    const x = codePointIn(src, j, end);
    node = kids.get(x);
    j += x > 0xffff ? 2 : 1;
  }
  if (k === 0) return false;
  matchEnd = k;
  matchValue = v;
  return true;
}

function codePointLength(src: Uint16Array, i: number, end: number): number {
  return codePointIn(src, i, end) > 0xffff ? 2 : 1;
}

function idsArity(cp: number): number {
  if (cp >= 0x2ff0 && cp <= 0x2ff1) return 2;
  if (cp >= 0x2ff2 && cp <= 0x2ff3) return 3;
  if (cp >= 0x2ff4 && cp <= 0x2fff) return 2;
  return 0;
}

/** End of the ideographic description sequence starting at `i` (within `end`), or 0 (as opencc-js). */
function idsEnd(src: Uint16Array, i: number, end: number): number {
  const arity = idsArity(codePointIn(src, i, end));
  if (arity === 0) return 0;
  let e = i + codePointLength(src, i, end);
  for (let n = 0; n < arity; n += 1) {
    if (e >= end) return 0;
    const childEnd = idsEnd(src, e, end);
    e = childEnd || e + codePointLength(src, e, end);
  }
  return e;
}

/** Length of the unmatched unit at `i`: an ideographic description sequence or one code point. */
function unmatchedLength(src: Uint16Array, i: number, end: number): number {
  const c = src[i]!;
  if (c < 0x2ff0 || (c > 0x2fff && c < 0xd800) || c >= 0xe000) return 1;
  const e = idsEnd(src, i, end);
  return e > i ? e - i : codePointLength(src, i, end);
}

/**
 * opencc-js Trie.convert of `src[from…to)` (words replaced, the rest kept), written to `dst` from `at`
 * (which must have room for (to - from) * trie.growth code units). Returns the end of the output.
 */
function convert(trie: FastTrie, src: Uint16Array, from: number, to: number, dst: Uint16Array, at: number): number {
  const first = trie.first;
  let o = at;
  for (let i = from; i < to; ) {
    const c = src[i]!;
    if (c < 0xd800 && first[c] === undefined && (c < 0x2ff0 || c > 0x2fff)) {
      dst[o++] = c;
      i++;
      continue;
    }
    let end: number;
    if (matchAt(trie, src, i, to)) {
      end = matchEnd;
      const v = matchValue;
      for (let q = 0; q < v.length; q++) dst[o++] = v.charCodeAt(q);
    } else {
      end = i + unmatchedLength(src, i, to);
      while (i < end) dst[o++] = src[i++]!;
    }
    i = end;
  }
  return o;
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
  // Code-unit buffers: the text, after normalization, one segment after stage 1, the result.
  let cap = 0;
  let input = new Uint16Array(0);
  let normalized = input;
  let segment = input;
  let out = Buffer.alloc(0);
  let out16 = input;
  const ensure = (n: number): void => {
    if (n <= cap) return;
    cap = Math.max(n, 2 * cap, 256);
    input = new Uint16Array(cap);
    normalized = new Uint16Array(cap * normalization.growth);
    segment = new Uint16Array(cap * normalization.growth * stage1.growth);
    out = Buffer.alloc(2 * cap * normalization.growth * stage1.growth * stage2.growth);
    out16 = new Uint16Array(out.buffer, out.byteOffset, out.length >> 1);
  };
  const readsLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  // Converts one segment (stage 1, then stage 2 on its result) and appends it to the output.
  const convertSegment = (from: number, to: number, at: number): number => {
    const n1 = convert(stage1, normalized, from, to, segment, 0);
    return convert(stage2, segment, 0, n1, out16, at);
  };

  return (text: string): string => {
    const len = text.length;
    ensure(len);
    for (let i = 0; i < len; i++) input[i] = text.charCodeAt(i);
    const n = convert(normalization, input, 0, len, normalized, 0);
    // Trie.segment: dictionary words and the unmatched runs between them, each converted alone.
    let o = 0;
    let orig = -1;
    for (let i = 0; i < n; ) {
      if (matchAt(segmentation, normalized, i, n)) {
        const end = matchEnd;
        if (orig >= 0) {
          o = convertSegment(orig, i, o);
          orig = -1;
        }
        o = convertSegment(i, end, o);
        i = end;
      } else {
        if (orig < 0) orig = i;
        i += unmatchedLength(normalized, i, n);
      }
    }
    if (orig >= 0) o = convertSegment(orig, n, o);
    if (readsLittleEndian) return out.toString('utf16le', 0, 2 * o);
    let s = '';
    for (let i = 0; i < o; i++) s += String.fromCharCode(out16[i]!);
    return s;
  };
}
