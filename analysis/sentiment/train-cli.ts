/**
 * `npm run train [-- --data-dir DIR --out FILE --bits N]`: trains the sentiment model deterministically and
 * writes analysis/sentiment/model.json, then prints the held-out evaluation.
 */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../config/load.js';
import { argValue, watchlistAliases } from './cli-args.js';
import { DEFAULT_DATA_DIR } from './data.js';
import { evaluateAll, formatTable } from './evaluate.js';
import { modelFromArtifact } from './model.js';
import { trainModel } from './pipeline.js';

const args = process.argv.slice(2);
const dataDir = argValue(args, 'data-dir', process.env.RADAR_TRAIN_DATA ?? DEFAULT_DATA_DIR)!;
const sourceModel = fileURLToPath(new URL('./model.json', import.meta.url));
const defaultOut = sourceModel.includes('/dist/') ? fileURLToPath(new URL('../../../analysis/sentiment/model.json', import.meta.url)) : sourceModel;
const out = argValue(args, 'out', defaultOut)!;

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
