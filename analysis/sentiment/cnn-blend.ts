/**
 * The char CNN's place in training: which rows it learns from, and how much of its logit joins the
 * logistic head's. The blend weight is the one with the best mean of two validation AUCs, customer
 * posts and the whole split (news included); a CNN that does not improve it is not shipped.
 */
import { normalize } from '../normalize.js';
import type { CnnArtifact, CnnTrainOptions } from './cnn.js';
import { DEFAULT_CNN } from './cnn.js';
import { type CnnExample, trainCharCnn } from './cnn-train.js';
import { CUSTOMER_SOURCES, type Example } from './data.js';
import { prng, rocAuc, shuffle } from './train.js';

/** Per-source weights of the CNN's loss (bank rows lead; auxiliary review/Weibo rows teach generic sentiment). */
export const CNN_SOURCE_WEIGHTS: Record<string, number> = { bdci2021: 1, custom: 1, finnsp: 0.3 };
const AUX_WEIGHT = 0.1;
/** Extra weight of negative customer posts (the rare class the alerting threshold must catch). */
const CUSTOMER_NEGATIVE_BOOST = 3;
/** Auxiliary rows the CNN sees (a seeded sample of the logistic head's auxiliary rows). */
const AUX_ROWS = 30_000;
const BLENDS = [0.25, 0.5, 0.75, 1, 1.5, 2, 3];
/** Fewer customer-post negatives than this in validation cannot choose an epoch or a blend. */
const MIN_VALIDATION_NEGATIVES = 20;

export interface BlendedCnn {
  artifact: CnnArtifact;
  /** blend × CNN logit per validation row (added to the logistic logit before calibration). */
  zBlend: number[];
  meta: Record<string, unknown>;
}

function cnnRows(train: readonly Example[], seed: number): CnnExample[] {
  const own = train.filter((e) => e.source in CNN_SOURCE_WEIGHTS);
  const aux = train.filter((e) => !(e.source in CNN_SOURCE_WEIGHTS));
  shuffle(aux, prng(seed));
  return [
    ...own.map((e) => ({
      text: normalize(e.text).text,
      y: e.neg,
      weight: CNN_SOURCE_WEIGHTS[e.source]! * (e.neg && CUSTOMER_SOURCES.has(e.source) ? CUSTOMER_NEGATIVE_BOOST : 1),
    })),
    ...aux.slice(0, AUX_ROWS).map((e) => ({ text: normalize(e.text).text, y: e.neg, weight: AUX_WEIGHT })),
  ];
}

/**
 * Trains the CNN on the training rows and picks its blend weight on the validation rows, given the
 * logistic head's validation logits `zLr`. Undefined (logged) when there is too little customer-post
 * validation data to choose, or when no blend ranks the validation rows better than the logistic head alone.
 */
export function trainBlendedCnn(input: {
  train: readonly Example[];
  val: readonly Example[];
  zLr: readonly number[];
  options?: Partial<CnnTrainOptions>;
  epochs?: number;
  log: (msg: string) => void;
}): BlendedCnn | undefined {
  const { val, zLr, log } = input;
  const select = val.map((e) => CUSTOMER_SOURCES.has(e.source));
  const sel = val.flatMap((_, i) => (select[i] ? [i] : []));
  const ySel = sel.map((i) => val[i]!.neg);
  const negatives = ySel.reduce<number>((n, y) => n + y, 0);
  if (negatives < MIN_VALIDATION_NEGATIVES || sel.length - negatives < MIN_VALIDATION_NEGATIVES) {
    log(`char CNN skipped: ${negatives} customer-post negatives in validation (needs ${MIN_VALIDATION_NEGATIVES}); the logistic head decides alone`);
    return undefined;
  }
  const opts = { ...DEFAULT_CNN, ...input.options };
  const started = Date.now();
  const rows = cnnRows(input.train, opts.seed);
  log(`char CNN: ${rows.length} training rows`);
  const { artifact, valLogits, auc } = trainCharCnn({
    train: rows,
    val: val.map((e, i) => ({ text: normalize(e.text).text, y: e.neg, select: select[i]! })),
    opts,
    epochs: input.epochs ?? 5,
    log,
  });
  const yAll = val.map((e) => e.neg);
  const aucOf = (c: number) => ({
    customer: rocAuc(
      sel.map((i) => zLr[i]! + c * valLogits[i]!),
      ySel,
    ),
    all: rocAuc(
      zLr.map((z, i) => z + c * valLogits[i]!),
      yAll,
    ),
  });
  // The blend serves customer posts without costing the news ranking: the mean of both AUCs decides.
  const objective = (a: { customer: number; all: number }) => (a.customer + a.all) / 2;
  const lr = aucOf(0);
  let blend = 0;
  let best = lr;
  for (const c of BLENDS) {
    const a = aucOf(c);
    if (objective(a) > objective(best)) {
      best = a;
      blend = c;
    }
  }
  const figures = `validation AUC customer posts / all: logistic ${lr.customer.toFixed(4)} / ${lr.all.toFixed(4)}, blended ${best.customer.toFixed(4)} / ${best.all.toFixed(4)}; CNN alone on customer posts ${auc.toFixed(4)}`;
  if (blend === 0) {
    log(`char CNN not shipped (no blend improves the ranking; ${figures})`);
    return undefined;
  }
  const seconds = Math.round((Date.now() - started) / 1000);
  log(`char CNN blend ${blend} (${figures}) in ${seconds} s`);
  return {
    artifact: { ...artifact, blend },
    zBlend: valLogits.map((z) => blend * z),
    meta: { blend, trainRows: rows.length, validationAuc: { logistic: lr, cnnCustomer: auc, blended: best }, options: opts },
  };
}
