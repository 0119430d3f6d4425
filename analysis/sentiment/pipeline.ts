/** End-to-end training: data → features → heads → calibration → artifact. Used by the CLIs and `radar train`. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createTokenizer, type Tokenizer } from '../tokenizer.js';
import type { CnnTrainOptions } from './cnn.js';
import { trainBlendedCnn } from './cnn-blend.js';
import { CUSTOMER_SOURCES, DEFAULT_DATA_DIR, type Example, loadAuxiliary, loadBankSplits, loadLexicons, parseCsv, splitOf } from './data.js';
import { buildLexicon, decodeWeights, type ModelArtifact, sigmoid } from './model.js';
import {
  binaryMetrics,
  DEFAULT_SGD,
  type FeatureMatrix,
  featurize,
  fitPlatt,
  headArtifact,
  learnOpinionLexicon,
  logit,
  prng,
  type SgdOptions,
  shuffle,
  trainLogistic,
  tuneThreshold,
  versionOf,
} from './train.js';

/** Per-source sample weights: the bank corpora dominate, general corpora teach generic sentiment words. */
export const DEFAULT_SOURCE_WEIGHTS: Record<string, number> = {
  bdci2021: 30,
  finnsp: 3,
  custom: 30,
  finfe: 0.2,
  weibo2018: 0.3,
  weibo100k: 0.1,
  waimai: 0.3,
  shopping: 0.1,
};

/** Auxiliary rows kept per corpus (first N after a seeded shuffle) to bound memory and time. */
export const DEFAULT_AUX_CAP: Record<string, number> = { weibo100k: 25000, shopping: 20000, waimai: 12000, weibo2018: 10500, finfe: 18200 };

export interface TrainOptions {
  /** Folder with the corpora and lexicons (default ../shared/data beside the project). */
  dataDir: string;
  /** Extra labelled rows, e.g. a bank's own CSV (source `custom`). They go to train/val by text hash. */
  extra?: Example[];
  /** Use the shared corpora (default true). False trains on `extra` alone (lexicons still needed). */
  useBaseData?: boolean;
  bits?: number;
  sgd?: Partial<SgdOptions>;
  sourceWeights?: Record<string, number>;
  auxCap?: Record<string, number>;
  /** Lexicon word lists to use instead of reading them from dataDir (e.g. those of the shipped model). */
  lexiconLists?: ModelArtifact['lexicon'];
  /**
   * Minimum negative recall on the customer-post validation rows when choosing the threshold (default
   * 0.9: a margin over the 0.85 the product needs, since about 60 validation negatives estimate recall
   * only to ±0.04).
   */
  minRecall?: number;
  /** Watchlist aliases etc., as given to the production tokenizer. */
  extraWords?: string[];
  /** Char CNN hyper-parameters (cnn.ts DEFAULT_CNN), or false to train the logistic heads alone. */
  cnn?: Partial<CnnTrainOptions> | false;
  /** Char CNN epochs (the best on validation is kept; default 5). */
  cnnEpochs?: number;
  log?: (msg: string) => void;
}

export interface TrainResult {
  artifact: ModelArtifact;
  validation: { negative: ReturnType<typeof binaryMetrics>; positiveF1: number };
}

function capAux(rows: Example[], caps: Record<string, number>, seed: number): Example[] {
  const bySource = new Map<string, Example[]>();
  for (const r of rows) {
    const l = bySource.get(r.source) ?? [];
    if (l.length === 0) bySource.set(r.source, l);
    l.push(r);
  }
  const out: Example[] = [];
  for (const [source, list] of [...bySource].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const idx = list.map((_, i) => i);
    shuffle(idx, prng(seed ^ source.length));
    out.push(...idx.slice(0, caps[source] ?? list.length).map((i) => list[i]!));
  }
  return out;
}

/** Thresholds tried: every 0.005 below 0.1 (where the alerting threshold of short posts lies), then every 0.01. */
const ALERTING_GRID = [...Array.from({ length: 19 }, (_, k) => (k + 1) / 200), ...Array.from({ length: 86 }, (_, k) => (k + 10) / 100)];

/**
 * The one decision threshold, chosen for alerting: among thresholds keeping negative recall on the
 * customer-post validation rows ≥ `minRecall`, the best macro-F1 on the whole validation split (falls
 * back to the lowest threshold tried when none reaches the recall).
 */
export function alertingThreshold(p: readonly number[], y: readonly number[], customer: readonly boolean[], minRecall: number): number {
  const sub = p.flatMap((_, i) => (customer[i] ? [i] : []));
  const idx = sub.length > 0 && sub.some((i) => y[i] === 1) ? sub : p.map((_, i) => i);
  let best = ALERTING_GRID[0]!;
  let bestScore = -1;
  for (const t of ALERTING_GRID) {
    const recall = binaryMetrics(
      idx.map((i) => (p[i]! >= t ? 1 : 0)),
      idx.map((i) => y[i]!),
    ).recall;
    if (recall < minRecall) continue;
    const s = binaryMetrics(
      p.map((v) => (v >= t ? 1 : 0)),
      y as number[],
    ).macroF1;
    if (s > bestScore) {
      bestScore = s;
      best = t;
    }
  }
  return best;
}

