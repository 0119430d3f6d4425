import assert from 'node:assert/strict';
import { createInstitutionMatcher, withSentiment } from '../../../analysis/institutions.js';
import type { SentimentLabel } from '../../../lib/domain.js';
import { lexiconModel, testConfig } from './helpers.js';

const matcher = createInstitutionMatcher(testConfig().watchlist);
const ids = (text: string) => matcher.match(text).map((h) => h.id);
const scorer = (clause: string): SentimentLabel => lexiconModel.predict({ normalized: clause, tokens: [], emoticons: [] }).label;

describe('analysis/institutions', () => {
  it('finds full names, short names and English aliases in one pass, longest alias first', () => {
    const hits = matcher.match('中国工商银行和建行都不行，ICBC的app又崩了，去中行办卡也排队');
    assert.deepEqual(
      hits.map((h) => [h.id, h.matched]),
      [
        ['icbc', '中国工商银行'],
        ['ccb', '建行'],
        ['boc', '中行'],
      ],
    );
    assert.deepEqual(ids('CMBC和CMB都发了公告'), ['cmbc', 'cmb']);
    assert.deepEqual(ids('icbc的app又崩了'), ['icbc']);
  });

  it('keeps out 招商局 / 招商证券 / 中信证券 / 平安夜 / 平安保险 / 工商局 / 中国银行业协会', () => {
    assert.deepEqual(ids('招商局集团与招商证券今日公告'), []);
    assert.deepEqual(ids('中信证券研报：看好券商板块'), []);
    assert.deepEqual(ids('平安夜快乐！平安保险的理赔很快，出入平安'), []);
    assert.deepEqual(ids('去工商局办理工商注册，市场监督管理局说材料不全'), []);
    assert.deepEqual(ids('中国银行业协会发布2024年度报告'), []);
    assert.deepEqual(ids('招商局集团旗下的招商银行深圳分行'), ['cmb']);
    assert.deepEqual(ids('中信证券不是中信银行'), ['citic']);
    assert.deepEqual(ids('平安银行的信用卡'), ['pab']);
  });

  it('reads 中信 / 民生 as the banks only in a bank-customer context', () => {
    assert.deepEqual(ids('中信说好的返现一直不到账，找客服也没用'), ['citic']);
    assert.deepEqual(ids('民生的催收电话打到我单位去了，太过分'), ['cmbc']);
    assert.deepEqual(ids('中信的额度真是给的少'), ['citic']);
    // Not a bank: other CITIC companies, the common noun 民生, and 民/中 straddling another word.
    assert.deepEqual(ids('中信证券营业部转账到账慢'), []);
    assert.deepEqual(ids('中信建投研报：银行板块估值修复'), []);
    assert.deepEqual(ids('民生工程建设稳步推进，惠及百姓'), []);
    assert.deepEqual(ids('关注民生，改善民生，贷款利率下调'), []);
    assert.deepEqual(ids('国计民生，银行贷款支持实体经济'), []);
    assert.deepEqual(ids('居民生活水平不断提高，信用卡消费增长'), []);
    assert.deepEqual(ids('集中信息化改造，银行网点升级'), []);
    // Without any bank-service word the short form is not enough.
    assert.deepEqual(ids('民生，是最大的政治'), []);
    assert.deepEqual(ids('中信今天的新闻很多'), []);
  });

  it('rejects short aliases that straddle a word (施工行为, 集中行动, 成交行情) but keeps 工行业务', () => {
    assert.deepEqual(ids('工地施工行为不规范，集中行动整治'), []);
    assert.deepEqual(ids('今日成交行情火爆，新建行政楼'), []);
    assert.deepEqual(ids('工行业务办理太慢了'), ['icbc']);
    assert.deepEqual(ids('中国银行业务员态度很好'), ['boc']);
    assert.deepEqual(ids('ABC的app'), ['abc']);
    assert.deepEqual(ids('学英语从abc开始'), []);
  });

  it('extracts branch and product line after the name', () => {
    const [cmb] = matcher.match('招商银行深圳分行信用卡中心的客服');
    assert.equal(cmb?.branch, '深圳分行');
    assert.equal(cmb?.productLine, '信用卡中心');
    const [icbc] = matcher.match('中国工商银行北京西单支行排队两小时');
    assert.equal(icbc?.branch, '北京西单支行');
    assert.equal(icbc?.productLine, undefined);
    const [pab] = matcher.match('平安银行消费金融的催收电话打爆了');
    assert.equal(pab?.productLine, '消费金融');
    const [cmb2] = matcher.match('掌上生活又闪退');
    assert.equal(cmb2?.id, 'cmb');
    assert.equal(cmb2?.productLine, '信用卡中心');
    const [citic] = matcher.match('信银理财的产品跌破净值');
    assert.equal(citic?.productLine, '理财');
  });

  it('targets negativity clause by clause', () => {
    const text = '招行服务很好，工行客服态度恶劣';
    const { hits, primary } = matcher.targetSentiment(text, matcher.match(text), scorer);
    assert.equal(primary, 'icbc');
    assert.deepEqual(
      hits.map((h) => [h.id, h.sentiment]),
      [
        ['cmb', 'positive'],
        ['icbc', 'negative'],
      ],
    );
    // A clause without a name counts for the institution named before it.
    const t2 = '建行的理财经理很专业，农行就不一样了，柜员态度冷漠，还乱收费';
    const r2 = matcher.targetSentiment(t2, matcher.match(t2), scorer);
    assert.equal(r2.primary, 'abc');
    assert.equal(r2.hits.find((h) => h.id === 'ccb')?.sentiment, 'positive');
  });

  it('uses the first hit as primary when nothing is negative, and one hit takes the whole-post label', () => {
    const t = '交通银行和浦发银行发布三季报';
    const r = matcher.targetSentiment(t, matcher.match(t), scorer);
    assert.equal(r.primary, 'bocom');
    assert.ok(r.hits.every((h) => h.sentiment === 'neutral'));
    const one = '邮储银行又乱收费，垃圾';
    assert.equal(matcher.targetSentiment(one, matcher.match(one), scorer).primary, 'psbc');
    assert.deepEqual(matcher.targetSentiment('无关', [], scorer), { hits: [] });
  });

  it('does not score a segment whose institutions are already negative targets (same result as scoring it)', () => {
    // 工行 is negative in its first segment; the later segment about 工行 alone cannot change that.
    const t = '工行柜员态度差，还乱收费，招行服务很好，工行的app又崩了，工行客服也不理人';
    const scored: string[] = [];
    const spy = (clause: string): SentimentLabel => {
      scored.push(clause);
      return scorer(clause);
    };
    const r = matcher.targetSentiment(t, matcher.match(t), spy);
    assert.deepEqual(
      r.hits.map((h) => [h.id, h.sentiment]),
      [
        ['icbc', 'negative'],
        ['cmb', 'positive'],
      ],
    );
    assert.equal(r.primary, 'icbc');
    assert.deepEqual(scored, ['工行柜员态度差，还乱收费', '招行服务很好']);
    // A segment about a negative and a not-yet-negative institution is still scored.
    const t2 = '工行乱收费，工行和招行的客服都很差';
    const scored2: string[] = [];
    const r2 = matcher.targetSentiment(t2, matcher.match(t2), (c) => {
      scored2.push(c);
      return scorer(c);
    });
    assert.deepEqual(scored2, ['工行乱收费', '工行和招行的客服都很差']);
    assert.deepEqual(
      r2.hits.map((h) => h.sentiment),
      ['negative', 'negative'],
    );
  });

  it('isRelevant filters feeds cheaply', () => {
    assert.equal(matcher.isRelevant('浦发银行信用卡'), true);
    assert.equal(matcher.isRelevant('今天股市大涨，券商板块领涨'), false);
    assert.equal(matcher.isRelevant('招商局港口'), false);
    assert.equal(matcher.isRelevant('中國銀行的櫃員'), true, 'raw traditional text from a feed');
    assert.equal(matcher.isRelevant('ＩＣＢＣ又崩了'), true, 'full-width');
  });

  it('adds a sentiment to a hit as `{ ...hit, sentiment }` would, keys in the same order', () => {
    const cases = [
      { id: 'icbc', name: '工商银行', matched: '工行' },
      { id: 'cmb', name: '招商银行', matched: '招行', productLine: '信用卡' },
      { id: 'ccb', name: '建设银行', matched: '建行', branch: '深圳分行' },
      { id: 'ccb', name: '建设银行', matched: '建行', productLine: '理财', branch: '深圳分行' },
      { id: 'boc', name: '中国银行', matched: '中行', sentiment: 'positive' as const, branch: '北京朝阳支行' },
    ];
    for (const h of cases) {
      const got = withSentiment(h, 'negative');
      assert.deepEqual(got, { ...h, sentiment: 'negative' });
      assert.equal(JSON.stringify(got), JSON.stringify({ ...h, sentiment: 'negative' }));
      assert.notEqual(got, h);
      assert.notEqual((h as { sentiment?: string }).sentiment, 'negative', 'the input hit is not changed');
    }
    const [hit] = matcher.match('建设银行深圳分行的信用卡年费');
    assert.equal(JSON.stringify(withSentiment(hit!, 'neutral')), JSON.stringify({ ...hit!, sentiment: 'neutral' }));
  });
});
