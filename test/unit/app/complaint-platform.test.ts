import assert from 'node:assert/strict';
import { createAnalyzer } from '../../../analysis/index.js';
import type { Config } from '../../../config/schema.js';
import { iso } from '../../../lib/clock.js';
import type { Mention } from '../../../lib/domain.js';
import { type Harness, harness } from '../escalation/helpers.js';
import { testProcessor } from './processor.js';

function post(id: string, text: string, extra: Partial<Mention>): Mention {
  return {
    id: `${extra.source}:${id}`,
    source: 'heimao',
    sourceType: 'complaint',
    nativeId: id,
    text,
    author: { key: `user-${id}`, name: `用户${id}`, isMedia: false },
    publishedAt: '2025-11-22T01:50:00.000Z',
    fetchedAt: '2025-11-22T02:00:00.000Z',
    contentHash: `h-${id}`,
    ...extra,
  };
}

/** The model never says negative (explicit threshold override): what counts must not depend on its score. */
const notNegative = (config: Config): Config => ({ ...config, analysis: { ...config.analysis, negativeThreshold: 1 } });

/** Runs the real pipeline once over the stored mentions, escalating through the harness's service. */
async function runPipeline(h: Harness, analyzer: ReturnType<typeof createAnalyzer>): Promise<void> {
  const processor = testProcessor({ store: h.store, analyzer, config: h.config, clock: h.clock }, { onEventUpdated: (e) => h.service.onEventUpdated(e) });
  await processor.drainUnprocessed();
}

describe('complaint platforms and 1–2-star reviews are complaints by construction (pipeline → escalation)', function () {
  this.timeout(30_000);
  const cases = [
    { name: '黑猫投诉', mention: post('17378', '招商银行信用卡账单分期相关事宜，请尽快联系我核实处理', { source: 'heimao', sourceType: 'complaint' }) },
    {
      name: 'a 1-star app review',
      mention: post('r9', '招商银行掌上生活app，更新了新版本，请看一下', { source: 'appstore', sourceType: 'social', rating: 1 }),
    },
  ];
  for (const c of cases) {
    it(`${c.name} about a watched bank opens an L1 case even when its text reads neutral`, async () => {
      const h = await harness();
      try {
        const analyzer = createAnalyzer(notNegative(h.config));
        const analysis = analyzer.analyze(c.mention, iso(h.clock.now()));
        // The premise: the model does not read this text as negative; its score is still stored and shown.
        assert.notEqual(analysis.sentiment.label, 'negative');
        assert.equal(analysis.primaryInstitution, 'cmb');
        await h.store.upsertMentions([c.mention]);
        await runPipeline(h, analyzer);
        const [event] = (await h.store.listEvents({ limit: 5 })).items;
        assert.ok(event);
        assert.equal(event.distinctComplainants, 1);
        assert.equal(event.negativeCount, 0);
        const opened = await h.store.getCaseByEvent(event.id);
        assert.equal(opened?.tier, 'L1');
        assert.equal(opened?.owner, 'customer_service');
        assert.equal(opened?.institution, 'cmb');
        const [view] = await h.store.listEventMentions(event.id, 5);
        assert.equal(view?.analysis?.sentiment.score, analysis.sentiment.score);
      } finally {
        await h.store.close();
      }
    });
  }

  it('a neutral Weibo post naming the same bank opens nothing', async () => {
    const h = await harness();
    try {
      const m = post('w1', '招商银行信用卡账单分期相关事宜，请尽快联系我核实处理', { source: 'weibo', sourceType: 'social' });
      await h.store.upsertMentions([m]);
      const analyzer = createAnalyzer(notNegative(h.config));
      assert.notEqual(analyzer.analyze(m, iso(h.clock.now())).sentiment.label, 'negative');
      await runPipeline(h, analyzer);
      const [event] = (await h.store.listEvents({ limit: 5 })).items;
      assert.equal(event?.distinctComplainants ?? 0, 0);
      assert.equal(event ? await h.store.getCaseByEvent(event.id) : undefined, undefined);
    } finally {
      await h.store.close();
    }
  });
});
