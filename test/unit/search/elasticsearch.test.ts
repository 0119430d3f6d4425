import assert from 'node:assert/strict';
import { silentLogger } from '../../../lib/logger.js';
import { type ElasticsearchIndexOptions, ElasticsearchSearchIndex } from '../../../store/search/elasticsearch/es-index.js';
import { normalizeHighlight } from '../../../store/search/elasticsearch/highlight.js';
import { indexMonth, monthlyIndex } from '../../../store/search/elasticsearch/mapping.js';
import { SearchUnavailableError } from '../../../store/search/errors.js';
import { DOCS, RAW_PHONE } from './docs.js';
import { bulkReply, type EsRequest, errorReply, FakeElasticsearch, searchReply } from './es-fake.js';

const NOW = new Date('2026-11-30T08:00:00.000Z');
// biome-ignore lint/suspicious/noExplicitAny: request bodies are inspected dynamically
type Json = Record<string, any>;

describe('ElasticsearchSearchIndex against a recording server in Elasticsearch’s format', () => {
  let es: FakeElasticsearch;
  let index: ElasticsearchSearchIndex;
  const open = (o: Partial<ElasticsearchIndexOptions> = {}) =>
    new ElasticsearchSearchIndex({ url: es.url, log: silentLogger(), now: () => NOW, bulkRetryWaitMs: 1, ...o });

  beforeEach(async () => {
    es = await FakeElasticsearch.start();
    index = open();
  });
  afterEach(async () => {
    await index.close();
    await es.close();
  });

  it('puts one index template with an explicit, strict mapping and the read alias', async () => {
    await index.index(DOCS.slice(0, 2));
    await index.index(DOCS.slice(2, 3));
    const puts = es.find('PUT', /^\/_index_template\/radar-mentions$/);
    assert.equal(puts.length, 1, 'the template is put once per process');
    const t = puts[0]?.body as Json;
    assert.deepEqual(t.index_patterns, ['radar-mentions-*']);
    assert.deepEqual(t.template.aliases, { 'radar-mentions': {} });
    assert.deepEqual(t.template.settings.analysis.analyzer.jieba_tokens, { type: 'custom', tokenizer: 'whitespace', filter: ['lowercase'] });
    const m = t.template.mappings;
    assert.equal(m.dynamic, 'strict');
    for (const f of ['id', 'source', 'sourceType', 'institution', 'institutions', 'topics', 'sentiment', 'terms'])
      assert.equal(m.properties[f].type, 'keyword', f);
    assert.equal(m.properties.publishedAt.type, 'date');
    assert.deepEqual(m.properties.tokens, { type: 'text', analyzer: 'jieba_tokens', norms: false });
    assert.equal(m.properties.displayText.index_options, 'offsets');
    assert.deepEqual(m.properties.view, { type: 'object', enabled: false });
  });

  it('bulk-indexes by mention id into the monthly index of the publish month, masked text only', async () => {
    await index.index(DOCS);
    const [bulk] = es.find('POST', /^\/_bulk$/);
    const lines = bulk?.body as Json[];
    assert.equal(lines.length, DOCS.length * 2);
    assert.deepEqual(lines[0], { index: { _index: 'radar-mentions-2026.11', _id: 'weibo:1001' } });
    const doc = lines[1] as Json;
    assert.equal(doc.tokens, '工商银行 信用卡 突然 降额 客服 电话 不接');
    assert.deepEqual(doc.terms, ['工商银行', '信用卡', '突然', '降额', '客服', '电话', '不接']);
    assert.equal(doc.institution, 'icbc');
    assert.equal(doc.sentiment, 'negative');
    assert.equal(doc.view.text, '工商银行信用卡突然降额，打客服电话一直不接，回电138****1234');
    assert.ok(!JSON.stringify(lines).includes(RAW_PHONE), 'the raw text never leaves the store');
    assert.equal((lines[9] as Json).institution, '', 'no primary institution is stored as the empty keyword');
    assert.equal(monthlyIndex('radar-mentions', '2027-01-01T00:30:00+08:00'), 'radar-mentions-2026.12', 'months are UTC months');
  });

  it('retries the documents rejected with 429 and sends only those again', async () => {
    let bulks = 0;
    es.reply = (req) => {
      if (req.path !== '/_bulk') return { body: { acknowledged: true } };
      bulks++;
      return bulkReply(req.body as unknown[], (id) => (bulks === 1 && id === 'heimao:2001' ? 429 : 201));
    };
    await index.index(DOCS.slice(0, 3));
    const sent = es.find('POST', /^\/_bulk$/).map((r) => (r.body as Json[]).filter((_, i) => i % 2 === 0).map((a) => a.index._id));
    assert.deepEqual(sent, [['weibo:1001', 'heimao:2001', 'weibo:1002'], ['heimao:2001']]);
  });

  it('reports documents still rejected with 429 after the retries as unavailable (the job retries later)', async () => {
    await index.close();
    index = open({ bulkRetries: 1 });
    es.reply = (req) => (req.path === '/_bulk' ? bulkReply(req.body as unknown[], () => 429) : { body: { acknowledged: true } });
    await assert.rejects(index.index(DOCS.slice(0, 2)), (err: unknown) => {
      assert.ok(err instanceof SearchUnavailableError);
      assert.equal(err.statusCode, 503);
      assert.match(err.message, /rejected 2 of 2 documents \(HTTP 429\)/);
      return true;
    });
    assert.equal(es.find('POST', /^\/_bulk$/).length, 2);
  });

  it('skips documents older than the retention window (they would re-create a deleted index)', async () => {
    await index.close();
    index = open({ retentionMonths: 1 });
    await index.index(DOCS);
    assert.equal(es.find('POST', /^\/_bulk$/).length, 1);
    await index.close();
    index = open({ retentionMonths: 1, now: () => new Date('2026-12-01T00:00:00.000Z') });
    await index.index(DOCS);
    assert.equal(es.find('POST', /^\/_bulk$/).length, 1, 'November is out of a one-month window in December');
  });

  it('searches with term filters, a time range, search_after paging and an html-encoded highlight', async () => {
    const view = { ...DOCS[5], text: DOCS[5]?.analysis.displayText };
    es.reply = () =>
      searchReply([
        {
          _id: 'weibo:1004',
          _source: { view },
          highlight: { displayText: ['招商银行<mark>信</mark><mark>用</mark><mark>卡</mark>也被降额了 &lt;b&gt;气死&lt;&#x2F;b&gt; &amp; 无语'] },
          sort: [Date.parse('2026-11-22T05:00:00.000Z'), 'weibo:1004'],
        },
        { _id: 'news:3001', _source: { view: { ...DOCS[3] } }, sort: [Date.parse('2026-11-21T02:00:00.000Z'), 'news:3001'] },
      ]);
    const cursor = Buffer.from(JSON.stringify({ t: Date.parse('2026-11-23T00:00:00.000Z'), id: 'weibo:9' })).toString('base64url');
    const page = await index.search({ q: '信用卡 降额', institution: 'cmb', topic: 'credit_limit', from: '2026-11-01T00:00:00.000Z', limit: 1, cursor });
    const req = es.find('POST', /^\/radar-mentions\/_search$/)[0] as EsRequest;
    const body = req.body as Json;
    assert.equal(body.size, 2, 'one more than the page to know whether another page follows');
    assert.deepEqual(body.query.bool.filter, [
      { match: { tokens: { query: '信用卡', operator: 'and' } } },
      { match: { tokens: { query: '降额', operator: 'and' } } },
      { range: { publishedAt: { gte: '2026-11-01T00:00:00.000Z' } } },
      { term: { institution: 'cmb' } },
      { term: { topics: 'credit_limit' } },
    ]);
    assert.deepEqual(body.sort, [{ publishedAt: 'desc' }, { id: 'desc' }]);
    assert.deepEqual(body.search_after, [Date.parse('2026-11-23T00:00:00.000Z'), 'weibo:9']);
    assert.equal(body.highlight.encoder, 'html');
    assert.equal(body.highlight.fields.displayText.number_of_fragments, 0);
    assert.equal(page.items.length, 1);
    assert.equal(page.items[0]?.highlight, '招商银行<mark>信用卡</mark>也被降额了 &lt;b&gt;气死&lt;/b&gt; &amp; 无语');
    assert.deepEqual(JSON.parse(Buffer.from(page.nextCursor ?? '', 'base64url').toString()), { t: Date.parse('2026-11-22T05:00:00.000Z'), id: 'weibo:1004' });
  });

  it('asks for the sentiment series as a date_histogram in Asia/Shanghai and zero-fills the buckets', async () => {
    const shanghaiMidnight = (d: string) => Date.parse(`${d}T00:00:00+08:00`);
    es.reply = () =>
      searchReply([], {
        g: {
          doc_count_error_upper_bound: 0,
          sum_other_doc_count: 0,
          buckets: [
            {
              key: 'icbc',
              doc_count: 3,
              t: {
                buckets: [
                  {
                    key_as_string: '2026-11-20T00:00:00.000+08:00',
                    key: shanghaiMidnight('2026-11-20'),
                    doc_count: 2,
                    s: { buckets: [{ key: 'negative', doc_count: 2 }] },
                  },
                  {
                    key_as_string: '2026-11-21T00:00:00.000+08:00',
                    key: shanghaiMidnight('2026-11-21'),
                    doc_count: 1,
                    s: { buckets: [{ key: 'neutral', doc_count: 1 }] },
                  },
                ],
              },
            },
          ],
        },
      });
    const points = await index.sentimentSeries({
      from: '2026-11-19T16:00:00.000Z',
      to: '2026-11-22T16:00:00.000Z',
      interval: 'day',
      groupBy: 'institution',
      source: 'weibo',
    });
    const body = es.requests[0]?.body as Json;
    assert.equal(body.size, 0, 'an aggregation, not a document pull');
    assert.deepEqual(body.aggs.g.terms, { field: 'institution', size: 1000 });
    assert.deepEqual(body.aggs.g.aggs.t.date_histogram, { field: 'publishedAt', calendar_interval: '1d', time_zone: 'Asia/Shanghai', min_doc_count: 1 });
    assert.deepEqual(body.aggs.g.aggs.t.aggs.s.terms, { field: 'sentiment', size: 3 });
    assert.deepEqual(body.query.bool.filter, [
      { range: { publishedAt: { gte: Date.parse('2026-11-19T16:00:00.000Z'), lt: Date.parse('2026-11-22T16:00:00.000Z'), format: 'epoch_millis' } } },
      { term: { source: 'weibo' } },
    ]);
    assert.deepEqual(
      points.map((p) => [p.bucket, p.group, p.negative, p.neutral, p.total]),
      [
        ['2026-11-20', 'icbc', 2, 0, 2],
        ['2026-11-21', 'icbc', 0, 1, 1],
        ['2026-11-22', 'icbc', 0, 0, 0],
      ],
    );
  });

  it('answers share of voice and top terms from terms aggregations', async () => {
    es.reply = (req) =>
      (req.body as Json).aggs.i
        ? searchReply([], {
            i: {
              buckets: [
                {
                  key: 'cmb',
                  doc_count: 2,
                  s: {
                    buckets: [
                      { key: 'negative', doc_count: 1 },
                      { key: 'positive', doc_count: 1 },
                    ],
                  },
                },
                {
                  key: 'icbc',
                  doc_count: 3,
                  s: {
                    buckets: [
                      { key: 'negative', doc_count: 2 },
                      { key: 'neutral', doc_count: 1 },
                    ],
                  },
                },
              ],
            },
          })
        : searchReply([], {
            t: {
              buckets: [
                { key: '信用卡', doc_count: 4 },
                { key: '降额', doc_count: 3 },
              ],
            },
          });
    assert.deepEqual(await index.shareOfVoice('2026-11-19T16:00:00.000Z', '2026-11-22T16:00:00.000Z'), [
      { institution: 'icbc', mentions: 3, negative: 2, positive: 0, neutral: 1 },
      { institution: 'cmb', mentions: 2, negative: 1, positive: 1, neutral: 0 },
    ]);
    assert.deepEqual((es.requests[0]?.body as Json | undefined)?.query.bool.must_not, [{ term: { institution: '' } }]);
    const terms = await index.topTerms({ from: '2026-11-20T00:00:00.000Z', to: '2026-11-23T00:00:00.000Z', sentiment: 'negative', limit: 10 });
    assert.deepEqual(terms, [
      { term: '信用卡', count: 4 },
      { term: '降额', count: 3 },
    ]);
    const agg = (es.requests[1]?.body as Json | undefined)?.aggs.t.terms;
    assert.deepEqual(agg, { field: 'terms', size: 10, shard_size: 100, order: [{ _count: 'desc' }, { _key: 'asc' }] });
  });

  it('deletes whole monthly indices older than the retention window', async () => {
    await index.close();
    index = open({ retentionMonths: 2 });
    es.reply = (req) =>
      req.method === 'GET'
        ? {
            body: Object.fromEntries(
              ['radar-mentions-2026.08', 'radar-mentions-2026.09', 'radar-mentions-2026.10', 'radar-mentions-2026.11'].map((n) => [n, { aliases: {} }]),
            ),
          }
        : { body: { acknowledged: true } };
    const { deleted } = await index.applyRetention(NOW);
    assert.deepEqual(deleted, ['radar-mentions-2026.08', 'radar-mentions-2026.09']);
    assert.deepEqual(
      es.find('DELETE', /.*/).map((r) => r.path),
      ['/radar-mentions-2026.08,radar-mentions-2026.09'],
    );
    assert.equal(indexMonth('radar-mentions', 'radar-mentions-2026.10'), Date.UTC(2026, 9, 1));
    assert.equal(indexMonth('radar-mentions', 'other-2026.10'), undefined);
  });

  it('drops its indices by name (wildcard deletes are refused by default) and its template', async () => {
    es.reply = (req) =>
      req.method === 'GET'
        ? { body: { 'radar-mentions-2026.10': { aliases: {} }, 'radar-mentions-2026.11': { aliases: {} } } }
        : { body: { acknowledged: true } };
    await index.dropAll();
    assert.deepEqual(
      es.find('DELETE', /.*/).map((r) => r.path),
      ['/radar-mentions-2026.10,radar-mentions-2026.11', '/_index_template/radar-mentions'],
    );
  });

  it('maps an overloaded or unreachable Elasticsearch to 503 with no credentials in the message', async () => {
    es.reply = () => errorReply(503, 'cluster_block_exception', 'blocked by: [SERVICE_UNAVAILABLE/1/state not recovered / initialized];');
    await assert.rejects(
      index.search({ q: '信用卡', limit: 5 }),
      (err: unknown) => err instanceof SearchUnavailableError && /HTTP 503 cluster_block_exception/.test(err.message),
    );
    es.reply = () => errorReply(401, 'security_exception', 'unable to authenticate user [elastic]');
    const secret = 's3cret-pw';
    const authed = open({ url: es.url.replace('http://', `http://elastic:${secret}@`) });
    await assert.rejects(authed.sentimentSeries({ from: '2026-11-20T00:00:00Z', to: '2026-11-21T00:00:00Z', interval: 'hour' }), (err: unknown) => {
      assert.ok(err instanceof SearchUnavailableError);
      assert.match(err.message, /refused the configured credentials/);
      assert.ok(!JSON.stringify(err.toJSON()).includes(secret) && !err.message.includes(secret));
      return true;
    });
    assert.equal(es.requests.at(-1)?.headers.authorization, `Basic ${Buffer.from(`elastic:${secret}`).toString('base64')}`);
    await authed.close();
    es.reply = () => errorReply(400, 'search_phase_execution_exception', 'all shards failed');
    await assert.rejects(index.topTerms({ from: '2026-11-20T00:00:00Z', to: '2026-11-21T00:00:00Z', limit: 5 }), (err: unknown) => {
      return !(err instanceof SearchUnavailableError) && /top terms failed: HTTP 400 search_phase_execution_exception/.test((err as Error).message);
    });
    const url = es.url;
    await es.close();
    const down = open({ url: url.replace('http://', `http://elastic:${secret}@`) });
    await assert.rejects(down.shareOfVoice('2026-11-20T00:00:00Z', '2026-11-21T00:00:00Z'), (err: unknown) => {
      assert.ok(err instanceof SearchUnavailableError, String(err));
      assert.match(err.message, /unreachable for share of voice \(ConnectionError\)/);
      assert.ok(!err.message.includes(secret));
      return true;
    });
    await down.close();
    es = await FakeElasticsearch.start();
  });

  it('normalizes Lucene’s html encoding to the project’s escaping', () => {
    assert.equal(normalizeHighlight('a&#x2F;b &#x27;q&#x27; &quot;<mark>工</mark><mark>行</mark>&quot;'), 'a/b &#39;q&#39; &quot;<mark>工行</mark>&quot;');
    assert.equal(normalizeHighlight('&lt;mark&gt;x'), '&lt;mark&gt;x', 'a literal <mark> in a post stays text');
  });
});
