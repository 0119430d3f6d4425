/** Held-out evaluation shared by `npm run eval` and `npm run train`. */
import { existsSync } from 'node:fs';
import { normalize } from '../normalize.js';
import type { Tokenizer } from '../tokenizer.js';
import { type Example, loadBankSplits, loadChnSentiCorpTest } from './data.js';
import type { SentimentModel } from './model.js';
import { type BinaryMetrics, binaryMetrics } from './train.js';

export interface EvalRow extends BinaryMetrics {
  set: string;
}

export function evaluate(model: SentimentModel, tokenizer: Tokenizer, set: string, rows: Example[]): EvalRow {
  const pred = rows.map((e) => {
    const n = normalize(e.text);
    return model.predict({ normalized: n.text, tokens: tokenizer.tokens(n.text), emoticons: n.emoticons }).label === 'negative' ? 1 : 0;
  });
  return {
    set,
    ...binaryMetrics(
      pred,
      rows.map((e) => e.neg),
    ),
  };
}

/** Bank held-out (combined, bdci2021 part, finnsp part) and ChnSentiCorp test when present. */
export function evaluateAll(model: SentimentModel, tokenizer: Tokenizer, dataDir: string): EvalRow[] {
  if (!existsSync(dataDir)) throw new Error(`data folder not found: ${dataDir} (pass --data-dir)`);
  const { test } = loadBankSplits(dataDir);
  const out = [
    evaluate(model, tokenizer, 'bank held-out (combined)', test),
    evaluate(
      model,
      tokenizer,
      'bdci2021 part',
      test.filter((e) => e.source === 'bdci2021'),
    ),
    evaluate(
      model,
      tokenizer,
      'finnsp part',
      test.filter((e) => e.source === 'finnsp'),
    ),
  ];
  const csc = loadChnSentiCorpTest(dataDir);
  if (csc.length) out.push(evaluate(model, tokenizer, 'ChnSentiCorp test (out of domain)', csc));
  return out;
}

export function formatTable(rows: EvalRow[]): string {
  const head = 'set                                   n     acc    macroF1  negP   negR   negF1';
  const lines = rows.map(
    (r) =>
      `${r.set.padEnd(36)} ${String(r.n).padStart(5)}  ${r.accuracy.toFixed(3)}  ${r.macroF1.toFixed(3)}    ${r.precision.toFixed(3)}  ${r.recall.toFixed(3)}  ${r.f1.toFixed(3)}`,
  );
  return [head, ...lines].join('\n');
}
