/**
 * A small character CNN for the negative head: character embeddings → convolutions of widths 2, 3, 4
 * → ReLU after max-pooling over time → one linear output (a logit). It reads the characters the
 * n-gram features hash away (order, sarcasm, customer slang) and is blended with the logistic head:
 * z = z_lr + blend × z_cnn, calibrated and thresholded once (see pipeline.ts).
 *
 * Training (`CharCnnTrainer`) is pure TypeScript, seeded and so deterministic. Prediction
 * (`createCnnScorer`) precomputes, per character and kernel offset, the dot product of its embedding
 * with every filter, so a post costs (2 + 3 + 4) × filters additions per character.
 */

/** Hyper-parameters stored with the weights. */
export interface CnnShape {
  dim: number;
  filters: number;
  widths: number[];
  /** Characters read per text (the rest is ignored). */
  maxLen: number;
}

/** The CNN part of model.json. */
export interface CnnArtifact extends CnnShape {
  /** Vocabulary: character i has id i + FIRST_CHAR. */
  chars: string;
  /** base64 little-endian int16 parameters (layout of `layout()`); value = int16 × scale. */
  weights: string;
  scale: number;
  /** Weight of the CNN logit in the negative head's logit. */
  blend: number;
}

const PAD = 0;
const UNK = 1;
const BOUNDARY = 2;
const FIRST_CHAR = 3;

/** Offsets in the flat parameter vector: the embeddings come first (character id × dim). */
interface Layout {
  vocab: number;
  conv: number[];
  bias: number[];
  out: number;
  outBias: number;
  size: number;
}

function layout(shape: CnnShape, vocab: number): Layout {
  let o = vocab * shape.dim;
  const conv: number[] = [];
  const bias: number[] = [];
  for (const k of shape.widths) {
    conv.push(o);
    o += shape.filters * k * shape.dim;
    bias.push(o);
    o += shape.filters;
  }
  const out = o;
  o += shape.filters * shape.widths.length;
  return { vocab, conv, bias, out, outBias: o, size: o + 1 };
}

/** Character → id: a flat table for the Basic Multilingual Plane, a map beyond (emoji and rare CJK). */
interface CharIndex {
  bmp: Int32Array;
  astral: Map<number, number>;
}

function charIndex(chars: string): CharIndex {
  const bmp = new Int32Array(0x10000).fill(UNK);
  const astral = new Map<number, number>();
  let i = 0;
  for (const ch of chars) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x10000) bmp[cp] = i + FIRST_CHAR;
    else astral.set(cp, i + FIRST_CHAR);
    i++;
  }
  return { bmp, astral };
}

/**
 * Ids of `text` (its first `maxLen` characters) framed by boundary marks, padded to `minLen`, into
 * `out`; returns the length. Reads UTF-16 code units: no string is allocated per character.
 */
function encodeInto(index: CharIndex, text: string, maxLen: number, minLen: number, out: Int32Array): number {
  const { bmp, astral } = index;
  let n = 0;
  out[n++] = BOUNDARY;
  for (let i = 0; i < text.length && n <= maxLen; i++) {
    const hi = text.charCodeAt(i);
    if (hi >= 0xd800 && hi < 0xdc00 && i + 1 < text.length) {
      const lo = text.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo < 0xe000) {
        out[n++] = astral.get((hi - 0xd800) * 0x400 + (lo - 0xdc00) + 0x10000) ?? UNK;
        i++;
        continue;
      }
    }
    out[n++] = bmp[hi]!;
  }
  out[n++] = BOUNDARY;
  while (n < minLen) out[n++] = PAD;
  return n;
}

/** Decodes the artifact's parameters to float32. */
export function decodeCnnParams(art: CnnArtifact): { params: Float32Array; lay: Layout } {
  const lay = layout(art, [...art.chars].length + FIRST_CHAR);
  const buf = Buffer.from(art.weights, 'base64');
  if (buf.length !== lay.size * 2) throw new Error(`sentiment model: char CNN expects ${lay.size} parameters, got ${buf.length / 2}`);
  const params = new Float32Array(lay.size);
  for (let i = 0; i < lay.size; i++) params[i] = buf.readInt16LE(i * 2) * art.scale;
  return { params, lay };
}

/**
 * Per-character table: row c holds, for each width k and kernel offset j, the F dot products
 * W_k[f, j] · E[c] (row length (Σk)·F), so one position reads one row per character it covers.
 * Stored as int16 × scale.
 */
