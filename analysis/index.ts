/**
 * The analysis layer: pure text → facts. `createAnalyzer` builds the pipeline once (dictionaries,
 * sentiment model); `createClusterer` groups analysed mentions into events.
 */
import { loadConfig } from '../config/load.js';
import { createAnalyzer, type FullAnalyzer, type TextAnalysis } from './analyzer.js';

export { type AnalyzerDeps, createAnalyzer, type FullAnalyzer, type TextAnalysis } from './analyzer.js';
export { type ClustererDeps, createClusterer } from './cluster.js';
export { bandKeys, hamming, simhash } from './fingerprint.js';
export { type ClauseScorer, createInstitutionMatcher, type InstitutionMatcher } from './institutions.js';
export { type MaskResult, maskPii, type PiiCounts } from './pii.js';
export { createSeverityScanner, largestAmount, parseChineseNumber } from './severity.js';
export { BUSINESS_LINES, businessLineLabel, CAUSES, createTopicClassifier, TOPICS, type TopicClassifier } from './topics.js';
export type { Analyzer, Clusterer } from './types.js';

let defaultAnalyzer: FullAnalyzer | undefined;

/**
 * `radar analyze` for one line: `{ sentiment: { label, score }, institutions, topics }`. Builds a
 * default analyzer (config/default.yaml + watchlist, shipped model) on first use.
 */
export function analyzeText(text: string): TextAnalysis {
  defaultAnalyzer ??= createAnalyzer(loadConfig());
  return defaultAnalyzer.analyzeText(text);
}
