import type { TopicHit } from '../lib/domain.js';
import { buildDictionary } from './ahocorasick.js';
import { BUSINESS_LINES, type BusinessLine, PRODUCT_WORDS, TOPICS, type TopicDef } from './taxonomy.js';
import { crossesClause, isNegated } from './textutil.js';

export { BUSINESS_LINES, CAUSES, TOPICS } from './taxonomy.js';

type Payload = { kind: 'phrase'; topic: number } | { kind: 'pairA' | 'pairB'; topic: number; pair: number } | { kind: 'product'; line: BusinessLine };

export interface TopicClassifier {
  /** Risk topics of normalized text (multi-label), each with the phrases that triggered it. */
  classify(text: string): TopicHit[];
  /** Business line suggested by product words (most frequent, ties to the earliest), if any. */
  productLine(text: string): BusinessLine | undefined;
  /** Every trigger phrase and product word (key-term boosting). */
  readonly vocabulary: ReadonlySet<string>;
}

/** Builds the classifier over a taxonomy (default: the bank risk taxonomy of `taxonomy.ts`). */
export function createTopicClassifier(topics: readonly TopicDef[] = TOPICS): TopicClassifier {
  const entries: Array<[string, Payload]> = [];
  topics.forEach((t, topic) => {
    for (const p of t.phrases) entries.push([p, { kind: 'phrase', topic }]);
    t.pairs?.forEach((pair, i) => {
      for (const a of pair.a) entries.push([a, { kind: 'pairA', topic, pair: i }]);
      for (const b of pair.b) entries.push([b, { kind: 'pairB', topic, pair: i }]);
    });
  });
  for (const [w, line] of PRODUCT_WORDS) entries.push([w, { kind: 'product', line }]);
  const { ac, payloads } = buildDictionary(entries, { foldAscii: true });
  const vocabulary = new Set<string>([...topics.flatMap((t) => t.phrases), ...PRODUCT_WORDS.map(([w]) => w)]);

  function inferLine(counts: Map<BusinessLine, number> | undefined, firstAt: Map<BusinessLine, number> | undefined): BusinessLine | undefined {
    if (!counts || !firstAt) return undefined;
    let best: BusinessLine | undefined;
    for (const [line, n] of counts) {
      if (best === undefined) best = line;
      else {
        const bn = counts.get(best)!;
        if (n > bn || (n === bn && firstAt.get(line)! < firstAt.get(best)!)) best = line;
      }
    }
    return best;
  }

  function analyse(text: string, wantTopics: boolean): { hits: TopicHit[]; line?: BusinessLine } {
    const m = ac.scan(text);
    let phrases: Map<number, string[]> | undefined;
    let pairParts: Array<{ topic: number; pair: number; side: 'pairA' | 'pairB'; start: number; end: number }> | undefined;
    let lineCounts: Map<BusinessLine, number> | undefined;
    let lineFirst: Map<BusinessLine, number> | undefined;
    // A phrase inside a negated longer phrase (催收 in 没有被暴力催收) is negated too. Longer phrases
    // ending at the same position come first.
    let negStart = -1;
    let negEnd = -1;
    for (let k = 0; k < m.patterns.length; k++) {
      const start = m.starts[k]!;
      const end = m.ends[k]!;
      let negated: boolean | undefined;
      for (const p of payloads[m.patterns[k]!]!) {
        if (p.kind === 'product') {
          lineCounts ??= new Map();
          lineFirst ??= new Map();
          lineCounts.set(p.line, (lineCounts.get(p.line) ?? 0) + 1);
          if (!lineFirst.has(p.line)) lineFirst.set(p.line, start);
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
          phrases ??= new Map();
          const list = phrases.get(p.topic);
          const phrase = ac.patterns[m.patterns[k]!]!;
          if (!list) phrases.set(p.topic, [phrase]);
          else if (!list.includes(phrase)) list.push(phrase);
        } else {
          pairParts ??= [];
          pairParts.push({ topic: p.topic, pair: p.pair, side: p.kind, start, end });
        }
      }
    }
    const line = inferLine(lineCounts, lineFirst);
    if (!wantTopics) return line ? { hits: [], line } : { hits: [] };
    if (pairParts) {
      for (const a of pairParts) {
        if (a.side !== 'pairA') continue;
        const window = topics[a.topic]!.pairs![a.pair]!.window ?? 8;
        for (const b of pairParts) {
          if (b.side !== 'pairB' || b.topic !== a.topic || b.pair !== a.pair) continue;
          const from = Math.min(a.start, b.start);
          const to = Math.max(a.end, b.end);
          const gap = a.end <= b.start ? b.start - a.end : a.start - b.end;
          if (gap < 0 || gap > window || crossesClause(text, from, to)) continue;
          phrases ??= new Map();
          const phrase = text.slice(from, to);
          const list = phrases.get(a.topic);
          if (!list) phrases.set(a.topic, [phrase]);
          else if (!list.includes(phrase)) list.push(phrase);
        }
      }
    }
    if (!phrases) return line ? { hits: [], line } : { hits: [] };
    const hits: TopicHit[] = [];
    for (let t = 0; t < topics.length; t++) {
      const found = phrases.get(t);
      if (!found) continue;
      const def = topics[t]!;
      const businessLine = def.businessLine === 'infer' ? (line ?? def.fallback ?? 'other') : def.businessLine;
      hits.push({ id: def.id, label: def.label, businessLine, cause: def.cause, phrases: dropContained(found) });
    }
    return line ? { hits, line } : { hits };
  }

  return {
    classify: (text) => analyse(text, true).hits,
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