function characterTable(art: CnnArtifact, p: Float32Array, lay: Layout): { table: Int16Array; scale: number } {
  const { dim: D, filters: F, widths } = art;
  const row = widths.reduce((a, k) => a + k, 0) * F;
  const table = new Float64Array(lay.vocab * row);
  for (let c = 0; c < lay.vocab; c++) {
    let o = c * row;
    widths.forEach((k, wi) => {
      for (let j = 0; j < k; j++) {
        for (let f = 0; f < F; f++) {
          let s = 0;
          const wo = lay.conv[wi]! + (f * k + j) * D;
          for (let d = 0; d < D; d++) s += p[wo + d]! * p[c * D + d]!;
          table[o + f] = s;
        }
        o += F;
      }
    });
  }
  // int16 (half the bytes of float32, so the table stays in cache beside the n-gram weights)
  let max = 0;
  for (const v of table) max = Math.max(max, Math.abs(v));
  const scale = max > 0 ? max / 32767 : 1;
  return { table: Int16Array.from(table, (v) => Math.round(v / scale)), scale };
}

/** Max-pooled convolutions for any widths (2–4) from the character table, into `mx` (width-major). */
function poolAny(x: Int32Array, n: number, table: Int16Array, widths: readonly number[], F: number, mx: Int32Array): void {
  const row = widths.reduce((a, k) => a + k, 0) * F;
  let start = 0;
  for (let wi = 0; wi < widths.length; wi++) {
    const k = widths[wi]!;
    for (let t = 0; t + k <= n; t++) {
      for (let f = 0; f < F; f++) {
        let s = 0;
        for (let j = 0; j < k; j++) s += table[x[t + j]! * row + start + j * F + f]!;
        if (s > mx[wi * F + f]!) mx[wi * F + f] = s;
      }
    }
    start += k * F;
  }
}

/** The shipped shape (widths 2 and 3) in one pass: per position, three table rows, both widths. */
function pool23(x: Int32Array, n: number, table: Int16Array, F: number, mx: Int32Array): void {
  const row = 5 * F;
  for (let t = 0; t + 2 <= n; t++) {
    const a = x[t]! * row;
    const b = x[t + 1]! * row + F;
    for (let f = 0; f < F; f++) {
      const s = table[a + f]! + table[b + f]!;
      if (s > mx[f]!) mx[f] = s;
    }
    if (t + 3 > n) break;
    const a3 = a + 2 * F;
    const b3 = b + 2 * F;
    const c3 = x[t + 2]! * row + 4 * F;
    for (let f = 0; f < F; f++) {
      const s = table[a3 + f]! + table[b3 + f]! + table[c3 + f]!;
      if (s > mx[F + f]!) mx[F + f] = s;
    }
  }
}

/** The prediction-time scorer: text (normalized, as the n-gram features see it) → CNN logit. */
export function createCnnScorer(art: CnnArtifact): (text: string) => number {
  const { filters: F, widths } = art;
  if (widths.length === 0 || widths.some((k) => k < 2 || k > 4))
    throw new Error(`sentiment model: char CNN widths must be 2, 3 or 4 (got ${widths.join(',')})`);
  const { params: p, lay } = decodeCnnParams(art);
  const { table, scale } = characterTable(art, p, lay);
  const shipped = widths.length === 2 && widths[0] === 2 && widths[1] === 3;
  const index = charIndex(art.chars);
  const minLen = Math.max(...widths);
  const x = new Int32Array(art.maxLen + minLen + 2);
  const mx = new Int32Array(F * widths.length);
  return (text) => {
    const n = encodeInto(index, text, art.maxLen, minLen, x);
    mx.fill(-0x80000000);
    if (shipped) pool23(x, n, table, F, mx);
    else poolAny(x, n, table, widths, F, mx);
    let z = p[lay.outBias]!;
    for (let i = 0; i < F * widths.length; i++) {
      const h = mx[i]! * scale + p[lay.bias[Math.floor(i / F)]! + (i % F)]!;
      if (h > 0) z += p[lay.out + i]! * h;
    }
    return z;
  };
}

export interface CnnTrainOptions extends CnnShape {
  dropout: number;
  /** Share of characters replaced by the unknown id during training (robustness to rare characters). */
  charDropout: number;
  learningRate: number;
  batch: number;
  seed: number;
  /** Characters seen fewer times in training are unknown. */
  minCount: number;
}

export const DEFAULT_CNN: CnnTrainOptions = {
  dim: 32,
  filters: 8,
  widths: [2, 3],
  maxLen: 48,
  dropout: 0.5,
  charDropout: 0.15,
  learningRate: 2e-3,
  batch: 32,
  seed: 20241130,
  minCount: 2,
};

/** The training vocabulary: characters seen at least `minCount` times, in code-point order. */
export function cnnVocabulary(texts: readonly string[], minCount: number): string {
  const counts = new Map<string, number>();
  for (const t of texts) for (const ch of t) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  return [...counts]
    .filter(([, c]) => c >= minCount)
    .map(([ch]) => ch)
    .sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!)
    .join('');
}

export { BOUNDARY, type CharIndex, charIndex, encodeInto, FIRST_CHAR, type Layout, layout, PAD, UNK };
