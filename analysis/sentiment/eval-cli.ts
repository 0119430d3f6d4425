/** `npm run eval [-- --data-dir DIR --model FILE]`: held-out figures of the shipped (or given) model. */
import { existsSync } from 'node:fs';
import { createTokenizer } from '../tokenizer.js';
import { argValue, watchlistAliases } from './cli-args.js';
import { DEFAULT_DATA_DIR } from './data.js';
import { evaluateAll, formatTable } from './evaluate.js';
import { defaultModelPath, loadSentimentModel } from './model.js';

const args = process.argv.slice(2);
const dataDir = argValue(args, 'data-dir', process.env.RADAR_TRAIN_DATA ?? DEFAULT_DATA_DIR)!;
if (!existsSync(dataDir)) {
  console.error(`data folder not found: ${dataDir}\nevaluation needs the labelled corpora; pass --data-dir (see analysis/sentiment/MODEL.md)`);
  process.exit(2);
}
const model = loadSentimentModel(argValue(args, 'model') ?? defaultModelPath());
console.log(`model ${model.version}`);
console.log(formatTable(evaluateAll(model, createTokenizer({ extraWords: watchlistAliases() }), dataDir)));
