import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SentimentLabel } from '../../lib/domain.js';
import { type CnnArtifact, createCnnScorer } from './cnn.js';
import { createCueTable } from './cues.js';
import { DOMAIN_NEGATIVE, DOMAIN_POSITIVE, NEGATIONS } from './domain-lexicon.js';
import {
  collectFeatures,
  createLexicon,
  type FeatureInput,
  LEX_DOM_NEG,
  LEX_DOM_POS,
  LEX_FIN_NEG,
  LEX_FIN_POS,
  LEX_GEN_NEG,
  LEX_GEN_POS,
  LEX_NEGATION,
  type Lexicon,
  lastNegativePhrases,
  lexiconEntry,
} from './features.js';

/** One logistic head: hashed weights (int16, scaled) and Platt calibration σ(a·z + b). */
export interface HeadArtifact {
  /** base64 of little-endian int16 weights; weight = int16 × scale. */
  weights: string;
  scale: number;
  platt: { a: number; b: number };
  /** Decision threshold on the calibrated probability (the negative head's is the one the analyzer applies). */
  threshold: number;
}

/** The JSON written to `analysis/sentiment/model.json`. */
export interface ModelArtifact {
  format: 'yuqing-sentiment/1';
  version: string;
  bits: number;
  negative: HeadArtifact;
  positive: HeadArtifact;
  /**
   * Newline-joined word lists. `opinion` (`word,logOdds` lines, learned from the bdci2021 training
   * split's opinion spans) switches the phrase-cue features on.
   */
  lexicon: { genPos: string; genNeg: string; finPos: string; finNeg: string; degree: string; opinion?: string };
  /**
   * The character CNN blended into the negative head (absent in models trained without it): the
   * negative logit is z_lr + cnn.blend × z_cnn, and `negative.platt` calibrates that sum.
   */
  cnn?: CnnArtifact;
  /** Training summary (data sizes, validation figures); informational. */
  meta: Record<string, unknown>;
}

export interface SentimentPrediction {
  label: SentimentLabel;
  /** Calibrated probability that the post is negative about the institution or its service. */
  score: number;
  negativePhrases: string[];
}

export interface SentimentModel {
  readonly version: string;
  /** The decision threshold on `score` the artifact was calibrated with (chosen at training for alerting). */
  readonly negativeThreshold: number;
  /** Label and score; `negativeThreshold` overrides the artifact's threshold (explicit config only). */
  predict(input: FeatureInput, negativeThreshold?: number): SentimentPrediction;
  /** `predict(input).label` without the score object and negative phrases (per-clause targeting). */
  predictLabel?(input: FeatureInput, negativeThreshold?: number): SentimentLabel;
}

export function encodeWeights(w: Float64Array | Float32Array): { weights: string; scale: number } {
  let max = 0;
  for (const v of w) max = Math.max(max, Math.abs(v));
  const scale = max > 0 ? max / 32767 : 1;
  const q = new Int16Array(w.length);
  for (let i = 0; i < w.length; i++) q[i] = Math.round(w[i]! / scale);
  return { weights: Buffer.from(q.buffer, q.byteOffset, q.byteLength).toString('base64'), scale };
}

export function decodeWeights(head: HeadArtifact, size: number): Float32Array {
  const buf = Buffer.from(head.weights, 'base64');
  if (buf.length !== size * 2) throw new Error(`sentiment model: expected ${size} weights, got ${buf.length / 2}`);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = buf.readInt16LE(i * 2) * head.scale;
  return out;
}

/** The int16 weights of a head as stored (weight = value × head.scale). */
function decodeQuantized(head: HeadArtifact, size: number): Int16Array {
  const buf = Buffer.from(head.weights, 'base64');
  if (buf.length !== size * 2) throw new Error(`sentiment model: expected ${size} weights, got ${buf.length / 2}`);
  const out = new Int16Array(size);
  for (let i = 0; i < size; i++) out[i] = buf.readInt16LE(i * 2);
  return out;
}

function splitWords(s: string): string[] {
  return s.split(/\s+/).filter(Boolean);
}

