import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { HostPacer, type PaceDeps, type Pacer, RedisHostPacer } from '../../../../crawlers/core/pacer.js';
import { FakeClock, HOUR } from '../../../../lib/clock.js';
import { backendUrl, uniquePrefix } from '../../../fixtures/backends.js';

/** Reserves `n` slots for one host through the given pacers at once; returns the waits, sorted. */
async function reserve(pacers: Pacer[], n: number, intervalMs: number, deps: PaceDeps): Promise<number[]> {
  const waits = await Promise.all(Array.from({ length: n }, (_, i) => pacers[i % pacers.length]!.wait('m.weibo.cn', intervalMs, 0, deps)));
  return waits.sort((a, b) => a - b);
}

describe('host pacing', () => {
  const slept: number[] = [];
  const deps: PaceDeps = {
    clock: new FakeClock('2025-11-22T02:00:00.000Z'),
    sleep: async (ms) => {
      slept.push(ms);
    },
    random: () => 0,
  };
  beforeEach(() => {
    slept.length = 0;
  });

  it('HostPacer gives one host one slot per interval within a process', async () => {
    const waits = await reserve([new HostPacer()], 4, 10_000, deps);
    assert.deepEqual(waits, [0, 10_000, 20_000, 30_000]);
    assert.deepEqual(slept, [10_000, 20_000, 30_000]);
  });

  it('two HostPacers (two processes without Redis) would each take the full rate', async () => {
    const waits = await reserve([new HostPacer(), new HostPacer()], 4, 10_000, deps);
    assert.deepEqual(waits, [0, 0, 10_000, 10_000]);
  });

  describe('RedisHostPacer (real Redis: one budget per host for every worker)', function () {
    this.timeout(20_000);
    const clients: Redis[] = [];
    let url = '';
    before(function () {
      url = backendUrl(this, 'TEST_REDIS_URL');
    });
    after(async () => {
      await Promise.all(clients.map((c) => c.quit()));
    });

    it('workers sharing Redis reserve distinct slots one interval apart', async () => {
      const prefix = `${uniquePrefix('pace')}:`;
      const workers = [0, 1, 2].map(() => {
        const c = new Redis(url);
        clients.push(c);
        return new RedisHostPacer(c, prefix);
      });
      // An hour per slot: the real seconds that pass while the calls run cannot blur the spacing.
      const waits = await reserve(workers, 6, HOUR, deps);
      waits.forEach((w, k) => {
        assert.ok(w <= k * HOUR && w > k * HOUR - 60_000, `slot ${k}: waited ${w} ms, expected about ${k} h`);
      });
      // Another host has its own schedule.
      assert.equal(await workers[0]!.wait('api.jutousu.com', HOUR, 0, deps), 0);
    });
  });
});
