import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_DATA_DIR } from '../analysis/sentiment/data.js';
import { evaluateAll, formatTable } from '../analysis/sentiment/evaluate.js';
import { type ModelArtifact, modelFromArtifact } from '../analysis/sentiment/model.js';
import { trainFromCsv, trainModel } from '../analysis/sentiment/pipeline.js';
import { loadConfig, projectPath } from '../config/load.js';
import { argValue, watchlistAliases } from './train-args.js';

/**
 * The sentiment training entry points. `npm run train [-- --data-dir DIR --out FILE --bits N]` (this file run
 * directly): trains the sentiment model deterministically from the corpora and writes
 * analysis/sentiment/model.json, then prints the held-out evaluation. `radar train --data my.csv`: `retrainCli`.
 */
export function trainCli(args: string[]): void {
  const dataDir = argValue(args, 'data-dir', process.env.RADAR_TRAIN_DATA ?? DEFAULT_DATA_DIR)!;
  const out = argValue(args, 'out', projectPath('analysis/sentiment/model.json'))!;
  if (!existsSync(dataDir)) {
    console.error(`data folder not found: ${dataDir}\npass --data-dir pointing at the corpora (see analysis/sentiment/MODEL.md)`);
    process.exit(2);
  }
  const t0 = Date.now();
  const extraWords = watchlistAliases();
  const bits = Number(argValue(args, 'bits', '18'));
  const { artifact } = trainModel({ dataDir, extraWords, bits, log: (m) => console.log(m) });
  writeFileSync(out, JSON.stringify(artifact));
  console.log(`wrote ${out} (${(statSync(out).size / 1024).toFixed(0)} KiB, ${artifact.version}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log(formatTable(evaluateAll(loadConfig(), dataDir, modelFromArtifact(artifact)).rows));
}

/**
 * `radar train --data my.csv [--out model.json] [--no-base] [--data-dir DIR]`: retrains the sentiment model
 * with the bank's own labelled posts (CSV `text,label`), combined with the base corpora by default.
 */
export async function retrainCli(opts: { data: string; out: string; base: boolean; dataDir?: string }): Promise<void> {
  const config = loadConfig();
  const shipped = JSON.parse(readFileSync(projectPath(config.analysis.modelPath), 'utf8')) as ModelArtifact;
  const started = Date.now();
  const artifact = await trainFromCsv(opts.data, {
    dataDir: opts.dataDir,
    combine: opts.base,
    baseModel: shipped,
    extraWords: config.watchlist.flatMap((i) => [i.name, ...i.aliases]),
    log: (m) => process.stderr.write(`${m}\n`),
  });
  const out = projectPath(opts.out);
  writeFileSync(out, JSON.stringify(artifact));
  process.stdout.write(`wrote ${out} (${artifact.version}) in ${((Date.now() - started) / 1000).toFixed(1)} s; set analysis.modelPath to use it\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) trainCli(process.argv.slice(2));
