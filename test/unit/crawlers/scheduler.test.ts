import assert from 'node:assert/strict';
import nodeCron from 'node-cron';
import type { SourceConfig } from '../../../config/schema.js';
import { sourceSchema } from '../../../config/sections/crawl.js';
import type { CrawlRunner, RunSummary } from '../../../crawlers/runner.js';
import { type CronLike, createCrawlScheduler } from '../../../crawlers/scheduler.js';
import { FakeClock } from '../../../lib/clock.js';
import { ApiError, CriticalError } from '../../../lib/errors.js';
import { silentLogger } from '../../../lib/logger.js';

function summary(source: string): RunSummary {
  return { source, fetched: 1, stored: 1, duplicates: 0, malformed: 0, filtered: 0, pages: 1, blocked: false };
}

/** A runner whose runs finish when the test says so. */
class ControlledRunner implements CrawlRunner {
  readonly started: string[] = [];
  private readonly pending: Array<() => void> = [];
  runSource(sourceId: string): Promise<RunSummary> {
    this.started.push(sourceId);
    return new Promise((resolve) => this.pending.push(() => resolve(summary(sourceId))));
  }
  finishAll(): void {
    for (const f of this.pending.splice(0)) f();
  }
}

class ManualCron implements CronLike {
  readonly tasks: Array<{ expression: string; fn: () => unknown; name: string; timezone: string; stopped: boolean }> = [];
  validate(expression: string): boolean {
    return nodeCron.validate(expression);
  }
  schedule(expression: string, fn: () => unknown, options: { name: string; timezone: string }) {
    const task = { expression, fn, ...options, stopped: false };
    this.tasks.push(task);
    return {
      stop: () => {
        task.stopped = true;
      },
      destroy: () => undefined,
    };
  }
  fire(name: string): void {
    this.tasks.find((t) => t.name === name)?.fn();
  }
}

const configs = (): Record<string, SourceConfig> => ({
  weibo: sourceSchema.parse({ kind: 'weibo', schedule: '*/5 * * * *' }),
  heimao: sourceSchema.parse({ kind: 'heimao', schedule: '*/10 * * * *' }),
  jutousu: sourceSchema.parse({ kind: 'jutousu', enabled: false }),
});

async function flush(): Promise<void> {
  await new Promise((r) => setImmediate(r));
}

describe('crawlers/scheduler', () => {
  it('schedules each enabled source in China time and stops them', () => {
    const cron = new ManualCron();
    const s = createCrawlScheduler({ runner: new ControlledRunner(), sourceConfigs: configs(), log: silentLogger(), clock: new FakeClock(), cron });
    s.start();
    assert.deepEqual(
      cron.tasks.map((t) => [t.name, t.expression, t.timezone]),
      [
        ['crawl:weibo', '*/5 * * * *', 'Asia/Shanghai'],
        ['crawl:heimao', '*/10 * * * *', 'Asia/Shanghai'],
      ],
    );
    s.stop();
    assert.ok(cron.tasks.every((t) => t.stopped));
  });

  it('fails at start-up with a message naming the source with a bad schedule', () => {
    const c = configs();
    c.heimao = { ...(c.heimao as SourceConfig), schedule: 'every five minutes' };
    const cron = new ManualCron();
    const s = createCrawlScheduler({ runner: new ControlledRunner(), sourceConfigs: c, log: silentLogger(), clock: new FakeClock(), cron });
    assert.throws(
      () => s.start(),
      (err: Error) => err instanceof CriticalError && /crawl\.sources\.heimao\.schedule/.test(err.message),
    );
    assert.equal(cron.tasks.length, 0, 'nothing is scheduled when one schedule is invalid');
  });

  it('never overlaps a run with itself: ticks while running are skipped', async () => {
    const runner = new ControlledRunner();
    const cron = new ManualCron();
    const s = createCrawlScheduler({ runner, sourceConfigs: configs(), log: silentLogger(), clock: new FakeClock(), cron });
    s.start();
    cron.fire('crawl:weibo');
    cron.fire('crawl:weibo');
    cron.fire('crawl:heimao');
    assert.deepEqual(runner.started, ['weibo', 'heimao']);
    assert.equal(s.isRunning('weibo'), true);
    runner.finishAll();
    await flush();
    assert.equal(s.isRunning('weibo'), false);
    cron.fire('crawl:weibo');
    assert.deepEqual(runner.started, ['weibo', 'heimao', 'weibo']);
    runner.finishAll();
    s.stop();
  });

  it('runNow returns the summary, 404 for unknown or disabled sources, 409 while running', async () => {
    const runner = new ControlledRunner();
    const s = createCrawlScheduler({ runner, sourceConfigs: configs(), log: silentLogger(), clock: new FakeClock(), cron: new ManualCron() });
    await assert.rejects(s.runNow('nope'), (err: unknown) => err instanceof ApiError && err.statusCode === 404);
    await assert.rejects(s.runNow('jutousu'), (err: unknown) => err instanceof ApiError && err.statusCode === 404);
    const run = s.runNow('weibo');
    await assert.rejects(s.runNow('weibo'), (err: unknown) => err instanceof ApiError && err.statusCode === 409);
    runner.finishAll();
    assert.deepEqual(await run, summary('weibo'));
    assert.equal(s.isRunning('weibo'), false);
  });

  it('drives runs from real node-cron (every second)', async () => {
    const runner = new ControlledRunner();
    const c = { weibo: sourceSchema.parse({ kind: 'weibo', schedule: '* * * * * *' }) };
    const s = createCrawlScheduler({ runner, sourceConfigs: c, log: silentLogger(), clock: new FakeClock() });
    s.start();
    try {
      for (let i = 0; i < 40 && runner.started.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(runner.started.slice(0, 1), ['weibo']);
    } finally {
      s.stop();
      runner.finishAll();
    }
  });
});
