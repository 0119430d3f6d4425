import assert from 'node:assert/strict';
import { createSeverityScanner, hasAmountHint, largestAmount, parseChineseNumber } from '../../../analysis/severity.js';

const scanner = createSeverityScanner();

describe('analysis/severity', () => {
  it('parses basic Chinese numerals', () => {
    assert.equal(parseChineseNumber('一万五千'), 15000);
    assert.equal(parseChineseNumber('一万五'), 15000);
    assert.equal(parseChineseNumber('两千五'), 2500);
    assert.equal(parseChineseNumber('十二'), 12);
    assert.equal(parseChineseNumber('一百零五'), 105);
    assert.equal(parseChineseNumber('一亿两千万'), 120_000_000);
    assert.equal(parseChineseNumber('三块'), undefined);
  });

  it('finds the largest money amount in yuan and ignores non-money numbers', () => {
    assert.equal(largestAmount('被扣了2.3万元，还有手续费35块'), 23000);
    assert.equal(largestAmount('年费¥1,380'), 1380);
    assert.equal(largestAmount('一万五千元就这么没了'), 15000);
    assert.equal(largestAmount('理财亏了3万'), 30000);
    assert.equal(largestAmount('博主有3万粉丝，十万火急'), undefined);
    assert.equal(largestAmount('排队2小时，等了30分钟'), undefined);
    assert.equal(largestAmount('￥ 12,000.50 和 680元'), 12000.5);
    // Numeral runs inside words (一直, 十个) are skipped; a run followed by a space or a unit is still read.
    assert.equal(largestAmount('一直说十个工作日，结果扣了两千 元'), 2000);
    assert.equal(largestAmount('一直说十个工作日，结果扣了两千'), undefined);
    assert.equal(largestAmount('两三天了，损失三 万'), 30000);
    assert.equal(largestAmount('一万五千块'), 15000);
    assert.equal(largestAmount('五百人民币'), 500);
    // Digit runs without a unit (13%, 2025.11.22, 1,00) are skipped; with one right after they count.
    assert.equal(largestAmount('亏了13%，2025.11.22到期'), undefined);
    assert.equal(largestAmount('1,00元'), undefined, '1 is bare and 00元 is zero');
    assert.equal(largestAmount('1.2.3元'), 3);
    assert.equal(largestAmount('借了5万，利息1,200元'), 50000);
    assert.equal(largestAmount('欠了3w'), 30000);
  });

  it('hasAmountHint answers exactly as the hint regex it replaces', () => {
    const reference = /[\d零〇一二两三四五六七八九十百千万亿]\s*(?:[元块万千亿wk])|[¥￥]|RMB|人民币/;
    const cases = [
      '被扣了2.3万元',
      '年费¥1,380',
      '年费￥80',
      '五百人民币',
      '人民',
      '人民币',
      'RM',
      'RMB',
      'rmb 100',
      '3 \u3000 元',
      '3\u00a0块',
      '十万火急',
      '排队2小时',
      '两千 ',
      'k',
      '1k',
      '',
      '12378',
      '三\n万',
    ];
    for (const text of cases) assert.equal(hasAmountHint(text), reference.test(text), text);
    // Random strings over the characters that matter, plus filler.
    const alphabet = [...'0123456789零〇一二两三四五六七八九十百千万亿元块wkWK¥￥RMB人民币 \u3000\u00a0\t\n扣了的，。a'];
    let seed = 7;
    const next = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed;
    };
    for (let n = 0; n < 20_000; n++) {
      let text = '';
      const len = next() % 12;
      for (let i = 0; i < len; i++) text += alphabet[next() % alphabet.length];
      assert.equal(hasAmountHint(text), reference.test(text), JSON.stringify(text));
    }
  });

  it('detects regulators, collective action, run rumours and reach', () => {
    const s = scanner.scan('已经打了12378，向金融监管总局和银保监投诉，维权群里上百名受害者，听说银行要倒闭了，取不出钱', {
      author: { key: 'a', name: 'a', isMedia: false, followers: 1200 },
      metrics: { reposts: 30, comments: 15, likes: 900 },
    });
    assert.equal(s.regulatorMentioned, true);
    assert.deepEqual(s.regulators, ['12378', '国家金融监督管理总局', '银保监会']);
    assert.equal(s.collectiveAction, true);
    assert.equal(s.runRumour, true);
    assert.equal(s.reach, 1245);
  });

  it('stays quiet on an ordinary complaint and on negated rumours', () => {
    const s = scanner.scan('信用卡客服电话打不通，订单号1237812345，银行不会倒闭的放心');
    assert.equal(s.regulatorMentioned, false);
    assert.equal(s.collectiveAction, false);
    assert.equal(s.runRumour, false);
    assert.equal(s.amount, undefined);
    assert.equal(s.reach, 0);
    assert.equal(scanner.scan('30多名储户联名写信').collectiveAction, true);
    // Crowd counts: a number, 名/位/个, then the people; 一个客户 or 个人用户 alone is not a crowd.
    assert.equal(scanner.scan('几十位持卡人都被扣了年费').collectiveAction, true);
    assert.equal(scanner.scan('上千个用户登录不上').collectiveAction, true);
    assert.equal(scanner.scan('我一个客户经理朋友说的').collectiveAction, false);
    assert.equal(scanner.scan('名下的卡，个人用户也能办').collectiveAction, false);
    assert.equal(scanner.scan('央行降准0.5个百分点').regulators[0], '中国人民银行');
  });
});
