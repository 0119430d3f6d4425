import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'mocha';
import { loadConfig, projectPath } from '../../../config/load.js';
import { parseRules } from '../../../escalation/rules.js';
import { createEscalationService } from '../../../escalation/service.js';
import { type Event, emptyEventStats } from '../../../lib/domain.js';
import { silentLogger } from '../../../lib/logger.js';
import { createMetrics } from '../../../lib/metrics.js';
import { type PostSpec, plus, T0, toAnalysis, toMention } from './fixtures.js';
import { type Harness, startHarness } from './harness.js';

const EVENT_ID = 'ev_points';
const example = { id: 'example_bank', name: '示例银行' };
const points = { id: 'card_points', label: '积分权益', businessLine: 'credit_card', cause: 'fees' };

/** Three customers complain about 示例银行's credit-card points; a newspaper's account reports on it. */
const POSTS: PostSpec[] = [
  ['weibo', 'social', '4990000000000101', '示例银行信用卡积分说清零就清零，攒了三年的积分全没了，客服只会让等通知', '积分受害者阿强', false],
  ['heimao', 'complaint', '17345001', '投诉示例银行信用卡中心单方面修改积分规则，已兑换的里程被追回，要求恢复积分', '黑猫用户5520', false],
  ['weibo', 'social', '4990000000000102', '示例银行积分规则改了也不短信通知，打了五次客服电话都说不清楚，太坑了', '上班族小陈', false],
  ['weibo', 'social', '4990000000000103', '【关注】多名持卡人反映示例银行信用卡积分被清零，记者已向该行求证', '财经日报', true],
].map(([source, sourceType, nativeId, text, author, isMedia], i) => ({
  source: source as string,
  sourceType: sourceType as PostSpec['sourceType'],
  nativeId: nativeId as string,
  text: text as string,
  displayText: text as string,
  author: author as string,
  isMedia: isMedia as boolean,
  publishedAt: plus(T0, -40 + i * 5),
  label: 'negative' as const,
  institution: example,
  topics: [points],
  tokens: ['示例银行', '信用卡', '积分', '清零'],
  eventId: EVENT_ID,
}));

describe('API: a case reports its complainants, not its authors', () => {
  let h: Harness;
  let caseId: string;
  let event: Event;

  before(async () => {
    h = await startHarness();
    const config = loadConfig({ env: {}, overrides: { store: { dataDir: ':memory:' } } });
    const rules = parseRules(readFileSync(projectPath(config.escalation.rulesFile), 'utf8'));
    const escalation = createEscalationService({
      store: h.store,
      rules,
      config,
      clock: h.clock,
      log: silentLogger(),
      bus: h.bus,
      metrics: createMetrics({ defaultMetrics: false }),
    });
    await h.store.saveEvent({
      id: EVENT_ID,
      institution: example.id,
      topics: [points.id],
      keyTerms: ['积分', '清零'],
      title: '示例银行信用卡积分被清零',
      simhash: '00ff00ff00ff00ff',
      firstSeenAt: POSTS[0]!.publishedAt,
      lastSeenAt: POSTS.at(-1)!.publishedAt,
      ...emptyEventStats(),
    });
    await h.store.upsertMentions(POSTS.map(toMention));
    for (const p of POSTS) {
      const m = toMention(p);
      event = (await h.store.completeMention(m.id, toAnalysis(p, m), EVENT_ID, plus(p.publishedAt, 3)))!;
    }
    const opened = await escalation.onEventUpdated(event);
    assert.ok(opened, 'the escalation rules open a case for the event');
    caseId = opened.id;
  });
  after(async () => {
    await h.close();
  });

  it('the stored event counts the media account as an author but not as a complainant', () => {
    assert.equal(event.distinctAuthors, 4);
    assert.equal(event.distinctComplainants, 3);
    assert.equal(event.mediaCount, 1);
  });

  it('GET /api/v1/alerts/:id and the board list send complainants = authors − 1', async () => {
    const one = await h.json('GET', `/api/v1/alerts/${caseId}`, { role: 'pr' });
    assert.equal(one.status, 200);
    assert.equal(one.body.distinctAuthors, 4);
    assert.equal(one.body.distinctComplainants, one.body.distinctAuthors - 1);
    const list = await h.json('GET', '/api/v1/alerts?state=active&limit=50', { role: 'pr' });
    assert.equal(list.status, 200);
    const row = list.body.items.find((c: { id: string }) => c.id === caseId);
    assert.deepEqual([row?.distinctAuthors, row?.distinctComplainants], [4, 3]);
  });

  it('the OpenAPI case schemas declare distinctComplainants as a required integer', async () => {
    const { body } = await h.json('GET', '/openapi.json');
    const schemaOf = (path: string) => body.paths[path].get.responses['200'].content['application/json'].schema;
    for (const s of [schemaOf('/api/v1/alerts/{id}'), schemaOf('/api/v1/alerts').properties.items.items]) {
      assert.equal(s.properties.distinctComplainants.type, 'integer');
      assert.ok(s.required.includes('distinctComplainants'));
    }
  });
});
