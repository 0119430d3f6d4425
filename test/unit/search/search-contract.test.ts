import { silentLogger } from '../../../lib/logger.js';
import { ElasticsearchSearchIndex } from '../../../store/search/elasticsearch/es-index.js';
import { PgSearchIndex } from '../../../store/search/postgres/pg-index.js';
import { StoreSearchIndex } from '../../../store/search/store-index.js';
import { SqliteStore } from '../../../store/sqlite/sqlite-store.js';
import { runSearchContract } from './contract.js';
import { freshSchema, testDatabaseUrl } from './pg-env.js';

runSearchContract('embedded store (SQLite)', async () => {
  const store = new SqliteStore({ path: ':memory:', log: silentLogger() });
  return {
    index: new StoreSearchIndex(store),
    feed: async (docs) => {
      await store.upsertMentions(docs.map(({ analysis: _a, ...m }) => m));
      for (const d of docs) await store.completeMention(d.id, d.analysis, undefined, '2026-11-23T00:00:00.000Z');
    },
    close: () => store.close(),
  };
});

const pgUrl = testDatabaseUrl('SearchIndex contract on PostgreSQL');
if (pgUrl) {
  runSearchContract('PostgreSQL', async () => {
    const { schema, drop } = await freshSchema(pgUrl);
    const index = new PgSearchIndex({ url: pgUrl, schema, log: silentLogger(), retentionMonths: 1200 });
    return {
      index,
      feed: (docs) => index.index(docs),
      close: async () => {
        await index.close();
        await drop();
      },
    };
  });
}

const esUrl = process.env.ELASTICSEARCH_URL;
if (esUrl) {
  runSearchContract(`Elasticsearch at ${new URL(esUrl).host}`, async () => {
    const prefix = `radar-test-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6)}`;
    const index = new ElasticsearchSearchIndex({ url: esUrl, prefix, retentionMonths: 1200, log: silentLogger() });
    return {
      index,
      feed: (docs) => index.index(docs),
      close: async () => {
        await index.dropAll();
        await index.close();
      },
    };
  });
} else {
  console.log('  SearchIndex contract on Elasticsearch: skipped, ELASTICSEARCH_URL is not set');
  describe('SearchIndex contract: Elasticsearch', () => {
    it.skip('runs when ELASTICSEARCH_URL points at an Elasticsearch 9.x server');
  });
}
