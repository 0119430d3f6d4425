import assert from 'node:assert/strict';
import { silentLogger } from '../../../lib/logger.js';
import { BullMqQueue } from '../../../queue/bullmq.js';
import { backendUrl, uniquePrefix } from '../../fixtures/backends.js';

describe('BullMQ job schedulers (crawl schedules in cluster mode)', function () {
  this.timeout(30_000);
  let url = '';
  const queues: BullMqQueue[] = [];
  before(function () {
    url = backendUrl(this, 'TEST_REDIS_URL');
  });
  after(async () => {
    await Promise.all(queues.map((q) => q.close()));
  });

  it('two scheduler processes upserting the same schedule fire each tick once', async () => {
    const prefix = uniquePrefix('sched');
    const open = () => {
      const q = new BullMqQueue({ url, prefix, log: silentLogger() });
      queues.push(q);
      return q;
    };
    const [schedulerA, schedulerB, worker] = [open(), open(), open()];
    const ticks: string[] = [];
    worker.process<{ source: string }>('crawl-tick', async (data, ctx) => {
      assert.equal(data.source, 'weibo');
      ticks.push(ctx.jobId);
    });
    // Every second, Asia/Shanghai, like a six-field node-cron schedule.
    await schedulerA.upsertSchedule('crawl:weibo', { pattern: '* * * * * *', tz: 'Asia/Shanghai' }, 'crawl-tick', { source: 'weibo' });
    await schedulerB.upsertSchedule('crawl:weibo', { pattern: '* * * * * *', tz: 'Asia/Shanghai' }, 'crawl-tick', { source: 'weibo' });
    await schedulerB.upsertSchedule('crawl:heimao', { pattern: '0 0 1 1 *', tz: 'Asia/Shanghai' }, 'crawl-tick', { source: 'heimao' });
    const deadline = Date.now() + 20_000;
    while (ticks.length < 3) {
      if (Date.now() > deadline) throw new Error(`only ${ticks.length} ticks`);
      await new Promise((r) => setTimeout(r, 20));
    }
    // One job per tick: BullMQ names a scheduled job after its scheduler and the tick's time.
    const tickTimes = ticks.map((id) => id.split(':').pop());
    assert.equal(new Set(tickTimes).size, ticks.length, `a tick ran twice: ${ticks.join(', ')}`);
    // A source disabled since the last start loses its schedule.
    assert.equal(await schedulerA.pruneSchedules('crawl-tick', ['crawl:weibo']), 1);
    assert.equal(await schedulerA.pruneSchedules('crawl-tick', ['crawl:weibo']), 0);
  });
});
