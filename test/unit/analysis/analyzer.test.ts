import assert from 'node:assert/strict';
import { createAnalyzer } from '../../../analysis/analyzer.js';
import { idCardCheckChar } from '../../../analysis/pii.js';
import { loadSentimentModel, type SentimentModel } from '../../../analysis/sentiment/model.js';
import { loadConfig } from '../../../config/load.js';
import { lexiconModel, mention, testConfig } from './helpers.js';

const config = testConfig();
// The shipped, trained model (analysis/sentiment/model.json) through config.analysis.modelPath.
const analyzer = createAnalyzer(config);
const at = '2025-11-22T02:05:00.000Z';

describe('analysis/analyzer (shipped sentiment model)', () => {
  it('turns a complaint into a full Analysis with PII masked everywhere', () => {
    const id = `44030519851201231${idCardCheckChar('44030519851201231')}`;
    const m = mention(`示例银行信用卡年费乱收费！扣了我1,380元，客服不给退，气死了😡 我电话13812345678，身份证${id}，已经打了12378投诉`, {
      author: 'victim',
    });
    const a = analyzer.analyze(m, at);
    assert.equal(a.mentionId, m.id);
    assert.equal(a.analyzedAt, at);
    assert.equal(a.sentiment.label, 'negative');
    assert.ok(a.sentiment.score >= 0.5 && a.sentiment.score <= 1);
    assert.equal(a.primaryInstitution, 'example_bank');
    assert.equal(a.institutions[0]?.sentiment, 'negative');
    assert.ok(a.topics.some((t) => t.id === 'card_annual_fee'));
    assert.ok(a.topics.some((t) => t.id === 'fees' && t.cause === 'fees' && t.businessLine === 'credit_card'));
    assert.equal(a.severity.amount, 1380);
    assert.deepEqual(a.severity.regulators, ['12378']);
    assert.match(a.simhash, /^[0-9a-f]{16}$/);
    assert.ok(a.displayText.includes('138****5678') && a.displayText.includes('😡'));
    assert.ok(!a.displayText.includes('13812345678') && !a.displayText.includes(id));
    assert.ok(!a.tokens.some((t) => t.includes('13812345678') || t.includes(id.slice(6, 14))));
    assert.ok(a.keyTerms.includes('年费'));
    assert.ok(!a.keyTerms.includes('示例银行'));
    assert.ok(a.negativePhrases.length > 0);
    assert.equal(a.modelVersion, analyzer.modelVersion);
  });

  it('handles traditional characters, full-width letters and emoji', () => {
    const a = analyzer.analyze(mention('ＩＣＢＣ的ａｐｐ又崩了😭轉賬失敗，登錄不上！！'), at);
    assert.equal(a.primaryInstitution, 'icbc');
    assert.deepEqual(
      a.topics.map((t) => t.id),
      ['system_failure'],
    );
    assert.equal(a.sentiment.label, 'negative', 'complaint phrases back the model up on short posts');
  });

  it('targets the negative institution when a post compares two banks', () => {
    const a = analyzer.analyze(mention('招行服务很好，工行客服态度恶劣'), at);
    assert.equal(a.primaryInstitution, 'icbc');
    assert.equal(a.institutions.find((h) => h.id === 'icbc')?.sentiment, 'negative');
    assert.notEqual(a.institutions.find((h) => h.id === 'cmb')?.sentiment, 'negative');
  });

  it('per-clause targeting on multi-bank posts: complaint-phrase clauses are negative without a model call', () => {
    const shipped = loadSentimentModel();
    const clauses: string[] = [];
    const spy: SentimentModel = {
      version: shipped.version,
      negativeThreshold: shipped.negativeThreshold,
      predict: (input, threshold) => {
        clauses.push(input.normalized);
        return shipped.predict(input, threshold);
      },
    };
    // The shipped threshold is recall-first (0.045): near it a praise clause can read negative.
    // Targeting is checked at an explicit precision-leaning override.
    const precise = testConfig({ analysis: { negativeThreshold: 0.3 } });
    const spied = createAnalyzer(precise, { model: spy });
    const plain = createAnalyzer(precise, { model: shipped });
    const posts = [
      '工商银行信用卡年费被扣了800元，说好首年免年费，客服不给退，招商银行就好多了，服务很好',
      '建设银行理财经理误导销售，亏了12%，交通银行的经理很专业，风险讲得很清楚',
      '農業銀行網點排隊兩個小時，櫃員態度很差，中國銀行的大堂經理很耐心',
    ];
    for (const text of posts) {
      clauses.length = 0;
      const a = spied.analyze(mention(text), at);
      // Same analysis as with the model's label-only path (the shipped analyzer).
      assert.deepEqual(a.institutions, plain.analyze(mention(text), at).institutions, text);
      assert.equal(a.institutions[0]?.sentiment, 'negative', text);
      assert.notEqual(a.institutions[1]?.sentiment, 'negative', text);
      assert.equal(a.primaryInstitution, a.institutions[0]?.id);
      // The whole post and the praise clause go through the model; the complaint clause does not.
      assert.equal(clauses.length, 2, `${text}: ${clauses.join(' | ')}`);
      assert.ok(clauses[1]?.startsWith(a.institutions[1]!.matched), clauses[1]);
    }
  });

  it('targets a negative multi-bank post per clause even when its score lies just above a low threshold', () => {
    // A recall-first threshold (0.045) below the targeting shortcut (0.05): a post scoring 0.047 is
    // negative, so its clauses are scored rather than every bank inheriting the post's label.
    const text = '招商银行的客户经理很耐心，工商银行的网点在二楼';
    const fake: SentimentModel = {
      version: 'fake',
      negativeThreshold: 0.045,
      predict: (input) => {
        const both = input.normalized.includes('招商银行') && input.normalized.includes('工商银行');
        const score = both ? 0.047 : input.normalized.includes('工商银行') ? 0.2 : 0.01;
        return { label: score >= 0.045 ? 'negative' : 'positive', score, negativePhrases: [] };
      },
    };
    const a = createAnalyzer(testConfig(), { model: fake }).analyze(mention(text), at);
    assert.equal(a.sentiment.label, 'negative');
    assert.deepEqual(
      a.institutions.map((h) => [h.id, h.sentiment]),
      [
        ['cmb', 'positive'],
        ['icbc', 'negative'],
      ],
    );
  });

  it('counts an @handle as the addressed institution, and reads news titles', () => {
    const a = analyzer.analyze(mention('@招商银行信用卡中心 凭什么又扣我年费，说好的免年费呢'), at);
    assert.equal(a.primaryInstitution, 'cmb');
    const news = analyzer.analyze(
      mention('记者从多名储户处了解到，相关款项至今未能兑付。', { sourceType: 'news', title: '某地多名储户反映光大银行理财产品延期兑付' }),
      at,
    );
    assert.equal(news.primaryInstitution, 'ceb');
    assert.equal(news.severity.runRumour, true);
    assert.ok(news.displayText.startsWith('某地多名储户反映'));
  });

  it('does not see a bank in 平安夜 / 招商局 / 中国银行业协会 posts', () => {
    for (const text of ['平安夜快乐，大家出入平安🎄', '招商局集团发布年报', '中国银行业协会发布报告']) {
      const a = analyzer.analyze(mention(text), at);
      assert.deepEqual(a.institutions, [], text);
      assert.equal(a.primaryInstitution, undefined);
    }
  });

  it('analyzeText returns the `radar analyze` contract shape', () => {
    // as `radar analyze` builds it: the composition root loads the config and injects it
    const r = createAnalyzer(loadConfig()).analyzeText('中國銀行深圳分行的櫃員態度很差，排隊兩個小時');
    assert.deepEqual(Object.keys(r).sort(), ['institutions', 'sentiment', 'topics']);
    assert.deepEqual(Object.keys(r.sentiment).sort(), ['label', 'score']);
    assert.equal(r.sentiment.label, 'negative');
    assert.deepEqual(r.institutions, [{ id: 'boc', name: '中国银行', matched: '中国银行', branch: '深圳分行', sentiment: 'negative' }]);
    assert.deepEqual(
      r.topics.map((t) => [t.id, t.label, t.businessLine, t.cause]),
      [
        ['service_attitude', '服务态度', 'branch_service', 'service_attitude'],
        ['queue_wait', '网点排队', 'branch_service', 'efficiency'],
      ],
    );
    assert.ok(r.topics.every((t) => t.phrases.length > 0));
  });

  it('analyzeBatch gives the same analyses as analyze, in order', () => {
    const batch = [
      mention('工行app又崩了，转账失败'),
      mention('平安夜快乐'),
      mention('招行服务很好，工行客服态度恶劣，电话13912345678'),
      mention('示例銀行信用卡年費亂收，扣了我680元'),
    ];
    assert.deepEqual(
      analyzer.analyzeBatch(batch, at),
      batch.map((m) => analyzer.analyze(m, at)),
    );
  });

  it('accepts an injected model', () => {
    const custom = createAnalyzer(config, { model: lexiconModel });
    assert.equal(custom.modelVersion, 'test-lexicon');
    assert.equal(custom.analyze(mention('建行的理财经理很专业，点赞'), at).sentiment.label, 'positive');
  });

  it('labels with the model artifact threshold unless config overrides it explicitly', () => {
    const shipped = loadSentimentModel();
    assert.deepEqual(analyzer.threshold, { value: shipped.negativeThreshold, origin: 'model' });
    const text = '这个浦发的审批速度真是服了';
    const { score } = analyzer.analyzeText(text).sentiment;
    // An override just above / at the score flips the label: the override is the one number in force.
    const above = createAnalyzer(testConfig({ analysis: { negativeThreshold: Math.min(1, score + 0.01) } }));
    assert.deepEqual(above.threshold.origin, 'config');
    assert.equal(above.analyzeText(text).sentiment.label === 'negative', false);
    const exact = createAnalyzer(testConfig({ analysis: { negativeThreshold: score } }));
    assert.equal(exact.analyzeText(text).sentiment.label, 'negative');
    assert.equal(exact.analyzeText(text).sentiment.score, score);
  });

  it('labels the short complaints of issue 10 negative and finds the bank each names', () => {
    const posts: Array<[string, string | undefined]> = [
      ['等了半个月额度还没批下来，心累', undefined],
      ['招行客服每天打三个电话推销，烦死', 'cmb'],
      ['工行app转账又卡住了，钱也不知道到没到', 'icbc'],
      ['这个浦发的审批速度真是服了', 'spdb'],
      ['中信说好的返现一直不到账，找客服也没用', 'citic'],
      ['民生的催收电话打到我单位去了，太过分', 'cmbc'],
    ];
    for (const [text, bank] of posts) {
      const a = analyzer.analyzeText(text);
      assert.equal(a.sentiment.label, 'negative', `${text}: ${a.sentiment.score}`);
      assert.deepEqual(
        a.institutions.map((h) => h.id),
        bank ? [bank] : [],
        text,
      );
      if (bank) assert.equal(a.institutions[0]?.sentiment, 'negative', text);
    }
  });
});
