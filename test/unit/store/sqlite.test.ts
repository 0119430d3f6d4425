import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { CriticalError } from '../../../lib/errors.js';
import { silentLogger } from '../../../lib/logger.js';
import { createStore } from '../../../store/index.js';
import { migrate, migrations } from '../../../store/sqlite/migrations.js';
import { SqliteStore } from '../../../store/sqlite/sqlite-store.js';
import { runStoreContract } from './contract.js';
import { analysis, kase, mention, notification, PRE_COMPLAINANT_ROWS_SQL } from './fixtures.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'radar-store-'));
  dirs.push(d);
  return d;
}
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

let n = 0;
runStoreContract(
  'sqlite (temp file)',
  async () => new SqliteStore({ path: join(tempDir(), `t${n++}.db`), log: silentLogger() }),
  async (first) => new SqliteStore({ path: (first as SqliteStore).path, log: silentLogger() }),
);
runStoreContract('sqlite (:memory:)', async () => new SqliteStore({ path: ':memory:', log: silentLogger() }));

describe('SqliteStore', () => {
  it('opens in WAL mode with foreign keys and re-runs migrations as a no-op', async () => {
    const path = join(tempDir(), 'm.db');
    const s1 = new SqliteStore({ path, log: silentLogger() });
    assert.equal(s1.db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(s1.db.pragma('foreign_keys', { simple: true }), 1);
    assert.equal(s1.db.pragma('synchronous', { simple: true }), 1, 'NORMAL');
    await s1.upsertMentions([mention({ nativeId: 'keep', text: '交通银行', publishedAt: '2025-11-22T02:00:00.000Z' })]);
    assert.deepEqual(migrate(s1.db), []);
    await s1.close();
    const s2 = new SqliteStore({ path, log: silentLogger() });
    const versions = s2.db.prepare('SELECT version FROM schema_version').pluck().all();
    assert.deepEqual(
      versions,
      migrations.map((m) => m.version),
    );
    assert.ok(await s2.getMention('weibo:keep'));
    await s2.close();
  });

  it('rolls a failing migration back completely', () => {
    const db = new Database(':memory:');
    migrate(db);
    assert.throws(() => migrate(db, [...migrations, { version: 99, name: 'broken', up: 'CREATE TABLE t99 (x INTEGER); INSERT INTO nope VALUES (1);' }]));
    assert.equal(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 't99'").pluck().get(), 0);
    assert.equal(db.prepare('SELECT count(*) FROM schema_version WHERE version = 99').pluck().get(), 0);
    db.close();
  });

  it('reads the active case board and the ungrouped sentiment series from their indexes, preparing each statement once', async () => {
    const store = new SqliteStore({ path: ':memory:', log: silentLogger() });
    const prepared: string[] = [];
    const prepare = store.db.prepare.bind(store.db);
    store.db.prepare = ((sql: string) => {
      prepared.push(sql);
      return prepare(sql);
    }) as typeof store.db.prepare;
    const plan = (sql: string): string => {
      const named = [...new Set([...sql.matchAll(/@(\w+)/g)].map((m) => m[1]!))];
      const args = named.length > 0 ? [Object.fromEntries(named.map((k) => [k, null]))] : Array.from({ length: (sql.match(/\?/g) ?? []).length }, () => null);
      return (prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as Array<{ detail: string }>).map((r) => r.detail).join('; ');
    };
    for (let i = 0; i < 3; i++) await store.listCases({ state: 'active', limit: 50, withHistory: false });
    await store.listCases({
      state: 'active',
      limit: 50,
      cursor: Buffer.from(JSON.stringify({ t: '2025-11-22T02:00:00.000Z', id: 'x' })).toString('base64url'),
    });
    const board = prepared.filter((s) => s.includes('FROM cases') && s.includes('LIMIT @limit'));
    assert.equal(board.length, 2, 'one page statement per filter shape (without and with cursor)');
    for (const sql of board) assert.match(plan(sql), /USING INDEX cases_active/);
    assert.match(plan(prepared.find((s) => s.startsWith('SELECT count(*) FROM cases'))!), /cases_active/);
    for (let i = 0; i < 2; i++) await store.sentimentSeries({ from: '2025-10-23T02:00:00.000Z', to: '2025-11-22T02:00:00.000Z', interval: 'day' });
    const series = prepared.filter((s) => s.includes('FROM rollup_'));
    assert.equal(series.length, 2, 'whole days from rollup_day_total, both edge spans from one rollup_hour_total statement');
    for (const sql of series) {
      const p = plan(sql);
      assert.match(p, /SEARCH rollup_(day|hour)_total USING PRIMARY KEY \(topic=\? AND bucket>\? AND bucket<\?\)/);
      assert.doesNotMatch(p, /TEMP B-TREE/);
    }
    // Filtered by institution: the dimensional rollups.
    await store.sentimentSeries({ from: '2025-10-23T02:00:00.000Z', to: '2025-11-22T02:00:00.000Z', interval: 'day', institution: 'icbc' });
    assert.ok(prepared.some((s) => /FROM rollup_day WHERE .*institution = \?/.test(s)));
    await store.close();
  });

  it('migration 6 gives cases their complainants from their event (authors when the event is gone)', () => {
    const db = new Database(':memory:');
    migrate(db, migrations.slice(0, 5));
    db.exec(PRE_COMPLAINANT_ROWS_SQL);
    assert.deepEqual(migrate(db, migrations.slice(0, 6)), [6]);
    assert.deepEqual(db.prepare('SELECT id, distinct_authors, distinct_complainants FROM cases ORDER BY id').raw(true).all(), [
      ['c_kept', 5, 4],
      ['c_orphan', 3, 3],
    ]);
    db.close();
  });

  it('migration 4 fills the rollup totals from the existing rollups', () => {
    const db = new Database(':memory:');
    migrate(db, migrations.slice(0, 3));
    const put = db.prepare('INSERT INTO rollup_day (topic, bucket, institution, source, label, count) VALUES (?, ?, ?, ?, ?, ?)');
    put.run('*', 20413, 'icbc', 'weibo', 'negative', 5);
    put.run('*', 20413, 'ccb', 'heimao', 'negative', 2);
    put.run('*', 20413, 'ccb', 'weibo', 'positive', 1);
    put.run('fees', 20413, 'icbc', 'weibo', 'negative', 3);
    db.prepare('INSERT INTO rollup_hour (topic, bucket, institution, source, label, count) VALUES (?, ?, ?, ?, ?, ?)').run(
      '*',
      489912,
      'icbc',
      'weibo',
      'neutral',
      4,
    );
    assert.deepEqual(migrate(db, migrations.slice(0, 4)), [4]);
    assert.deepEqual(db.prepare('SELECT topic, bucket, label, count FROM rollup_day_total ORDER BY topic, bucket, label').raw(true).all(), [
      ['*', 20413, 'negative', 7],
      ['*', 20413, 'positive', 1],
      ['fees', 20413, 'negative', 3],
    ]);
    assert.deepEqual(db.prepare('SELECT topic, bucket, label, count FROM rollup_hour_total').raw(true).all(), [['*', 489912, 'neutral', 4]]);
    db.close();
  });

  it('tokenizes search queries and titles with the injected tokenizer (nodejieba)', async function () {
    this.timeout(30_000);
    const { default: jieba } = await import('nodejieba');
    const tokenize = (t: string) => jieba.cut(t).filter((w) => w.trim().length > 0 && !/^[，。！？、\s]+$/.test(w));
    const store = new SqliteStore({ path: ':memory:', log: silentLogger(), tokenize });
    const m = mention({
      nativeId: 'j1',
      title: '暴力催收投诉',
      text: '招商银行信用卡逾期后遭遇暴力催收，催收员每天打电话骚扰家人。',
      publishedAt: '2025-11-22T02:00:00.000Z',
    });
    await store.upsertMentions([m]);
    await store.completeMention(m.id, analysis(m, { tokens: tokenize(m.text), institution: 'cmb' }), undefined, m.publishedAt);
    const r = await store.searchMentions({ q: '招商银行暴力催收', limit: 5 });
    assert.deepEqual(
      r.items.map((x) => x.id),
      [m.id],
    );
    assert.match(r.items[0]!.highlight!, /<mark>招商银行<\/mark>.*<mark>暴力<\/mark><mark>催收<\/mark>|<mark>暴力催收<\/mark>/);
    assert.equal((await store.searchMentions({ q: '投诉', limit: 5 })).items.length, 1, 'title is indexed');
    assert.equal((await store.searchMentions({ q: '工商银行暴力催收', limit: 5 })).items.length, 0);
    await store.close();
  });

  it('replaces the raw text by the masked display text after analysis unless keepRawText', async () => {
    for (const keepRawText of [false, true]) {
      const store = new SqliteStore({ path: ':memory:', log: silentLogger(), keepRawText });
      const m = mention({ nativeId: 'pii', text: '我的手机号13812345678，工行一直不处理', publishedAt: '2025-11-22T02:00:00.000Z' });
      await store.upsertMentions([m]);
      assert.equal((await store.getMention(m.id))?.text, m.text, 'raw until processed (crash recovery needs it)');
      await store.completeMention(m.id, analysis(m, { tokens: ['工行'], displayText: '我的手机号138****5678，工行一直不处理' }), undefined, m.publishedAt);
      assert.equal((await store.getMention(m.id))?.text, keepRawText ? m.text : '我的手机号138****5678，工行一直不处理');
      await store.close();
    }
  });

  it('keeps every committed write when the writer is SIGKILLed mid-way', async function () {
    this.timeout(60_000);
    const path = join(tempDir(), 'dur.db');
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./durability-child.ts', import.meta.url)), path], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const committed: string[] = [];
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    await new Promise<void>((resolve, reject) => {
      let buf = '';
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        const lines = buf.split('\n');
        buf = lines.pop() ?? '';
        for (const l of lines) committed.push(...l.split(',').filter(Boolean));
        if (committed.length >= 300 && !child.killed) child.kill('SIGKILL');
      });
      child.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`child exited without kill: ${stderr}`))));
    });
    assert.ok(existsSync(`${path}-wal`) || existsSync(path));
    const store = new SqliteStore({ path, log: silentLogger() });
    assert.equal(store.db.pragma('integrity_check', { simple: true }), 'ok');
    for (const id of committed) assert.ok(await store.getMention(id), `committed ${id} survived`);
    const q = (sql: string) => store.db.prepare(sql).pluck().get() as number;
    assert.equal(q('SELECT count(*) FROM mentions'), q('SELECT count(DISTINCT id) FROM mentions'));
    assert.equal(q('SELECT count(*) FROM mentions WHERE duplicate_of IS NULL'), q('SELECT count(DISTINCT content_hash) FROM mentions'), 'no duplicate content');
    const ev = await store.getEvent('dur-event');
    const processed = q('SELECT count(*) FROM mentions WHERE processed_at IS NOT NULL');
    assert.equal(ev?.mentionCount, processed, 'stats and rows committed together');
    assert.equal(ev?.mentionCount, q("SELECT count(*) FROM event_mentions WHERE event_id = 'dur-event'"));
    // A re-crawl after restart inserts nothing twice.
    const again = committed.slice(0, 20).map((id) => store.db.prepare('SELECT data FROM mentions WHERE id = ?').pluck().get(id) as string);
    const r = await store.upsertMentions(again.map((d) => JSON.parse(d)));
    assert.deepEqual(r.inserted, []);
    await store.close();
  });
});

