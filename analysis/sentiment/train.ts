/**
 * Deterministic training of the two logistic heads (negative, positive) over hashed features:
 * AdaGrad with L2 on a seeded shuffle, then Platt scaling and thresholds fitted on the validation split.
 */
import { createHash } from 'node:crypto';
import { normalize } from '../normalize.js';
import type { Tokenizer } from '../tokenizer.js';
import type { Example } from './data.js';
import { extractFeatures, type Lexicon } from './features.js';
import { encodeWeights, type HeadArtifact, type ModelArtifact, sigmoid } from './model.js';

/** Sparse feature rows in CSR form. */
export interface FeatureMatrix {
  offsets: Int32Array;
  index: Int32Array;
  value: Float32Array;
  rows: number;
}

export function featurize(examples: Example[], tokenizer: Tokenizer, lex: Lexicon, bits: number): FeatureMatrix {
  const mask = (1 << bits) - 1;
  let index = new Int32Array(1 << 20);
  let value = new Float32Array(1 << 20);
  const offsets = new Int32Array(examples.length + 1);
  let n = 0;
  const acc = new Map<number, number>();
  const emit = (b: number, v: number) => acc.set(b, (acc.get(b) ?? 0) + v);
  examples.forEach((ex, r) => {
    const norm = normalize(ex.text);
    acc.clear();
    extractFeatures({ normalized: norm.text, tokens: tokenizer.tokens(norm.text), emoticons: ex.stripEmoticons ? [] : norm.emoticons }, lex, mask, emit);
    if (n + acc.size > index.length) {
      const grow = Math.max(index.length * 2, n + acc.size);
      const i2 = new Int32Array(grow);
      i2.set(index.subarray(0, n));
      index = i2;
      const v2 = new Float32Array(grow);
      v2.set(value.subarray(0, n));
      value = v2;
    }
    for (const [b, v] of acc) {
      index[n] = b;
      value[n] = v;
      n++;
    }
    offsets[r + 1] = n;
  });
  return { offsets, index: index.subarray(0, n), value: value.subarray(0, n), rows: examples.length };
}

/** mulberry32: small seeded PRNG so shuffles are identical across runs and machines. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates shuffle in place, drawing from `rand` from the last position down (seeded: reproducible). */
export function shuffle<T>(xs: { length: number; [i: number]: T }, rand: () => number): void {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = xs[i]!;
    xs[i] = xs[j]!;
    xs[j] = t;
  }
}

export interface SgdOptions {
  epochs: number;
  learningRate: number;
  l2: number;
  seed: number;
}

export const DEFAULT_SGD: SgdOptions = { epochs: 8, learningRate: 0.1, l2: 1e-6, seed: 20240501 };

/** Logistic regression by AdaGrad. `rows` selects the rows to train on; `y`, `w` their targets and weights. */
export function trainLogistic(m: FeatureMatrix, rows: Int32Array, y: Float32Array, sw: Float32Array, bits: number, opt: SgdOptions): Float64Array {
  const size = 1 << bits;
  const w = new Float64Array(size);
  const g2 = new Float64Array(size).fill(1e-8);
  const order = Int32Array.from(rows.keys());
  const rand = prng(opt.seed);
  for (let epoch = 0; epoch < opt.epochs; epoch++) {
    shuffle(order, rand);
    for (const k of order) {
      const r = rows[k]!;
      const start = m.offsets[r]!;
      const end = m.offsets[r + 1]!;
      let z = 0;
      for (let p = start; p < end; p++) z += w[m.index[p]!]! * m.value[p]!;
      const err = (sigmoid(z) - y[k]!) * sw[k]!;
      for (let p = start; p < end; p++) {
        const b = m.index[p]!;
        const g = err * m.value[p]! + opt.l2 * w[b]!;
        g2[b]! += g * g;
        w[b]! -= (opt.learningRate * g) / Math.sqrt(g2[b]!);
      }
    }
  }
  return w;
}

export function logit(m: FeatureMatrix, r: number, w: Float64Array | Float32Array): number {
  let z = 0;
  for (let p = m.offsets[r]!; p < m.offsets[r + 1]!; p++) z += w[m.index[p]!]! * m.value[p]!;
  return z;
}

/** Platt scaling: fits σ(a·z + b) to labels by Newton's method on the log-loss (with Platt's target smoothing). */
export function fitPlatt(z: number[], y: number[]): { a: number; b: number } {
  const nPos = y.filter((v) => v === 1).length;
  const nNeg = y.length - nPos;
  const hi = (nPos + 1) / (nPos + 2);
  const lo = 1 / (nNeg + 2);
  const t = y.map((v) => (v === 1 ? hi : lo));
  // Newton on standardized logits with backtracking (Lin, Lin & Weng 2007): plain Newton from a = 1
  // diverges when the logits are large (a blended head's can reach ±30).
  const mean = z.reduce((s, v) => s + v, 0) / Math.max(1, z.length);
  const sd = Math.sqrt(z.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, z.length)) || 1;
  const u = z.map((v) => (v - mean) / sd);
  const loss = (a: number, b: number) => {
    let l = 0;
    for (let i = 0; i < u.length; i++) {
      const f = a * u[i]! + b;
      // log(1 + e^f) − t·f, computed stably
      l += (f > 0 ? f + Math.log1p(Math.exp(-f)) : Math.log1p(Math.exp(f))) - t[i]! * f;
    }
    return l;
  };
  let a = 1;
  let b = 0;
  let current = loss(a, b);
  for (let it = 0; it < 100; it++) {
    let ga = 0;
    let gb = 0;
    let haa = 1e-9;
    let hab = 0;
    let hbb = 1e-9;
    for (let i = 0; i < u.length; i++) {
      const p = sigmoid(a * u[i]! + b);
      const d = p - t[i]!;
      const s = p * (1 - p);
      ga += d * u[i]!;
      gb += d;
      haa += s * u[i]! * u[i]!;
      hab += s * u[i]!;
      hbb += s;
    }
    const det = haa * hbb - hab * hab;
    if (Math.abs(det) < 1e-12) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    let step = 1;
    while (step > 1e-6 && loss(a - step * da, b - step * db) > current) step /= 2;
    if (step <= 1e-6) break;
    a -= step * da;
    b -= step * db;
    current = loss(a, b);
    if (step * (Math.abs(da) + Math.abs(db)) < 1e-9) break;
  }
  // σ(a·(z − mean)/sd + b) = σ((a/sd)·z + b − a·mean/sd)
  return { a: a / sd, b: b - (a * mean) / sd };
}

