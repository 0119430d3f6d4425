import assert from 'node:assert/strict';
import { normalize, toHalfWidth } from '../../../analysis/normalize.js';

describe('normalize', () => {
  it('converts traditional (Taiwan and Hong Kong) to simplified, phrases included', () => {
    const r = normalize('招商銀行信用卡中心太過分了，軟體一直閃退，裏面的記錄都沒了');
    assert.equal(r.text, '招商银行信用卡中心太过分了,软件一直闪退,里面的记录都没了');
  });

  it('leaves simplified text untouched (no over-conversion)', () => {
    const s = '干部很干净,头发里面只有一些';
    assert.equal(normalize(s).text, s);
  });

  it('turns full-width ASCII and ideographic spaces into half-width, keeps 。、《》', () => {
    assert.equal(toHalfWidth('ＩＣＢＣ　１２３４！？（）'), 'ICBC 1234!?()');
    assert.equal(normalize('工行ＡＰＰ　又崩了。《通知》、完').text, '工行APP 又崩了。《通知》、完');
  });

  it('strips HTML tags and decodes entities', () => {
    const r = normalize('<p>建行&nbsp;网点<br/>排队&amp;等待 &lt;两小时&gt; &#20320;好 &#x597d;</p>');
    assert.equal(r.text, '建行 网点 排队&等待 <两小时> 你好 好');
  });

  it('removes URLs, including Weibo short links', () => {
    const r = normalize('详情 https://weibo.com/123/Abc?x=1&y=2 和 http://t.cn/A6xyz 以及 www.example.com/p 还有 t.cn/Rabc 结束');
    assert.equal(r.text, '详情 和 以及 还有 结束');
  });

  it('records hashtags and keeps their words', () => {
    const r = normalize('#招商银行暴力催收# 又来了 #信用卡#');
    assert.deepEqual(r.hashtags, ['招商银行暴力催收', '信用卡']);
    assert.equal(r.text, '招商银行暴力催收 又来了 信用卡');
  });

  it('removes @mentions (including repost chains) but records them, and keeps e-mail addresses', () => {
    const r = normalize('@招商银行信用卡 还钱了还打电话//@小王_2024:同样遭遇 邮箱 zhang.san@qq.com');
    assert.deepEqual(r.mentions, ['招商银行信用卡', '小王_2024']);
    assert.equal(r.text, '还钱了还打电话 同样遭遇 邮箱 zhang.san@qq.com');
  });

  it('extracts Weibo [表情] (traditional ones simplified) and Unicode emoji as emoticons', () => {
    const r = normalize('客服态度太差[怒][抓狂]，再也不用了😡👍🏻 [淚]');
    assert.deepEqual(r.emoticons, ['怒', '抓狂', '泪', '😡', '👍🏻']);
    assert.equal(r.text, '客服态度太差 ,再也不用了');
  });

  it('collapses whitespace and trims', () => {
    assert.equal(normalize('  农行\n\n\t网点 \u00a0 服务\u200b好  ').text, '农行 网点 服务 好');
  });

  it('finds BMP pictographs and astral emoji, and folds odd whitespace, behind the fast pre-checks', () => {
    const r = normalize('工行客服态度差‼️ 转账失败☹ 再也不用了😡👎🏻');
    assert.deepEqual(r.emoticons, ['‼️', '☹', '😡', '👎🏻']);
    assert.equal(r.text, '工行客服态度差 转账失败 再也不用了');
    assert.equal(normalize('  建行\u00a0网点\t排队\u200b两小时  ').text, '建行 网点 排队 两小时');
    assert.equal(normalize('招行 app 又崩了').text, '招行 app 又崩了');
    assert.equal(normalize('交行  网点').text, '交行 网点');
  });

  it('sees markup that only appears after the half-width fold or the traditional conversion (fused pre-scan)', () => {
    const r = normalize('＃銀行維權＃　＠招行客服：還錢了［怒］');
    assert.deepEqual(r.hashtags, ['银行维权']);
    assert.deepEqual(r.mentions, ['招行客服']);
    assert.deepEqual(r.emoticons, ['怒']);
    assert.equal(r.text, '银行维权 还钱了');
    assert.equal(normalize('\u3000工行，网点\u3000').text, '工行,网点');
    assert.equal(normalize('工行\u3000\u3000网点').text, '工行 网点');
    assert.equal(normalize('工行 网点 ').text, '工行 网点');
    assert.equal(normalize('詳情ｗｗｗ．ｅｘａｍｐｌｅ．ｃｏｍ／ｐ 結束').text, '详情 结束');
  });

  it('keeps lone surrogates and plain dots, and returns simplified text without full-width as is', () => {
    assert.equal(normalize('a\ud800b\udc00，c').text, 'a\ud800b\udc00,c');
    assert.equal(normalize('利率下调0.5个百分点').text, '利率下调0.5个百分点');
    const s = '建行网点排队两小时 服务很差';
    assert.equal(normalize(s).text, s);
  });

  it('is pure: same input, same output, no state leaking between calls', () => {
    const s = '#工行# @某人 太慢了[怒] https://x.cn/a';
    assert.deepEqual(normalize(s), normalize(s));
    assert.deepEqual(normalize('无标记文本').emoticons, []);
  });
});
