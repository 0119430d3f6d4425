import assert from 'node:assert/strict';
import { bandKeys, hamming, simhash } from '../../../analysis/fingerprint.js';

describe('analysis/fingerprint', () => {
  const a = ['示例银行', '信用卡', '年费', '扣了', '680', '客服', '不能', '退', '气死'];
  it('produces a stable 64-bit hex SimHash', () => {
    const h = simhash(a);
    assert.match(h, /^[0-9a-f]{16}$/);
    assert.equal(simhash([...a]), h);
    assert.equal(simhash([]), '0000000000000000');
  });

  it('keeps near-duplicates close and unrelated texts far', () => {
    const near = simhash([...a, '！']);
    const far = simhash(['今天', '天气', '不错', '公园', '散步', '心情', '愉快', '晚上', '火锅']);
    assert.ok(hamming(simhash(a), near) <= 6);
    assert.ok(hamming(simhash(a), far) > 12);
  });

  it('computes Hamming distance over both halves', () => {
    assert.equal(hamming('0000000000000000', 'ffffffffffffffff'), 64);
    assert.equal(hamming('8000000000000001', '0000000000000000'), 2);
    assert.equal(hamming('00000000f0000000', '0000000000000000'), 4);
  });

  it('splits into 4 × 16-bit band keys', () => {
    assert.deepEqual(bandKeys('0123456789abcdef'), ['0:0123', '1:4567', '2:89ab', '3:cdef']);
    const h = simhash(a);
    const flipped = (Number.parseInt(h[0]!, 16) ^ 1).toString(16) + h.slice(1);
    const shared = bandKeys(h).filter((k) => bandKeys(flipped).includes(k));
    assert.equal(shared.length, 3);
  });
});
