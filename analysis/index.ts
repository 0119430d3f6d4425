/**
 * The analysis layer: pure text → facts. `createAnalyzer` builds the pipeline once (dictionaries,
 * sentiment model); `createClusterer` groups analysed mentions into events.
 */
export { type AnalyzerDeps, createAnalyzer, type FullAnalyzer, type TextAnalysis } from './analyzer.js';
export { type ClustererDeps, createClusterer } from './cluster.js';
export { bandKeys, hamming, simhash } from './fingerprint.js';
export { type ClauseScorer, createInstitutionMatcher, type InstitutionMatcher } from './institutions.js';
export { type MaskResult, maskPii, type PiiCounts } from './pii.js';
export { createSeverityScanner, largestAmount, parseChineseNumber } from './severity.js';
export { BUSINESS_LINES, businessLineLabel, CAUSES, createTopicClassifier, TOPICS, type TopicClassifier } from './topics.js';
export type { Analyzer, Clusterer } from './types.js';
