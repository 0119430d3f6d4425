/**
 * Child process for the two-process SQLite race. Opens the store file, says `ready`, then for every
 * `step N` line from the parent contends for the same work as the other child (the same mentions,
 * clocks, notifications and new cases), answers `done N`, and on `end` prints what it won as JSON.
 */

import { createInterface } from 'node:readline';
import { ConflictError } from '../../../lib/errors.js';
import { silentLogger } from '../../../lib/logger.js';
import { SqliteStore } from '../../../store/sqlite/sqlite-store.js';
import { kase } from './fixtures.js';

const [path, owner, at] = process.argv.slice(2);
if (!path || !owner || !at) throw new Error('usage: race-child.ts <db path> <owner> <now>');
const store = new SqliteStore({ path, log: silentLogger(), busyTimeoutMs: 30_000 });
const ids = JSON.parse(process.env.RACE_MENTIONS ?? '[]') as string[];
const clocks = JSON.parse(process.env.RACE_CLOCKS ?? '[]') as string[];
const lease = { owner, at, ms: 300_000 };
const won = { mentions: new Set<string>(), clocks: [] as string[], notifications: [] as string[], cases: [] as string[] };

async function step(n: number): Promise<void> {
  const slice = ids.slice(n * 5, n * 5 + 5);
  for (const m of await store.claimMentions(owner === 'w1' ? slice : slice.reverse(), lease)) won.mentions.add(m.id);
  for (const m of await store.claimUnprocessedMentions(1, lease)) won.mentions.add(m.id);
  for (const id of [clocks[n], clocks[n + 20]]) if (id && (await store.claimClock(id, at))) won.clocks.push(id);
  won.notifications.push(...(await store.claimNotifications(3, lease)).map((x) => x.id));
  const event = `race-${n % 10}`;
  try {
    const c = await store.commitCaseChange({
      case: kase(`c_${event}`, event, at),
      expectNew: true,
      history: [{ at, type: 'opened', tier: 'L1', actor: owner }],
      scheduleClocks: [],
      cancelClockKinds: [],
      notifications: [],
    });
    won.cases.push(c.id);
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err;
  }
}

const lines = createInterface({ input: process.stdin });
process.stdout.write('ready\n');
for await (const line of lines) {
  if (line === 'end') break;
  const n = Number(line.replace('step ', ''));
  await step(n);
  process.stdout.write(`done ${n}\n`);
}
process.stdout.write(`${JSON.stringify({ ...won, mentions: [...won.mentions] })}\n`);
await store.close();
lines.close();
