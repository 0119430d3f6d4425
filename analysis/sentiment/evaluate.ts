/**
 * Held-out evaluation shared by `npm run eval` and `npm run train`. It scores the shipped path: the
 * analyzer exactly as `radar analyze` runs it (normalize, PII mask, tokens, model, complaint evidence,
 * the threshold in force), never the bare model.
 */
import { existsSync } from 'node:fs';
import type { Config } from '../../config/schema.js';
import { createAnalyzer } from '../analyzer.js';
import { type Example, loadBankSplits, loadChnSentiCorpTest } from './data.js';
import type { SentimentModel } from './model.js';
import { rocAuc } from './train.js';

/** Length buckets (characters of the post as given). */
export const LENGTH_BUCKETS = [
  { name: '<=30', max: 30 },
  { name: '31-140', max: 140 },
  { name: '>140', max: Number.POSITIVE_INFINITY },
] as const;

export interface Confusion {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

export interface EvalRow extends Confusion {
  set: string;
  bucket: string;
  n: number;
  accuracy: number;
  macroF1: number;
  precision: number;
  recall: number;
  auc: number;
}

export interface ScoredRow {
  text: string;
  neg: 0 | 1;
  score: number;
  negative: boolean;
}

export function metricsOf(set: string, bucket: string, rows: readonly ScoredRow[]): EvalRow {
  const c: Confusion = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (const r of rows) {
    if (r.negative) r.neg === 1 ? c.tp++ : c.fp++;
    else r.neg === 1 ? c.fn++ : c.tn++;
  }
  const f = (a: number, b: number, d: number) => (a === 0 ? 0 : (2 * a) / (2 * a + b + d));
  const n = rows.length;
  return {
    set,
    bucket,
    n,
    ...c,
    accuracy: n ? (c.tp + c.tn) / n : 0,
    macroF1: (f(c.tp, c.fp, c.fn) + f(c.tn, c.fn, c.fp)) / 2,
    precision: c.tp + c.fp ? c.tp / (c.tp + c.fp) : 0,
    recall: c.tp + c.fn ? c.tp / (c.tp + c.fn) : 0,
    auc: rocAuc(
      rows.map((r) => r.score),
      rows.map((r) => r.neg),
    ),
  };
}

/** Scores rows through the shipped analyzer (`radar analyze`): label and score as a user sees them. */
export function scoreWithAnalyzer(config: Config, rows: readonly Example[], model?: SentimentModel): ScoredRow[] {
  const analyzer = createAnalyzer(config, model ? { model } : {});
  return rows.map((e) => {
    const s = analyzer.analyzeText(e.text).sentiment;
    return { text: e.text, neg: e.neg, score: s.score, negative: s.label === 'negative' };
  });
}

/** One row for the whole set and one per length bucket. */
export function evaluateSet(set: string, rows: readonly ScoredRow[]): EvalRow[] {
  const out = [metricsOf(set, 'all', rows)];
  let min = 0;
  for (const b of LENGTH_BUCKETS) {
    const part = rows.filter((r) => {
      const len = [...r.text.trim()].length;
      return len > min && len <= b.max;
    });
    min = b.max;
    if (part.length > 0) out.push(metricsOf(set, b.name, part));
  }
  return out;
}

export interface Evaluation {
  rows: EvalRow[];
  /** Held-out bdci2021 rows the shipped path gets wrong (text, label, score). */
  bdciErrors: ScoredRow[];
}

/** Bank held-out (combined, bdci2021 part, finnsp part) and ChnSentiCorp test when present. */
export function evaluateAll(config: Config, dataDir: string, model?: SentimentModel): Evaluation {
  if (!existsSync(dataDir)) throw new Error(`data folder not found: ${dataDir} (pass --data-dir)`);
  const { test } = loadBankSplits(dataDir);
  const scored = scoreWithAnalyzer(config, test, model);
  const bdci = scored.filter((_, i) => test[i]!.source === 'bdci2021');
  const out = [
    ...evaluateSet('bank held-out (combined)', scored),
    ...evaluateSet('bdci2021 part', bdci),
    ...evaluateSet(
      'finnsp part',
      scored.filter((_, i) => test[i]!.source === 'finnsp'),
    ),
  ];
  const csc = loadChnSentiCorpTest(dataDir);
  if (csc.length) out.push(...evaluateSet('ChnSentiCorp test (out of domain)', scoreWithAnalyzer(config, csc, model)));
  return { rows: out, bdciErrors: bdci.filter((r) => r.negative !== (r.neg === 1)) };
}

const f3 = (v: number) => (Number.isNaN(v) ? '  -  ' : v.toFixed(3));

/** Markdown table (the same one MODEL.md carries). */
export function formatTable(rows: readonly EvalRow[]): string {
  const head = '| set | length | n | accuracy | macro-F1 | neg P | neg R | ROC-AUC | TP | FP | FN | TN |';
  const sep = '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|';
  const lines = rows.map((r) =>
    [r.set, r.bucket, r.n, f3(r.accuracy), f3(r.macroF1), f3(r.precision), f3(r.recall), f3(r.auc), r.tp, r.fp, r.fn, r.tn].join(' | '),
  );
  return [head, sep, ...lines.map((l) => `| ${l} |`)].join('\n');
}
