import { readFileSync, writeFileSync } from 'node:fs';
import type { ModelArtifact } from '../analysis/sentiment/model.js';
import { trainFromCsv } from '../analysis/sentiment/pipeline.js';
import { loadConfig, projectPath } from '../config/load.js';

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
