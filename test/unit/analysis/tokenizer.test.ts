import assert from 'node:assert/strict';
import { normalize } from '../../../analysis/normalize.js';
import { createTokenizer, loadStopWords } from '../../../analysis/tokenizer.js';

describe('tokenizer', () => {
  const tok = createTokenizer({ extraWords: ['示例银行信用卡中心', '浦发银行'] });

  it('keeps bank and complaint vocabulary from the user dictionary as single words', () => {
    const words = tok.cut('信用卡降额了,还被暴力催收,乱收费、霸王条款、盗刷都不处理,年费也乱扣费');
    for (const w of ['信用卡降额', '暴力催收', '乱收费', '霸王条款', '盗刷', '年费', '乱扣费']) assert.ok(words.includes(w), `${w} in ${words.join('/')}`);
    const w2 = tok.cut('申请提额被拒,分期手续费太高,上征信了');
    for (const w of ['提额', '分期手续费', '征信'])
      assert.ok(
        w2.some((x) => x === w || x === `上${w}`),
        `${w} in ${w2.join('/')}`,
      );
  });

  it('adds extra words (watchlist aliases) with enough weight to stay whole', () => {
    assert.ok(tok.cut('示例银行信用卡中心又打电话催收').includes('示例银行信用卡中心'));
    const later = createTokenizer({ extraWords: ['掌上生活APP'] });
    assert.ok(later.cut('掌上生活APP又崩溃了').includes('掌上生活APP'));
    // The earlier tokenizer shares the process-wide dictionary and keeps its words.
    assert.ok(tok.cut('示例银行信用卡中心').includes('示例银行信用卡中心'));
  });

  it('tokens() drops stop words, punctuation and spaces but keeps negation and degree words', () => {
    const t = tok.tokens(normalize('这个网点的服务,真的 非常 不 满意!!!我们 的 钱呢?').text);
    assert.ok(!t.includes(','));
    assert.ok(!t.includes('!'));
    assert.ok(!t.includes(' '));
    assert.ok(!t.includes('的'));
    assert.ok(t.includes('非常'));
    assert.ok(t.includes('不') || t.includes('不满意'));
    assert.ok(t.includes('网点'));
  });

  it('keeps ASCII words whole (HMM on)', () => {
    assert.ok(tok.cut('工行APP登录失败 error 500').includes('error'));
  });

  it('stop-word list keeps sentiment-bearing function words', () => {
    const stop = loadStopWords();
    for (const w of ['不', '没', '没有', '很', '太', '非常', '但是', '为什么']) assert.ok(!stop.has(w), w);
    for (const w of ['的', '了', '我们']) assert.ok(stop.has(w), w);
  });

  it('cutMany cuts a batch in one call exactly as cut does text by text', () => {
    const texts = [
      '示例银行信用卡中心又打电话催收，说不还就上征信。',
      '',
      '招行APP又崩了😡转账失败 error 500，客服电话打不通',
      '建行北京朝阳支行排队两小时，只开一个窗口',
      ' ',
      '工商銀行信用卡年費被扣了，說好的首年免年費呢？',
      '，。，',
      'ＡＢＣ全角字母和１２３全角数字',
      '',
    ];
    assert.deepEqual(tok.cutMany(texts), texts.map(tok.cut));
    assert.deepEqual(tok.cutMany(['平安银行']), [tok.cut('平安银行')]);
    assert.deepEqual(tok.cutMany([]), []);
    // A text with its own newline cannot be joined on newlines: cut one by one, same result.
    const withNewline = ['第一行\n第二行 催收', '浦发银行理财亏损'];
    assert.deepEqual(tok.cutMany(withNewline), withNewline.map(tok.cut));
  });

  it('returns [] for empty text', () => {
    assert.deepEqual(tok.cut(''), []);
    assert.deepEqual(tok.tokens(''), []);
  });
});
