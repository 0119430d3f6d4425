#!/usr/bin/env node
import { createInterface } from 'node:readline';
import { Command, InvalidArgumentError } from 'commander';
import { ConfigError, loadConfig } from './config/load.js';

const program = new Command();
program
  .name('radar')
  .description('舆情雷达 yuqing-radar: bank reputation monitoring with tiered escalation')
  .option(
    '-c, --config <file>',
    'extra YAML config file merged over config/default.yaml (repeatable)',
    (v: string, prev: string[]) => [...prev, v],
    [] as string[],
  );

function configFiles(): string[] {
  return (program.opts<{ config?: string[] }>().config ?? []).slice();
}

function fail(err: unknown): never {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`radar: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}

async function runRole(role: 'all' | 'api' | 'worker' | 'scheduler'): Promise<void> {
  const config = loadConfig({ files: configFiles() });
  const { createRuntime } = await import('./app/runtime.js');
  const runtime = await createRuntime(config, { role, apiKey: process.env.RADAR_API_KEY, databaseUrl: process.env.DATABASE_URL || undefined });
  const stop = async (signal: string) => {
    runtime.log.info('shutting down', { signal });
    await runtime.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

program
  .command('start')
  .description('run the whole service in one process (embedded SQLite store, in-process queue)')
  .action(() => runRole('all'));
program
  .command('api')
  .description('cluster role: the HTTP API and dashboard (needs DATABASE_URL and REDIS_URL; run any number)')
  .action(() => runRole('api'));
program
  .command('worker')
  .description('cluster role: crawl and processing jobs, SLA sweeper, notification outbox (needs DATABASE_URL and REDIS_URL; run any number)')
  .action(() => runRole('worker'));
program
  .command('scheduler')
  .description('cluster role: crawl schedules as BullMQ job schedulers and the daily digest (each tick fires once however many run)')
  .action(() => runRole('scheduler'));

program
  .command('demo')
  .description('start loopback platform replay servers with the demo scenario and the service against them')
  .option('--speed <factor>', 'scenario speed factor (1 = about a minute end to end)', (v) => {
    const n = Number(v);
    if (!(n > 0)) throw new InvalidArgumentError('must be a positive number');
    return n;
  })
  .action(async (opts: { speed?: number }) => {
    const { runDemo } = await import('./app/demo/index.js');
    const demo = await runDemo({ files: configFiles(), speed: opts.speed ?? 1 });
    const stop = async () => {
      await demo.close();
      process.exit(0);
    };
    process.once('SIGINT', () => void stop());
    process.once('SIGTERM', () => void stop());
  });

program
  .command('analyze')
  .description('read posts from stdin (one per line) and write one JSON analysis per line (NDJSON)')
  .action(async () => {
    const config = loadConfig({ files: configFiles() });
    const { createAnalyzer } = await import('./analysis/index.js');
    const analyzer = createAnalyzer(config);
    const rl = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
    const out: string[] = [];
    for await (const line of rl) {
      out.push(JSON.stringify(analyzer.analyzeText(line)));
      if (out.length >= 256) process.stdout.write(`${out.splice(0).join('\n')}\n`);
    }
    if (out.length > 0) process.stdout.write(`${out.join('\n')}\n`);
  });

program
  .command('train')
  .description('retrain the sentiment model on your own labelled posts (CSV: text,label)')
  .requiredOption('--data <file>', 'CSV with columns text,label (label negative|neutral|positive or 1=negative/0)')
  .option('--out <file>', 'where to write the model', 'analysis/sentiment/model.json')
  .option('--no-base', 'train on your data only (reuses the shipped lexicons; no corpora needed)')
  .option('--data-dir <dir>', 'the labelled corpora and lexicons (default ../shared/data)')
  .action(async (opts: { data: string; out: string; base: boolean; dataDir?: string }) => {
    const { retrainCli } = await import('./app/train-cli.js');
    await retrainCli(opts);
  });

program
  .command('backtest')
  .description('replay stored mentions through a rule set and list the cases it would open (notifies no one)')
  .requiredOption('--rules <file>', 'rule file (YAML), e.g. config/escalation.yaml')
  .requiredOption('--from <iso>', 'start of the window (ISO date or datetime)')
  .requiredOption('--to <iso>', 'end of the window (ISO date or datetime)')
  .option('--format <format>', 'table or json', 'table')
  .action(async (opts: { rules: string; from: string; to: string; format: string }) => {
    const config = loadConfig({ files: configFiles() });
    const { runBacktestCli } = await import('./app/backtest.js');
    await runBacktestCli(config, opts);
  });

program
  .command('reindex')
  .description('backfill the search index (PostgreSQL or Elasticsearch) from the store; idempotent by mention id')
  .requiredOption('--from <date>', 'first publish date to index (ISO date or datetime)')
  .option('--to <date>', 'end of the range, exclusive (default: now)')
  .action(async (opts: { from: string; to?: string }) => {
    const config = loadConfig({ files: configFiles() });
    const { reindexCli } = await import('./app/reindex-cli.js');
    await reindexCli(config, opts);
  });

const keys = program.command('keys').description('manage API keys');
keys
  .command('create')
  .requiredOption('--name <name>', 'who or what the key is for')
  .requiredOption('--role <role>', 'consumer | customer_service | pr | executive | compliance | admin')
  .action(async (opts: { name: string; role: string }) => {
    const { keysCli } = await import('./app/keys-cli.js');
    await keysCli(loadConfig({ files: configFiles() }), 'create', opts);
  });
keys.command('list').action(async () => {
  const { keysCli } = await import('./app/keys-cli.js');
  await keysCli(loadConfig({ files: configFiles() }), 'list', {});
});
keys
  .command('revoke')
  .argument('<id>', 'key id')
  .action(async (id: string) => {
    const { keysCli } = await import('./app/keys-cli.js');
    await keysCli(loadConfig({ files: configFiles() }), 'revoke', { id });
  });

program.parseAsync(process.argv).catch(fail);
