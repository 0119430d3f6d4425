import assert from 'node:assert/strict';
import { contentHash, decodeEntities, normalizeForHash, parseCount, stripHtml } from '../../../../crawlers/core/text.js';

describe('crawlers/core/text', () => {
  describe('stripHtml', () => {
    it('keeps @names and #topics# from Weibo HTML', () => {
      const html = '<a href=\'/n/示例银行\'>@示例银行</a> 信用卡被违规收取年费，客服一直推诿 <span class="surl-text">#示例银行乱收费#</span>';
      assert.equal(stripHtml(html), '@示例银行 信用卡被违规收取年费，客服一直推诿 #示例银行乱收费#');
    });
    it('turns <br> into newlines, decodes entities and keeps emoticon alt text', () => {
      const html = '第一行&nbsp;内容<br/>第二行 &lt;理财&gt; &amp; 存款<br>亏了&#36;&#x4E00;半 <img alt="[怒]" src="x.png"><script>var a=1</script>';
      assert.equal(stripHtml(html), '第一行 内容\n第二行 <理财> & 存款\n亏了$一半 [怒]');
    });
    it('handles traditional Chinese, emoji and empty input', () => {
      assert.equal(stripHtml('<p>示例銀行的服務態度太差了😡</p><p>再也不來了</p>'), '示例銀行的服務態度太差了😡\n再也不來了');
      assert.equal(stripHtml(''), '');
      assert.equal(stripHtml(undefined), '');
    });
    it('leaves unknown entities alone', () => assert.equal(decodeEntities('a &foo; b &amp c'), 'a &foo; b & c'));
  });

  describe('parseCount', () => {
    const cases: Array<[string | number | undefined, number]> = [
      ['1.2万', 12000],
      ['100万+', 1000000],
      ['3亿', 300000000],
      ['1234.5万', 12345000],
      ['转发 12', 12],
      ['评论 1532', 1532],
      ['转发', 0],
      ['', 0],
      ['1,234', 1234],
      ['1.5w', 15000],
      ['２３', 23],
      [806, 806],
      [undefined, 0],
    ];
    for (const [input, expected] of cases) it(`${JSON.stringify(input)} → ${expected}`, () => assert.equal(parseCount(input), expected));
  });

  describe('contentHash', () => {
    it('matches the same text with different spacing, punctuation, width and links', () => {
      const a = '示例银行信用卡被违规收取年费，客服一直推诿！ https://t.cn/A6abcd';
      const b = '示例银行 信用卡被违规收取年费, 客服一直推诿!';
      const c = '示例银行信用卡被违规收取年费客服一直推诿';
      assert.equal(contentHash(a), contentHash(b));
      assert.equal(contentHash(b), contentHash(c));
      assert.match(contentHash(a), /^[0-9a-f]{16}$/);
    });
    it('differs for different text and case-folds latin letters', () => {
      assert.notEqual(contentHash('示例银行理财亏损'), contentHash('示例银行理财盈利'));
      assert.equal(contentHash('ABC银行APP闪退'), contentHash('abc银行app闪退'));
      assert.equal(normalizeForHash('Ｆｕｌｌ－ｗｉｄｔｈ　ＡＰＰ'), 'fullwidthapp');
    });
  });
});
