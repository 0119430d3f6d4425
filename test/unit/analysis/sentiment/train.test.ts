import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalize } from '../../../../analysis/normalize.js';
import { cleanFinnsp, DEFAULT_DATA_DIR, type Example, loadBankSplits, parseCsv, splitOf } from '../../../../analysis/sentiment/data.js';
import { buildLexicon, loadSentimentModel, sigmoid } from '../../../../analysis/sentiment/model.js';
import { readLabelledCsv } from '../../../../analysis/sentiment/pipeline.js';
import { binaryMetrics, featurize, fitPlatt, trainLogistic, tuneThreshold } from '../../../../analysis/sentiment/train.js';
import { createTokenizer } from '../../../../analysis/tokenizer.js';

const SAMPLE: Example[] = [
  { text: '信用卡被降额了,客服态度极差', neg: 1, source: 'bdci2021' },
  { text: '暴力催收打电话骚扰家人', neg: 1, source: 'bdci2021' },
  { text: '理财亏损,银行不给解释', neg: 1, source: 'bdci2021' },
  { text: '网点排队两小时,太慢了[怒]', neg: 1, source: 'bdci2021' },
  { text: '提额成功,很满意', neg: 0, source: 'bdci2021' },
  { text: '客户经理很耐心,服务好', neg: 0, source: 'bdci2021' },
  { text: '请问账单日怎么修改', neg: 0, source: 'bdci2021' },
  { text: '年报显示营收同比增长', neg: 0, source: 'finnsp' },
];
const LEX = buildLexicon({ genPos: '满意\n耐心\n好', genNeg: '差\n慢\n亏损', finPos: '增长', finNeg: '亏损', degree: '极,2\n太,1.8' });

function trainOnce(): Float64Array {
  const tok = createTokenizer({});
  const m = featurize(SAMPLE, tok, LEX, 12);
  return trainLogistic(
    m,
    Int32Array.from(SAMPLE.keys()),
    Float32Array.from(SAMPLE, (e) => e.neg),
    Float32Array.from(SAMPLE, () => 1),
    12,
    { epochs: 5, learningRate: 0.2, l2: 1e-6, seed: 7 },
  );
}

describe('sentiment training', () => {
  it('is deterministic: two runs on the same sample give identical weights', () => {
    const a = trainOnce();
    const b = trainOnce();
    assert.deepEqual(Buffer.from(a.buffer), Buffer.from(b.buffer));
    assert.ok(a.some((v) => v !== 0));
  });

  it('learns the sample (training rows classified correctly)', () => {
    const tok = createTokenizer({});
    const w = trainOnce();
    const m = featurize(SAMPLE, tok, LEX, 12);
    SAMPLE.forEach((e, r) => {
      let z = 0;
      for (let p = m.offsets[r]!; p < m.offsets[r + 1]!; p++) z += w[m.index[p]!]! * m.value[p]!;
      assert.equal(sigmoid(z) >= 0.5 ? 1 : 0, e.neg, e.text);
    });
  });

  it('Platt scaling recovers a known logistic relation', () => {
    const z: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const x = (i % 200) / 20 - 5;
      z.push(x);
      // Deterministic labels with P(y=1) = σ(2x − 1).
      y.push((i * 0.6180339887) % 1 < sigmoid(2 * x - 1) ? 1 : 0);
    }
    const { a, b } = fitPlatt(z, y);
    assert.ok(Math.abs(a - 2) < 0.4, `a=${a}`);
    assert.ok(Math.abs(b + 1) < 0.4, `b=${b}`);
  });

  it('Platt scaling converges on large, shifted logits (a blended head’s), where plain Newton diverged', () => {
    const z: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const x = (i % 200) / 20 - 5;
      z.push(15 * x - 20);
      y.push((i * 0.6180339887) % 1 < sigmoid(2 * x - 1) ? 1 : 0);
    }
    const { a, b } = fitPlatt(z, y);
    // σ(a·(15x − 20) + b) = σ(2x − 1) ⇒ a = 2/15, b = −1 + 20a.
    assert.ok(Math.abs(a - 2 / 15) < 0.03, `a=${a}`);
    assert.ok(Math.abs(b - (-1 + (20 * 2) / 15)) < 0.4, `b=${b}`);
  });

  it('threshold tuning honours the minimum recall', () => {
    const p = [0.9, 0.8, 0.35, 0.3, 0.2, 0.1, 0.6, 0.05];
    const y = [1, 1, 1, 0, 0, 0, 0, 0];
    const t = tuneThreshold(p, y, 1);
    const m = binaryMetrics(
      p.map((v) => (v >= t ? 1 : 0)),
      y,
    );
    assert.equal(m.recall, 1);
    assert.ok(t <= 0.35);
  });

  it('parses quoted CSV, cleans BDCI 2019 artefacts, splits by text hash', () => {
    assert.deepEqual(parseCsv('a,b\n"x, ""y""",1\r\nz,0\n'), [
      ['a', 'b'],
      ['x, "y"', '1'],
      ['z', '0'],
    ]);
    assert.equal(cleanFinnsp('????小资钱包{IMG:3}跑路...全文: ?').trim(), '小资钱包 跑路');
    assert.equal(splitOf('同一条文本!'), splitOf('同一条文本'));
  });

  it('reads a bank CSV with text,label (negative/neutral/positive or 1/0)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'radar-csv-'));
    const f = join(dir, 'mine.csv');
    writeFileSync(f, 'text,label\n"催收太过分了,天天打电话",negative\n网点搬迁通知,neutral\n服务很好,positive\n被乱扣费,1\n正常通知,0\n,1\n');
    const rows = readLabelledCsv(f);
    assert.deepEqual(
      rows.map((r) => [r.neg, r.pos]),
      [
        [1, 0],
        [0, 0],
        [0, 1],
        [1, 0],
        [0, 0],
      ],
    );
  });
});

