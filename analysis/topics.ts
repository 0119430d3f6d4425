import type { TopicHit } from '../lib/domain.js';
import { type AcMatches, type DictionaryHandle, SharedDictionary } from './ahocorasick.js';
import { BUSINESS_LINES, type BusinessLine, PRODUCT_WORDS, TOPICS, type TopicDef } from './taxonomy.js';
import { crossesClause, isNegated } from './textutil.js';

export { BUSINESS_LINES, CAUSES, TOPICS } from './taxonomy.js';

type Payload = { kind: 'phrase'; topic: number } | { kind: 'pairA' | 'pairB'; topic: number; pair: number } | { kind: 'product'; line: BusinessLine };

export interface TopicClassifier {
  /** Risk topics of normalized text (multi-label), each with the phrases that triggered it. */
  classify(text: string, matches?: AcMatches): TopicHit[];
  /** Business line suggested by product words (most frequent, ties to the earliest), if any. */
  productLine(text: string): BusinessLine | undefined;
  /** Phrases of the hits that are complaints by themselves (not a topic's `weak` words): negative evidence. */
  evidence(hits: readonly TopicHit[]): string[];
  /** Every trigger phrase and product word (key-term boosting). */
  readonly vocabulary: ReadonlySet<string>;
}

type PairPayload = Payload & { kind: 'pairA' | 'pairB' };
type Dict = DictionaryHandle<Payload>;

/**
 * The classifier's taxonomy, dictionary and scratch state, built once. The scratch is reused by every
 * call (the classifier is synchronous): no per-call maps.
 */
interface State {
  topics: readonly TopicDef[];
  dict: Dict;
  lineIds: BusinessLine[];
  lineIndex: Map<BusinessLine, number>;
  lineCounts: Int32Array;
  lineFirst: Int32Array;
  topicPhrases: Array<string[] | undefined>;
  pairStarts: number[];
  pairEnds: number[];
  pairPayloads: PairPayload[];
}

function dictionaryEntries(topics: readonly TopicDef[]): Array<[string, Payload]> {
  const entries: Array<[string, Payload]> = [];
  topics.forEach((t, topic) => {
    for (const p of t.phrases) entries.push([p, { kind: 'phrase', topic }]);
    t.pairs?.forEach((pair, i) => {
      for (const a of pair.a) entries.push([a, { kind: 'pairA', topic, pair: i }]);
      for (const b of pair.b) entries.push([b, { kind: 'pairB', topic, pair: i }]);
    });
  });
  for (const [w, line] of PRODUCT_WORDS) entries.push([w, { kind: 'product', line }]);
  return entries;
}

function addPhrase(s: State, topic: number, phrase: string): void {
  const list = s.topicPhrases[topic];
  if (!list) s.topicPhrases[topic] = [phrase];
  else if (!list.includes(phrase)) list.push(phrase);
}

function inferLine(s: State): BusinessLine | undefined {
  const { lineCounts, lineFirst } = s;
  let best = -1;
  for (let i = 0; i < lineCounts.length; i++) {
    const n = lineCounts[i]!;
    if (n === 0) continue;
    if (best < 0 || n > lineCounts[best]! || (n === lineCounts[best]! && lineFirst[i]! < lineFirst[best]!)) best = i;
  }
  return best < 0 ? undefined : s.lineIds[best];
}

/**
 * Walks the matches into the scratch: product words into the line counts; with `wantTopics`, the
 * phrases not negated into their topics and the pair halves into the pair lists. True if a phrase hit.
 */
function scanMatches(s: State, text: string, wantTopics: boolean, m: AcMatches): boolean {
  const { dict, lineCounts, lineFirst } = s;
  let anyPhrase = false;
  // A phrase inside a negated longer phrase (催收 in 没有被暴力催收) is negated too. Longer phrases
  // ending at the same position come first.
  let negStart = -1;
  let negEnd = -1;
  for (let k = 0; k < m.patterns.length; k++) {
    const start = m.starts[k]!;
    const end = m.ends[k]!;
    const pid = m.patterns[k]!;
    const list = dict.payloads(pid);
    if (list === undefined) continue;
    let negated: boolean | undefined;
    for (let j = 0; j < list.length; j++) {
      const p = list[j]!;
      if (p.kind === 'product') {
        const li = s.lineIndex.get(p.line)!;
        if (lineCounts[li] === 0) lineFirst[li] = start;
        lineCounts[li]!++;
        continue;
      }
      if (!wantTopics) continue;
      if (negated === undefined) {
        negated = (start >= negStart && end <= negEnd) || isNegated(text, start);
        if (negated) {
          negStart = start;
          negEnd = end;
        }
      }
      if (negated) continue;
      if (p.kind === 'phrase') {
        addPhrase(s, p.topic, dict.ac.patterns[pid]!);
        anyPhrase = true;
      } else {
        s.pairStarts.push(start);
        s.pairEnds.push(end);
        s.pairPayloads.push(p);
      }
    }
  }
  return anyPhrase;
}

