import assert from 'node:assert/strict';
import { after, before, describe, it } from 'mocha';
import { createKey, ensureBootstrapKey, hashSecret, listKeys, revokeKey } from '../../../api/keys.js';
import { FakeClock } from '../../../lib/clock.js';
import { CriticalError } from '../../../lib/errors.js';
import { silentLogger } from '../../../lib/logger.js';
import { createStore } from '../../../store/index.js';
import type { Store } from '../../../store/store.js';

describe('api/keys', () => {
  let store: Store;
  const clock = new FakeClock('2025-11-22T02:00:00.000Z');
  before(async () => {
    store = await createStore({ backend: 'sqlite', dataDir: ':memory:', keepRawText: false }, { log: silentLogger() });
  });
  after(async () => {
    await store.close();
  });

  it('stores only the sha256 of the secret', async () => {
    const { id, secret, record } = await createKey(store, { name: '客服部', role: 'customer_service' }, clock);
    assert.equal(record.hash, hashSecret(secret));
    assert.notEqual(record.hash, secret);
    const found = await store.findApiKeyByHash(hashSecret(secret));
    assert.equal(found?.id, id);
    assert.equal(found?.role, 'customer_service');
    assert.equal(record.prefix, secret.slice(0, 10));
  });

  it('bootstraps the admin key idempotently', async () => {
    const secret = 'bootstrap-secret-from-env-RADAR_API_KEY';
    const first = await ensureBootstrapKey(store, secret, clock);
    const second = await ensureBootstrapKey(store, secret, clock);
    assert.equal(first, second);
    const keys = await listKeys(store);
    assert.equal(keys.filter((k) => k.name === 'bootstrap-admin').length, 1);
    assert.equal(keys.find((k) => k.id === first)?.role, 'admin');
    assert.ok(keys.every((k) => !('hash' in k)));
    await assert.rejects(ensureBootstrapKey(store, '  ', clock), /empty/);
  });

  it('refuses a bootstrap admin key shorter than 24 characters with a clear start-up error', async () => {
    const before = (await listKeys(store)).length;
    for (const weak of ['a', 'admin', '12345678901234567890123']) {
      await assert.rejects(ensureBootstrapKey(store, weak, clock), (err: unknown) => {
        assert.ok(err instanceof CriticalError);
        assert.match(err.message, /RADAR_API_KEY must be at least 24 characters/);
        return true;
      });
    }
    assert.equal((await listKeys(store)).length, before, 'no key was created');
    assert.ok(await ensureBootstrapKey(store, '123456789012345678901234', clock));
  });

  it('revokes a key once', async () => {
    const { id } = await createKey(store, { name: 'BI', role: 'consumer' }, clock);
    assert.equal(await revokeKey(store, id, clock), true);
    assert.equal(await revokeKey(store, id, clock), false);
    assert.equal((await listKeys(store)).find((k) => k.id === id)?.revokedAt, clock.now().toISOString());
    assert.equal(await revokeKey(store, 'k_missing', clock), false);
  });
});
