import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { normalize } from '../../../../analysis/normalize.js';
import {
  type CnnTrainOptions,
  charIndex,
  cnnVocabulary,
  createCnnScorer,
  DEFAULT_CNN,
  decodeCnnParams,
  encodeInto,
} from '../../../../analysis/sentiment/cnn.js';
import { CharCnnTrainer, trainCharCnn } from '../../../../analysis/sentiment/cnn-train.js';
import { defaultModelPath, type ModelArtifact, modelFromArtifact } from '../../../../analysis/sentiment/model.js';
import { rocAuc } from '../../../../analysis/sentiment/train.js';
import { createTokenizer } from '../../../../analysis/tokenizer.js';

const COMPLAINTS = [
  '等了半个月额度还没批下来，心累',
  '招行客服每天打三个电话推销，烦死',
  '工行app转账又卡住了，钱也不知道到没到',
  '这个浦发的审批速度真是服了',
  '中信说好的返现一直不到账，找客服也没用',
  '民生的催收电话打到我单位去了，太过分',
  '申卡每次都被拒，垃圾银行😡',
  '這點額度也算高？？？菜卡',
];
const NEUTRAL = [
  '请问信用卡账单日可以修改吗',
  '今天去网点办了张储蓄卡',
  '交通银行喜提20w，开心',
  '建行的面签很简单，网点大厅里有台柜员机',
  '工商银行发布公告：营业时间调整',
  '额度10K，五期账单，上期做了分期',
  '招商的手机银行挺好用👍',
  '民生确实很稳，16年下卡8K，现在92K',
];
const SMALL: CnnTrainOptions = { ...DEFAULT_CNN, dim: 8, filters: 6, widths: [2, 3, 4], maxLen: 40, dropout: 0, charDropout: 0, learningRate: 0.01, batch: 4 };
const texts = (xs: string[]) => xs.map((t) => normalize(t).text);
const sample = () => [
  ...texts(COMPLAINTS).map((text) => ({ text, y: 1 as const, weight: 1 })),
  ...texts(NEUTRAL).map((text) => ({ text, y: 0 as const, weight: 1 })),
];

/** As the scorer encodes: padded to the widest kernel. */
function encoded(chars: string, text: string, opts: Pick<CnnTrainOptions, 'maxLen' | 'widths'>): Int32Array {
  const buf = new Int32Array(opts.maxLen + 6);
  return buf.slice(0, encodeInto(charIndex(chars), text, opts.maxLen, Math.max(...opts.widths), buf));
}

describe('char CNN (cnn.ts, cnn-train.ts)', () => {
  it('the prediction tables give the training forward pass of the shipped (int16) weights', () => {
    const chars = cnnVocabulary(texts([...COMPLAINTS, ...NEUTRAL]), 1);
    // Widths 2–4 take the general pooling; widths 2 and 3 (the shipped shape) the one-pass path.
    for (const opts of [SMALL, { ...SMALL, widths: [2, 3] }]) {
      const net = new CharCnnTrainer(chars, opts);
      const art = net.toArtifact(1);
      net.params.set(decodeCnnParams(art).params);
      const score = createCnnScorer(art);
      for (const t of texts([...COMPLAINTS, ...NEUTRAL, '😡😡 未见过的字：龘', '好', ''])) {
        const want = net.forward(encoded(chars, t, opts));
        assert.ok(Math.abs(score(t) - want) < 1e-3 * Math.max(1, Math.abs(want)), `${opts.widths}: ${t}: ${score(t)} vs ${want}`);
      }
    }
  });

  it('backward matches the numeric gradient', () => {
    const chars = cnnVocabulary(texts(COMPLAINTS), 1);
    const net = new CharCnnTrainer(chars, SMALL);
    const x = encoded(chars, texts(['工行app转账又卡住了'])[0]!, SMALL);
    const grad = new Float32Array(net.params.length);
    net.forward(x);
    net.backward(x, 1, grad);
    // Parameters the example touches: an embedding row of a character in the text, conv weights, output weights.
    const probes = [x[2]! * SMALL.dim + 3, net.lay.conv[0]! + 5, net.lay.conv[2]! + 11, net.lay.out + 2, net.lay.outBias];
    for (const i of probes) {
      const keep = net.params[i]!;
      const h = 1e-3;
      net.params[i] = keep + h;
      const up = net.forward(x);
      net.params[i] = keep - h;
      const down = net.forward(x);
      net.params[i] = keep;
      const numeric = (up - down) / (2 * h);
      assert.ok(Math.abs(numeric - grad[i]!) < 2e-2 * Math.max(1, Math.abs(numeric)), `param ${i}: numeric ${numeric} vs backward ${grad[i]}`);
    }
  });

  it('trains deterministically and learns the sample', () => {
    const train = sample();
    const val = train.map((e) => ({ text: e.text, y: e.y, select: true }));
    const run = () => trainCharCnn({ train, val, opts: { ...SMALL, seed: 7 }, epochs: 30, log: () => {} });
    const a = run();
    const b = run();
    assert.equal(a.artifact.weights, b.artifact.weights);
    assert.ok(a.auc > 0.95, `training AUC ${a.auc}`);
    assert.ok(
      rocAuc(
        a.valLogits,
        val.map((v) => v.y),
      ) > 0.95,
    );
  });

  it('refuses an artifact whose parameters do not match its shape, saying what is wrong', () => {
    const art = new CharCnnTrainer('银行卡', SMALL).toArtifact(1);
    assert.throws(() => createCnnScorer({ ...art, filters: 7 }), /char CNN expects \d+ parameters/);
    assert.throws(() => createCnnScorer({ ...art, widths: [5] }), /widths must be 2, 3 or 4/);
  });

  it('is part of the shipped model: its logit moves the score', () => {
    const art = JSON.parse(readFileSync(defaultModelPath(), 'utf8')) as ModelArtifact;
    assert.ok(art.cnn && art.cnn.blend > 0, 'the shipped model carries a blended char CNN');
    assert.match(art.version, /^sentiment-lr-cnn-[0-9a-f]{10}$/);
    const withCnn = modelFromArtifact(art);
    const without = modelFromArtifact({ ...art, cnn: undefined });
    const tok = createTokenizer({});
    const input = (t: string) => {
      const n = normalize(t);
      return { normalized: n.text, tokens: tok.tokens(n.text), emoticons: n.emoticons };
    };
    const moved = COMPLAINTS.filter((t) => Math.abs(withCnn.predict(input(t)).score - without.predict(input(t)).score) > 1e-3);
    assert.ok(moved.length > 0);
  });
});
