import assert from 'node:assert/strict';
import { silentLogger } from '../../../lib/logger.js';
import { ElasticsearchSearchIndex } from '../../../store/search/elasticsearch/es-index.js';
import { errorReply, FakeElasticsearch } from '../../unit/search/es-fake.js';
import { type Harness, startHarness } from './harness.js';

describe('API search and reports on the configured search index', () => {
  let h: Harness;
  let es: FakeElasticsearch;
  let index: ElasticsearchSearchIndex;

  before(async () => {
    es = await FakeElasticsearch.start();
    index = new ElasticsearchSearchIndex({ url: es.url, log: silentLogger() });
    h = await startHarness({ search: index });
  });
  after(async () => {
    await h.close();
    await index.close();
    await es.close();
  });

  it('answers 503 search_unavailable with Retry-After while Elasticsearch is down, and the rest of the API keeps working', async () => {
    es.reply = () => errorReply(503, 'cluster_block_exception', 'blocked by: [SERVICE_UNAVAILABLE/1/state not recovered / initialized];');
    for (const path of [
      '/api/v1/mentions?q=%E4%BF%A1%E7%94%A8%E5%8D%A1',
      '/api/v1/reports/sentiment?interval=hour',
      '/api/v1/reports/share-of-voice',
      '/api/v1/reports/top-terms',
    ]) {
      const res = await h.json('GET', path, { role: 'consumer' });
      assert.equal(res.status, 503, path);
      assert.equal(res.body.error.code, 'search_unavailable', path);
      assert.match(res.body.error.message, /Elasticsearch is unavailable .*HTTP 503 cluster_block_exception/);
      assert.equal(res.headers.get('retry-after'), '30');
    }
    assert.equal((await h.json('GET', '/api/v1/alerts', { role: 'admin' })).status, 200, 'cases come from the store, not the index');
  });

  it('sends the search to the index and answers the same shape as the embedded backend', async () => {
    es.reply = (req) =>
      req.path.endsWith('/_search')
        ? {
            body: {
              took: 1,
              timed_out: false,
              _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
              hits: { max_score: null, hits: [] },
              aggregations: { t: { doc_count_error_upper_bound: 0, sum_other_doc_count: 0, buckets: [{ key: '信用卡', doc_count: 7 }] } },
            },
          }
        : { body: {} };
    const search = await h.json('GET', '/api/v1/mentions?q=%E4%BF%A1%E7%94%A8%E5%8D%A1&limit=5', { role: 'consumer' });
    assert.equal(search.status, 200);
    assert.deepEqual(search.body.items, []);
    const terms = await h.json('GET', '/api/v1/reports/top-terms?from=2025-11-01T00:00:00Z&to=2025-11-23T00:00:00Z&limit=5', { role: 'consumer' });
    assert.equal(terms.status, 200);
    assert.deepEqual(terms.body, { from: '2025-11-01T00:00:00.000Z', to: '2025-11-23T00:00:00.000Z', items: [{ term: '信用卡', count: 7 }] });
    assert.ok(es.find('POST', /^\/radar-mentions\/_search$/).length >= 2);
  });

  it('names the bad field of a top-terms request', async () => {
    const res = await h.json('GET', '/api/v1/reports/top-terms?limit=0', { role: 'consumer' });
    assert.equal(res.status, 400);
    assert.match(JSON.stringify(res.body.error.details), /query\.limit/);
  });
});

describe('API top terms on the embedded store', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it('counts the tokens of the seeded mentions', async () => {
    const res = await h.json('GET', '/api/v1/reports/top-terms?from=2025-11-01T00:00:00Z&to=2025-11-23T00:00:00Z&limit=3', { role: 'consumer' });
    assert.equal(res.status, 200);
    assert.equal(res.body.items.length, 3);
    for (const t of res.body.items) assert.ok(t.count >= 1 && [...t.term].length >= 2, JSON.stringify(t));
    assert.ok(res.body.items[0].count >= res.body.items[2].count);
  });
});
