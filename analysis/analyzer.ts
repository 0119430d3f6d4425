import { projectPath } from '../config/paths.js';
import type { Config } from '../config/schema.js';
import type { Analysis, InstitutionHit, Mention, SentimentLabel, TopicHit } from '../lib/domain.js';
import { type AcMatches, SharedDictionary } from './ahocorasick.js';
import { SimHashAccumulator, tokenHash, tokenWeight } from './fingerprint.js';
import { createInstitutionMatcher, type InstitutionMatcher, withSentiment } from './institutions.js';
import { type Normalized, normalize } from './normalize.js';
import { maskPii } from './pii.js';
import { loadSentimentModel, type SentimentModel, type SentimentPrediction } from './sentiment/model.js';
import { createSeverityScanner } from './severity.js';
import { createTokenizer, isNoise, loadStopWords, type Tokenizer } from './tokenizer.js';
import { createTopicClassifier } from './topics.js';
import type { Analyzer } from './types.js';

export interface AnalyzerDeps {
  /** Sentiment model; default: loaded once from `config.analysis.modelPath`. */
  model?: SentimentModel;
  /** Tokenizer; default: nodejieba with every watchlist alias as a user word. */
  tokenizer?: Tokenizer;
}

/** What `radar analyze` prints per line (DESIGN.md contract). */
export interface TextAnalysis {
  sentiment: { label: SentimentLabel; score: number };
  institutions: Array<Pick<InstitutionHit, 'id' | 'name' | 'matched' | 'branch' | 'productLine' | 'sentiment'>>;
  topics: TopicHit[];
}

/** The negative threshold in force and where it came from (logged at start-up). */
export interface ThresholdInForce {
  value: number;
  origin: 'model' | 'config';
}

export interface FullAnalyzer extends Analyzer {
  readonly threshold: ThresholdInForce;
  analyzeBatch(mentions: readonly Mention[], analyzedAt: string): Analysis[];
  /** The `radar analyze` shape for one line of text. */
  analyzeText(text: string): TextAnalysis;
  readonly institutions: InstitutionMatcher;
}

const KEY_TERMS = 8;
const NO_SEGS: string[] = [];
/** Distinct tokens remembered by the per-process token memo before it starts over. */
const TOKEN_MEMO = 200_000;
/** Share of the model's "not negative" kept after one / several complaint phrases. */
const EVIDENCE_KEEP_1 = 0.4;
const EVIDENCE_KEEP_2 = 0.2;
/** Model P(negative) under which a post without complaint phrases skips per-clause targeting. */
const CONFIDENTLY_NOT_NEGATIVE = 0.05;
/** Frequent words that say nothing about the issue (beyond the tokenizer's stop words). */
const GENERIC = new Set(
  '银行 客服 真的 什么 这个 那个 就是 还是 已经 现在 今天 昨天 一个 大家 自己 我们 你们 他们 没有 不是 可以 知道 觉得 还有 时候 问题 怎么 为什么 一直 电话 说 告诉 然后 结果 因为 所以 但是 而且 这样 那么 一下 这么 直接 所有 还要 需要 之后 以后 之前 东西 事情 一次 两次 三次 多次 今年 去年 每年 怎么办 有没有 是不是 各位 网友 朋友 评论 转发 视频 微博 分享 办理'.split(
    ' ',
  ),
);

function isNumeric(tok: string): boolean {
  for (let i = 0; i < tok.length; i++) {
    const c = tok.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || c === 46 || c === 44 || c === 37 || c === 42)) return false;
  }
  return true;
}

