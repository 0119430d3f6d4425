// Rewrites the configuration table in README.md from the zod schema: `npm run docs:config`.
import { readFileSync, writeFileSync } from 'node:fs';
import { configTable } from '../config/doc.js';
import { projectPath } from '../config/load.js';

const START = '<!-- config-table:start -->';
const END = '<!-- config-table:end -->';
const file = projectPath('README.md');
const text = readFileSync(file, 'utf8');
const a = text.indexOf(START);
const b = text.indexOf(END);
if (a < 0 || b < a) throw new Error(`README.md has no ${START} … ${END} block`);
writeFileSync(file, `${text.slice(0, a + START.length)}\n${configTable()}\n${text.slice(b)}`);
console.log('README.md configuration table updated');
