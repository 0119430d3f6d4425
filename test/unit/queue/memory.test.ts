import assert from 'node:assert/strict';
import { silentLogger } from '../../../lib/logger.js';
import { createQueue } from '../../../queue/index.js';
import { MemoryQueue, type Timers } from '../../../queue/memory.js';
import { runQueueContract } from './contract.js';

runQueueContract('memory', async (concurrency) => new MemoryQueue({ concurrency, log: silentLogger() }));

/** Timers that fire only when the test says so, recording every requested delay. */
class ManualTimers implements Timers {
  readonly delays: number[] = [];
  private pending: Array<{ fn: () => void; ms: number; handle: number }> = [];
  private next = 1;
  setTimeout(fn: () => void, ms: number): unknown {
    this.delays.push(ms);
    const handle = this.next++;
    this.pending.push({ fn, ms, handle });
    return handle;
  }
  clearTimeout(handle: unknown): void {
    this.pending = this.pending.filter((p) => p.handle !== handle);
  }
  get size(): number {
    return this.pending.length;
  }
  fireAll(): void {
    const due = this.pending;
    this.pending = [];
    for (const p of due) p.fn();
  }
}

const tick = () => new Promise((r) => setImmediate(r));

describe('MemoryQueue', () => {
  it('doubles the backoff each retry (injected timers)', async () => {
    const timers = new ManualTimers();
    const q = new MemoryQueue({ concurrency: 1, log: silentLogger(), timers });
    let calls = 0;
    q.process('notify', async () => {
      calls++;
      throw new Error('DingTalk 503');
    });
    await q.add('notify', {}, { attempts: 4, backoffMs: 1000 });
    for (let i = 0; i < 5; i++) {
      await tick();
      timers.fireAll();
    }
    await q.drain();
    assert.equal(calls, 4);
    assert.deepEqual(timers.delays, [1000, 2000, 4000]);
    assert.equal((await q.stats()).failed, 1);
  });

  it('uses defaults of 3 attempts and 1 s first backoff', async () => {
    const timers = new ManualTimers();
    const q = new MemoryQueue({ log: silentLogger(), timers });
    q.process('x', async () => {
      throw new Error('boom');
    });
    await q.add('x', {});
    for (let i = 0; i < 4; i++) {
      await tick();
      timers.fireAll();
    }
    await q.drain();
    assert.deepEqual(timers.delays, [1000, 2000]);
  });

  it('keeps jobs for a name until its handler is registered', async () => {
    const q = new MemoryQueue({ concurrency: 2, log: silentLogger() });
    await q.add('later', { n: 1 });
    assert.deepEqual(await q.stats(), { waiting: 1, active: 0, completed: 0, failed: 0 });
    const got: number[] = [];
    q.process<{ n: number }>('later', async ({ n }) => {
      got.push(n);
    });
    await q.drain();
    assert.deepEqual(got, [1]);
  });

  it('drops waiting and delayed jobs on close and refuses new ones', async () => {
    const timers = new ManualTimers();
    const q = new MemoryQueue({ concurrency: 1, log: silentLogger(), timers });
    await q.add('nobody', {});
    await q.add('nobody', {}, { delayMs: 60_000 });
    assert.equal(timers.size, 1);
    await q.close();
    assert.equal(timers.size, 0, 'delay timer cleared');
    assert.equal(await q.add('nobody', {}), false);
    assert.equal((await q.stats()).waiting, 0);
  });

  it('createQueue builds the in-process queue by default and requires a Redis URL for bullmq', async () => {
    const q = createQueue({ backend: 'memory', concurrency: 3 }, { log: silentLogger() });
    assert.ok(q instanceof MemoryQueue);
    await q.close();
    assert.throws(() => createQueue({ backend: 'bullmq', concurrency: 3 }, { log: silentLogger() }), /Redis URL/);
  });
});
