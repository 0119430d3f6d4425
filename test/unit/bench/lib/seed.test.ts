import assert from 'node:assert/strict';
import { seedStore } from '../../../../bench/lib/seed.js';
import { silentLogger } from '../../../../lib/logger.js';
import { SqliteStore } from '../../../../store/sqlite/sqlite-store.js';
import type { Store } from '../../../../store/store.js';

const END = '2025-11-22T00:00:00.000Z';

/** Hides the SqliteStore class so that seedStore takes the generic upsert + completeMention path. */
function generic(store: SqliteStore): Store {
  return new Proxy(store, { getPrototypeOf: () => Object.prototype }) as Store;
}

describe('seedStore', function () {
  this.timeout(60_000);

  it('bulk-seeds realistic mentions, events and cases, with the same stats as the incremental path', async () => {
    const bulk = new SqliteStore({ path: ':memory:', log: silentLogger() });
    const slow = new SqliteStore({ path: ':memory:', log: silentLogger() });
    const options = { days: 3, seed: 7, end: END, cases: 40, print: () => {} };
    await seedStore(bulk, 1500, options);
    await seedStore(generic(slow), 1500, options);

    const count = (s: SqliteStore, sql: string) => s.db.prepare(sql).pluck().get() as number;
    assert.equal(count(bulk, 'SELECT count(*) FROM mentions WHERE processed_at IS NOT NULL'), 1500);
    const lengths = bulk.db.prepare("SELECT length(json_extract(data, '$.text')) FROM mentions").pluck().all() as number[];
    assert.ok(lengths.filter((l) => l >= 80 && l <= 170).length > 1400, 'posts are ~100-150 chars');

    const bulkEvents = (await bulk.listEvents({ limit: 1000 })).items;
    const slowEvents = (await slow.listEvents({ limit: 1000 })).items;
    assert.ok(bulkEvents.length > 20);
    assert.deepEqual(
      bulkEvents.map((e) => ({ ...e, sources: [...e.sources].sort() })),
      slowEvents.map((e) => ({ ...e, sources: [...e.sources].sort() })),
    );

    const series = await bulk.sentimentSeries({ from: '2025-11-18T16:00:00.000Z', to: '2025-11-22T16:00:00.000Z', interval: 'day' });
    assert.equal(
      series.reduce((a, p) => a + p.total, 0),
      1500,
    );
    assert.deepEqual(series, await slow.sentimentSeries({ from: '2025-11-18T16:00:00.000Z', to: '2025-11-22T16:00:00.000Z', interval: 'day' }));

    const cases = await bulk.listCases({ limit: 100 });
    assert.equal(cases.total, 40);
    assert.ok(new Set(cases.items.map((c) => c.tier)).size === 3);
    assert.ok(cases.items.some((c) => c.history.length >= 3));

    const hits = await bulk.searchMentions({ q: '信用卡', limit: 5 });
    assert.equal(hits.items.length, 5);
    assert.ok(hits.items.every((m) => m.highlight?.includes('<mark>信用卡</mark>')));
    await bulk.close();
    await slow.close();
  });
});
