/**
 * Feature extraction shared by training and prediction. Features are hashed into a fixed number of
 * buckets (no vocabulary to ship); hashing reads char codes directly, so extraction allocates almost
 * nothing per post.
 */
import { type CueTable, cueHits, scanCues } from './cues.js';
import {
  DEGREE_CHARS,
  type Emit,
  type FeatureInput,
  type FeatureList,
  type Lexicon,
  NAMED,
  type Named,
  NEG_EMOTICONS,
  NEGATION_CHARS,
  POS_EMOTICONS,
} from './feature-tables.js';

export type { Emit, FeatureInput, FeatureList, Lexicon } from './feature-tables.js';
export { NEG_EMOTICONS, POS_EMOTICONS } from './feature-tables.js';

/** Lexicon bit flags. */
export const LEX_GEN_POS = 1;
export const LEX_GEN_NEG = 2;
export const LEX_FIN_POS = 4;
export const LEX_FIN_NEG = 8;
export const LEX_DOM_NEG = 16;
export const LEX_DOM_POS = 32;
export const LEX_NEGATION = 64;

export function lexiconEntry(bits: number, degree?: number): number {
  return (bits & 0xff) | (degree ? Math.round(degree * 10) << 8 : 0);
}

export function createLexicon(entries: Map<string, number>, cues?: CueTable): Lexicon {
  let slots = 1024;
  while (slots < entries.size * 2) slots <<= 1;
  const keys = new Int32Array(slots);
  const vals = new Int32Array(slots);
  const slotMask = slots - 1;
  for (const [word, v] of entries) {
    if (!word || v === 0) continue;
    const h = hashStr(SEED.uni, word) | 0;
    let i = h & slotMask;
    while (vals[i] !== 0 && keys[i] !== h) i = (i + 1) & slotMask;
    keys[i] = h;
    vals[i] = v;
  }
  return cues ? { keys, vals, slotMask, size: entries.size, cues } : { keys, vals, slotMask, size: entries.size };
}

