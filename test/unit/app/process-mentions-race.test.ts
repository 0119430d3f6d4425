import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAnalyzer, createClusterer } from '../../../analysis/index.js';
import { analyserFn, createMentionProcessor } from '../../../app/process-mentions.js';
import { loadConfig } from '../../../config/load.js';
import { FakeClock } from '../../../lib/clock.js';
import type { Event, Mention } from '../../../lib/domain.js';
import { silentLogger } from '../../../lib/logger.js';
import { createStore } from '../../../store/index.js';
import type { Store } from '../../../store/store.js';
import { dropSchemas, randomSchema, testDatabaseUrl } from '../store/pg-env.js';

const config = loadConfig();
const analyzer = createAnalyzer(config);
const TEXTS = [
  '示例银行信用卡年费乱收费，客服推诿不给退',
  '示例银行信用卡被违规扣了年费880元，打客服没人管',
  '示例银行信用卡年费被乱扣，要求退还年费',
  '示例银行说好首年免年费，结果扣了年费还不给退，乱收费',
];

/** Thirty complainants about one issue (the annual fee), as two crawls of two workers would store them. */
function complaints(): Mention[] {
  return Array.from({ length: 30 }, (_, i) => ({
    id: `heimao:${7000 + i}`,
    source: 'heimao',
    sourceType: 'complaint' as const,
    nativeId: String(7000 + i),
    text: `${TEXTS[i % TEXTS.length]!}（第${i}位）`,
    author: { key: `黑猫用户${i}`, name: `黑猫用户${i}`, isMedia: false },
    publishedAt: new Date(Date.parse('2025-11-22T02:00:00.000Z') + i * 60_000).toISOString(),
    fetchedAt: '2025-11-22T03:00:00.000Z',
    contentHash: `race-${i}`,
  }));
}

/** Two workers, each with its own store connection and clustering index, fed overlapping jobs at once. */
async function race(open: () => Promise<Store>): Promise<void> {
  const clock = new FakeClock('2025-11-22T03:00:00.000Z');
  const [a, b] = [await open(), await open()];
  try {
    const posts = complaints();
    await a.upsertMentions(posts);
    const updates: Event[] = [];
    const worker = (store: Store, owner: string) =>
      createMentionProcessor({
        store,
        analyse: analyserFn(analyzer),
        clusterer: createClusterer(config.analysis, { clock }),
        onEventUpdated: async (e) => void updates.push(e),
        clock,
        log: silentLogger(),
        owner,
        windowHours: 72,
        shared: true,
      });
    const [w1, w2] = [worker(a, 'w1'), worker(b, 'w2')];
    const ids = posts.map((p) => p.id);
    // Jobs of five, each offered to both workers (a redelivered job), the first taker alternating.
    const jobs = [];
    for (let i = 0; i < ids.length; i += 5) {
      const [first, second] = (i / 5) % 2 === 0 ? [w1, w2] : [w2, w1];
      jobs.push(first.processMentions(ids.slice(i, i + 5)), second.processMentions(ids.slice(i, i + 5).reverse()));
    }
    const results = await Promise.all(jobs);
    assert.ok(w1.processed() > 0 && w2.processed() > 0, `both workers took part (${w1.processed()} / ${w2.processed()})`);
    assert.equal(
      results.reduce((n, r) => n + r.processed, 0),
      30,
      'each mention processed once',
    );
    const events = (await a.listEvents({ institution: 'example_bank', limit: 50 })).items;
    assert.equal(events.length, 1, `one event for one issue, got ${events.map((e) => e.title).join(' | ')}`);
    assert.equal(events[0]!.mentionCount, 30);
    assert.equal(events[0]!.distinctAuthors, 30);
    assert.equal((await a.listUnprocessedMentions(50)).length, 0);
    assert.ok(updates.every((e) => e.id === events[0]!.id));
  } finally {
    await a.close();
    await b.close();
  }
}

describe('two workers processing the same issue at once (processMentions in cluster mode)', function () {
  this.timeout(60_000);

  it('SQLite (two connections to one file): one event, each mention once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'radar-race-'));
    try {
      await race(() => createStore({ ...config.store, dataDir: dir }, { log: silentLogger() }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('PostgreSQL (two pools: the advisory lock is what serializes them): one event, each mention once', async function () {
    const url = testDatabaseUrl(this, 'processMentions race on PostgreSQL');
    if (!url) return;
    const schema = randomSchema('radar_race');
    const u = new URL(url);
    u.searchParams.set('schema', schema);
    try {
      await race(() => createStore(config.store, { log: silentLogger(), databaseUrl: u.toString() }));
    } finally {
      await dropSchemas(url, [schema]);
    }
  });
});
