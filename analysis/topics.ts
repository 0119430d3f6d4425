import type { TopicHit } from '../lib/domain.js';
import { type AcMatches, SharedDictionary } from './ahocorasick.js';
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

/** Builds the classifier over a taxonomy (default: the bank risk taxonomy of `taxonomy.ts`). */
/** `shared`: register the triggers in a shared automaton (one scan per post for every stage). */
export function createTopicClassifier(topics: readonly TopicDef[] = TOPICS, shared: SharedDictionary = new SharedDictionary()): TopicClassifier {
  const entries: Array<[string, Payload]> = [];
  topics.forEach((t, topic) => {
    for (const p of t.phrases) entries.push([p, { kind: 'phrase', topic }]);
    t.pairs?.forEach((pair, i) => {
      for (const a of pair.a) entries.push([a, { kind: 'pairA', topic, pair: i }]);
      for (const b of pair.b) entries.push([b, { kind: 'pairB', topic, pair: i }]);
    });
  });
  for (const [w, line] of PRODUCT_WORDS) entries.push([w, { kind: 'product', line }]);
  const dict = shared.register(entries);
  const weakById = new Map(topics.map((t) => [t.id, new Set(t.weak ?? [])]));
  const vocabulary = new Set<string>([...topics.flatMap((t) => t.phrases), ...PRODUCT_WORDS.map(([w]) => w)]);

  const lineIds = Object.keys(BUSINESS_LINES) as BusinessLine[];
  const lineIndex = new Map(lineIds.map((l, i) => [l, i]));
  // Scratch state reused by every call (the classifier is synchronous): no per-call maps.
  const lineCounts = new Int32Array(lineIds.length);
  const lineFirst = new Int32Array(lineIds.length);
  const topicPhrases: Array<string[] | undefined> = new Array(topics.length).fill(undefined);
  const pairStarts: number[] = [];
  const pairEnds: number[] = [];
  const pairPayloads: Array<Payload & { kind: 'pairA' | 'pairB' }> = [];

  function addPhrase(topic: number, phrase: string): void {
    const list = topicPhrases[topic];
    if (!list) topicPhrases[topic] = [phrase];
    else if (!list.includes(phrase)) list.push(phrase);
  }

  function inferLine(): BusinessLine | undefined {
    let best = -1;
    for (let i = 0; i < lineCounts.length; i++) {
      const n = lineCounts[i]!;
      if (n === 0) continue;
      if (best < 0 || n > lineCounts[best]! || (n === lineCounts[best]! && lineFirst[i]! < lineFirst[best]!)) best = i;
    }
    return best < 0 ? undefined : lineIds[best];
  }

  function analyse(text: string, wantTopics: boolean, matches?: AcMatches): { hits: TopicHit[]; line?: BusinessLine } {
    const ac = dict.ac;
    const m = matches ?? ac.scan(text);
    lineCounts.fill(0);
    pairStarts.length = 0;
    pairEnds.length = 0;
    pairPayloads.length = 0;
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
          const li = lineIndex.get(p.line)!;
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
          addPhrase(p.topic, ac.patterns[pid]!);
          anyPhrase = true;
        } else {
          pairStarts.push(start);
          pairEnds.push(end);
          pairPayloads.push(p);
        }
      }
    }
    const line = inferLine();
    if (!wantTopics) return line ? { hits: [], line } : { hits: [] };
    for (let i = 0; i < pairPayloads.length; i++) {
      const a = pairPayloads[i]!;
      if (a.kind !== 'pairA') continue;
      const window = topics[a.topic]!.pairs![a.pair]!.window ?? 8;
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
        addPhrase(a.topic, text.slice(from, to));
        anyPhrase = true;
      }
    }
    if (!anyPhrase) return line ? { hits: [], line } : { hits: [] };
    const hits: TopicHit[] = [];
    for (let t = 0; t < topics.length; t++) {
      const found = topicPhrases[t];
      if (!found) continue;
      topicPhrases[t] = undefined;
      const def = topics[t]!;
      const businessLine = def.businessLine === 'infer' ? (line ?? def.fallback ?? 'other') : def.businessLine;
      hits.push({ id: def.id, label: def.label, businessLine, cause: def.cause, phrases: dropContained(found) });
    }
    return line ? { hits, line } : { hits };
  }

  return {
    classify: (text, matches) => analyse(text, true, matches).hits,
    evidence(hits) {
      const out: string[] = [];
      for (const h of hits) {
        const weak = weakById.get(h.id);
        for (const p of h.phrases) if (!weak?.has(p)) out.push(p);
      }
      return out;
    },
    productLine: (text) => analyse(text, false).line,
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
