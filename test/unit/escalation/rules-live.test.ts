import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, projectPath } from '../../../config/load.js';
import type { RuleSet } from '../../../escalation/rules.js';
import { createLiveRules, type LiveRules } from '../../../escalation/rules-live.js';
import { RedisBus } from '../../../lib/bus.js';
import { FakeClock } from '../../../lib/clock.js';
import { silentLogger } from '../../../lib/logger.js';
import { createStore } from '../../../store/index.js';
import type { Store } from '../../../store/store.js';
import { backendUrl, uniquePrefix } from '../../fixtures/backends.js';

describe('live rules across processes (store + Redis bus)', function () {
  this.timeout(20_000);
  let dir = '';
  const closers: Array<() => Promise<void>> = [];
  let redisUrl = '';
  before(function () {
    redisUrl = backendUrl(this, 'TEST_REDIS_URL');
    dir = mkdtempSync(join(tmpdir(), 'radar-rules-'));
  });
  after(async () => {
    for (const c of closers.reverse()) await c();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** One "process": its own store connection to the shared database and its own bus connection. */
  async function proc(channel: string): Promise<{ rules: LiveRules; store: Store; seen: RuleSet[] }> {
    const config = loadConfig({ overrides: { store: { dataDir: dir } } });
    const store = await createStore(config.store, { log: silentLogger() });
    const bus = new RedisBus({ url: redisUrl, channel, log: silentLogger() });
    await bus.ready;
    const rules = await createLiveRules({ config, store, bus, clock: new FakeClock('2025-11-22T02:00:00.000Z'), log: silentLogger() });
    closers.push(async () => {
      rules.close();
      await bus.close();
      await store.close();
    });
    const seen: RuleSet[] = [];
    rules.onChange((r) => seen.push(r));
    return { rules, store, seen };
  }

  it('a rule set saved through one API process reaches every other process', async () => {
    const channel = uniquePrefix('rules');
    const [api, worker1, worker2] = [await proc(channel), await proc(channel), await proc(channel)];
    const shipped = readFileSync(projectPath('config/escalation.yaml'), 'utf8');
    const edited = shipped.replace('minDistinctComplainants: 10 #', 'minDistinctComplainants: 8 #');
    assert.notEqual(edited, shipped);
    const l2 = (r: RuleSet) => r.rules.find((x) => x.tier === 'L2' && x.trigger.minDistinctComplainants !== undefined)?.trigger.minDistinctComplainants;
    assert.equal(l2(worker1.rules.current()), 10);

    const { version } = await api.rules.service.update(edited, 'admin');
    assert.equal(l2(api.rules.current()), 8, 'the saving process applies it at once');
    const deadline = Date.now() + 10_000;
    while (worker1.seen.length === 0 || worker2.seen.length === 0) {
      if (Date.now() > deadline) throw new Error('the rule change did not reach the workers');
      await new Promise((r) => setTimeout(r, 10));
    }
    for (const w of [worker1, worker2]) {
      assert.equal(l2(w.rules.current()), 8);
      assert.equal((await w.rules.service.get()).version, version);
    }
    // A process started later reads the saved version, not the shipped file.
    const late = await proc(channel);
    assert.equal(l2(late.rules.current()), 8);
  });
});
