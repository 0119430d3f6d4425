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
  /** Dense transitions out of the root (0 = stay): most text characters never leave it. */
  private readonly rootNext = new Int32Array(ALPHABET);
  /** Other states' children as flat arrays (most states have one or two): `childStart[s]` … `childStart[s + 1]`. */
  private childStart: Int32Array = new Int32Array(1);
  private childChars: Uint16Array = new Uint16Array(0);
  private childTargets: Int32Array = new Int32Array(0);
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
    for (const [key, child] of this.goto) if (key < ALPHABET) this.rootNext[key] = child;
    this.flatten(stateCount);
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

  private flatten(stateCount: number): void {
    const counts = new Int32Array(stateCount + 1);
    for (const key of this.goto.keys()) counts[Math.floor(key / ALPHABET) + 1]!++;
    for (let s = 0; s < stateCount; s++) counts[s + 1]! += counts[s]!;
    this.childStart = counts;
    this.childChars = new Uint16Array(this.goto.size);
    this.childTargets = new Int32Array(this.goto.size);
    const fill = counts.slice(0, stateCount);
    for (const [key, child] of this.goto) {
      const parent = Math.floor(key / ALPHABET);
      const at = fill[parent]!++;
      this.childChars[at] = key - parent * ALPHABET;
      this.childTargets[at] = child;
    }
  }

  private step(s: number, c: number): number {
    const start = this.childStart;
    const chars = this.childChars;
    while (s !== 0) {
      for (let j = start[s]!, end = start[s + 1]!; j < end; j++) if (chars[j] === c) return this.childTargets[j]!;
      s = this.fail[s]!;
    }
    return this.rootNext[c]!;
  }

  /** All occurrences, ordered by end position (then longest first). */
  scan(text: string): AcMatches {
    const res: AcMatches = { starts: [], ends: [], patterns: [] };
    const out = this.out;
    const rootNext = this.rootNext;
    const fold = this.fold;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      let c = text.charCodeAt(i);
      if (fold && c >= 65 && c <= 90) c += 32;
      s = s === 0 ? rootNext[c]! : this.step(s, c);
      if (s === 0) continue;
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
    const out = this.out;
    const fold = this.fold;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      let c = text.charCodeAt(i);
      if (fold && c >= 65 && c <= 90) c += 32;
      s = this.step(s, c);
      if (s === 0) continue;
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

/** A dictionary registered in a {@link SharedDictionary}: its payloads per pattern of the shared automaton. */
export interface DictionaryHandle<T> {
  /** Payloads of this dictionary for a pattern index of the shared automaton (undefined: none). */
  payloads(pattern: number): readonly T[] | undefined;
  /** The shared automaton (valid once built). */
  readonly ac: AhoCorasick;
}

/**
 * Several stages' dictionaries in ONE automaton, so a post is scanned once and each stage reads its
 * own payloads from the shared match list. Register every dictionary, then `build()`.
 */
export class SharedDictionary {
  private readonly entries: Array<[string, { dict: number; payload: unknown }]> = [];
  private dictCount = 0;
  private perDict: Array<Array<unknown[] | undefined>> = [];
  private automaton: AhoCorasick | undefined;

  constructor(private readonly options: AcOptions = { foldAscii: true }) {}

  register<T>(entries: Iterable<[string, T]>): DictionaryHandle<T> {
    if (this.automaton) throw new Error('SharedDictionary already built');
    const dict = this.dictCount++;
    for (const [phrase, payload] of entries) this.entries.push([phrase, { dict, payload }]);
    const self = this;
    return {
      payloads: (pattern) => self.perDict[dict]![pattern] as T[] | undefined,
      get ac() {
        return self.build();
      },
    };
  }

  /** Builds the automaton on first use; later registrations are refused. */
  build(): AhoCorasick {
    if (this.automaton) return this.automaton;
    const { ac, payloads } = buildDictionary(this.entries, this.options);
    this.perDict = Array.from({ length: this.dictCount }, () => new Array<unknown[] | undefined>(ac.patterns.length).fill(undefined));
    payloads.forEach((list, pattern) => {
      for (const { dict, payload } of list) {
        const slot = this.perDict[dict]!;
        const existing = slot[pattern];
        if (existing) existing.push(payload);
        else slot[pattern] = [payload];
      }
    });
    this.automaton = ac;
    return ac;
  }

  scan(text: string): AcMatches {
    return this.build().scan(text);
  }
}
