import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { silentLogger } from '../../../lib/logger.js';
import { BullMqQueue } from '../../../queue/bullmq.js';
import { runQueueContract } from './contract.js';

const REDIS = '/usr/bin/redis-server';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

describe('BullMqQueue (real redis-server)', function () {
  this.timeout(30_000);
  let redis: ChildProcess | undefined;
  let url = '';

  before(async function () {
    if (!existsSync(REDIS)) this.skip(); // redis-server not installed: the BullMQ contract cannot run here
    const port = await freePort();
    redis = spawn(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      redis!.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Ready to accept connections')) resolve();
      });
      redis!.on('exit', (code) => reject(new Error(`redis-server exited (${code}): ${out}`)));
    });
    url = `redis://127.0.0.1:${port}`;
  });

  after(() => {
    redis?.kill('SIGTERM');
  });

  runQueueContract(
    'bullmq',
    async (concurrency) => new BullMqQueue({ url, prefix: `t${randomBytes(4).toString('hex')}`, concurrency, log: silentLogger(), pollMs: 10 }),
  );
});
