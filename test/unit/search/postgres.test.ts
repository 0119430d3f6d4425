import assert from 'node:assert/strict';
import pg from 'pg';
import { silentLogger } from '../../../lib/logger.js';
import { SearchUnavailableError } from '../../../store/search/errors.js';
import { migrateSearch } from '../../../store/search/postgres/migrations.js';
import { PgSearchIndex } from '../../../store/search/postgres/pg-index.js';
import { DOCS } from './docs.js';
import { freshSchema, testDatabaseUrl } from './pg-env.js';

const url = testDatabaseUrl('PgSearchIndex');
const NOW = new Date('2026-11-30T08:00:00.000Z');

(url ? describe : describe.skip)('PgSearchIndex', () => {
  const dbUrl = url ?? '';
  let schema: { schema: string; drop: () => Promise<void> };
  let index: PgSearchIndex;

  beforeEach(async () => {
    schema = await freshSchema(dbUrl);
    index = new PgSearchIndex({ url: dbUrl, schema: schema.schema, log: silentLogger(), now: () => NOW });
  });
  afterEach(async () => {
    await index.close();
    await schema.drop();
  });

  it('applies its versioned migrations once, even from several processes at once', async () => {
    const pools = [0, 1, 2].map(() => new pg.Pool({ connectionString: dbUrl, options: `-c search_path=${schema.schema}` }));
    const applied = await Promise.all(pools.map((p) => migrateSearch(p)));
    assert.deepEqual(applied.flat(), [1]);
    assert.deepEqual(await migrateSearch(pools[0] as pg.Pool), []);
    const cols = await pools[0]?.query<{ data_type: string }>(
      "SELECT data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'search_mentions' AND column_name = 'tsv'",
      [schema.schema],
    );
    assert.equal(cols?.rows[0]?.data_type, 'tsvector');
    await Promise.all(pools.map((p) => p.end()));
  });

  it('replaces a document indexed again under the same id and keeps only the retention window', async () => {
    await index.index(DOCS);
    const first = DOCS[0] ?? assert.fail();
    await index.index([{ ...first, analysis: { ...first.analysis, sentiment: { label: 'positive', score: 0.1 }, tokens: ['工商银行', '表扬'] } }]);
    const praised = await index.search({ q: '表扬', limit: 10 });
    assert.deepEqual(
      praised.items.map((m) => [m.id, m.analysis?.sentiment.label]),
      [['weibo:1001', 'positive']],
    );
    assert.equal((await index.search({ limit: 50 })).items.length, DOCS.length);
    const later = new PgSearchIndex({ url: dbUrl, schema: schema.schema, log: silentLogger(), retentionMonths: 1 });
    const { deleted } = await later.applyRetention(new Date('2026-12-15T00:00:00.000Z'));
    await later.close();
    assert.deepEqual(deleted, [`${DOCS.length} mentions published before 2026-12-01T00:00:00.000Z`]);
    assert.equal((await index.search({ limit: 50 })).items.length, 0);
  });

  it('answers 503 when PostgreSQL cannot be reached, without the password in the message', async () => {
    const down = new PgSearchIndex({ url: 'postgres://radar:pg-s3cret@127.0.0.1:1/radar', log: silentLogger() });
    await assert.rejects(down.search({ q: '信用卡', limit: 5 }), (err: unknown) => {
      assert.ok(err instanceof SearchUnavailableError, String(err));
      assert.equal(err.statusCode, 503);
      assert.ok(!err.message.includes('pg-s3cret'));
      return true;
    });
    await down.close();
  });
});