/** ROC-AUC by the rank statistic (ties count one half); NaN when a class is missing. */
export function rocAuc(scores: readonly number[], y: readonly number[]): number {
  const idx = scores.map((_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let rankSumPos = 0;
  let nPos = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1]!] === scores[idx[i]!]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (y[idx[k]!] === 1) {
        rankSumPos += rank;
        nPos++;
      }
    }
    i = j + 1;
  }
  const nNeg = y.length - nPos;
  if (nPos === 0 || nNeg === 0) return Number.NaN;
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

export interface BinaryMetrics {
  n: number;
  accuracy: number;
  macroF1: number;
  precision: number;
  recall: number;
  f1: number;
}

/** Metrics for the positive class (1) of a binary task, plus macro-F1 over both classes. */
export function binaryMetrics(pred: number[], y: number[]): BinaryMetrics {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (let i = 0; i < y.length; i++) {
    if (pred[i] === 1) y[i] === 1 ? tp++ : fp++;
    else y[i] === 1 ? fn++ : tn++;
  }
  const f = (a: number, b: number, c: number) => (2 * a === 0 ? 0 : (2 * a) / (2 * a + b + c));
  const f1 = f(tp, fp, fn);
  const f0 = f(tn, fn, fp);
  return {
    n: y.length,
    accuracy: y.length ? (tp + tn) / y.length : 0,
    macroF1: (f1 + f0) / 2,
    precision: tp + fp ? tp / (tp + fp) : 0,
    recall: tp + fn ? tp / (tp + fn) : 0,
    f1,
  };
}

/**
 * Threshold on calibrated probabilities: best macro-F1 among thresholds keeping recall ≥ `minRecall`
 * (falls back to best macro-F1). `positiveF1` optimises the class-1 F1 instead of macro-F1.
 */
export function tuneThreshold(p: number[], y: number[], minRecall: number, positiveF1 = false): number {
  let best = 0.5;
  let bestScore = -1;
  let fallback = 0.5;
  let fallbackScore = -1;
  for (let t = 0.05; t <= 0.95 + 1e-9; t += 0.01) {
    const m = binaryMetrics(
      p.map((v) => (v >= t ? 1 : 0)),
      y,
    );
    const s = positiveF1 ? m.f1 : m.macroF1;
    if (s > fallbackScore) {
      fallbackScore = s;
      fallback = t;
    }
    if (m.recall >= minRecall && s > bestScore) {
      bestScore = s;
      best = t;
    }
  }
  return Math.round((bestScore >= 0 ? best : fallback) * 100) / 100;
}

export interface HeadData {
  rows: Int32Array;
  y: Float32Array;
  w: Float32Array;
}

export function headArtifact(weights: Float64Array, platt: { a: number; b: number }, threshold: number): HeadArtifact {
  return { ...encodeWeights(weights), platt, threshold };
}

/** Deterministic version id: content hash of the weights. */
export function versionOf(art: Omit<ModelArtifact, 'version'>): string {
  const h = createHash('sha256')
    .update(art.negative.weights)
    .update(art.positive.weights)
    .update(JSON.stringify([art.negative.platt, art.positive.platt]));
  if (art.cnn) h.update(art.cnn.weights).update(JSON.stringify([art.cnn.blend, art.cnn.chars]));
  return `${art.cnn ? 'sentiment-lr-cnn' : 'sentiment-lr'}-${h.digest('hex').slice(0, 10)}`;
}

/**
 * Opinion-word polarity from annotated rows (training split only): for each opinion span seen in at
 * least `minCount` rows, the smoothed log-odds of a negative row relative to the prior; spans with
 * |log-odds| ≤ 0.5 are dropped. Returns `word,logOdds` lines, sorted (deterministic).
 */
export function learnOpinionLexicon(rows: readonly Example[], minCount = 2): string {
  const all = new Map<string, number>();
  const neg = new Map<string, number>();
  let nRows = 0;
  let nNeg = 0;
  for (const r of rows) {
    if (!r.opinions) continue;
    nRows++;
    nNeg += r.neg;
    for (const s of new Set(r.opinions)) {
      all.set(s, (all.get(s) ?? 0) + 1);
      if (r.neg) neg.set(s, (neg.get(s) ?? 0) + 1);
    }
  }
  if (nRows === 0 || nNeg === 0) return '';
  const prior = nNeg / nRows;
  const priorLogit = Math.log(prior / (1 - prior));
  const out: string[] = [];
  for (const [s, c] of [...all].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (c < minCount) continue;
    const p = ((neg.get(s) ?? 0) + 2 * prior) / (c + 2);
    const lo = Math.log(p / (1 - p)) - priorLogit;
    if (Math.abs(lo) > 0.5) out.push(`${s},${lo.toFixed(2)}`);
  }
  return out.join('\n');
}