export function createAnalyzer(config: Config, deps: AnalyzerDeps = {}): FullAnalyzer {
  // One automaton for institutions, topics and severity: each post is scanned once.
  const shared = new SharedDictionary();
  const matcher = createInstitutionMatcher(config.watchlist, shared);
  const tokenizer = deps.tokenizer ?? createTokenizer({ extraWords: [...matcher.aliases] });
  const model = deps.model ?? loadSentimentModel(projectPath(config.analysis.modelPath));
  const topics = createTopicClassifier(undefined, shared);
  const severity = createSeverityScanner(shared);
  shared.build();
  const stop = loadStopWords();
  // One decision threshold for the post and its clauses: the artifact's, unless config overrides it explicitly.
  const override = config.analysis.negativeThreshold;
  const threshold: ThresholdInForce = override === undefined ? { value: model.negativeThreshold, origin: 'model' } : { value: override, origin: 'config' };
  const negativeThreshold = threshold.value;
  // Key-term classes, one lookup per token: 0 excluded (names, filler), 1 taxonomy word (boosted).
  const termClass = new Map<string, number>();
  for (const w of topics.vocabulary) termClass.set(w.toLowerCase(), 1);
  for (const w of GENERIC) termClass.set(w, 0);
  for (const a of matcher.aliases) termClass.set(a.toLowerCase(), 0);

  /** Same as the tokenizer's `tokens` test, without a regex for the usual CJK or alphanumeric word. */
  function noise(tok: string): boolean {
    if (tok.length === 0 || tok === ' ' || stop.has(tok)) return true;
    const c = tok.charCodeAt(0);
    if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)) return false;
    return isNoise(tok, stop);
  }

  /**
   * Per-process memo of what each distinct token is: noise or not, key-term class and gain, SimHash
   * hash and weight. One map lookup per token replaces the stop-word, class and hash work; `gen` and
   * `score` carry the per-post key-term count without a per-post map.
   */
  interface TokenInfo {
    noise: boolean;
    /** Key-term base gain; 0 = never a key term. */
    gain: number;
    boost: number;
    hi: number;
    lo: number;
    weight: number;
    gen: number;
    score: number;
  }
  const tokenInfo = new Map<string, TokenInfo>();
  let generation = 0;

  // One- and two-code-unit tokens (most of jieba's output) are memoized by their char codes: an array
  // read, or an integer-keyed open-addressing table, instead of hashing the string in a Map.
  const byChar: Array<TokenInfo | undefined> = new Array(0x10000).fill(undefined);
  const PAIR_SLOTS = 1 << 15;
  const pairKeys = new Int32Array(PAIR_SLOTS);
  const pairInfo: Array<TokenInfo | undefined> = new Array(PAIR_SLOTS).fill(undefined);
  let pairCount = 0;

  function makeInfo(tok: string): TokenInfo {
    const c = tok.charCodeAt(0);
    const cls = termClass.get(c < 128 ? tok.toLowerCase() : tok);
    const excluded = tok.length < 2 || cls === 0 || (c < 128 && isNumeric(tok));
    const [hi, lo] = tokenHash(tok);
    return { noise: noise(tok), gain: excluded ? 0 : tok.length >= 3 ? 3 : 2, boost: cls === 1 ? 6 : 0, hi, lo, weight: tokenWeight(tok), gen: 0, score: 0 };
  }

  function info(tok: string): TokenInfo {
    const len = tok.length;
    if (len === 1) {
      const c = tok.charCodeAt(0);
      let one = byChar[c];
      if (one === undefined) {
        one = makeInfo(tok);
        byChar[c] = one;
      }
      return one;
    }
    if (len === 2) {
      const key = (tok.charCodeAt(0) << 16) | tok.charCodeAt(1);
      let slot = Math.imul(key, 0x9e3779b1) >>> 17;
      for (;;) {
        const hit = pairInfo[slot];
        if (hit === undefined) break;
        if (pairKeys[slot] === key) return hit;
        slot = (slot + 1) & (PAIR_SLOTS - 1);
      }
      if (pairCount >= PAIR_SLOTS >> 1) {
        pairInfo.fill(undefined);
        pairCount = 0;
        return info(tok);
      }
      const made = makeInfo(tok);
      pairKeys[slot] = key;
      pairInfo[slot] = made;
      pairCount++;
      return made;
    }
    let i = tokenInfo.get(tok);
    if (i) return i;
    i = makeInfo(tok);
    if (tokenInfo.size >= TOKEN_MEMO) tokenInfo.clear();
    tokenInfo.set(tok, i);
    return i;
  }

  /** Clause tokens, in a scratch array reused by every clause (the model only reads it during `predict`). */
  const clauseTokens: string[] = [];
  function filterTokens(segs: readonly string[], from: number, to: number): string[] {
    clauseTokens.length = 0;
    for (let i = from; i < to; i++) {
      const tok = segs[i]!;
      if (!info(tok).noise) clauseTokens.push(tok);
    }
    return clauseTokens;
  }

  const acc = new SimHashAccumulator();
  // Scratch arrays reused by every post, filled by index with a count: never truncated with
  // `length = 0`, which drops an array's backing store and makes every post grow it again (about 2 KB
  // of garbage per post here).
  const kTerms: string[] = [];
  const kValues: number[] = [];
  const kSeen: TokenInfo[] = [];
  const kSeenTok: string[] = [];
  const digestScratch: string[] = [];

  /**
   * One pass over the segments: tokens (noise removed), SimHash, and key terms (top tokens by
   * weight: repeated, long and taxonomy words first; institution names and filler out; ties to the
   * earliest).
   */
  function digestTokens(segs: readonly string[]): { tokens: string[]; simhash: string; keyTerms: string[] } {
    const gen = ++generation;
    const tokens = digestScratch;
    let tokenCount = 0;
    let seenCount = 0;
    acc.reset();
    for (let s = 0; s < segs.length; s++) {
      const tok = segs[s]!;
      const ti = info(tok);
      if (ti.noise) continue;
      tokens[tokenCount++] = tok;
      acc.add(ti.hi, ti.lo, ti.weight);
      if (ti.gain === 0) continue;
      if (ti.gen !== gen) {
        ti.gen = gen;
        ti.score = ti.gain + ti.boost;
        kSeen[seenCount] = ti;
        kSeenTok[seenCount++] = tok;
      } else ti.score += ti.gain;
    }
    let termCount = 0;
    for (let k = 0; k < seenCount; k++) {
      const v = kSeen[k]!.score;
      let pos = termCount;
      while (pos > 0 && kValues[pos - 1]! < v) pos--;
      if (pos >= KEY_TERMS) continue;
      // Insert at `pos` (at most KEY_TERMS entries kept), without splice's result array.
      let last = termCount < KEY_TERMS ? termCount++ : KEY_TERMS - 1;
      for (; last > pos; last--) {
        kTerms[last] = kTerms[last - 1]!;
        kValues[last] = kValues[last - 1]!;
      }
      kTerms[pos] = kSeenTok[k]!;
      kValues[pos] = v;
    }
    return { tokens: tokens.slice(0, tokenCount), simhash: acc.digest(), keyTerms: kTerms.slice(0, termCount) };
  }

  interface Prepared {
    n: Normalized;
    text: string;
    segs: string[];
    digest?: ReturnType<typeof digestTokens>;
    model0?: SentimentPrediction;
    scan?: AcMatches;
    display?: string;
  }

  /** Stage 1a (normalize, mask): PII is masked before tokenizing so that phone or card numbers never reach tokens or the index. */
  function clean(raw: string): Prepared {
    const n = normalize(raw);
    return { n, text: maskPii(n.text).text, segs: NO_SEGS };
  }

  /** Stage 2a (tokens, SimHash, key terms). */
  function digestOf(p: Prepared): void {
    p.digest = digestTokens(p.segs);
  }

  /** Stage 2b (sentiment): batch-wide so the model weights stay hot. */
  function predictOf(p: Prepared): void {
    p.model0 = model.predict({ normalized: p.text, tokens: p.digest!.tokens, emoticons: p.n.emoticons }, negativeThreshold);
  }

  function prepare(raw: string): Prepared {
    const p = clean(raw);
    p.segs = tokenizer.cut(p.text);
    return p;
  }

  function core(raw: string, prepared: Prepared = prepare(raw)) {
    const { n, text, segs } = prepared;
    const digest = prepared.digest ?? digestTokens(segs);
    const tokens = digest.tokens;
    const model0 = prepared.model0 ?? model.predict({ normalized: text, tokens, emoticons: n.emoticons }, negativeThreshold);
    const scan = prepared.scan ?? shared.scan(text);
    const topicHits = topics.classify(text, scan);
    // Complaint phrases of the taxonomy (negation-aware) are negative evidence the statistical model
    // may miss on short posts (ICBC的app又崩了): fused as an independent signal.
    const evidence = topics.evidence(topicHits);
    let score = model0.score;
    if (evidence.length > 0) score = 1 - (1 - score) * (evidence.length > 1 ? EVIDENCE_KEEP_2 : EVIDENCE_KEEP_1);
    const label: SentimentLabel = score >= negativeThreshold ? 'negative' : model0.label === 'negative' ? 'neutral' : model0.label;
    let negativePhrases = model0.negativePhrases;
    if (evidence.length > 0) {
      // Model phrases then evidence, first occurrences only.
      negativePhrases = negativePhrases.slice();
      for (const e of evidence) if (!negativePhrases.includes(e)) negativePhrases.push(e);
    }
    const pred = { label, score, negativePhrases };
    let institutions = matcher.match(text, scan);
    let primary: string | undefined;
    if (institutions.length > 0) {
      let offsets: Int32Array | undefined;
      const scorer = (clause: string, start: number, end: number): SentimentLabel => {
        if (start === 0 && end === text.length) return pred.label;
        // A complaint phrase in the clause makes it negative whatever the model says: no prediction needed.
        for (let e = 0; e < evidence.length; e++) if (clause.includes(evidence[e]!)) return 'negative';
        if (!offsets) {
          offsets = new Int32Array(segs.length + 1);
          for (let i = 0; i < segs.length; i++) offsets[i + 1] = offsets[i]! + segs[i]!.length;
        }
        let from = 0;
        while (from < segs.length && offsets[from + 1]! <= start) from++;
        let to = from;
        while (to < segs.length && offsets[to]! < end) to++;
        const input = { normalized: clause, tokens: filterTokens(segs, from, to), emoticons: NO_SEGS };
        return model.predictLabel ? model.predictLabel(input, negativeThreshold) : model.predict(input, negativeThreshold).label;
      };
      // No complaint phrase and a confidently non-negative model: no clause can be a negative target.
      // (Below the threshold too: a negative post is always targeted, whatever the threshold in force.)
      const targeted =
        institutions.length > 1 && evidence.length === 0 && model0.score < Math.min(CONFIDENTLY_NOT_NEGATIVE, negativeThreshold)
          ? { hits: institutions.map((h) => withSentiment(h, pred.label)), primary: institutions[0]!.id }
          : matcher.targetSentiment(text, institutions, scorer, scan);
      institutions = targeted.hits;
      primary = targeted.primary;
    }
    // `@招商银行信用卡中心` handles were taken out of the text by normalize; they name the addressee.
    if (n.mentions.length > 0) {
      for (const handle of n.mentions) {
        for (const h of matcher.match(handle)) {
          if (institutions.some((x) => x.id === h.id)) continue;
          institutions = [...institutions, withSentiment(h, pred.label)];
        }
      }
      primary = (institutions.find((h) => h.sentiment === 'negative') ?? institutions[0])?.id;
    }
    return { n, text, tokens, pred, institutions, primary, topicHits, scan, digest };
  }

  function finish(mention: Mention, analyzedAt: string, raw: string, prepared?: Prepared): Analysis {
    const c = core(raw, prepared);
    const analysis: Analysis = {
      mentionId: mention.id,
      sentiment: { label: c.pred.label, score: c.pred.score },
      institutions: c.institutions,
      topics: c.topicHits,
      severity: severity.scan(c.text, mention, c.scan),
      tokens: c.tokens,
      keyTerms: c.digest.keyTerms,
      simhash: c.digest.simhash,
      displayText: prepared?.display ?? maskPii(raw).text,
      negativePhrases: c.pred.negativePhrases,
      modelVersion: model.version,
      analyzedAt,
    };
    if (c.primary) analysis.primaryInstitution = c.primary;
    return analysis;
  }

  function postText(mention: Mention): string {
    const title = mention.title?.trim();
    if (!title || mention.text.startsWith(title)) return mention.text;
    return `${title}。${mention.text}`;
  }

  return {
    modelVersion: model.version,
    threshold,
    institutions: matcher,
    analyze(mention: Mention, analyzedAt: string): Analysis {
      return finish(mention, analyzedAt, postText(mention));
    },
    analyzeBatch(mentions: readonly Mention[], analyzedAt: string): Analysis[] {
      const raws = mentions.map(postText);
      // Stage by stage over the batch: each stage's tables and code stay hot (measurably faster than
      // post by post, and than fusing normalize with jieba). jieba segments the whole batch in one call.
      const prepared = raws.map(clean);
      const cuts = tokenizer.cutMany(prepared.map((p) => p.text));
      for (let i = 0; i < prepared.length; i++) prepared[i]!.segs = cuts[i]!;
      prepared.forEach(digestOf);
      prepared.forEach(predictOf);
      for (const p of prepared) p.scan = shared.scan(p.text);
      for (let i = 0; i < raws.length; i++) prepared[i]!.display = maskPii(raws[i]!).text;
      return mentions.map((m, i) => finish(m, analyzedAt, raws[i]!, prepared[i]));
    },
    analyzeText(text: string): TextAnalysis {
      const c = core(text);
      return {
        sentiment: { label: c.pred.label, score: c.pred.score },
        institutions: c.institutions.map((h) => ({
          id: h.id,
          name: h.name,
          matched: h.matched,
          ...(h.branch ? { branch: h.branch } : {}),
          ...(h.productLine ? { productLine: h.productLine } : {}),
          ...(h.sentiment ? { sentiment: h.sentiment } : {}),
        })),
        topics: c.topicHits,
      };
    },
  };
}
