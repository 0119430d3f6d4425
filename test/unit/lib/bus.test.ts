import assert from 'node:assert/strict';
import { type BusMessage, MessageBus, RedisBus } from '../../../lib/bus.js';
import { silentLogger } from '../../../lib/logger.js';
import { backendUrl, uniquePrefix } from '../../fixtures/backends.js';

function collect(bus: MessageBus): BusMessage[] {
  const got: BusMessage[] = [];
  bus.subscribe((m) => got.push(m));
  return got;
}

async function until(what: string, ok: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('MessageBus (in-process)', () => {
  it('delivers to every subscriber until it unsubscribes', () => {
    const bus = new MessageBus();
    const a = collect(bus);
    const got: BusMessage[] = [];
    const off = bus.subscribe((m) => got.push(m));
    bus.publish({ type: 'mention.stored', count: 2 });
    off();
    bus.publish({ type: 'mention.stored', count: 3 });
    assert.equal(a.length, 2);
    assert.deepEqual(got, [{ type: 'mention.stored', count: 2 }]);
  });
});

describe('RedisBus (real Redis: the bus between cluster processes)', function () {
  this.timeout(30_000);
  let url = '';
  const buses: RedisBus[] = [];
  before(function () {
    url = backendUrl(this, 'TEST_REDIS_URL');
  });
  after(async () => {
    await Promise.all(buses.map((b) => b.close()));
  });

  async function open(channel: string): Promise<RedisBus> {
    const bus = new RedisBus({ url, channel, log: silentLogger() });
    buses.push(bus);
    await bus.ready;
    return bus;
  }

  it('a message published in one process reaches the others once, and its own subscribers once', async () => {
    const channel = uniquePrefix('bus');
    const [api1, api2, worker] = [await open(channel), await open(channel), await open(channel)];
    const [got1, got2, gotW] = [collect(api1), collect(api2), collect(worker)];
    api1.publish({ type: 'rules.changed', name: 'escalation', version: 7 });
    worker.publish({ type: 'mention.stored', count: 12 });
    await until('both messages everywhere', () => got1.length === 2 && got2.length === 2 && gotW.length === 2);
    // A marker sent last: once it arrived, nothing else (an echo) is still on its way.
    api2.publish({ type: 'mention.stored', count: -1 });
    await until('the marker', () => got1.length === 3 && gotW.length === 3);
    for (const got of [got1, got2, gotW]) {
      assert.deepEqual(
        got.filter((m) => m.type === 'rules.changed'),
        [{ type: 'rules.changed', name: 'escalation', version: 7 }],
      );
      assert.equal(got.filter((m) => m.type === 'mention.stored' && m.count === 12).length, 1);
    }
  });

  it('buses on another channel (another deployment, another test run) see nothing', async () => {
    const a = await open(uniquePrefix('bus'));
    const other = await open(uniquePrefix('bus'));
    const seen = collect(other);
    const mine = collect(a);
    a.publish({ type: 'mention.stored', count: 1 });
    other.publish({ type: 'mention.stored', count: 2 });
    await until('own messages', () => mine.length === 1 && seen.length === 1);
    assert.deepEqual(seen, [{ type: 'mention.stored', count: 2 }]);
  });
});