/** A child process spoken to in lines over stdin/stdout. */
class LineChild {
  private buffer = '';
  private readonly lines: string[] = [];
  private waiter?: () => void;
  private failure?: Error;

  constructor(private readonly child: ReturnType<typeof spawn>) {
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.stdout!.on('data', (d: Buffer) => {
      this.buffer += d.toString();
      const parts = this.buffer.split('\n');
      this.buffer = parts.pop() ?? '';
      this.lines.push(...parts);
      this.waiter?.();
    });
    child.on('exit', (code) => {
      if (code !== 0) this.failure = new Error(`child exited ${code}: ${stderr}`);
      this.waiter?.();
    });
  }

  send(line: string): void {
    this.child.stdin!.write(`${line}\n`);
  }

  async next(): Promise<string> {
    while (this.lines.length === 0) {
      if (this.failure) throw this.failure;
      await new Promise<void>((r) => {
        this.waiter = r;
      });
    }
    return this.lines.shift()!;
  }
}

describe('SqliteStore across two processes', () => {
  it('gives every mention, clock, notification and new case to exactly one of two processes on one file', async function () {
    this.timeout(120_000);
    const path = join(tempDir(), 'race.db');
    const T0 = '2025-11-22T02:00:00.000Z';
    const seed = new SqliteStore({ path, log: silentLogger() });
    const ms = Array.from({ length: 100 }, (_, i) => mention({ nativeId: `race${i}`, text: `平安银行理财产品爆雷，第${i}位客户投诉`, publishedAt: T0 }));
    await seed.upsertMentions(ms);
    const clocks: string[] = [];
    for (let i = 0; i < 3; i++) {
      const c = kase(`c_clk${i}`, `clk${i}`, T0);
      const scheduled = Array.from({ length: 10 }, (_, k) => ({ id: `clk${i}-${k}`, caseId: c.id, kind: 'ack' as const, tier: 'L1' as const, dueAt: T0 }));
      clocks.push(...scheduled.map((k) => k.id));
      const notes = Array.from({ length: 20 }, (_, k) => notification(`n${i}-${k}`, c.id, `${c.id}:k${k}`, T0));
      await seed.commitCaseChange({ case: c, history: [], scheduleClocks: scheduled, cancelClockKinds: [], notifications: notes });
    }
    await seed.close();
    const env = { ...process.env, RACE_MENTIONS: JSON.stringify(ms.map((m) => m.id)), RACE_CLOCKS: JSON.stringify(clocks) };
    const script = fileURLToPath(new URL('./race-child.ts', import.meta.url));
    const children = ['w1', 'w2'].map((owner) => new LineChild(spawn(process.execPath, ['--import', 'tsx', script, path, owner, T0], { env })));
    await Promise.all(children.map((c) => c.next()));
    // Lock-step: both processes contend for the same work in every step; whichever gets there first wins it.
    for (let n = 0; n < 20; n++) {
      for (const c of children) c.send(`step ${n}`);
      assert.deepEqual(await Promise.all(children.map((c) => c.next())), [`done ${n}`, `done ${n}`]);
    }
    for (const c of children) c.send('end');
    const results = (await Promise.all(children.map((c) => c.next()))).map(
      (line) => JSON.parse(line) as { mentions: string[]; clocks: string[]; notifications: string[]; cases: string[] },
    );
    const both = <K extends keyof (typeof results)[0]>(k: K) => [...results[0]![k], ...results[1]![k]];
    for (const [k, n] of [
      ['mentions', 100],
      ['clocks', 30],
      ['notifications', 60],
      ['cases', 10],
    ] as const) {
      assert.equal(both(k).length, n, `${k}: all won`);
      assert.equal(new Set(both(k)).size, n, `${k}: none twice`);
    }
  });
});

describe('createStore', () => {
  it('creates the data directory and opens radar.db', async () => {
    const dir = join(tempDir(), 'nested', 'data');
    const store = await createStore({ backend: 'sqlite', dataDir: dir, keepRawText: false }, { log: silentLogger() });
    assert.ok(existsSync(join(dir, 'radar.db')));
    await store.close();
  });

  it('opens an in-memory store for dataDir :memory:', async () => {
    const store = await createStore({ backend: 'sqlite', dataDir: ':memory:', keepRawText: false }, { log: silentLogger() });
    assert.equal((store as SqliteStore).path, ':memory:');
    await store.close();
  });

  it('refuses the Elasticsearch backend with a CriticalError', async () => {
    await assert.rejects(createStore({ backend: 'elasticsearch', dataDir: './data', keepRawText: false }, { log: silentLogger() }), (err: unknown) => {
      assert.ok(err instanceof CriticalError);
      assert.match(err.message, /Elasticsearch/);
      return true;
    });
  });
});
