/**
 * Aho-Corasick automaton over UTF-16 code units: finds every occurrence of every pattern in one
 * left-to-right pass. Built once per dictionary; `scan` allocates only the result array.
 */

export interface AcOptions {
  /** Fold ASCII A–Z to a–z in patterns and text (English aliases such as ICBC / icbc). Default false. */
  foldAscii?: boolean;
}

/** Flat match list: for match k, `starts[k]`, `ends[k]` (exclusive) and `patterns[k]` (pattern index). */
export interface AcMatches {
  starts: number[];
  ends: number[];
  patterns: number[];
}

const ALPHABET = 0x10000;

export class AhoCorasick {
  readonly patterns: readonly string[];
  private readonly goto = new Map<number, number>();
  private readonly fail: Int32Array;
  /** Pattern indices ending at each state, suffix outputs included. */
  private readonly out: Array<number[] | undefined>;
  /** Code units that leave the root: everything else is skipped without a map lookup. */
  private readonly rootChars = new Uint8Array(ALPHABET);
  private readonly lengths: Int32Array;
  private readonly fold: boolean;

  constructor(patterns: readonly string[], options: AcOptions = {}) {
    this.fold = options.foldAscii ?? false;
    this.patterns = patterns;
    this.lengths = new Int32Array(patterns.length);
    let stateCount = 1;
    const outs: Array<number[] | undefined> = [undefined];
    for (let p = 0; p < patterns.length; p++) {
      const pat = patterns[p]!;
      this.lengths[p] = pat.length;
      if (pat.length === 0) continue;
      let s = 0;
      for (let i = 0; i < pat.length; i++) {
        const c = this.code(pat, i);
        if (s === 0) this.rootChars[c] = 1;
        const key = s * ALPHABET + c;
        let next = this.goto.get(key);
        if (next === undefined) {
          next = stateCount++;
          this.goto.set(key, next);
          outs.push(undefined);
        }
        s = next;
      }
      const o = outs[s];
      if (o) o.push(p);
      else outs[s] = [p];
    }
    this.fail = new Int32Array(stateCount);
    this.out = outs;
    // Children per state, for the breadth-first failure-link construction.
    const children: Array<Array<[number, number]>> = Array.from({ length: stateCount }, () => []);
    for (const [key, child] of this.goto) {
      const parent = Math.floor(key / ALPHABET);
      children[parent]!.push([key - parent * ALPHABET, child]);
    }
    const queue: number[] = [];
    for (const [, child] of children[0]!) {
      this.fail[child] = 0;
      queue.push(child);
    }
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi]!;
      for (const [c, child] of children[s]!) {
        let f = this.fail[s]!;
        let target = this.goto.get(f * ALPHABET + c);
        while (target === undefined && f !== 0) {
          f = this.fail[f]!;
          target = this.goto.get(f * ALPHABET + c);
        }
        const fs = target !== undefined && target !== child ? target : 0;
        this.fail[child] = fs;
        const inherited = this.out[fs];
        if (inherited) this.out[child] = this.out[child] ? [...this.out[child]!, ...inherited] : inherited;
        queue.push(child);
      }
    }
  }

  private code(text: string, i: number): number {
    const c = text.charCodeAt(i);
    return this.fold && c >= 65 && c <= 90 ? c + 32 : c;
  }

  /** All occurrences, ordered by end position (then longest first). */
  scan(text: string): AcMatches {
    const res: AcMatches = { starts: [], ends: [], patterns: [] };
    const goto = this.goto;
    const fail = this.fail;
    const out = this.out;
    const rootChars = this.rootChars;
    const fold = this.fold;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      let c = text.charCodeAt(i);
      if (fold && c >= 65 && c <= 90) c += 32;
      if (s === 0 && rootChars[c] === 0) continue;
      for (;;) {
        const next = goto.get(s * ALPHABET + c);
        if (next !== undefined) {
          s = next;
          break;
        }
        if (s === 0) break;
        s = fail[s]!;
      }
      const o = out[s];
      if (o !== undefined) {
        for (let k = 0; k < o.length; k++) {
          const p = o[k]!;
          res.starts.push(i + 1 - this.lengths[p]!);
          res.ends.push(i + 1);
          res.patterns.push(p);
        }
      }
    }
    return res;
  }

  /** True as soon as any pattern occurs (early exit). */
  test(text: string): boolean {
    const goto = this.goto;
    const fail = this.fail;
    const out = this.out;
    const fold = this.fold;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      let c = text.charCodeAt(i);
      if (fold && c >= 65 && c <= 90) c += 32;
      if (s === 0 && this.rootChars[c] === 0) continue;
      for (;;) {
        const next = goto.get(s * ALPHABET + c);
        if (next !== undefined) {
          s = next;
          break;
        }
        if (s === 0) break;
        s = fail[s]!;
      }
      if (out[s] !== undefined) return true;
    }
    return false;
  }
}

/**
 * Builds an automaton from (phrase, payload) entries; phrases shared by several entries keep every
 * payload. `payloads[patternIndex]` lists them.
 */
export function buildDictionary<T>(entries: Iterable<[string, T]>, options: AcOptions = {}): { ac: AhoCorasick; payloads: T[][] } {
  const index = new Map<string, number>();
  const phrases: string[] = [];
  const payloads: T[][] = [];
  for (const [phrase, payload] of entries) {
    const key = options.foldAscii ? phrase.toLowerCase() : phrase;
    let i = index.get(key);
    if (i === undefined) {
      i = phrases.length;
      index.set(key, i);
      phrases.push(phrase);
      payloads.push([]);
    }
    payloads[i]!.push(payload);
  }
  return { ac: new AhoCorasick(phrases, options), payloads };
}
