/**
 * `npm run eval [-- --data-dir DIR --model FILE --threshold T --errors N]`: held-out figures of the shipped path (the
 * `radar analyze` analyzer with the threshold in force), per test set and per length bucket.
 */
import { existsSync } from 'node:fs';
import { DEFAULT_DATA_DIR } from '../analysis/sentiment/data.js';
import { evaluateAll, formatTable } from '../analysis/sentiment/evaluate.js';
import { loadSentimentModel } from '../analysis/sentiment/model.js';
import { loadConfig } from '../config/load.js';
import { argValue } from './train-args.js';

const args = process.argv.slice(2);
const dataDir = argValue(args, 'data-dir', process.env.RADAR_TRAIN_DATA ?? DEFAULT_DATA_DIR)!;
if (!existsSync(dataDir)) {
  console.error(`data folder not found: ${dataDir}\nevaluation needs the labelled corpora; pass --data-dir (see analysis/sentiment/MODEL.md)`);
  process.exit(2);
}
const threshold = argValue(args, 'threshold');
// `--threshold T` evaluates an explicit override (analysis.negativeThreshold), as a deployment would set it.
const config = loadConfig(threshold === undefined ? {} : { overrides: { analysis: { negativeThreshold: Number(threshold) } } });
const modelFile = argValue(args, 'model');
const model = modelFile ? loadSentimentModel(modelFile) : undefined;
const { rows, bdciErrors } = evaluateAll(config, dataDir, model);
console.log(formatTable(rows));
const showErrors = Number(argValue(args, 'errors', '0'));
for (const e of bdciErrors.slice(0, showErrors)) console.log(`${e.neg ? 'missed' : 'false alarm'}\t${e.score.toFixed(2)}\t${e.text}`);
