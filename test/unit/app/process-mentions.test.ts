import assert from 'node:assert/strict';
import { createAnalyzer } from '../../../analysis/index.js';
import type { Analyzer } from '../../../analysis/types.js';
import { loadConfig } from '../../../config/load.js';
import { FakeClock } from '../../../lib/clock.js';
import type { Event, Mention } from '../../../lib/domain.js';
import { silentLogger } from '../../../lib/logger.js';
import { createStore } from '../../../store/index.js';
import type { Store } from '../../../store/store.js';
import { testProcessor } from './processor.js';

const config = loadConfig({ overrides: { store: { dataDir: ':memory:' } } });

function complaint(i: number, text: string): Mention {
  return {
    id: `heimao:${1000 + i}`,
    source: 'heimao',
    sourceType: 'complaint',
    nativeId: String(1000 + i),
    text,
    author: { key: `黑猫用户${i}`, name: `黑猫用户${i}`, isMedia: false },
    publishedAt: new Date(Date.parse('2025-11-22T02:00:00.000Z') + i * 60_000).toISOString(),
    fetchedAt: '2025-11-22T03:00:00.000Z',
    contentHash: `h${i}`,
  };
}

describe('processMentions (lease → analyse → cluster → escalate → complete)', function () {
  this.timeout(30_000);
  let store: Store;
  const clock = new FakeClock('2025-11-22T03:00:00.000Z');
  const analyzer = createAnalyzer(config);

  beforeEach(async () => {
    store = await createStore(config.store, { log: silentLogger() });
  });
  afterEach(async () => {
    await store.close();
  });

  it('clusters complaints into one event, escalates it once per batch, and marks every mention processed', async () => {
    const texts = ['示例银行信用卡年费乱收费，客服推诿', '示例银行信用卡被违规扣年费880元，打客服没人管', '示例银行信用卡年费被乱扣，要求退还'];
    await store.upsertMentions(texts.map((t, i) => complaint(i, t)));
    const updates: Event[] = [];
    const completed: string[] = [];
    const processor = testProcessor(
      { store, analyzer, config, clock },
      {
        onEventUpdated: async (e) => {
          updates.push(e);
        },
        onCompleted: (id) => completed.push(id),
      },
    );
    const result = await processor.processMentions(texts.map((_t, i) => `heimao:${1000 + i}`));
    assert.deepEqual(result, { processed: 3, failed: 0, skipped: [] });
    assert.equal(processor.processed(), 3);
    assert.deepEqual(completed.sort(), texts.map((_, i) => complaint(i, '').id).sort(), 'the search indexing feed hears of every saved analysis');
    assert.equal((await store.listUnprocessedMentions(10)).length, 0);
    assert.equal(updates.length, 1, 'one escalation call for the batch');
    assert.equal(updates[0]!.institution, 'example_bank');
    assert.equal(updates[0]!.mentionCount, 3);
    assert.equal(updates[0]!.distinctAuthors, 3);
  });

  it('a mention the analyzer chokes on is skipped and logged; the others go through', async () => {
    await store.upsertMentions([complaint(0, '示例银行信用卡年费乱收费'), complaint(1, '坏数据'), complaint(2, '示例银行信用卡被违规扣年费')]);
    const choking: Analyzer = {
      modelVersion: analyzer.modelVersion,
      analyze: (m, at) => {
        if (m.text === '坏数据') throw new Error('analyzer exploded');
        return analyzer.analyze(m, at);
      },
    };
    const processor = testProcessor({ store, analyzer: choking, config, clock }, { onEventUpdated: async () => undefined });
    assert.equal(await processor.drainUnprocessed(1), 2);
    assert.equal(processor.processed(), 2);
    const left = await store.listUnprocessedMentions(10);
    assert.deepEqual(
      left.map((m) => m.id),
      ['heimao:1001'],
      'the bad one stays stored, unprocessed (and leased: retried when the lease expires)',
    );
  });
});
