import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configTable } from '../../../config/doc.js';
import { ConfigError, loadConfig, parseConfig, projectPath } from '../../../config/load.js';

describe('configuration', () => {
  it('loads the shipped defaults: real platform hosts, the watchlist with our bank', () => {
    const config = loadConfig({ env: {} });
    const weibo = config.crawl.sources.weibo;
    assert.equal(weibo?.kind, 'weibo');
    assert.equal(weibo.kind === 'weibo' && weibo.baseUrl, 'https://m.weibo.cn');
    const heimao = config.crawl.sources.heimao;
    assert.equal(heimao?.kind === 'heimao' && heimao.baseUrl, 'https://tousu.sina.com.cn');
    const ids = config.watchlist.map((i) => i.id);
    for (const id of ['icbc', 'ccb', 'abc', 'boc', 'bocom', 'cmb', 'spdb', 'citic', 'cmbc', 'cib', 'ceb', 'pab', 'cgb', 'hxb', 'psbc'])
      assert.ok(ids.includes(id), id);
    assert.equal(config.watchlist.filter((i) => i.ourBank).length, 1);
    assert.ok(config.watchlist.find((i) => i.id === 'icbc')?.aliases.includes('工行'));
  });

  it('honours the documented environment variables', () => {
    const config = loadConfig({
      env: { PORT: '4100', RADAR_DATA_DIR: '/tmp/radar-x', LOG_LEVEL: 'debug', CHROME_PATH: '/usr/bin/chromium', REDIS_URL: 'redis://127.0.0.1:6390' },
    });
    assert.equal(config.server.port, 4100);
    assert.equal(config.store.dataDir, '/tmp/radar-x');
    assert.equal(config.log.level, 'debug');
    assert.equal(config.crawl.chromePath, '/usr/bin/chromium');
    assert.equal(config.queue.redisUrl, 'redis://127.0.0.1:6390');
  });

  it('fails fast naming the path of every bad key', () => {
    const bad = {
      watchlist: [{ id: 'icbc', name: '工商银行', aliases: ['工行'] }],
      server: { port: 'eighty' },
      crawl: { sources: { weibo: { kind: 'weibo', requestsPerMinute: -1 } } },
      nonsense: 1,
    };
    assert.throws(
      () => parseConfig(bad),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        const paths = err.issues.map((i) => i.path);
        assert.ok(paths.includes('server.port'), paths.join(','));
        assert.ok(paths.includes('crawl.sources.weibo.requestsPerMinute'), paths.join(','));
        assert.match(err.message, /nonsense/);
        return true;
      },
    );
  });

  it('names the file of a configuration that is not valid YAML', () => {
    const dir = mkdtempSync(join(tmpdir(), 'radar-config-'));
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'server:\n  port: 3000\n   host: [0.0.0.0\n');
    try {
      assert.throws(
        () => loadConfig({ env: {}, files: [file] }),
        (err: unknown) => err instanceof ConfigError && err.message.startsWith(`${file}: not valid YAML`) && err.issues[0]?.message.includes(file) === true,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a watchlist with duplicate ids or two "our bank" entries', () => {
    const inst = (id: string, ourBank = false) => ({ id, name: id, aliases: [id], ourBank });
    assert.throws(() => parseConfig({ watchlist: [inst('a'), inst('a')] }), /duplicate institution id a/);
    assert.throws(() => parseConfig({ watchlist: [inst('a', true), inst('b', true)] }), /at most one institution may be ourBank/);
  });

  it('the README configuration table is generated from the schema (npm run docs:config)', () => {
    const readme = readFileSync(projectPath('README.md'), 'utf8');
    assert.ok(readme.includes(configTable()), 'README.md is out of date: run npm run docs:config');
  });
});
