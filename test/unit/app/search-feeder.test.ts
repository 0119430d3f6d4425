import assert from 'node:assert/strict';
import { INDEX_JOB, reindex, SearchFeeder } from '../../../app/search.js';
import { silentLogger } from '../../../lib/logger.js';
import { MemoryQueue } from '../../../queue/memory.js';
import { ElasticsearchSearchIndex } from '../../../store/search/elasticsearch/es-index.js';
import { SqliteStore } from '../../../store/sqlite/sqlite-store.js';
import { DOCS } from '../search/docs.js';
import { bulkReply, errorReply, FakeElasticsearch } from '../search/es-fake.js';

const NOW = new Date('2026-11-30T08:00:00.000Z');
const sentIds = (es: FakeElasticsearch) =>
  es.find('POST', /^\/_bulk$/).map((r) => (r.body as Array<{ index?: { _id: string } }>).flatMap((l) => (l.index ? [l.index._id] : [])));

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !cond(); i++) await new Promise((r) => setImmediate(r));
  assert.ok(cond(), 'condition not reached');
}

describe('search indexing job (SQLite store → Elasticsearch)', () => {
  let es: FakeElasticsearch;
  let store: SqliteStore;
  let index: ElasticsearchSearchIndex;

  beforeEach(async () => {
    es = await FakeElasticsearch.start();
    store = new SqliteStore({ path: ':memory:', log: silentLogger() });
    index = new ElasticsearchSearchIndex({ url: es.url, log: silentLogger(), now: () => NOW, bulkRetryWaitMs: 1 });
    await store.upsertMentions(DOCS.map(({ analysis: _a, ...m }) => m));
  });
  afterEach(async () => {
    await index.close();
    await store.close();
    await es.close();
  });

  it('keeps ingesting while Elasticsearch is down and drains the backlog once it is back', async () => {
    const delays: number[] = [];
    const fire: Array<() => void> = [];
    const queue = new MemoryQueue({
      log: silentLogger(),
      timers: { setTimeout: (fn, ms) => delays.push(ms) && fire.push(fn), clearTimeout: () => undefined },
    });
    const feeder = new SearchFeeder({ store, index, queue, log: silentLogger(), batchSize: 4 });
    feeder.register();
    let up = false;
    es.reply = (req) =>
      up || req.path !== '/_bulk'
        ? req.path === '/_bulk'
          ? bulkReply(req.body as unknown[])
          : { body: { acknowledged: true } }
        : errorReply(503, 'unavailable_shards_exception', 'primary shard is not active');

    for (const d of DOCS) {
      await store.completeMention(d.id, d.analysis, undefined, NOW.toISOString());
      feeder.completed(d.id);
    }
    await feeder.flush();
    await until(() => fire.length === 2);
    assert.deepEqual(delays, [30_000, 30_000], 'both jobs wait without spending an attempt');
    assert.equal((await queue.stats()).failed, 0);
    assert.equal((await store.getMention('weibo:1004'))?.processedAt, NOW.toISOString(), 'the store took everything meanwhile');

    up = true;
    for (const f of fire.splice(0)) f();
    await queue.drain();
    const delivered = sentIds(es).slice(-2).flat().sort();
    assert.deepEqual(delivered, DOCS.map((d) => d.id).sort());
    assert.equal((await queue.stats()).failed, 0);
    await queue.close();
  });

  it('queues a full batch as soon as it is complete, the rest on flush', async () => {
    const queue = new MemoryQueue({ log: silentLogger() });
    const feeder = new SearchFeeder({ store, index, queue, log: silentLogger(), batchSize: 4 });
    feeder.register();
    for (const d of DOCS) {
      await store.completeMention(d.id, d.analysis, undefined, NOW.toISOString());
      feeder.completed(d.id);
    }
    await queue.drain();
    assert.deepEqual(sentIds(es), [DOCS.slice(0, 4).map((d) => d.id)]);
    await feeder.flush();
    await queue.drain();
    assert.deepEqual(
      sentIds(es)[1],
      DOCS.slice(4).map((d) => d.id),
    );
    await queue.close();
  });

  it('indexes what the store holds for each id and skips ids without an analysis', async () => {
    await store.completeMention('weibo:1001', DOCS[0]?.analysis ?? assert.fail(), undefined, NOW.toISOString());
    const queue = new MemoryQueue({ log: silentLogger() });
    const feeder = new SearchFeeder({ store, index, queue, log: silentLogger() });
    await feeder.run(['weibo:1001', 'heimao:2001', 'weibo:nope']);
    assert.deepEqual(sentIds(es), [['weibo:1001']]);
    assert.equal(INDEX_JOB, 'search-index');
    await queue.close();
  });

  it('reindexes a publish range from the store, idempotently', async () => {
    for (const d of DOCS) await store.completeMention(d.id, d.analysis, undefined, NOW.toISOString());
    const range = { from: '2026-11-20T12:00:00.000Z', to: '2026-11-22T00:00:00.000Z', batchSize: 2 };
    assert.equal(await reindex(store, index, range), 4);
    assert.equal(await reindex(store, index, range), 4);
    const [first, second] = [sentIds(es).slice(0, 2).flat(), sentIds(es).slice(2).flat()];
    assert.deepEqual(first, ['heimao:2001', 'weibo:1002', 'news:3001', 'weibo:1003']);
    assert.deepEqual(second, first, 'the same documents under the same ids: nothing is duplicated');
    assert.equal(es.find('GET', /^\/radar-mentions\/_refresh$/).length, 2);
  });
});