function lexiconListsFrom(raw: ReturnType<typeof loadLexicons>): ModelArtifact['lexicon'] {
  return {
    genPos: raw.genPos.join('\n'),
    genNeg: raw.genNeg.join('\n'),
    finPos: raw.finPos.join('\n'),
    finNeg: raw.finNeg.join('\n'),
    degree: raw.degree.map(([w, v]) => `${w},${v}`).join('\n'),
  };
}

/**
 * Calibrates on the quantized weights actually shipped: one Platt fit per head on the validation split,
 * then the alerting (negative) and positive thresholds and their validation metrics.
 */
function calibrate(
  m: FeatureMatrix,
  valRows: Int32Array,
  val: Example[],
  heads: { zNeg: number[]; posW: Float64Array },
  bits: number,
  minRecall: number,
  log: (msg: string) => void,
) {
  const { zNeg, posW } = heads;
  const posQ = decodeWeights(headArtifact(posW, { a: 1, b: 0 }, 0.5), 1 << bits);
  const yNeg = val.map((e) => e.neg);
  const negPlatt = fitPlatt(zNeg, yNeg);
  const pNeg = zNeg.map((z) => sigmoid(negPlatt.a * z + negPlatt.b));
  const negThreshold = alertingThreshold(
    pNeg,
    yNeg,
    val.map((e) => CUSTOMER_SOURCES.has(e.source)),
    minRecall,
  );
  const posIdx = val.flatMap((e, i) => (e.pos !== undefined ? [i] : []));
  const zPos = posIdx.map((i) => logit(m, valRows[i]!, posQ));
  const yPos = posIdx.map((i) => val[i]!.pos ?? 0);
  const posPlatt = fitPlatt(zPos, yPos);
  const pPos = zPos.map((z) => sigmoid(posPlatt.a * z + posPlatt.b));
  const posThreshold = tuneThreshold(pPos, yPos, 0, true);
  const negMetrics = binaryMetrics(
    pNeg.map((v) => (v >= negThreshold ? 1 : 0)),
    yNeg,
  );
  const posF1 = binaryMetrics(
    pPos.map((v) => (v >= posThreshold ? 1 : 0)),
    yPos,
  ).f1;
  log(
    `validation: negative threshold ${negThreshold} macro-F1 ${negMetrics.macroF1.toFixed(3)} recall ${negMetrics.recall.toFixed(3)}; positive F1 ${posF1.toFixed(3)}`,
  );
  return { negPlatt, negThreshold, negMetrics, posPlatt, posThreshold, posF1 };
}

export function trainModel(opts: TrainOptions): TrainResult {
  const log = opts.log ?? (() => {});
  const bits = opts.bits ?? 18;
  const sgd = { ...DEFAULT_SGD, ...opts.sgd };
  const weights = { ...DEFAULT_SOURCE_WEIGHTS, ...opts.sourceWeights };
  let train: Example[] = [];
  let val: Example[] = [];
  if (opts.useBaseData !== false) {
    const bank = loadBankSplits(opts.dataDir);
    train = [...bank.train, ...capAux(loadAuxiliary(opts.dataDir), { ...DEFAULT_AUX_CAP, ...opts.auxCap }, sgd.seed)];
    val = bank.val;
  }
  const lexiconLists = opts.lexiconLists ?? { ...lexiconListsFrom(loadLexicons(opts.dataDir)), opinion: learnOpinionLexicon(train) };
  const lex = buildLexicon(lexiconLists);
  for (const e of opts.extra ?? []) (splitOf(e.text) === 'val' ? val : train).push(e);
  if (train.length === 0 || val.length === 0) throw new Error('sentiment training: no training or validation rows');
  log(`training rows ${train.length}, validation rows ${val.length}`);

  const tokenizer: Tokenizer = createTokenizer({ extraWords: opts.extraWords ?? [] });
  const all = [...train, ...val];
  const m: FeatureMatrix = featurize(all, tokenizer, lex, bits);
  log(`features: ${m.index.length} non-zeros`);
  const trainRows = Int32Array.from(train.keys());
  const valRows = Int32Array.from(val.keys(), (i) => i + train.length);

  const negW = trainLogistic(
    m,
    trainRows,
    Float32Array.from(train, (e) => e.neg),
    Float32Array.from(train, (e) => weights[e.source] ?? 1),
    bits,
    sgd,
  );
  // The positive head: 3-class corpora give positive vs (neutral + negative); finnsp news is not positive;
  // binary review corpora (no neutral class) add praise vocabulary at half weight.
  const posTarget = (e: Example): number => e.pos ?? (e.source === 'finnsp' ? 0 : 1 - e.neg);
  const posWeight = (e: Example): number => (weights[e.source] ?? 1) * (e.pos === undefined && e.source !== 'finnsp' ? 0.5 : 1);
  const posW = trainLogistic(m, trainRows, Float32Array.from(train, posTarget), Float32Array.from(train, posWeight), bits, { ...sgd, seed: sgd.seed + 1 });

  // The negative logit as shipped: the int16 logistic head, plus the blended char CNN when it helps.
  const negQ = decodeWeights(headArtifact(negW, { a: 1, b: 0 }, 0.5), 1 << bits);
  const zLr = Array.from(valRows, (r) => logit(m, r, negQ));
  const cnn = opts.cnn === false ? undefined : trainBlendedCnn({ train, val, zLr, options: opts.cnn, epochs: opts.cnnEpochs, log });
  const zNeg = cnn ? zLr.map((z, i) => z + cnn.zBlend[i]!) : zLr;
  const { negPlatt, negThreshold, negMetrics, posPlatt, posThreshold, posF1 } = calibrate(m, valRows, val, { zNeg, posW }, bits, opts.minRecall ?? 0.9, log);

  const counts: Record<string, number> = {};
  for (const e of train) counts[e.source] = (counts[e.source] ?? 0) + 1;
  const body: Omit<ModelArtifact, 'version'> = {
    format: 'yuqing-sentiment/1',
    bits,
    negative: headArtifact(negW, negPlatt, negThreshold),
    positive: headArtifact(posW, posPlatt, posThreshold),
    lexicon: lexiconLists,
    ...(cnn ? { cnn: cnn.artifact } : {}),
    meta: {
      ...(cnn ? { cnn: cnn.meta } : {}),
      trainRows: counts,
      validationRows: val.length,
      sourceWeights: weights,
      sgd,
      validation: { negative: negMetrics, positiveF1: posF1 },
    },
  };
  return { artifact: { version: versionOf(body), ...body }, validation: { negative: negMetrics, positiveF1: posF1 } };
}

