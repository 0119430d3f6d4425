import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { createInstitutionMatcher } from '../../analysis/institutions.js';
import { buildCardFeeScenario } from '../../app/demo/scenario/card-fee.js';
import { type FixtureServers, startFixtureServers } from '../../app/demo/servers/index.js';
import { loadConfig } from '../../config/load.js';
import type { Case } from '../../lib/domain.js';
import { silentLogger } from '../../lib/logger.js';
import { createStore } from '../../store/index.js';
import { backendUrl, uniquePrefix } from '../fixtures/backends.js';
import { startHttpReceiver } from '../fixtures/receivers.js';
import { dropSchemas, randomSchema } from '../unit/store/pg-env.js';
import { openEventStream, type RoleProcess, startRole, until } from './helpers/processes.js';

const API_KEY = 'cluster_test_admin_key_0123456789';
const auth = { authorization: `Bearer ${API_KEY}` };

async function get<T>(url: string): Promise<T> {
  const res = await fetch(url, { headers: auth });
  if (res.status !== 200) throw new Error(`${url} → HTTP ${res.status}`);
  return (await res.json()) as T;
}

async function alerts(api: string): Promise<Case[]> {
  return (await get<{ items: Case[] }>(`${api}/api/v1/alerts?institution=example_bank`)).items;
}

/** The test database: its own schema on the TEST_DATABASE_URL server (the store creates it), dropped afterwards. */
function testSchema(adminUrl: string): { url: string; drop(): Promise<void> } {
  const schema = randomSchema('radar_cluster');
  const url = new URL(adminUrl);
  url.searchParams.set('schema', schema);
  return { url: url.toString(), drop: () => dropSchemas(adminUrl, [schema]) };
}

