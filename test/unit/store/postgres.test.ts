import assert from 'node:assert/strict';
import { CriticalError } from '../../../lib/errors.js';
import { silentLogger } from '../../../lib/logger.js';
import { createStore } from '../../../store/index.js';
import { createPool, lockKey } from '../../../store/postgres/db.js';
import { migratePg, pgMigrations } from '../../../store/postgres/migrations.js';
import { PgStore } from '../../../store/postgres/pg-store.js';
import { runStoreContract } from './contract.js';
import { analysis, event, mention, PRE_COMPLAINANT_ROWS_SQL, plus } from './fixtures.js';
import { dropSchemas, randomSchema, testDatabaseUrl } from './pg-env.js';

const url = process.env.TEST_DATABASE_URL ?? '';
const schemas: string[] = [];

/** A fresh store in its own schema. */
async function fresh(options: Partial<Parameters<typeof PgStore.open>[0]> = {}): Promise<PgStore> {
  const schema = randomSchema();
  schemas.push(schema);
  return PgStore.open({ connectionString: url, schema, log: silentLogger(), poolSize: 6, ...options });
}

describe('PostgreSQL backend', () => {
  before(function () {
    testDatabaseUrl(this, 'the PostgreSQL store tests');
  });
  after(async () => {
    if (url) await dropSchemas(url, schemas);
  });

  const schemaOf = new WeakMap<object, string>();
  runStoreContract(
    'postgres',
    async () => {
      const s = await fresh();
      schemaOf.set(s, schemas.at(-1)!);
      return s;
    },
    async (first) => PgStore.open({ connectionString: url, schema: schemaOf.get(first)!, log: silentLogger(), poolSize: 6 }),
  );

  describe('PgStore', () => {
    it('applies versioned migrations once, even from two processes at once, and rolls a failing one back', async () => {
      const schema = randomSchema();
      schemas.push(schema);
      const [a, b] = await Promise.all([
        PgStore.open({ connectionString: url, schema, log: silentLogger(), poolSize: 2 }),
        PgStore.open({ connectionString: url, schema, log: silentLogger(), poolSize: 2 }),
      ]);
      const versions = (await a.pool.query('SELECT version FROM schema_version ORDER BY version')).rows.map((r: { version: number }) => r.version);
      assert.deepEqual(
        versions,
        pgMigrations.map((m) => m.version),
      );
      assert.deepEqual(await migratePg(a.pool), []);
      await assert.rejects(
        migratePg(a.pool, [...pgMigrations, { version: 99, name: 'broken', up: 'CREATE TABLE t99 (x INTEGER); INSERT INTO nope VALUES (1);' }]),
      );
      const t99 = await a.pool.query("SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = 't99'", [schema]);
      assert.equal(t99.rowCount, 0);
      assert.equal((await a.pool.query('SELECT 1 FROM schema_version WHERE version = 99')).rowCount, 0);
      await Promise.all([a.close(), b.close()]);
    });

    it('migration 2 gives cases their complainants from their event (authors when the event is gone)', async () => {
      const schema = randomSchema();
      schemas.push(schema);
      const pool = createPool({ connectionString: url, schema, max: 2 });
      try {
        await pool.query(`CREATE SCHEMA "${schema}"`);
        assert.deepEqual(await migratePg(pool, pgMigrations.slice(0, 1)), [1]);
        await pool.query(PRE_COMPLAINANT_ROWS_SQL);
        assert.deepEqual(await migratePg(pool, pgMigrations.slice(0, 2)), [2]);
        const rows = await pool.query({ text: 'SELECT id, distinct_authors, distinct_complainants FROM cases ORDER BY id', rowMode: 'array' });
        assert.deepEqual(rows.rows, [
          ['c_kept', 5, 4],
          ['c_orphan', 3, 3],
        ]);
      } finally {
        await pool.end();
      }
    });

    it('keeps every table in its own schema (search_path on every pooled connection)', async () => {
      const store = await fresh();
      const schema = schemas.at(-1)!;
      await store.upsertMentions([mention({ nativeId: 'sp1', text: '兴业银行', publishedAt: '2025-11-22T02:00:00.000Z' })]);
      const other = createPool({ connectionString: url, max: 1 });
      const where = await other.query("SELECT table_schema FROM information_schema.tables WHERE table_name = 'mentions' AND table_schema = $1", [schema]);
      assert.equal(where.rowCount, 1);
      await other.end();
      const paths = await Promise.all(Array.from({ length: 4 }, () => store.pool.query('SHOW search_path')));
      for (const p of paths) assert.match(p.rows[0].search_path, new RegExp(schema));
      await store.close();
    });

    it('searches jieba tokens and the title through the tsvector, case-insensitively', async function () {
      this.timeout(30_000);
      const { default: jieba } = await import('nodejieba');
      const tokenize = (t: string) => jieba.cut(t).filter((w) => w.trim().length > 0 && !/^[，。！？、\s]+$/.test(w));
      const store = await fresh({ tokenize });
      const m = mention({
        nativeId: 'j1',
        title: '暴力催收投诉',
        text: '招商银行信用卡逾期后遭遇暴力催收，催收员每天打电话骚扰家人。APP也登录不上',
        publishedAt: '2025-11-22T02:00:00.000Z',
      });
      await store.upsertMentions([m]);
      await store.completeMention(m.id, analysis(m, { tokens: tokenize(m.text), institution: 'cmb' }), undefined, m.publishedAt);
      const r = await store.searchMentions({ q: '招商银行暴力催收', limit: 5 });
      assert.deepEqual(
        r.items.map((x) => x.id),
        [m.id],
      );
      assert.match(r.items[0]!.highlight!, /<mark>招商银行<\/mark>/);
      assert.equal((await store.searchMentions({ q: '投诉', limit: 5 })).items.length, 1, 'title is indexed');
      assert.equal((await store.searchMentions({ q: 'app', limit: 5 })).items.length, 1, 'case-insensitive');
      assert.equal((await store.searchMentions({ q: '工商银行暴力催收', limit: 5 })).items.length, 0);
      await store.close();
    });

    it('masks every crawled field before the first write when given a masker (unless keepRawText)', async () => {
      const maskText = (t: string) => t.replace(/1[3-9]\d{9}/g, (d) => `${d.slice(0, 3)}****${d.slice(7)}`);
      for (const keepRawText of [false, true]) {
        const store = await fresh({ maskText, keepRawText });
        const m = mention({
          nativeId: 'pii1',
          title: '13812345678 投诉',
          text: '我的手机号13812345678，华夏银行一直不处理',
          publishedAt: '2025-11-22T02:00:00.000Z',
        });
        await store.upsertMentions([m]);
        const raw = (await store.pool.query('SELECT data FROM mentions WHERE id = $1', [m.id])).rows[0].data as string;
        assert.equal(raw.includes('13812345678'), keepRawText, `keepRawText=${keepRawText}`);
        await store.completeMention(m.id, analysis(m, { tokens: ['华夏银行'], displayText: maskText(m.text) }), undefined, m.publishedAt);
        const hits = await store.searchMentions({ q: '13812345678', limit: 5 });
        assert.equal(hits.items.length, keepRawText ? 1 : 0, 'the raw number reaches the index only with keepRawText');
        await store.close();
      }
    });

    it('completes concurrent batches of two instances over shared events and rollup rows without losing a count', async function () {
      this.timeout(60_000);
      const a = await fresh();
      const b = await PgStore.open({ connectionString: url, schema: schemas.at(-1)!, log: silentLogger(), poolSize: 4 });
      const T = '2025-11-22T02:00:00.000Z';
      const insts = ['icbc', 'ccb', 'abc', 'boc'];
      for (const inst of insts) await a.saveEvent(event(`e-${inst}`, T, inst));
      const ms = Array.from({ length: 160 }, (_, i) =>
        mention({ nativeId: `cc${i}`, author: `u${i % 7}`, text: `${insts[i % 4]}网点排队两小时，投诉第${i}次`, publishedAt: plus(T, (i % 5) * 61) }),
      );
      await a.upsertMentions(ms);
      const item = (i: number) => ({
        id: ms[i]!.id,
        analysis: analysis(ms[i]!, { tokens: ['网点', '排队'], institution: insts[i % 4], topics: ['queue', 'service_attitude'] }),
        eventId: `e-${insts[i % 4]}`,
      });
      // Four batches at once, each over every event and every bucket, two of them in reverse order.
      const batches = [0, 1, 2, 3].map((k) => Array.from({ length: 40 }, (_, j) => item(k * 40 + j)));
      await Promise.all(batches.map((batch, k) => (k % 2 ? a : b).completeMentions(k % 2 ? batch.reverse() : batch, T)));
      for (const inst of insts) assert.equal((await b.getEvent(`e-${inst}`))?.mentionCount, 40, inst);
      const days = await a.sentimentSeries({ from: '2025-11-21T16:00:00.000Z', to: '2025-11-22T16:00:00.000Z', interval: 'day' });
      assert.deepEqual(
        days.map((p) => p.total),
        [160],
      );
      const byTopic = await b.sentimentSeries({ from: T, to: plus(T, 360), interval: 'hour', groupBy: 'topic' });
      assert.equal(
        byTopic.reduce((n, p) => n + p.total, 0),
        320,
        'two topics per mention',
      );
      await Promise.all([a.close(), b.close()]);
    });

    it('releases a withLock held by a connection that dies', async () => {
      const a = await fresh();
      const b = await PgStore.open({ connectionString: url, schema: schemas.at(-1)!, log: silentLogger(), poolSize: 2 });
      const held = a.withLock('cluster:cmb', async () => {
        // The holder's connection is terminated from outside (a killed worker) …
        const killed = await b.pool.query(
          `WITH k AS (SELECT ${lockKey('$1')} AS v)
           SELECT pg_terminate_backend(l.pid) AS ok FROM pg_locks l, k WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
             AND l.classid::bigint = ((k.v >> 32) & 4294967295) AND l.objid::bigint = (k.v & 4294967295)
             AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
          ['cluster:cmb'],
        );
        assert.deepEqual(
          killed.rows.map((r: { ok: boolean }) => r.ok),
          [true],
        );
        // … and the other instance gets the lock while this fn still runs: only the dead connection released it.
        return b.withLock('cluster:cmb', async () => 'b got it');
      });
      assert.equal(await held, 'b got it');
      assert.equal(await a.withLock('cluster:cmb', async () => 'a again'), 'a again', 'the pool replaced the dead connection');
      await Promise.all([a.close(), b.close()]);
    });
  });
});

describe('createStore with a database URL', () => {
  it('opens the PostgreSQL store for postgres:// (schema from ?schema=) and refuses other schemes', async function () {
    const base = testDatabaseUrl(this, 'createStore on PostgreSQL');
    if (!base) return;
    const schema = randomSchema();
    const u = new URL(base);
    u.searchParams.set('schema', schema);
    try {
      const store = await createStore({ backend: 'sqlite', dataDir: ':memory:', keepRawText: false }, { log: silentLogger(), databaseUrl: u.toString() });
      assert.ok(store instanceof PgStore);
      assert.equal((await store.pool.query('SELECT current_schema() AS s')).rows[0].s, schema);
      await store.close();
    } finally {
      await dropSchemas(base, [schema]);
    }
    await assert.rejects(
      createStore({ backend: 'sqlite', dataDir: ':memory:', keepRawText: false }, { log: silentLogger(), databaseUrl: 'mysql://x@127.0.0.1/radar' }),
      (err: unknown) => err instanceof CriticalError && /postgres:\/\//.test(err.message),
    );
    const bad = new URL(base);
    bad.port = '1';
    await assert.rejects(
      createStore({ backend: 'sqlite', dataDir: ':memory:', keepRawText: false }, { log: silentLogger(), databaseUrl: bad.toString() }),
      CriticalError,
    );
  });
});
