import assert from 'node:assert/strict';
import { NonRetryableError, RetryLaterError } from '../../../lib/errors.js';
import { type JobQueue, UnrecoverableJobError } from '../../../queue/queue.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 5));
}

/** The JobQueue contract: every backend must pass it. `factory(concurrency)` returns a fresh, empty queue. */
export function runQueueContract(name: string, factory: (concurrency: number) => Promise<JobQueue>): void {
  describe(`JobQueue contract: ${name}`, () => {
    const opened: JobQueue[] = [];
    const make = async (concurrency: number) => {
      const q = await factory(concurrency);
      opened.push(q);
      return q;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((q) => q.close()));
    });

    it('runs jobs with their data and context and counts completions', async () => {
      const q = await make(2);
      const seen: Array<{ text: string; attempt: number; jobId: string }> = [];
      q.process<{ text: string }>('analyze', async (data, ctx) => {
        seen.push({ text: data.text, attempt: ctx.attempt, jobId: ctx.jobId });
      });
      assert.equal(await q.add('analyze', { text: '工行信用卡被降额' }, { jobId: 'analyze-weibo-1' }), true);
      assert.equal(await q.add('analyze', { text: '建行网点服务差' }), true);
      await q.drain();
      assert.deepEqual(seen.map((s) => s.text).sort(), ['工行信用卡被降额', '建行网点服务差']);
      assert.equal(seen.find((s) => s.text === '工行信用卡被降额')?.jobId, 'analyze-weibo-1');
      assert.ok(seen.every((s) => s.attempt === 1));
      const stats = await q.stats();
      assert.deepEqual(stats, { waiting: 0, active: 0, completed: 2, failed: 0 });
    });

    it('never runs more than `concurrency` handlers at once', async () => {
      const q = await make(2);
      let running = 0;
      let peak = 0;
      const gates = Array.from({ length: 6 }, deferred);
      let started = 0;
      q.process<{ i: number }>('crawl', async ({ i }) => {
        running++;
        started++;
        peak = Math.max(peak, running);
        await gates[i]!.promise;
        running--;
      });
      for (let i = 0; i < 6; i++) await q.add('crawl', { i });
      await until(() => started === 2);
      assert.equal((await q.stats()).active, 2);
      for (const g of gates) g.resolve();
      await q.drain();
      assert.equal(peak, 2);
      assert.equal(started, 6);
    });

    it('retries with backoff until an attempt succeeds', async () => {
      const q = await make(1);
      const attempts: number[] = [];
      q.process('notify', async (_d, ctx) => {
        attempts.push(ctx.attempt);
        if (ctx.attempt < 3) throw new Error('webhook 502');
      });
      await q.add('notify', { caseId: 'c1' }, { attempts: 3, backoffMs: 5 });
      await q.drain();
      assert.deepEqual(attempts, [1, 2, 3]);
      assert.deepEqual(await q.stats(), { waiting: 0, active: 0, completed: 1, failed: 0 });
    });

    it('fails a job after its last attempt', async () => {
      const q = await make(1);
      let calls = 0;
      q.process('notify', async () => {
        calls++;
        throw new Error('connection refused');
      });
      await q.add('notify', {}, { attempts: 2, backoffMs: 5 });
      await q.drain();
      assert.equal(calls, 2);
      assert.equal((await q.stats()).failed, 1);
    });

    it('stops retrying on UnrecoverableJobError and NonRetryableError', async () => {
      const q = await make(1);
      let calls = 0;
      q.process<{ kind: string }>('parse', async ({ kind }) => {
        calls++;
        throw kind === 'a' ? new UnrecoverableJobError('malformed page') : new NonRetryableError('bad item');
      });
      await q.add('parse', { kind: 'a' }, { attempts: 5, backoffMs: 5 });
      await q.add('parse', { kind: 'b' }, { attempts: 5, backoffMs: 5 });
      await q.drain();
      assert.equal(calls, 2);
      assert.equal((await q.stats()).failed, 2);
    });

    it('retries a RetryLaterError without using an attempt', async () => {
      const q = await make(1);
      const attempts: number[] = [];
      q.process('crawl', async (_d, ctx) => {
        attempts.push(ctx.attempt);
        if (attempts.length < 3) throw new RetryLaterError('HTTP 429', 5);
      });
      await q.add('crawl', {}, { attempts: 1, backoffMs: 5 });
      await q.drain();
      assert.deepEqual(attempts, [1, 1, 1]);
      assert.equal((await q.stats()).completed, 1);
    });

    it('drops a job whose jobId is queued or running, and accepts it again once finished', async () => {
      const q = await make(1);
      const gate = deferred();
      let runs = 0;
      let started = false;
      q.process('crawl:weibo', async () => {
        runs++;
        started = true;
        await gate.promise;
      });
      assert.equal(await q.add('crawl:weibo', { query: '工商银行' }, { jobId: 'crawl:weibo:工商银行' }), true);
      await until(() => started);
      assert.equal(await q.add('crawl:weibo', { query: '工商银行' }, { jobId: 'crawl:weibo:工商银行' }), false, 'running');
      assert.equal(await q.add('crawl:weibo', { query: '建设银行' }, { jobId: 'crawl:weibo:建设银行' }), true);
      assert.equal(await q.add('crawl:weibo', { query: '建设银行' }, { jobId: 'crawl:weibo:建设银行' }), false, 'queued');
      gate.resolve();
      await q.drain();
      assert.equal(runs, 2);
      assert.equal(await q.add('crawl:weibo', { query: '工商银行' }, { jobId: 'crawl:weibo:工商银行' }), true);
      await q.drain();
      assert.equal(runs, 3);
    });

    it('holds a delayed job as waiting until its delay passes', async () => {
      const q = await make(1);
      let ran = false;
      q.process('digest', async () => {
        ran = true;
      });
      await q.add('digest', {}, { delayMs: 150, jobId: 'digest-daily' });
      assert.equal(ran, false);
      assert.equal((await q.stats()).waiting, 1);
      assert.equal(await q.add('digest', {}, { jobId: 'digest-daily' }), false, 'delayed jobs count as queued');
      await q.drain();
      assert.equal(ran, true);
    });

    it('close() waits for the running job', async () => {
      const q = await make(1);
      let finished = false;
      let started = false;
      q.process('slow', async () => {
        started = true;
        await new Promise((r) => setTimeout(r, 50));
        finished = true;
      });
      await q.add('slow', {});
      await until(() => started);
      await q.close();
      assert.equal(finished, true);
    });
  });
}