/** Pairs an A half with a B half of the same pair within its window and clause; true if any did. */
function matchPairs(s: State, text: string): boolean {
  const { pairPayloads, pairStarts, pairEnds } = s;
  let anyPhrase = false;
  for (let i = 0; i < pairPayloads.length; i++) {
    const a = pairPayloads[i]!;
    if (a.kind !== 'pairA') continue;
    const window = s.topics[a.topic]!.pairs![a.pair]!.window ?? 8;
    for (let j = 0; j < pairPayloads.length; j++) {
      const b = pairPayloads[j]!;
      if (b.kind !== 'pairB' || b.topic !== a.topic || b.pair !== a.pair) continue;
      const as = pairStarts[i]!;
      const ae = pairEnds[i]!;
      const bs = pairStarts[j]!;
      const be = pairEnds[j]!;
      const gap = ae <= bs ? bs - ae : as - be;
      if (gap < 0 || gap > window) continue;
      const from = Math.min(as, bs);
      const to = Math.max(ae, be);
      if (crossesClause(text, from, to)) continue;
      addPhrase(s, a.topic, text.slice(from, to));
      anyPhrase = true;
    }
  }
  return anyPhrase;
}

/** The topic hits gathered in the scratch (which it clears). */
function collectHits(s: State, line: BusinessLine | undefined): TopicHit[] {
  const hits: TopicHit[] = [];
  for (let t = 0; t < s.topics.length; t++) {
    const found = s.topicPhrases[t];
    if (!found) continue;
    s.topicPhrases[t] = undefined;
    const def = s.topics[t]!;
    const businessLine = def.businessLine === 'infer' ? (line ?? def.fallback ?? 'other') : def.businessLine;
    hits.push({ id: def.id, label: def.label, businessLine, cause: def.cause, phrases: dropContained(found) });
  }
  return hits;
}

function analyse(s: State, text: string, wantTopics: boolean, matches?: AcMatches): { hits: TopicHit[]; line?: BusinessLine } {
  const m = matches ?? s.dict.ac.scan(text);
  s.lineCounts.fill(0);
  s.pairStarts.length = 0;
  s.pairEnds.length = 0;
  s.pairPayloads.length = 0;
  let anyPhrase = scanMatches(s, text, wantTopics, m);
  const line = inferLine(s);
  if (!wantTopics) return line ? { hits: [], line } : { hits: [] };
  if (matchPairs(s, text)) anyPhrase = true;
  if (!anyPhrase) return line ? { hits: [], line } : { hits: [] };
  const hits = collectHits(s, line);
  return line ? { hits, line } : { hits };
}

/** Builds the classifier over a taxonomy (default: the bank risk taxonomy of `taxonomy.ts`). */
/** `shared`: register the triggers in a shared automaton (one scan per post for every stage). */
export function createTopicClassifier(topics: readonly TopicDef[] = TOPICS, shared: SharedDictionary = new SharedDictionary()): TopicClassifier {
  const dict = shared.register(dictionaryEntries(topics));
  const weakById = new Map(topics.map((t) => [t.id, new Set(t.weak ?? [])]));
  const vocabulary = new Set<string>([...topics.flatMap((t) => t.phrases), ...PRODUCT_WORDS.map(([w]) => w)]);
  const lineIds = Object.keys(BUSINESS_LINES) as BusinessLine[];
  const s: State = {
    topics,
    dict,
    lineIds,
    lineIndex: new Map(lineIds.map((l, i) => [l, i])),
    lineCounts: new Int32Array(lineIds.length),
    lineFirst: new Int32Array(lineIds.length),
    topicPhrases: new Array(topics.length).fill(undefined),
    pairStarts: [],
    pairEnds: [],
    pairPayloads: [],
  };

  return {
    classify: (text, matches) => analyse(s, text, true, matches).hits,
    evidence(hits) {
      const out: string[] = [];
      for (const h of hits) {
        const weak = weakById.get(h.id);
        for (const p of h.phrases) if (!weak?.has(p)) out.push(p);
      }
      return out;
    },
    productLine: (text) => analyse(s, text, false).line,
    vocabulary,
  };
}

/** Drops phrases contained in a longer phrase of the same list (年费 inside 信用卡年费). */
function dropContained(list: string[]): string[] {
  if (list.length < 2) return list;
  return list.filter((p) => !list.some((q) => q !== p && q.length > p.length && q.includes(p)));
}

/** Chinese label of a business line id. */
export function businessLineLabel(id: string): string {
  return (BUSINESS_LINES as Record<string, string>)[id] ?? id;
}
