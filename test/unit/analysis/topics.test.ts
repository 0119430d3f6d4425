import assert from 'node:assert/strict';
import { BUSINESS_LINES, CAUSES } from '../../../analysis/taxonomy.js';
import { createTopicClassifier, TOPICS } from '../../../analysis/topics.js';

const tc = createTopicClassifier();
const topicIds = (t: string) => tc.classify(t).map((h) => h.id);

describe('analysis/topics', () => {
  it('has at least 13 topics with unique ids, Chinese labels and known business lines and causes', () => {
    assert.ok(TOPICS.length >= 13);
    assert.equal(new Set(TOPICS.map((t) => t.id)).size, TOPICS.length);
    for (const t of TOPICS) {
      assert.match(t.label, /[\u4e00-\u9fa5]/);
      assert.ok(t.businessLine === 'infer' || t.businessLine in BUSINESS_LINES, t.id);
      assert.ok(t.cause in CAUSES, t.id);
    }
  });

  it('labels a card-fee complaint with several topics and the phrases that triggered them', () => {
    const hits = tc.classify('示例银行信用卡年费被扣了680元，客服态度很差，一直不处理');
    const byId = new Map(hits.map((h) => [h.id, h]));
    assert.deepEqual(byId.get('card_annual_fee')?.phrases, ['信用卡年费']);
    assert.equal(byId.get('card_annual_fee')?.businessLine, 'credit_card');
    assert.equal(byId.get('card_annual_fee')?.cause, 'fees');
    assert.equal(byId.get('service_attitude')?.businessLine, 'credit_card', 'inferred from 信用卡');
    assert.deepEqual(byId.get('service_attitude')?.phrases, ['客服态度很差']);
    assert.ok(byId.has('complaint_handling'));
  });

  it('covers the typical bank stories', () => {
    assert.deepEqual(topicIds('理财亏了20%，理财经理忽悠说保本'), ['wealth_loss', 'mis_selling']);
    assert.deepEqual(topicIds('ICBC的app又崩了，转账失败'), ['system_failure']);
    assert.deepEqual(topicIds('信用卡突然被降额，额度从5万降到5000'), ['credit_limit']);
    assert.deepEqual(topicIds('网点排队两小时，只开一个窗口'), ['queue_wait']);
    assert.deepEqual(topicIds('去邮储取钱，排了一个小时队'), ['queue_wait']);
    assert.deepEqual(topicIds('催收天天打电话给我家人，还爆通讯录'), ['debt_collection']);
    assert.deepEqual(topicIds('储户担心挤兑，听说取不出钱了'), ['run_rumour']);
    assert.deepEqual(topicIds('某银行因违规放贷被罚款300万元，收到监管罚单'), ['regulatory_penalty']);
    assert.deepEqual(topicIds('客户个人信息泄露，被不法分子倒卖信息'), ['data_breach']);
    assert.deepEqual(topicIds('卡被盗刷了两万，银行说是我自己泄露的验证码'), ['fraud']);
    assert.deepEqual(topicIds('经营贷审批拖了两个月还是不放款'), ['loan_approval']);
    assert.deepEqual(topicIds('天气不错，出去走走'), []);
  });

  it('is negation aware', () => {
    assert.deepEqual(topicIds('从来没有被暴力催收过，不存在乱收费'), []);
    assert.deepEqual(topicIds('柜员态度不差'), []);
    assert.deepEqual(topicIds('不断被催收，烦死了'), ['debt_collection']);
  });

  it('infers the business line of generic topics from product words, with a fallback', () => {
    const [fraud] = tc.classify('转账的时候被骗了，钱被转走');
    assert.equal(fraud?.businessLine, 'deposit_transfer');
    const [attitude] = tc.classify('大堂经理态度恶劣');
    assert.equal(attitude?.businessLine, 'branch_service');
    assert.equal(tc.productLine('手机银行和app都登录不上'), 'digital');
  });
});
