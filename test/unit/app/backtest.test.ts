import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createAnalyzer } from '../../../analysis/index.js';
import { backtest } from '../../../app/backtest.js';
import { buildCardFeeScenario } from '../../../app/demo/scenario/card-fee.js';
import type { FixtureItem } from '../../../app/demo/servers/base.js';
import { loadConfig, projectPath } from '../../../config/load.js';
import { parseRules } from '../../../escalation/rules.js';
import type { Mention, SourceType } from '../../../lib/domain.js';
import { mentionId } from '../../../lib/ids.js';
import { silentLogger } from '../../../lib/logger.js';
import { createStore } from '../../../store/index.js';
import type { Store } from '../../../store/store.js';

// The demo roster routes every role to a webhook, so the pages the rules would send can be counted.
const config = loadConfig({ files: [projectPath('config/demo.yaml')], overrides: { store: { dataDir: ':memory:' } } });
const rulesYaml = readFileSync(projectPath('config/escalation.yaml'), 'utf8');
const now = new Date('2025-11-22T04:00:00.000Z');

function toMention(source: string, sourceType: SourceType, item: FixtureItem): Mention {
  return {
    id: mentionId(source, item.id),
    source,
    sourceType,
    nativeId: item.id,
    title: item.title,
    text: item.text,
    author: { key: item.author.id, name: item.author.name, isMedia: item.media ?? false, verifiedType: item.author.verifiedType },
    publishedAt: item.publishedAt,
    fetchedAt: item.publishedAt,
    contentHash: `${source}:${item.id}`,
  };
}

/** Stores the demo scenario's posts, analysed by the real analyzer, as a production store would hold them. */
async function historyStore(): Promise<Store> {
  const store = await createStore(config.store, { log: silentLogger() });
  const analyzer = createAnalyzer(config);
  const mentions: Mention[] = [];
  for (const phase of buildCardFeeScenario(now).phases) {
    mentions.push(...phase.weibo.map((i) => toMention('weibo', 'social', i)));
    mentions.push(...phase.heimao.map((i) => toMention('heimao', 'complaint', i)));
    mentions.push(...phase.jutousu.map((i) => toMention('jutousu', 'complaint', i)));
    mentions.push(...phase.news.map((i) => toMention('news-rss', 'news', { ...i, media: true })));
  }
  await store.upsertMentions(mentions);
  for (const m of mentions) await store.completeMention(m.id, analyzer.analyze(m, m.fetchedAt), undefined, m.fetchedAt);
  return store;
}

describe('radar backtest (replay stored mentions through a rule set)', function () {
  this.timeout(60_000);
  let store: Store;
  const range = { from: '2025-11-22T02:00:00.000Z', to: '2025-11-22T08:00:00.000Z' };

  before(async () => {
    store = await historyStore();
  });
  after(async () => {
    await store?.close();
  });

  it('with the shipped rules: one case for the fee issue, opened L1 and promoted to L2 then L3 at the posts’ times', async () => {
    const result = await backtest(store, parseRules(rulesYaml), config, range);
    const fee = result.cases.filter((c) => c.institution === 'example_bank');
    assert.equal(fee.length, 1, JSON.stringify(result.cases.map((c) => [c.institution, c.title])));
    const c = fee[0]!;
    assert.equal(c.openedTier, 'L1');
    assert.equal(c.finalTier, 'L3');
    const path = c.transitions.filter((t) => t.type === 'opened' || t.type === 'promoted').map((t) => `${t.type}:${t.tier}`);
    assert.deepEqual(path, ['opened:L1', 'promoted:L2', 'promoted:L3']);
    // Simulated time: the case opens when the first complaint was published, not when the backtest ran.
    assert.equal(c.openedAt, buildCardFeeScenario(now).phases[0]!.heimao[0]!.publishedAt);
    assert.ok(c.distinctAuthors >= 10);
    assert.ok(c.notifications > 0, 'the pages it would have sent are listed');
  });

  it('a stricter rule set (L2 at 20 complainants) skips L2 and notifies no one for real', async () => {
    const strict = parseRules(rulesYaml.replaceAll('minDistinctComplainants: 10', 'minDistinctComplainants: 20'));
    const result = await backtest(store, strict, config, range);
    const c = result.cases.find((x) => x.institution === 'example_bank')!;
    const path = c.transitions.filter((t) => t.type === 'opened' || t.type === 'promoted').map((t) => `${t.type}:${t.tier}`);
    assert.deepEqual(path, ['opened:L1', 'promoted:L3']);
    // The history store is untouched: no case was written there.
    assert.equal((await store.listCases({ limit: 10 })).items.length, 0);
    assert.equal((await store.listNotifications(c.caseId)).length, 0);
  });
});
