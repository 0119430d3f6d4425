/**
 * Training of the character CNN (cnn.ts): weighted logistic loss, minibatch Adam, dropout on the
 * pooled features and character dropout, seeded shuffles. The epoch kept is the one whose shipped
 * (int16) weights rank the customer-post validation rows best.
 */
import {
  type CnnArtifact,
  type CnnTrainOptions,
  charIndex,
  cnnVocabulary,
  createCnnScorer,
  encodeInto,
  FIRST_CHAR,
  type Layout,
  layout,
  PAD,
  UNK,
} from './cnn.js';
import { encodeWeights } from './model.js';
import { prng, rocAuc, shuffle } from './train.js';

export interface CnnExample {
  /** Normalized text, as the n-gram features see it. */
  text: string;
  y: 0 | 1;
  weight: number;
}

interface Item {
  x: Int32Array;
  y: number;
  w: number;
}

function gauss(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
}

/** Adam over one flat parameter vector. */
class Adam {
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private t = 0;
  constructor(
    size: number,
    private readonly lr: number,
  ) {
    this.m = new Float32Array(size);
    this.v = new Float32Array(size);
  }
  step(p: Float32Array, g: Float32Array): void {
    this.t++;
    const c1 = 1 - 0.9 ** this.t;
    const c2 = 1 - 0.999 ** this.t;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i]!;
      const mi = 0.9 * this.m[i]! + 0.1 * gi;
      const vi = 0.999 * this.v[i]! + 0.001 * gi * gi;
      this.m[i] = mi;
      this.v[i] = vi;
      p[i] = p[i]! - (this.lr * (mi / c1)) / (Math.sqrt(vi / c2) + 1e-8);
    }
  }
}

/** The CNN with its training-time forward and backward passes (one example at a time). */
export class CharCnnTrainer {
  readonly params: Float32Array;
  readonly lay: Layout;
  private readonly X: Float32Array;
  private readonly dX: Float32Array;
  private readonly h: Float32Array;
  private readonly arg: Int32Array;
  private readonly keep: Float32Array;

  constructor(
    readonly chars: string,
    readonly opts: CnnTrainOptions,
  ) {
    const { dim: D, filters: F, widths } = opts;
    this.lay = layout(opts, [...chars].length + FIRST_CHAR);
    const p = new Float32Array(this.lay.size);
    const rand = prng(opts.seed);
    for (let i = D; i < this.lay.vocab * D; i++) p[i] = 0.3 * gauss(rand); // the padding row stays 0
    widths.forEach((k, wi) => {
      const s = Math.sqrt(2 / (k * D));
      for (let i = 0; i < F * k * D; i++) p[this.lay.conv[wi]! + i] = s * gauss(rand);
    });
    for (let i = 0; i < F * widths.length; i++) p[this.lay.out + i] = 0.05 * gauss(rand);
    p[this.lay.outBias] = -2;
    this.params = p;
    const rows = opts.maxLen + Math.max(...widths) + 2;
    this.X = new Float32Array(rows * D);
    this.dX = new Float32Array(rows * D);
    this.h = new Float32Array(F * widths.length);
    this.arg = new Int32Array(F * widths.length);
    this.keep = new Float32Array(F * widths.length);
  }

  /** Logit of one encoded text; with `rand`, applies dropout to the pooled features. */
  forward(x: Int32Array, rand?: () => number): number {
    const { dim: D, filters: F, widths, dropout } = this.opts;
    const p = this.params;
    const X = this.X;
    for (let t = 0; t < x.length; t++) X.set(p.subarray(x[t]! * D, x[t]! * D + D), t * D);
    let z = p[this.lay.outBias]!;
    for (let wi = 0; wi < widths.length; wi++) {
      const KD = widths[wi]! * D;
      for (let f = 0; f < F; f++) {
        const wf = this.lay.conv[wi]! + f * KD;
        let best = Number.NEGATIVE_INFINITY;
        let at = 0;
        for (let t = 0; t + widths[wi]! <= x.length; t++) {
          let s = 0;
          const xo = t * D;
          for (let i = 0; i < KD; i++) s += p[wf + i]! * X[xo + i]!;
          if (s > best) {
            best = s;
            at = t;
          }
        }
        const hi = wi * F + f;
        const keep = rand ? (rand() < dropout ? 0 : 1 / (1 - dropout)) : 1;
        const h = Math.max(0, best + p[this.lay.bias[wi]! + f]!) * keep;
        this.keep[hi] = keep;
        this.h[hi] = h;
        this.arg[hi] = at;
        z += p[this.lay.out + hi]! * h;
      }
    }
    return z;
  }