function lexGet(lex: Lexicon, h: number): number {
  const { keys, vals, slotMask } = lex;
  let i = h & slotMask;
  for (;;) {
    const v = vals[i]!;
    if (v === 0) return 0;
    if (keys[i] === h) return v;
    i = (i + 1) & slotMask;
  }
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function hashStr(seed: number, s: string, start = 0): number {
  let h = seed;
  for (let i = start; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h;
}

/** Seeds per feature family (distinct streams in one hash space). */
const SEED = {
  uni: hashStr(FNV_OFFSET, 'u'),
  negUni: hashStr(FNV_OFFSET, 'n'),
  bi: hashStr(FNV_OFFSET, 'b'),
  c2: hashStr(FNV_OFFSET, 'c2'),
  c3: hashStr(FNV_OFFSET, 'c3'),
  emo: hashStr(FNV_OFFSET, 'e'),
  named: hashStr(FNV_OFFSET, '#'),
};

const NAMED_HASH = new Map<string, number>(NAMED.map((n) => [n, hashStr(SEED.named, n) >>> 0]));

export function namedBucket(name: Named, mask: number): number {
  return NAMED_HASH.get(name)! & mask;
}

/** Unmasked hash of each named feature, indexed like NAMED. */
const NAMED_RAW = Int32Array.from(NAMED, (n) => NAMED_HASH.get(n)!);
const N_GEN_POS = 0;
const N_GEN_NEG = 1;
const N_FIN_POS = 2;
const N_FIN_NEG = 3;
const N_DOM_NEG = 4;
const N_DOM_POS = 5;
const N_NEGATED_POS = 6;
const N_NEGATED_NEG = 7;
const N_BALANCE = 8;
const N_ANY_NEG = 9;
const N_EMO_POS = 10;
const N_EMO_NEG = 11;
const N_EXCLAIM = 12;
const N_QUESTION = 13;
const N_LEN_SHORT = 14;
const N_LEN_MEDIUM = 15;
const N_LEN_LONG = 16;
const N_BIAS = 17;
const N_CUE_COMPLAINT = 18;
const N_CUE_SLANG = 19;
const N_CUE_OPINION_NEG = 20;
const N_CUE_OPINION_POS = 21;

/** Appends named feature `id` with value `v` (skipped when 0) at `n`; returns the new length. */
function named(B: Int32Array, V: Float64Array, n: number, mask: number, id: number, v: number): number {
  if (v === 0) return n;
  B[n] = NAMED_RAW[id]! & mask;
  V[n] = v;
  return n + 1;
}

const features: FeatureList = { buckets: new Int32Array(4096), values: new Float64Array(4096), length: 0 };

/** First-character table: HEAD_NEGATION for negation chars, round(degree × 10) for degree chars, else 0. */
const HEAD_NEGATION = 255;
const HEAD_CHAR = new Uint8Array(0x10000);
for (const c of NEGATION_CHARS) HEAD_CHAR[c.charCodeAt(0)] = HEAD_NEGATION;
for (const [c, d] of DEGREE_CHARS) HEAD_CHAR[c.charCodeAt(0)] = Math.round(d * 10);

/** Tokens after a negation word that its scope covers. */
const NEGATION_WINDOW = 3;

// Result of `lookup`, kept in module scope so the hot loop allocates nothing.
let hitBits = 0;
let hitFlip = false;
let hitDegree = 1;

/**
 * Polarity of a token (into hitBits/hitFlip/hitDegree), trying a leading negation or degree character
 * when the whole token is unknown (太差 → 差 with degree, 不好 → 好 negated). Returns the token's own
 * degree multiplier for the next token (1 when it is not a degree adverb).
 */
function lookup(lex: Lexicon, tok: string, uh: number): number {
  const entry = lexGet(lex, uh | 0);
  hitBits = entry & 0xff;
  hitFlip = false;
  hitDegree = 1;
  if (hitBits === 0 && tok.length >= 2 && tok.length <= 5) {
    const head = HEAD_CHAR[tok.charCodeAt(0)]!;
    if (head !== 0) {
      const rest = lexGet(lex, hashStr(SEED.uni, tok, 1) | 0) & 0xff;
      if (rest !== 0 && rest !== LEX_NEGATION) {
        hitBits = rest;
        hitFlip = head === HEAD_NEGATION;
        hitDegree = hitFlip ? 1 : head / 10;
      }
    }
  }
  return entry >>> 8 ? (entry >>> 8) / 10 : 1;
}

const log1p = Math.log1p;

/**
 * Calls `emit(bucket, value)` for every feature of one post. Bucket = hash & mask (mask = 2^bits − 1).
 * The same bucket may be emitted several times; consumers add the values.
 */
export function extractFeatures(input: FeatureInput, lex: Lexicon, mask: number, emit: Emit): void {
  const f = collectFeatures(input, lex, mask);
  const { buckets, values, length } = f;
  for (let i = 0; i < length; i++) emit(buckets[i]!, values[i]!);
}

/** The features of one post (see {@link FeatureList}; the returned buffer is reused by the next call). */
export function collectFeatures(input: FeatureInput, lex: Lexicon, mask: number): FeatureList {
  const { tokens, normalized } = input;
  const nTok = tokens.length;
  // At most: unigram + bigram per token, bigram + trigram per char, one per emoticon, the named ones.
  const need = 2 * nTok + 2 * normalized.length + input.emoticons.length + NAMED.length;
  if (features.buckets.length < need) {
    let cap = features.buckets.length;
    while (cap < need) cap <<= 1;
    features.buckets = new Int32Array(cap);
    features.values = new Float64Array(cap);
  }
  const B = features.buckets;
  const V = features.values;
  let n = 0;
  const tokScale = 1 / Math.sqrt(Math.max(1, nTok));

  let genPos = 0;
  let genNeg = 0;
  let finPos = 0;
  let finNeg = 0;
  let domNeg = 0;
  let domPos = 0;
  let negatedPos = 0;
  let negatedNeg = 0;
  let scope = 0;
  let flipped = false;
  let degree = 1;
  // hashStr(SEED.bi, previous token): the bigram hash continues from it over the current token.
  let prevBi = 0;
  let negWord = -1;
  if (phraseTok.length < nTok) {
    phraseTok = new Int32Array(nTok * 2);
    phraseNeg = new Int32Array(nTok * 2);
  }
  nPhrases = 0;
  for (let i = 0; i < nTok; i++) {
    const tok = tokens[i]!;
    // Unigram hash and bigram-prefix hash of the token in one pass over its chars.
    let uh = SEED.uni;
    let bh = SEED.bi;
    for (let k = 0; k < tok.length; k++) {
      const c = tok.charCodeAt(k);
      uh = Math.imul(uh ^ c, FNV_PRIME);
      bh = Math.imul(bh ^ c, FNV_PRIME);
    }
    const nextDegree = lookup(lex, tok, uh);
    const b = hitBits;
    if (b === LEX_NEGATION) {
      flipped = scope > 0 ? !flipped : true;
      scope = NEGATION_WINDOW;
      negWord = i;
      B[n] = (uh >>> 0) & mask;
      V[n++] = tokScale;
    } else {
      const negated = scope > 0 && flipped;
      B[n] = ((negated ? hashStr(SEED.negUni, tok) : uh) >>> 0) & mask;
      V[n++] = tokScale;
      if (b !== 0) {
        const neg = negated !== hitFlip;
        const w = degree * hitDegree;
        // Negative phrases (as `negativePhrases` finds them), recorded for `lastNegativePhrases`.
        const isPos = (b & (LEX_GEN_POS | LEX_FIN_POS | LEX_DOM_POS)) !== 0;
        const isNeg = (b & (LEX_GEN_NEG | LEX_FIN_NEG | LEX_DOM_NEG)) !== 0;
        if (neg && isPos && !isNeg) {
          phraseTok[nPhrases] = i;
          phraseNeg[nPhrases++] = negated ? negWord : -1;
        } else if (!neg && isNeg && !isPos) {
          phraseTok[nPhrases] = i;
          phraseNeg[nPhrases++] = -1;
        }
        if (neg) {
          // A negated positive word reads as negative ("不满意"), a negated negative one as weakly positive.
          if (b & (LEX_GEN_POS | LEX_FIN_POS | LEX_DOM_POS)) negatedPos += w;
          if (b & (LEX_GEN_NEG | LEX_FIN_NEG | LEX_DOM_NEG)) negatedNeg += w;
        } else {
          if (b & LEX_GEN_POS) genPos += w;
          if (b & LEX_GEN_NEG) genNeg += w;
          if (b & LEX_FIN_POS) finPos += w;
          if (b & LEX_FIN_NEG) finNeg += w;
          if (b & LEX_DOM_NEG) domNeg += w;
          if (b & LEX_DOM_POS) domPos += w;
        }
      }
      if (scope > 0) scope--;
      if (scope === 0) flipped = false;
    }
    degree = nextDegree;
    if (i > 0) {
      B[n] = (hashStr(prevBi, tok) >>> 0) & mask;
      V[n++] = tokScale;
    }
    prevBi = bh;
  }

  // Character bigrams and trigrams over runs of CJK / alphanumeric characters.
  const len = normalized.length;
  const charScale = 0.5 / Math.sqrt(Math.max(1, len));
  let c1 = -1;
  let c2 = -1;
  let exclaim = 0;
  let question = 0;
  for (let i = 0; i < len; i++) {
    const c = normalized.charCodeAt(i);
    const word = (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a);
    if (!word) {
      if (c === 0x21) exclaim++;
      else if (c === 0x3f) question++;
      c1 = -1;
      c2 = -1;
      continue;
    }
    if (c2 >= 0) {
      B[n] = (Math.imul(Math.imul(SEED.c2 ^ c2, FNV_PRIME) ^ c, FNV_PRIME) >>> 0) & mask;
      V[n++] = charScale;
      if (c1 >= 0) {
        B[n] = (Math.imul(Math.imul(Math.imul(SEED.c3 ^ c1, FNV_PRIME) ^ c2, FNV_PRIME) ^ c, FNV_PRIME) >>> 0) & mask;
        V[n++] = charScale;
      }
    }
    c1 = c2;
    c2 = c;
  }

  let emoPos = 0;
  let emoNeg = 0;
  for (const e of input.emoticons) {
    B[n] = (hashStr(SEED.emo, e) >>> 0) & mask;
    V[n++] = 1;
    if (NEG_EMOTICONS.has(e)) emoNeg++;
    else if (POS_EMOTICONS.has(e)) emoPos++;
  }

  n = named(B, V, n, mask, N_GEN_POS, log1p(genPos));
  n = named(B, V, n, mask, N_GEN_NEG, log1p(genNeg));
  n = named(B, V, n, mask, N_FIN_POS, log1p(finPos));
  n = named(B, V, n, mask, N_FIN_NEG, log1p(finNeg));
  n = named(B, V, n, mask, N_DOM_NEG, log1p(domNeg));
  n = named(B, V, n, mask, N_DOM_POS, log1p(domPos));
  n = named(B, V, n, mask, N_NEGATED_POS, log1p(negatedPos));
  n = named(B, V, n, mask, N_NEGATED_NEG, log1p(negatedNeg));
  const negMass = genNeg + finNeg + 2 * domNeg + negatedPos;
  const posMass = genPos + finPos + domPos + 0.5 * negatedNeg;
  n = named(B, V, n, mask, N_BALANCE, (negMass - posMass) / (1 + negMass + posMass));
  n = named(B, V, n, mask, N_ANY_NEG, negMass > 0 ? 1 : 0);
  n = named(B, V, n, mask, N_EMO_POS, log1p(emoPos));
  n = named(B, V, n, mask, N_EMO_NEG, log1p(emoNeg));
  n = named(B, V, n, mask, N_EXCLAIM, log1p(exclaim));
  n = named(B, V, n, mask, N_QUESTION, log1p(question));
  n = named(B, V, n, mask, len < 20 ? N_LEN_SHORT : len < 80 ? N_LEN_MEDIUM : N_LEN_LONG, 1);
  n = named(B, V, n, mask, N_BIAS, 1);
  if (lex.cues !== undefined) {
    scanCues(lex.cues, normalized);
    n = named(B, V, n, mask, N_CUE_COMPLAINT, log1p(cueHits.complaint));
    n = named(B, V, n, mask, N_CUE_SLANG, log1p(cueHits.slang));
    n = named(B, V, n, mask, N_CUE_OPINION_NEG, log1p(cueHits.opinionNeg));
    n = named(B, V, n, mask, N_CUE_OPINION_POS, log1p(cueHits.opinionPos));
  }
  features.length = n;
  return features;
}

// Negative phrases of the latest `collectFeatures` call: token index, and the index of the negation
// word before it (-1 when not negated).
let phraseTok = new Int32Array(256);
let phraseNeg = new Int32Array(256);
let nPhrases = 0;

/**
 * `negativePhrases(tokens, lex)` for the `tokens` of the latest {@link collectFeatures} call (same
 * lexicon), from what that call recorded: no second lexicon pass.
 */
export function lastNegativePhrases(tokens: readonly string[]): string[] {
  const out: string[] = [];
  for (let k = 0; k < nPhrases; k++) {
    const tok = tokens[phraseTok[k]!]!;
    const nw = phraseNeg[k]!;
    const w = nw >= 0 ? tokens[nw]! + tok : tok;
    if (!out.includes(w)) out.push(w);
  }
  return out;
}

/**
 * The words in `tokens` that read as negative (lexicon negative not negated, or positive negated),
 * for highlighting. Negated phrases are returned with their negation ("不 满意" → "不满意").
 */
export function negativePhrases(tokens: string[], lex: Lexicon): string[] {
  const out: string[] = [];
  let scope = 0;
  let flipped = false;
  let negWord = '';
  for (const tok of tokens) {
    lookup(lex, tok, hashStr(SEED.uni, tok));
    if (hitBits === LEX_NEGATION) {
      flipped = scope > 0 ? !flipped : true;
      scope = NEGATION_WINDOW;
      negWord = tok;
      continue;
    }
    const negated = scope > 0 && flipped;
    if (hitBits !== 0) {
      const neg = negated !== hitFlip;
      const isPos = (hitBits & (LEX_GEN_POS | LEX_FIN_POS | LEX_DOM_POS)) !== 0;
      const isNeg = (hitBits & (LEX_GEN_NEG | LEX_FIN_NEG | LEX_DOM_NEG)) !== 0;
      // First occurrences in order (what [...new Set(out)] gave), without the set.
      if (neg && isPos && !isNeg) {
        const w = negated ? negWord + tok : tok;
        if (!out.includes(w)) out.push(w);
      } else if (!neg && isNeg && !isPos && !out.includes(tok)) out.push(tok);
    }
    if (scope > 0) scope--;
    if (scope === 0) flipped = false;
  }
  return out;
}
