/**
 * Load-time tables and shared types of the sentiment feature extractor (split out of features.ts):
 * the named dense features, the polarity emoticons and the negation/degree characters. The hot
 * extraction code in features.ts reads the derived tables it builds from these at module load.
 */
import type { CueTable } from './cues.js';

/**
 * Lexicon as an open-addressing hash table keyed by the 32-bit unigram hash of the word (the hash the
 * feature extractor computes anyway), so a token lookup costs a few array reads and no string hashing.
 * Value: LEX_* bits in the low byte, for degree adverbs round(multiplier × 10) above it.
 */
export interface Lexicon {
  keys: Int32Array;
  vals: Int32Array;
  slotMask: number;
  size: number;
  /** Phrase cues (complaint intent, slang, learned opinion words); absent: no cue features. */
  cues?: CueTable;
}

export interface FeatureInput {
  normalized: string;
  tokens: string[];
  emoticons: string[];
}

export type Emit = (bucket: number, value: number) => void;

/**
 * The features of one post as parallel arrays, in emission order (a bucket may repeat; consumers add
 * the values). One process-wide buffer, valid until the next {@link collectFeatures} call: extraction
 * allocates nothing (no per-feature callback, so no boxed doubles either).
 */
export interface FeatureList {
  buckets: Int32Array;
  values: Float64Array;
  length: number;
}

/** Named dense features (lexicon scores, counts). */
export const NAMED = [
  'lex:gen_pos',
  'lex:gen_neg',
  'lex:fin_pos',
  'lex:fin_neg',
  'lex:dom_neg',
  'lex:dom_pos',
  'lex:negated_pos',
  'lex:negated_neg',
  'lex:balance',
  'lex:any_neg',
  'emo:pos',
  'emo:neg',
  'punct:exclaim',
  'punct:question',
  'len:short',
  'len:medium',
  'len:long',
  'bias',
  'cue:complaint',
  'cue:slang',
  'cue:opinion_neg',
  'cue:opinion_pos',
] as const;
export type Named = (typeof NAMED)[number];

/** Hand-picked Weibo emoticons (simplified names) and emoji with a clear polarity. */
export const NEG_EMOTICONS = new Set(
  '怒 抓狂 泪 衰 生病 悲伤 失望 鄙视 怒骂 吐 晕 委屈 哼 左哼哼 右哼哼 汗 黑线 可怜 伤心 心碎 拜拜 弱 no 囧 打脸 喷 微笑 费解 疑问 挖鼻 允悲 裂开 淚 😡 😠 🤬 😤 😭 😢 😞 😔 😩 😫 👎 💔 🙄 😒 😓'.split(
    ' ',
  ),
);
export const POS_EMOTICONS = new Set(
  '哈哈 赞 good 爱你 心 鼓掌 给力 笑哈哈 嘻嘻 太开心 耶 好喜欢 威武 奥特曼 偷笑 酷 ok 握手 礼物 蛋糕 鲜花 互粉 可爱 亲亲 馋嘴 兔子 笑cry 二哈 doge 👍 😀 😄 😊 😁 ❤️ ❤ 🎉 💯 👏 😍 🥰 🙏'.split(
    ' ',
  ),
);

/** Negation characters (a token starting with one is tried as the negated rest). */
export const NEGATION_CHARS = new Set(['不', '没', '未', '无', '非', '别', '勿', '莫', '毋']);
/** Degree adverb characters and their multipliers. */
export const DEGREE_CHARS = new Map<string, number>([
  ['太', 1.8],
  ['很', 1.5],
  ['超', 1.8],
  ['最', 2],
  ['极', 2],
  ['更', 1.3],
  ['巨', 1.8],
  ['贼', 1.8],
  ['好', 1.3],
  ['挺', 1.2],
  ['真', 1.3],
]);
