/**
 * Child process for the durability test: writes mentions forever in small transactions and prints
 * each committed batch's ids, until the parent SIGKILLs it.
 */

import { emptyEventStats } from '../../../lib/domain.js';
import { silentLogger } from '../../../lib/logger.js';
import { SqliteStore } from '../../../store/sqlite/sqlite-store.js';
import { analysis, mention } from './fixtures.js';

const path = process.argv[2];
if (!path) throw new Error('usage: durability-child.ts <db path>');
const store = new SqliteStore({ path, log: silentLogger() });
await store.saveEvent({
  id: 'dur-event',
  institution: 'icbc',
  topics: [],
  keyTerms: [],
  title: '工行宕机',
  simhash: '0000000000000000',
  firstSeenAt: '2025-11-22T00:00:00.000Z',
  lastSeenAt: '2025-11-22T00:00:00.000Z',
  ...emptyEventStats(),
});
for (let batch = 0; ; batch++) {
  const ms = Array.from({ length: 5 }, (_, i) => {
    const n = batch * 5 + i;
    // Every 4th post repeats the content of the previous one under another id (cross-source duplicate).
    return mention({
      nativeId: `d${n}`,
      text: `工商银行App又崩了，转账失败 #${n}`,
      publishedAt: new Date(Date.parse('2025-11-22T00:00:00.000Z') + n * 1000).toISOString(),
      contentHash: `dur-${n % 4 === 3 ? n - 1 : n}`,
    });
  });
  const r = await store.upsertMentions(ms);
  for (const id of r.fresh) {
    const m = ms.find((x) => x.id === id)!;
    await store.completeMention(id, analysis(m, { tokens: ['工商银行', 'App', '转账', '失败'] }), 'dur-event', m.publishedAt);
  }
  process.stdout.write(`${r.inserted.join(',')}\n`);
}