/** Builds the prediction-time lexicon from an artifact's lists plus the built-in domain lists. */
export function buildLexicon(lists: ModelArtifact['lexicon']): Lexicon {
  const bits = new Map<string, number>();
  const add = (words: string[], bit: number) => {
    for (const w of words) if (w) bits.set(w, (bits.get(w) ?? 0) | bit);
  };
  add(lists.genPos.split('\n'), LEX_GEN_POS);
  add(lists.genNeg.split('\n'), LEX_GEN_NEG);
  add(lists.finPos.split('\n'), LEX_FIN_POS);
  add(lists.finNeg.split('\n'), LEX_FIN_NEG);
  add(splitWords(DOMAIN_NEGATIVE), LEX_DOM_NEG);
  add(splitWords(DOMAIN_POSITIVE), LEX_DOM_POS);
  // Negation words are only negations (a lexicon entry such as 不 or 没有 must not also count as negative).
  for (const w of splitWords(NEGATIONS)) bits.set(w, LEX_NEGATION);
  const degree = new Map<string, number>();
  for (const line of lists.degree.split('\n')) {
    const [w, v] = line.split(',');
    if (w) degree.set(w, Number(v) || 1);
  }
  const entries = new Map<string, number>();
  for (const w of new Set([...bits.keys(), ...degree.keys()])) entries.set(w, lexiconEntry(bits.get(w) ?? 0, degree.get(w)));
  return createLexicon(entries, lists.opinion === undefined ? undefined : createCueTable(lists.opinion));
}

export const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** Path of the shipped artifact, from source (analysis/sentiment/) or from the build (dist/analysis/sentiment/). */
export function defaultModelPath(): string {
  for (const url of [new URL('./model.json', import.meta.url), new URL('../../../analysis/sentiment/model.json', import.meta.url)]) {
    const p = fileURLToPath(url);
    if (existsSync(p)) return p;
  }
  throw new Error('sentiment model not found: run `npm run train` to create analysis/sentiment/model.json');
}

/** Wraps an in-memory artifact (used by training and tests). */
export function modelFromArtifact(art: ModelArtifact): SentimentModel {
  if (art.format !== 'yuqing-sentiment/1') throw new Error(`unsupported sentiment model format: ${String(art.format)}`);
  const size = 1 << art.bits;
  const mask = size - 1;
  // Interleaved [neg, pos] pairs of the shipped int16 weights (one cache line per feature instead of
  // two, and half the memory of float32): z = scale × Σ q·v, the same value as Σ (q × scale)·v.
  const q = new Int16Array(size * 2);
  const qNeg = decodeQuantized(art.negative, size);
  const qPos = decodeQuantized(art.positive, size);
  for (let i = 0; i < size; i++) {
    q[2 * i] = qNeg[i]!;
    q[2 * i + 1] = qPos[i]!;
  }
  const scaleNeg = art.negative.scale;
  const scalePos = art.positive.scale;
  const lex = buildLexicon(art.lexicon);
  const neg = art.negative;
  const posHead = art.positive;
  const cnn = art.cnn ? createCnnScorer(art.cnn) : undefined;
  const blend = art.cnn?.blend ?? 0;
  /** Label of `input`; its calibrated P(negative) goes to `lastScore[0]` (typed scratch: no boxed double). */
  const lastScore = new Float64Array(1);
  const classify = (input: FeatureInput, threshold?: number): SentimentLabel => {
    // Local accumulators over the feature buffer: no per-feature call or boxed double.
    const f = collectFeatures(input, lex, mask);
    const { buckets, values, length } = f;
    let zNeg = 0;
    let zPos = 0;
    for (let i = 0; i < length; i++) {
      const k = buckets[i]! << 1;
      const v = values[i]!;
      zNeg += q[k]! * v;
      zPos += q[k + 1]! * v;
    }
    zNeg *= scaleNeg;
    zPos *= scalePos;
    if (cnn) zNeg += blend * cnn(input.normalized);
    const n = neg;
    const p = posHead;
    const score = sigmoid(n.platt.a * zNeg + n.platt.b);
    const pPos = sigmoid(p.platt.a * zPos + p.platt.b);
    lastScore[0] = score;
    return score >= (threshold ?? n.threshold) ? 'negative' : pPos >= p.threshold ? 'positive' : 'neutral';
  };
  return {
    version: art.version,
    negativeThreshold: neg.threshold,
    predict(input: FeatureInput, threshold?: number): SentimentPrediction {
      const label = classify(input, threshold);
      return { label, score: lastScore[0]!, negativePhrases: label === 'negative' ? lastNegativePhrases(input.tokens) : [] };
    },
    predictLabel: classify,
  };
}

/** Loads `model.json` (default: the shipped one). Synchronous; call once at start-up. */
export function loadSentimentModel(path: string = defaultModelPath()): SentimentModel {
  return modelFromArtifact(JSON.parse(readFileSync(path, 'utf8')) as ModelArtifact);
}