const DATA = DEFAULT_DATA_DIR;
describe('sentiment calibration on the validation split (needs the shared data)', function () {
  this.timeout(120000);
  it('scores lie in [0, 1] and the negative rate rises across score bins', function () {
    if (!existsSync(DATA)) this.skip();
    const model = loadSentimentModel();
    const tok = createTokenizer({});
    const { val } = loadBankSplits(DATA);
    const scored = val.map((e) => {
      const n = normalize(e.text);
      return { s: model.predict({ normalized: n.text, tokens: tok.tokens(n.text), emoticons: n.emoticons }).score, y: e.neg };
    });
    for (const r of scored) assert.ok(r.s >= 0 && r.s <= 1);
    scored.sort((a, b) => a.s - b.s);
    const bins = 5;
    const rates: number[] = [];
    for (let i = 0; i < bins; i++) {
      const part = scored.slice(Math.floor((i * scored.length) / bins), Math.floor(((i + 1) * scored.length) / bins));
      rates.push(part.reduce((n, r) => n + r.y, 0) / part.length);
    }
    for (let i = 1; i < bins; i++) assert.ok(rates[i]! >= rates[i - 1]!, `bin rates ${rates.map((r) => r.toFixed(2)).join(' ')}`);
    // Calibration: mean score close to the observed negative rate.
    const mean = scored.reduce((n, r) => n + r.s, 0) / scored.length;
    const rate = scored.reduce((n, r) => n + r.y, 0) / scored.length;
    assert.ok(Math.abs(mean - rate) < 0.05, `mean score ${mean} vs rate ${rate}`);
    assert.ok(readFileSync(new URL('../../../../analysis/sentiment/model.json', import.meta.url)).length < 3 * 1024 * 1024);
  });
});

describe('trainFromCsv (needs the shared lexicons)', function () {
  this.timeout(120000);
  it('trains on a bank CSV alone, writes a loadable model that learned the rows', async function () {
    if (!existsSync(DATA)) this.skip();
    const { trainFromCsv } = await import('../../../../analysis/sentiment/pipeline.js');
    const { modelFromArtifact } = await import('../../../../analysis/sentiment/model.js');
    const dir = mkdtempSync(join(tmpdir(), 'radar-train-'));
    const neg = ['客服态度恶劣', '乱扣年费不退', '暴力催收骚扰家人', '理财亏损严重', '网点排队太久', '信用卡被降额', '转账失败钱没到账', '盗刷不处理'];
    const ok = ['网点搬迁通知', '请问怎么开通网银', '账单日是几号', '今天去银行办卡', '营业时间调整', '利率公告', '手机银行升级', '新版APP上线'];
    const lines = ['text,label'];
    for (let i = 0; i < 6; i++) {
      for (const t of neg) lines.push(`${t}${i},negative`);
      for (const t of ok) lines.push(`${t}${i},neutral`);
    }
    const csv = join(dir, 'mine.csv');
    writeFileSync(csv, `${lines.join('\n')}\n`);
    const out = join(dir, 'model.json');
    const art = await trainFromCsv(csv, { dataDir: DATA, combine: false, output: out });
    assert.ok(existsSync(out));
    const model = modelFromArtifact(art);
    const tok = createTokenizer({});
    const score = (t: string) => {
      const n = normalize(t);
      return model.predict({ normalized: n.text, tokens: tok.tokens(n.text), emoticons: n.emoticons }).score;
    };
    assert.ok(score('暴力催收骚扰家人') > score('网点搬迁通知'));
  });
});
