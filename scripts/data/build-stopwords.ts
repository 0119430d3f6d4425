/**
 * Builds analysis/dict/stopwords.txt from the goto456 lists (cn + HIT) in the shared data folder,
 * keeping every word that carries sentiment: negations, degree adverbs, contrast and complaint words.
 * Usage: tsx scripts/data/build-stopwords.ts [--data-dir /work/shared/data]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const at = args.indexOf('--data-dir');
const dataDir = at >= 0 && args[at + 1] ? args[at + 1]! : '../shared/data';
const lex = join(dataDir, 'lexicons');

function lines(path: string): string[] {
  return readFileSync(path, 'utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
}

const source = [...lines(join(lex, 'stopwords_goto456/cn_stopwords.txt')), ...lines(join(lex, 'stopwords_goto456/hit_stopwords.txt'))];
const keep = new Set<string>([
  ...lines(join(lex, 'negation_degree_stopwords/否定词.txt')),
  ...lines(join(lex, 'negation_degree_stopwords/程度副词.txt')).map((l) => l.split(',')[0]!.trim()),
  ...lines('analysis/dict/user.dict.utf8').map((l) => l.split(/\s+/)[0]!),
  // Contrast, complaint and question words that flip or signal sentiment.
  ...'但 但是 可是 却 然而 不过 只是 竟然 居然 究竟 到底 为什么 为何 怎么 怎么办 怎样 难道 凭什么 何必 根本 完全 一直 总是 再也 终于 仍然 还是 依然 已经 再 又 还 都 才 就 好 坏 差 多 少 大 小 高 低 快 慢 对 错 真 假 行 可以 能 会 要 想 给 被 让 请 谢谢 感谢 希望 呵呵 哈哈 嘿嘿 唉 哎 哼'.split(
    ' ',
  ),
]);

const out = [...new Set(source)].filter((w) => !keep.has(w)).sort();
writeFileSync('analysis/dict/stopwords.txt', `${out.join('\n')}\n`);
console.log(`wrote ${out.length} stop words`);