/** Maps a user label (negative/neutral/positive, 1/0 with 1 = negative, 负面/中性/正面) to an example. */
function labelRow(text: string, label: string): Example | undefined {
  const l = label.trim().toLowerCase();
  if (['negative', 'neg', '1', '负面', '-1'].includes(l)) return { text, neg: 1, pos: 0, source: 'custom' };
  if (['neutral', 'neu', '0', '中性', '中立'].includes(l)) return { text, neg: 0, pos: 0, source: 'custom' };
  if (['positive', 'pos', '正面'].includes(l)) return { text, neg: 0, pos: 1, source: 'custom' };
  return undefined;
}

/** Reads a `text,label` CSV (header optional). Throws on a file with no usable rows. */
export function readLabelledCsv(file: string): Example[] {
  const rows = parseCsv(readFileSync(file, 'utf8'));
  const header = rows[0]?.map((h) => h.trim().toLowerCase()) ?? [];
  const hasHeader = header.includes('text') && header.includes('label');
  const ti = hasHeader ? header.indexOf('text') : 0;
  const li = hasHeader ? header.indexOf('label') : 1;
  const out: Example[] = [];
  for (const r of hasHeader ? rows.slice(1) : rows) {
    const ex = r[ti] && r[li] !== undefined ? labelRow(r[ti]!, r[li]!) : undefined;
    if (ex) out.push(ex);
  }
  if (out.length === 0) throw new Error(`${file}: no labelled rows (expected columns text,label)`);
  return out;
}

export interface TrainFromCsvOptions {
  /** Shared corpora folder (default ../shared/data beside the project). */
  dataDir?: string;
  /** The model whose lexicons are reused when training on the CSV alone without the corpora folder. */
  baseModel?: ModelArtifact;
  /** Combine with the base corpora (default true). */
  combine?: boolean;
  /** Where to write model.json; not written when omitted. */
  output?: string;
  extraWords?: string[];
  log?: (msg: string) => void;
}

/** Retrains on a bank's own `text,label` CSV (plus the base data by default) for `radar train --data file.csv`. */
export async function trainFromCsv(file: string, options: TrainFromCsvOptions = {}): Promise<ModelArtifact> {
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  const combine = options.combine !== false;
  // Without the corpora a bank can still retrain on its own posts alone, reusing the shipped lexicons.
  const lexiconLists = !existsSync(dataDir) && !combine ? options.baseModel?.lexicon : undefined;
  if (!existsSync(dataDir) && !lexiconLists) {
    throw new Error(`data folder not found: ${dataDir} (the base corpora live there; pass --data-dir, or train on your CSV alone with --no-base)`);
  }
  const extra = readLabelledCsv(file);
  const { artifact } = trainModel({ dataDir, extra, useBaseData: combine, lexiconLists, extraWords: options.extraWords, log: options.log });
  if (options.output) writeFileSync(options.output, JSON.stringify(artifact));
  return artifact;
}
