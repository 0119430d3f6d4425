import assert from 'node:assert/strict';
import { createAnalyzer } from '../../../analysis/analyzer.js';
import { createClusterer } from '../../../analysis/cluster.js';
import { FakeClock, HOUR } from '../../../lib/clock.js';
import type { Event } from '../../../lib/domain.js';
import { lexiconModel, mention, testConfig } from './helpers.js';

const config = testConfig();
const analyzer = createAnalyzer(config, { model: lexiconModel });

/** Twelve people complaining about the same 信用卡年费 issue, each in their own words. */
const CARD_FEE_POSTS = [
  '示例银行信用卡年费太坑了！办卡时说首年免年费，结果今天账单里扣了680元年费，客服说不能退，气死了😡',
  '@示例银行信用卡中心 凭什么扣我年费？从来没人告诉我有年费，680块就这么没了 #信用卡年费#',
  '示例銀行信用卡年費亂收，辦卡時業務員說免年費，現在扣了我680元，客服還說沒辦法退[怒]',
  '求助：示例银行信用卡被扣了年费680元，打了三次客服电话都不处理，有人退成功过吗？',
  '示例银行的信用卡年费问题太离谱，刷卡次数够了还扣年费，投诉到现在没有结果',
  '办了示例银行白金信用卡，说好刷满6次免年费，结果还是扣了年费，客服态度也差',
  '示例行信用卡年费乱收费，我根本没激活卡也被扣了年费，大家注意！！',
  '今天发现示例银行信用卡扣了年费，之前营销人员承诺终身免年费，这不是骗人吗',
  '示例银行信用卡年费680，没有任何提醒直接扣款，客服只会说按规定，垃圾',
  '吐槽一下示例银行：信用卡年费悄悄扣了，找客服要求退年费被拒，准备投诉',
  '示例銀行信用卡年費被扣，客服推來推去不給退，已經在黑貓投訴了',
  '示例银行信用卡年费扣了我680元！！！办卡的时候只字未提年费，太黑心了',
];

describe('analysis/cluster', () => {
  it('joins twelve differently worded 信用卡年费 complaints into one event and keeps unrelated posts out', () => {
    const clock = new FakeClock('2025-11-22T02:00:00.000Z');
    const clusterer = createClusterer(config.analysis, { clock });
    const eventIds = new Set<string>();
    let created = 0;
    for (const [i, text] of CARD_FEE_POSTS.entries()) {
      clock.advance(10 * 60_000);
      const m = mention(text, { author: `card_user_${i}`, at: clock.now().toISOString() });
      const a = analyzer.analyze(m, clock.now().toISOString());
      assert.equal(a.primaryInstitution, 'example_bank', text);
      const res = clusterer.assign(m, a);
      assert.ok(res, text);
      eventIds.add(res.event.id);
      if (res.created) created++;
    }
    assert.equal(created, 1);
    assert.equal(eventIds.size, 1);

    const wealth = mention('示例银行理财产品亏了20%，理财经理当初说是稳健型，现在净值一直跌', { at: clock.now().toISOString() });
    const wealthRes = clusterer.assign(wealth, analyzer.analyze(wealth, clock.now().toISOString()));
    assert.ok(wealthRes);
    assert.equal(wealthRes.created, true);
    assert.ok(!eventIds.has(wealthRes.event.id));

    const icbc = mention('工商银行信用卡年费扣了我680元，客服说不能退，太坑了', { at: clock.now().toISOString() });
    const icbcRes = clusterer.assign(icbc, analyzer.analyze(icbc, clock.now().toISOString()));
    assert.ok(icbcRes);
    assert.equal(icbcRes.created, true);
    assert.equal(icbcRes.event.institution, 'icbc');
  });

  it('opens events with a masked title, zeroed stats and topics; ignores posts without an institution', () => {
    const clock = new FakeClock();
    const clusterer = createClusterer(config.analysis, { clock });
    const m = mention('示例银行信用卡乱扣年费，我电话13812345678一直没人回，客服态度太差了，凭什么不给退，这件事我一定要投诉到底，大家评评理');
    const res = clusterer.assign(m, analyzer.analyze(m, clock.now().toISOString()));
    assert.ok(res?.created);
    assert.match(res.event.id, /^ev_/);
    assert.ok(res.event.title.includes('138****5678'));
    assert.ok(!res.event.title.includes('13812345678'));
    assert.ok([...res.event.title].length <= 60);
    assert.equal(res.event.mentionCount, 0);
    assert.ok(res.event.topics.includes('card_annual_fee'));
    assert.ok(!res.event.keyTerms.includes('示例银行'));
    const none = mention('今天天气不错，去公园走走');
    assert.equal(clusterer.assign(none, analyzer.analyze(none, clock.now().toISOString())), undefined);
  });

  it('does not join events older than the window, and evicts them', () => {
    const clock = new FakeClock();
    const clusterer = createClusterer(config.analysis, { clock });
    const first = mention('示例银行信用卡年费乱收，扣了我680元', { at: clock.now().toISOString() });
    const a = clusterer.assign(first, analyzer.analyze(first, clock.now().toISOString()));
    clock.advance(73 * HOUR);
    const again = mention('示例银行信用卡年费乱收，扣了我680元', { at: clock.now().toISOString() });
    const b = clusterer.assign(again, analyzer.analyze(again, clock.now().toISOString()));
    assert.ok(a && b);
    assert.equal(b.created, true);
    assert.notEqual(a.event.id, b.event.id);
  });

  it('restores its index from stored events and joins new mentions to them', () => {
    const clock = new FakeClock();
    const m = mention('示例银行手机银行app又崩了，转账失败，登录不上', { at: clock.now().toISOString() });
    const a = analyzer.analyze(m, clock.now().toISOString());
    const first = createClusterer(config.analysis, { clock }).assign(m, a);
    assert.ok(first);
    const stored: Event = { ...first.event, mentionCount: 1, distinctAuthors: 1 };
    const restarted = createClusterer(config.analysis, { clock });
    restarted.restore([stored]);
    clock.advance(HOUR);
    const m2 = mention('示例银行app崩了！！转账一直失败，登录不上，急死了', { at: clock.now().toISOString() });
    const res = restarted.assign(m2, analyzer.analyze(m2, clock.now().toISOString()));
    assert.ok(res);
    assert.equal(res.created, false);
    assert.equal(res.event.id, stored.id);
    assert.equal(res.event.mentionCount, 1);
  });
});
