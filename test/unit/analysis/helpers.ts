import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { SentimentModel } from '../../../analysis/sentiment/model.js';
import { parseConfig, projectPath } from '../../../config/load.js';
import type { Config } from '../../../config/schema.js';
import type { Mention, SentimentLabel } from '../../../lib/domain.js';

/** The shipped watchlist with default analysis settings. */
export function testConfig(overrides: Record<string, unknown> = {}): Config {
  const watchlist = parseYaml(readFileSync(projectPath('config/watchlist.yaml'), 'utf8')) as unknown;
  return parseConfig({ watchlist, ...overrides }, 'test');
}

const NEG = [
  '差',
  '恶劣',
  '坑',
  '垃圾',
  '骗',
  '投诉',
  '乱收',
  '气死',
  '无语',
  '崩',
  '亏',
  '不处理',
  '凭什么',
  '催收',
  '冷漠',
  '离谱',
  '维权',
  '黑心',
  '恶心',
  '太慢',
];
const POS = ['好', '满意', '感谢', '耐心', '专业', '点赞', '贴心', '给力'];

/**
 * A transparent lexicon model for tests that must not depend on the trained artifact: negative when
 * the clause has more negative than positive cue words.
 */
export const lexiconModel: SentimentModel = {
  version: 'test-lexicon',
  negativeThreshold: 0.5,
  predict({ normalized }, threshold = 0.5) {
    let neg = 0;
    let pos = 0;
    for (const w of NEG) if (normalized.includes(w)) neg++;
    for (const w of POS) if (normalized.includes(w) && !normalized.includes(`不${w}`)) pos++;
    const score = neg > pos ? 0.9 : pos > neg ? 0.05 : 0.3;
    const label: SentimentLabel = score >= threshold ? 'negative' : pos > neg ? 'positive' : 'neutral';
    return { label, score, negativePhrases: NEG.filter((w) => normalized.includes(w)) };
  },
};

/** True when the trained sentiment model is present (trained by `npm run train`). */
export const hasTrainedModel = existsSync(projectPath('analysis/sentiment/model.json'));

let seq = 0;
export function mention(text: string, opts: Partial<Omit<Mention, 'author'>> & { author?: string; at?: string } = {}): Mention {
  seq++;
  const { author, at, ...rest } = opts;
  return {
    id: `weibo:${seq}`,
    source: 'weibo',
    sourceType: 'social',
    nativeId: String(seq),
    text,
    author: { key: author ?? `u${seq}`, name: author ?? `用户${seq}`, isMedia: false },
    publishedAt: at ?? '2025-11-22T02:00:00.000Z',
    fetchedAt: at ?? '2025-11-22T02:00:00.000Z',
    contentHash: `h${seq}`,
    ...rest,
  };
}
