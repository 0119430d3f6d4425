import { createKey, listKeys, revokeKey } from '../api/keys.js';
import type { Config } from '../config/schema.js';
import { systemClock } from '../lib/clock.js';
import type { ApiRole } from '../lib/domain.js';
import { createLogger } from '../lib/logger.js';
import { createStore } from '../store/index.js';

const ROLES: ApiRole[] = ['consumer', 'customer_service', 'pr', 'executive', 'compliance', 'admin'];

/** `radar keys create|list|revoke` against the configured store. */
export async function keysCli(config: Config, action: 'create' | 'list' | 'revoke', opts: { name?: string; role?: string; id?: string }): Promise<void> {
  const log = createLogger({ level: 'warn', format: 'pretty' });
  const store = await createStore(config.store, { log });
  try {
    if (action === 'create') {
      if (!ROLES.includes(opts.role as ApiRole)) throw new Error(`--role must be one of ${ROLES.join(', ')} (got "${opts.role}")`);
      const { id, secret } = await createKey(store, { name: opts.name ?? '', role: opts.role as ApiRole }, systemClock);
      process.stdout.write(`created key ${id} (${opts.role})\n${secret}\nStore this secret now: only its hash is kept.\n`);
    } else if (action === 'list') {
      for (const k of await listKeys(store)) {
        process.stdout.write(`${k.id}\t${k.role}\t${k.name}\t${k.prefix}…\tcreated ${k.createdAt}${k.revokedAt ? `\trevoked ${k.revokedAt}` : ''}\n`);
      }
    } else {
      const ok = await revokeKey(store, opts.id ?? '', systemClock);
      if (!ok) throw new Error(`no active key with id ${opts.id}`);
      process.stdout.write(`revoked ${opts.id}\n`);
    }
  } finally {
    await store.close();
  }
}
