import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import winston from 'winston';
import { createKey } from '../../../api/keys.js';
import { type NewsFixtureServer, startNewsServer } from '../../../app/demo/servers/news.js';
import { createRuntime, type Runtime } from '../../../app/runtime.js';
import { loadConfig } from '../../../config/load.js';
import type { ApiRole } from '../../../lib/domain.js';
import { startHttpReceiver, startSmtpReceiver } from '../../fixtures/receivers.js';

export const ADMIN_KEY = 'security_test_admin_key_0123456789abcdef';

/**
 * The whole service in one process (runtime as `radar start` wires it) against a loopback news feed,
 * with real webhook, DingTalk and SMTP receivers and a JSON log captured line by line.
 */
export interface SecurityEnv {
  runtime: Runtime;
  news: NewsFixtureServer;
  webhook: Awaited<ReturnType<typeof startHttpReceiver>>;
  dingtalk: Awaited<ReturnType<typeof startHttpReceiver>>;
  smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
  logLines: string[];
  dataDir: string;
  url: string;
  key(role: ApiRole): Promise<string>;
  /** Crawls the feed once, analyses, escalates and delivers every due notification. */
  crawl(): Promise<void>;
  /** Every file the store wrote (database, WAL, shared memory), concatenated. */
  storeBytes(): Buffer;
  close(): Promise<void>;
}

export async function startSecurityEnv(): Promise<SecurityEnv> {
  const news = await startNewsServer();
  const webhook = await startHttpReceiver(() => ({ status: 200, body: { ok: true } }));
  const dingtalk = await startHttpReceiver();
  const smtp = await startSmtpReceiver();
  const dataDir = mkdtempSync(join(tmpdir(), 'radar-security-'));
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logLines.push(chunk.toString('utf8'));
      cb();
    },
  });
  const log = winston.createLogger({ level: 'debug', format: winston.format.json(), transports: [new winston.transports.Stream({ stream: sink })] });
  const config = loadConfig({
    env: {},
    overrides: {
      server: { port: 0, host: '127.0.0.1', publicUrl: 'https://radar.example-bank.cn' },
      store: { dataDir },
      crawl: {
        sources: {
          'news-rss': { kind: 'rss', jitter: 0, requestsPerMinute: 600, feeds: [{ name: '示例财经日报', url: `${news.url}/rss/finance.xml` }] },
        },
      },
      escalation: {
        roster: {
          executive: [{ name: '分管副行长-周伟', email: 'exec@example-bank.cn' }],
          compliance: [{ name: '合规部-孙丽', email: 'compliance@example-bank.cn' }],
          pr: [{ name: '公关部-陈静', email: 'pr@example-bank.cn' }],
          customer_service: [{ name: '客服值班-王敏', email: 'kefu@example-bank.cn' }],
        },
        channels: {
          webhook: { url: `${webhook.url}/hooks/radar`, secret: 'security-webhook-secret' },
          dingtalk: { url: `${dingtalk.url}/robot/send?access_token=t` },
          email: { host: '127.0.0.1', port: smtp.port, from: 'radar@example-bank.cn' },
        },
        routes: { executive: ['webhook', 'dingtalk', 'email'], compliance: ['email'], pr: ['webhook'], customer_service: ['webhook'] },
      },
    },
  });
  const runtime = await createRuntime(config, { log, api: true, schedules: false, apiKey: ADMIN_KEY });
  const url = runtime.url!;
  return {
    runtime,
    news,
    webhook,
    dingtalk,
    smtp,
    logLines,
    dataDir,
    url,
    async key(role) {
      return (await createKey(runtime.store, { name: `test-${role}`, role }, runtime.clock)).secret;
    },
    async crawl() {
      await runtime.crawlers.scheduler.runNow('news-rss');
      await runtime.queue.drain();
      await runtime.dispatcher.dispatchOnce();
    },
    storeBytes() {
      return Buffer.concat(readdirSync(dataDir).map((f) => readFileSync(join(dataDir, f))));
    },
    async close() {
      await runtime.close();
      await Promise.all([news.close(), webhook.close(), dingtalk.close(), smtp.close()]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** GET with a key; returns status and body text. */
export async function get(url: string, key: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
  return { status: res.status, text: await res.text() };
}
