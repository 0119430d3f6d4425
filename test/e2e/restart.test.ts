import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { createInstitutionMatcher } from '../../analysis/institutions.js';
import { buildCardFeeScenario } from '../../app/demo/scenario/card-fee.js';
import { type FixtureServers, startFixtureServers } from '../../app/demo/servers/index.js';
import { loadConfig, projectRoot } from '../../config/load.js';
import type { Case } from '../../lib/domain.js';
import { silentLogger } from '../../lib/logger.js';
import { createStore } from '../../store/index.js';
import { startHttpReceiver } from '../fixtures/receivers.js';

const API_KEY = 'restart_test_admin_key_0123456789';

interface Child {
  proc: ChildProcess;
  url: Promise<string>;
  lines: string[];
}

/** Runs `radar start` as a real child process and resolves its API URL from the JSON log. */
function startService(dataDir: string, configFile: string): Child {
  const lines: string[] = [];
  const proc = spawn(process.execPath, ['--import', 'tsx', 'cli.ts', '-c', 'config/demo.yaml', '-c', configFile, 'start'], {
    cwd: projectRoot,
    env: { ...process.env, RADAR_DATA_DIR: dataDir, RADAR_API_KEY: API_KEY, LOG_FORMAT: 'json', LOG_LEVEL: 'info', PORT: '0' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const url = new Promise<string>((resolve, reject) => {
    let buf = '';
    proc.stderr?.on('data', (chunk: Buffer) => {
      buf += chunk.toString('utf8');
      let nl = buf.indexOf('\n');
      while (nl >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        lines.push(line);
        if (process.env.DEBUG_CHILD) process.stderr.write(`[child ${proc.pid}] ${line}\n`);
        try {
          const entry = JSON.parse(line) as { message?: string; url?: string };
          if (entry.message === 'API listening' && entry.url) resolve(entry.url);
        } catch {
          // not a JSON log line
        }
        nl = buf.indexOf('\n');
      }
    });
    proc.once('exit', (code) => reject(new Error(`service exited early (${code}):\n${lines.slice(-20).join('\n')}`)));
  });
  url.catch(() => undefined);
  return { proc, url, lines };
}

async function alerts(url: string): Promise<Case[]> {
  const res = await fetch(`${url}/api/v1/alerts?institution=example_bank`, { headers: { authorization: `Bearer ${API_KEY}` } });
  assert.equal(res.status, 200);
  return ((await res.json()) as { items: Case[] }).items;
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('kill -9 mid-run and restart', function () {
  this.timeout(150_000);
  let servers: FixtureServers;
  let hook: Awaited<ReturnType<typeof startHttpReceiver>>;
  let dataDir: string;
  let configFile: string;
  const children: ChildProcess[] = [];
  /** Native ids of published posts about a watched institution (noise such as 招商局 is filtered out). */
  const relevant = new Set<string>();

  before(async () => {
    servers = await startFixtureServers();
    hook = await startHttpReceiver(() => ({ status: 200, body: { ok: true } }));
    dataDir = mkdtempSync(join(tmpdir(), 'radar-restart-'));
    configFile = join(dataDir, 'overrides.yaml');
    writeFileSync(
      configFile,
      stringify({
        crawl: {
          sources: {
            weibo: {
              kind: 'weibo',
              baseUrl: servers.urls.weibo,
              searchHtmlUrl: servers.urls.weiboHtml ?? servers.urls.weibo,
              visitorUrl: servers.urls.weibo,
              schedule: '*/2 * * * * *',
            },
            heimao: { kind: 'heimao', baseUrl: servers.urls.heimao, schedule: '*/2 * * * * *' },
            jutousu: { kind: 'jutousu', baseUrl: servers.urls.jutousu, schedule: '*/2 * * * * *' },
            'news-rss': { kind: 'rss', feeds: [{ name: '示例财经日报', url: servers.urls.rss }], schedule: '*/2 * * * * *' },
          },
        },
        log: { format: 'json' },
        escalation: { channels: { webhook: { url: hook.url, secret: 'restart-webhook-secret' } } },
      }),
    );
    const matcher = createInstitutionMatcher(loadConfig().watchlist);
    for (const phase of buildCardFeeScenario(new Date()).phases) {
      servers.publishPhase(phase);
      for (const item of [...phase.weibo, ...phase.heimao, ...phase.jutousu, ...phase.news]) {
        if (matcher.isRelevant(`${item.title ?? ''} ${item.text}`)) relevant.add(item.id);
      }
    }
  });

  after(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await servers?.close();
    await hook?.close();
    if (dataDir && !process.env.KEEP_DATA) rmSync(dataDir, { recursive: true, force: true });
    if (process.env.KEEP_DATA) console.log(dataDir);
  });

  it('loses no stored mention and opens no duplicate case', async () => {
    const first = startService(dataDir, configFile);
    children.push(first.proc);
    const url1 = await first.url;
    // Kill as soon as the first case exists: crawls, analysis and escalation are all mid-flight.
    await until('a first case', async () => ((await alerts(url1)).length > 0 ? true : undefined), 60_000);
    first.proc.kill('SIGKILL');
    await new Promise((r) => first.proc.once('exit', r));

    const second = startService(dataDir, configFile);
    children.push(second.proc);
    const url2 = await second.url;
    const final = await until(
      'the case at L3',
      async () => {
        const items = await alerts(url2);
        return items.length === 1 && items[0]?.tier === 'L3' ? items[0] : undefined;
      },
      90_000,
    );
    // Every post the platforms served is stored, whatever the kill interrupted.
    const expected = servers.publishedIds().filter((id) => relevant.has(id.slice(id.indexOf(':') + 1)));
    assert.ok(expected.length >= 15, `expected posts: ${expected.length}`);
    let missing = '';
    await until(
      'every published post stored',
      async () => {
        for (const id of expected) {
          const res = await fetch(`${url2}/api/v1/mentions/${encodeURIComponent(id)}`, { headers: { authorization: `Bearer ${API_KEY}` } });
          if (res.status !== 200) {
            missing = `${id} → HTTP ${res.status}`;
            return undefined;
          }
        }
        return true;
      },
      60_000,
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}; last missing: ${missing}`);
    });
    const detail = await fetch(`${url2}/api/v1/alerts/${final.id}`, { headers: { authorization: `Bearer ${API_KEY}` } });
    const full = (await detail.json()) as Case;
    second.proc.kill('SIGTERM');
    await new Promise((r) => second.proc.once('exit', r));

    // Depending on where the kill landed, the case opened at L1 or L2; either way each transition is recorded once.
    const transitions = full.history.filter((h) => h.type === 'opened' || h.type === 'promoted').map((h) => `${h.type}:${h.tier}`);
    assert.equal(transitions.filter((h) => h.startsWith('opened')).length, 1, 'exactly one case opened');
    assert.equal(new Set(transitions).size, transitions.length, `no transition recorded twice: ${transitions.join(', ')}`);

    const store = await createStore({ backend: 'sqlite', dataDir, keepRawText: false }, { log: silentLogger() });
    try {
      for (const id of expected) {
        const m = await store.getMention(id);
        assert.ok(m, `mention ${id} stored`);
      }
      const notifications = await store.listNotifications(final.id);
      const keys = notifications.map((n) => n.idempotencyKey);
      assert.equal(new Set(keys).size, keys.length, 'no duplicate notification');
      // Every page the outbox recorded as sent reached the receiver (delivery is at-least-once).
      const delivered = new Set(hook.received.map((r) => decodeURIComponent(String(r.headers['x-radar-idempotency-key']))));
      for (const n of notifications.filter((x) => x.status === 'sent')) assert.ok(delivered.has(n.idempotencyKey), `delivered ${n.idempotencyKey}`);
      assert.ok(
        notifications.some((n) => n.status === 'sent'),
        'pages were sent',
      );
    } finally {
      await store.close();
    }
  });
});