  /** Accumulates into `grad` the gradient of the loss whose derivative in the last forward's logit is `g`. */
  backward(x: Int32Array, g: number, grad: Float32Array): void {
    const { dim: D, filters: F, widths } = this.opts;
    const p = this.params;
    const dX = this.dX;
    dX.fill(0, 0, x.length * D);
    grad[this.lay.outBias]! += g;
    for (let wi = 0; wi < widths.length; wi++) {
      const KD = widths[wi]! * D;
      for (let f = 0; f < F; f++) {
        const hi = wi * F + f;
        grad[this.lay.out + hi]! += g * this.h[hi]!;
        if (this.h[hi]! <= 0) continue;
        const gh = g * p[this.lay.out + hi]! * this.keep[hi]!;
        grad[this.lay.bias[wi]! + f]! += gh;
        const wf = this.lay.conv[wi]! + f * KD;
        const xo = this.arg[hi]! * D;
        for (let i = 0; i < KD; i++) {
          grad[wf + i]! += gh * this.X[xo + i]!;
          dX[xo + i]! += gh * p[wf + i]!;
        }
      }
    }
    for (let t = 0; t < x.length; t++) {
      if (x[t] === PAD) continue;
      const e = x[t]! * D;
      for (let d = 0; d < D; d++) grad[e + d]! += dX[t * D + d]!;
    }
  }

  /** The shipped form: int16 parameters (the scorer's input). */
  toArtifact(blend: number): CnnArtifact {
    const { dim, filters, widths, maxLen } = this.opts;
    return { dim, filters, widths, maxLen, chars: this.chars, ...encodeWeights(this.params), blend };
  }
}

/** One epoch of minibatch Adam over `items` in a seeded order. Returns the mean weighted loss. */
function trainEpoch(net: CharCnnTrainer, items: readonly Item[], adam: Adam, rand: () => number): number {
  const { batch, charDropout, dim } = net.opts;
  const order = Int32Array.from(items.keys());
  shuffle(order, rand);
  const grad = new Float32Array(net.params.length);
  let loss = 0;
  for (let b = 0; b < order.length; b += batch) {
    grad.fill(0);
    const end = Math.min(order.length, b + batch);
    for (let q = b; q < end; q++) {
      const it = items[order[q]!]!;
      const x = it.x.slice();
      for (let t = 1; t < x.length; t++) if (x[t]! >= FIRST_CHAR && rand() < charDropout) x[t] = UNK;
      const s = 1 / (1 + Math.exp(-net.forward(x, rand)));
      loss -= it.w * Math.log(it.y ? s + 1e-9 : 1 - s + 1e-9);
      net.backward(x, (it.w * (s - it.y)) / batch, grad);
    }
    grad.fill(0, 0, dim); // the padding embedding stays 0
    adam.step(net.params, grad);
  }
  return loss / Math.max(1, items.length);
}

export interface CnnTrainInput {
  train: readonly CnnExample[];
  /** Validation texts (normalized) and labels; `select` marks the rows whose AUC picks the epoch. */
  val: readonly { text: string; y: 0 | 1; select: boolean }[];
  opts: CnnTrainOptions;
  epochs: number;
  log: (msg: string) => void;
}

/** Trains the CNN; returns the best epoch's shipped artifact (blend 0, set by the caller) and its validation logits. */
export function trainCharCnn(input: CnnTrainInput): { artifact: CnnArtifact; valLogits: number[]; auc: number } {
  const { opts } = input;
  const chars = cnnVocabulary(
    input.train.map((e) => e.text),
    opts.minCount,
  );
  const net = new CharCnnTrainer(chars, opts);
  const lookup = charIndex(chars);
  const minLen = Math.max(...opts.widths);
  const buf = new Int32Array(opts.maxLen + minLen + 2);
  const items: Item[] = input.train.map((e) => ({ x: buf.slice(0, encodeInto(lookup, e.text, opts.maxLen, minLen, buf)), y: e.y, w: e.weight }));
  const adam = new Adam(net.params.length, opts.learningRate);
  const rand = prng(opts.seed + 1);
  const sel = input.val.flatMap((v, i) => (v.select ? [i] : []));
  let best = { artifact: net.toArtifact(0), valLogits: [] as number[], auc: -1 };
  for (let epoch = 0; epoch < input.epochs; epoch++) {
    const loss = trainEpoch(net, items, adam, rand);
    const artifact = net.toArtifact(0);
    const score = createCnnScorer(artifact);
    const valLogits = input.val.map((v) => score(v.text));
    const auc = rocAuc(
      sel.map((i) => valLogits[i]!),
      sel.map((i) => input.val[i]!.y),
    );
    input.log(`char CNN epoch ${epoch + 1}: loss ${loss.toFixed(4)}, customer-post validation AUC ${auc.toFixed(4)}`);
    if (auc > best.auc) best = { artifact, valLogits, auc };
  }
  return best;
}