describe('cluster end to end: scheduler, two workers and two APIs as separate processes on PostgreSQL and Redis', function () {
  this.timeout(300_000);
  let servers: FixtureServers;
  let hook: Awaited<ReturnType<typeof startHttpReceiver>>;
  let db: ReturnType<typeof testSchema> | undefined;
  let dir = '';
  const roles: RoleProcess[] = [];
  const relevant = new Set<string>();
  let env: Record<string, string> = {};
  let args: string[] = [];

  before(async function () {
    const dbAdminUrl = backendUrl(this, 'TEST_DATABASE_URL');
    const redisUrl = backendUrl(this, 'TEST_REDIS_URL');
    db = testSchema(dbAdminUrl);
    servers = await startFixtureServers();
    hook = await startHttpReceiver(() => ({ status: 200, body: { ok: true } }));
    dir = mkdtempSync(join(tmpdir(), 'radar-cluster-'));
    const configFile = join(dir, 'cluster.yaml');
    const source = { schedule: '*/2 * * * * *', requestsPerMinute: 240 };
    writeFileSync(
      configFile,
      stringify({
        log: { format: 'json', level: 'info' },
        // Short leases: a killed worker's job, mentions and claimed notifications pass to the other in seconds.
        queue: { backend: 'bullmq', redisUrl, prefix: uniquePrefix('cluster'), leaseSeconds: 3 },
        crawl: {
          sources: {
            weibo: { kind: 'weibo', baseUrl: servers.urls.weibo, searchHtmlUrl: servers.urls.weiboHtml, visitorUrl: servers.urls.weibo, ...source },
            heimao: { kind: 'heimao', baseUrl: servers.urls.heimao, ...source },
            jutousu: { kind: 'jutousu', baseUrl: servers.urls.jutousu, ...source },
            'news-rss': { kind: 'rss', feeds: [{ name: '示例财经日报', url: servers.urls.rss }], ...source },
          },
        },
        escalation: { channels: { webhook: { url: hook.url, secret: 'cluster-webhook-secret' } } },
      }),
    );
    args = ['-c', 'config/demo.yaml', '-c', configFile];
    env = { DATABASE_URL: db.url, RADAR_API_KEY: API_KEY, PORT: '0' };
  });

  after(async () => {
    for (const r of roles) if (r.proc.exitCode === null) r.proc.kill('SIGKILL');
    await Promise.all(roles.map((r) => r.exited));
    await servers?.close();
    await hook?.close();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reaches L3 with one case, each transition and page once, live updates on every API, and survives kill -9 of a worker', async () => {
    const start = (name: string, role: string, ready: string) => {
      const r = startRole(name, [...args, role], env, ready);
      roles.push(r);
      return r;
    };
    // The first API process creates the schema; the others start on it.
    const api1 = start('api1', 'api', 'API listening');
    const url1 = String((await api1.ready).url);
    const [api2, worker1, worker2, scheduler] = [
      start('api2', 'api', 'API listening'),
      start('worker1', 'worker', 'processing recovered'),
      start('worker2', 'worker', 'processing recovered'),
      start('scheduler', 'scheduler', 'crawl schedules upserted'),
    ];
    const url2 = String((await api2.ready).url);
    await Promise.all([worker1.ready, worker2.ready, scheduler.ready]);
    const stream = openEventStream(`${url2}/api/v1/stream?access_token=${API_KEY}`);
    await stream.opened;

    const matcher = createInstitutionMatcher(loadConfig().watchlist);
    const scenario = buildCardFeeScenario(new Date());
    const publish = (i: number) => {
      const phase = scenario.phases[i]!;
      servers.publishPhase(phase);
      const ids = [...phase.weibo, ...phase.heimao, ...phase.jutousu, ...phase.news].filter((p) => matcher.isRelevant(`${p.title ?? ''} ${p.text}`));
      for (const p of ids) relevant.add(p.id);
      return ids.map((p) => p.id);
    };
    const stored = async (api: string, nativeIds: string[]) => {
      const all = servers.publishedIds().filter((id) => nativeIds.includes(id.slice(id.indexOf(':') + 1)));
      const found = await Promise.all(
        all.map(async (id) => (await fetch(`${api}/api/v1/mentions/${encodeURIComponent(id)}`, { headers: auth })).status === 200),
      );
      return found.filter(Boolean).length;
    };

    // Phase 1: one complaint → L1.
    publish(0);
    await until('an L1 case', async () => ((await alerts(url1)).some((c) => c.tier === 'L1') ? true : undefined));

    // Phase 2: ten-plus complainants. Kill worker 1 as soon as the first of them is stored: its crawl,
    // its leased mentions and its claimed notifications are mid-flight.
    const phase2 = publish(1);
    await until('a phase-2 post stored', async () => ((await stored(url1, phase2)) > 0 ? true : undefined));
    worker1.proc.kill('SIGKILL');
    assert.equal(await worker1.exited, null, 'worker 1 died of SIGKILL');
    await until('the case promoted to L2', async () => ((await alerts(url2)).some((c) => c.tier === 'L2') ? true : undefined));

    // Phase 3: a media report → L3.
    publish(2);
    const l3 = await until('the case at L3', async () => (await alerts(url1)).find((c) => c.tier === 'L3'));

    // Exactly one case, each transition recorded once.
    assert.equal((await alerts(url2)).length, 1, 'one case for the issue');
    const full = await get<Case>(`${url2}/api/v1/alerts/${l3.id}`);
    const transitions = full.history.filter((h) => h.type === 'opened' || h.type === 'promoted').map((h) => `${h.type}:${h.tier}`);
    assert.deepEqual(transitions, ['opened:L1', 'promoted:L2', 'promoted:L3']);

    // No mention lost: every relevant post the platforms served is stored and analysed.
    const expected = servers.publishedIds().filter((id) => relevant.has(id.slice(id.indexOf(':') + 1)));
    assert.ok(expected.length >= 15, `expected posts: ${expected.length}`);
    await until('every published post stored and analysed', async () => {
      for (const id of expected) {
        const m = await get<{ sentiment?: unknown; duplicateOf?: string }>(`${url1}/api/v1/mentions/${encodeURIComponent(id)}`);
        if (!m.sentiment && !m.duplicateOf) return undefined;
      }
      return true;
    });
    // None counted twice: the event links each mention once and its count says so.
    const event = await get<{ mentionCount: number; mentions: Array<{ id: string }> }>(`${url1}/api/v1/events/${full.eventId}?mentions=500`);
    const linked = event.mentions.map((m) => m.id);
    assert.equal(new Set(linked).size, linked.length, 'a mention linked twice');
    assert.equal(event.mentionCount, linked.length);

    // Each page reached the webhook receiver exactly once.
    const store = await createStore(loadConfig().store, { log: silentLogger(), databaseUrl: db!.url });
    const notifications = await until('every page sent', async () => {
      const items = await store.listNotifications(full.id);
      return items.length >= 3 && items.every((n) => n.status === 'sent') ? items : undefined;
    }).finally(() => store.close());
    const received = hook.received.map((r) => decodeURIComponent(String(r.headers['x-radar-idempotency-key'])));
    for (const n of notifications) {
      assert.equal(received.filter((k) => k === n.idempotencyKey).length, 1, `${n.idempotencyKey} received once`);
    }

    // An acknowledgement made through API #1 reaches the live stream of API #2.
    const ack = await fetch(`${url1}/api/v1/alerts/${full.id}/ack`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ note: '高管已知悉，牵头处置' }),
    });
    assert.equal(ack.status, 200);
    await until('the ack on API #2', async () =>
      stream.events.some((e) => e.event === 'case.changed' && (e.data as { change?: string }).change === 'acknowledged') ? true : undefined,
    );
    stream.close();
  });
});
