import type { Config } from '../config/schema.js';
import { type Clock, HOUR, systemClock } from '../lib/clock.js';
import { type Analysis, type Event, emptyEventStats, type Mention } from '../lib/domain.js';
import { newId } from '../lib/ids.js';
import { bandKeys, hamming } from './fingerprint.js';
import { maskPii } from './pii.js';
import type { Clusterer } from './types.js';

export interface ClustererDeps {
  clock?: Clock;
}

/** Events remembered per index key: enough for a busy institution, and keeps `assign` O(1). */
const PER_KEY = 24;
/** Key terms kept per event (the union of its mentions' terms, most frequent first). */
const EVENT_TERMS = 16;
const TITLE_MAX = 60;
const NEAR_DUPLICATE = 3;
/** Hard cap on remembered events (oldest first out), whatever the window. */
const MAX_EVENTS = 50_000;

interface Entry {
  event: Event;
  lastSeenMs: number;
  keys: Set<string>;
  termCounts: Map<string, number>;
  topicCounts: Map<string, number>;
  titleFromNegative: boolean;
}

/** Characters of a number as masked or unmasked PII: a cut never lands inside such a run. */
const NUMBERISH = /[0-9０-９*＊Xx+＋-]/;

/**
 * Masked first, cut second: a phone or ID number cut in half (`13912345…`) is no longer recognisable as
 * PII. The cut also backs off to before a run of digits, so no number is left as a stub.
 */
function makeTitle(mention: Mention, analysis: Analysis): string {
  const raw = mention.sourceType === 'news' && mention.title ? mention.title : analysis.displayText;
  const chars = [...maskPii(raw.replace(/\s+/g, ' ').trim()).text];
  if (chars.length <= TITLE_MAX) return chars.join('');
  let end = TITLE_MAX - 1;
  if (NUMBERISH.test(chars[end]!)) while (end > 0 && NUMBERISH.test(chars[end - 1]!)) end--;
  if (end === 0) end = TITLE_MAX - 1;
  return `${chars.slice(0, end).join('').trimEnd()}…`;
}

function topByCount(counts: Map<string, number>, n: number): string[] {
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k]) => k);
}

/** The clusterer's state: one per clusterer, shared by its steps (no allocation per post). */
interface State {
  clock: Clock;
  windowMs: number;
  maxDistance: number;
  /** Insertion order = lastSeen order (entries are re-inserted when seen), so eviction pops from the front. */
  entries: Map<string, Entry>;
  index: Map<string, string[]>;
}

function keysOf(institution: string, simhash: string, topics: Iterable<string>, terms: Iterable<string>): Set<string> {
  const keys = new Set<string>();
  for (const b of bandKeys(simhash)) keys.add(`${institution}\u0001b${b}`);
  for (const t of topics) keys.add(`${institution}\u0001t${t}`);
  for (const k of terms) keys.add(`${institution}\u0001k${k}`);
  return keys;
}

function unindex(s: State, entry: Entry): void {
  for (const key of entry.keys) {
    const list = s.index.get(key);
    if (!list) continue;
    const i = list.indexOf(entry.event.id);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) s.index.delete(key);
  }
}

function reindex(s: State, entry: Entry): void {
  unindex(s, entry);
  entry.keys = keysOf(entry.event.institution, entry.event.simhash, entry.event.topics, entry.event.keyTerms);
  for (const key of entry.keys) {
    let list = s.index.get(key);
    if (!list) {
      list = [];
      s.index.set(key, list);
    }
    list.push(entry.event.id);
    if (list.length > PER_KEY) list.shift();
  }
  s.entries.delete(entry.event.id);
  s.entries.set(entry.event.id, entry);
}

function evict(s: State, nowMs: number): void {
  for (const [id, entry] of s.entries) {
    if (nowMs - entry.lastSeenMs <= s.windowMs && s.entries.size <= MAX_EVENTS) break;
    unindex(s, entry);
    s.entries.delete(id);
  }
}

function put(s: State, event: Event, extra: Partial<Entry> = {}): Entry {
  const old = s.entries.get(event.id);
  const entry: Entry = {
    event,
    lastSeenMs: Date.parse(event.lastSeenAt),
    keys: old?.keys ?? new Set(),
    termCounts: extra.termCounts ?? old?.termCounts ?? new Map(event.keyTerms.map((t) => [t, 1])),
    topicCounts: extra.topicCounts ?? old?.topicCounts ?? new Map(event.topics.map((t) => [t, 1])),
    titleFromNegative: extra.titleFromNegative ?? old?.titleFromNegative ?? true,
  };
  s.entries.set(event.id, entry);
  reindex(s, entry);
  return entry;
}

function candidates(s: State, institution: string, keys: Set<string>, atMs: number): Entry[] {
  const seen = new Set<string>();
  const out: Entry[] = [];
  for (const key of keys) {
    const list = s.index.get(key);
    if (!list) continue;
    for (const id of list) {
      if (seen.has(id)) continue;
      seen.add(id);
      const e = s.entries.get(id);
      if (e && e.event.institution === institution && Math.abs(atMs - e.lastSeenMs) <= s.windowMs) out.push(e);
    }
  }
  return out;
}

function best(s: State, cands: Entry[], analysis: Analysis): Entry | undefined {
  let nearest: Entry | undefined;
  let nearestDist = Number.POSITIVE_INFINITY;
  let overlap: Entry | undefined;
  let overlapScore = 0;
  const topicIds = analysis.topics.map((t) => t.id);
  for (const c of cands) {
    const d = hamming(c.event.simhash, analysis.simhash);
    const sharesTopic = topicIds.some((t) => c.topicCounts.has(t));
    let shared = 0;
    for (const k of analysis.keyTerms) if (c.termCounts.has(k)) shared++;
    // Short posts about one bank have close SimHashes by chance: beyond near-duplicates (≤ 3 bits),
    // a SimHash join also needs a shared topic or key term.
    if (d <= s.maxDistance && d < nearestDist && (d <= NEAR_DUPLICATE || sharesTopic || shared > 0)) {
      nearest = c;
      nearestDist = d;
    }
    if (!sharesTopic) continue;
    if (shared >= 2 && shared > overlapScore) {
      overlap = c;
      overlapScore = shared;
    }
  }
  return nearest ?? overlap;
}

/** The mention joins `hit`: counts its terms and topics, widens the event's span, maybe retitles it. */
function join(s: State, hit: Entry, mention: Mention, analysis: Analysis, topicIds: string[], atMs: number, at: string): Event {
  for (const k of analysis.keyTerms) hit.termCounts.set(k, (hit.termCounts.get(k) ?? 0) + 1);
  for (const t of topicIds) hit.topicCounts.set(t, (hit.topicCounts.get(t) ?? 0) + 1);
  const event: Event = {
    ...hit.event,
    keyTerms: topByCount(hit.termCounts, EVENT_TERMS),
    topics: topByCount(hit.topicCounts, 8),
    firstSeenAt: atMs < Date.parse(hit.event.firstSeenAt) ? at : hit.event.firstSeenAt,
    lastSeenAt: atMs > hit.lastSeenMs ? at : hit.event.lastSeenAt,
  };
  let titleFromNegative = hit.titleFromNegative;
  if (!titleFromNegative && analysis.sentiment.label === 'negative') {
    event.title = makeTitle(mention, analysis);
    titleFromNegative = true;
  }
  put(s, event, { titleFromNegative });
  return event;
}

/** The mention opens a new event of `institution`. */
function open(s: State, institution: string, mention: Mention, analysis: Analysis, topicIds: string[], at: string): Event {
  const event: Event = {
    id: newId('ev', s.clock.now()),
    institution,
    topics: topicIds,
    keyTerms: analysis.keyTerms.slice(0, EVENT_TERMS),
    title: makeTitle(mention, analysis),
    simhash: analysis.simhash,
    firstSeenAt: at,
    lastSeenAt: at,
    ...emptyEventStats(),
  };
  put(s, event, {
    termCounts: new Map(analysis.keyTerms.map((t) => [t, 1])),
    topicCounts: new Map(topicIds.map((t) => [t, 1])),
    titleFromNegative: analysis.sentiment.label === 'negative',
  });
  return event;
}

/**
 * Incremental clusterer. Index keys (institution + band, institution + topic, institution + key term)
 * map to the most recent events; a mention joins the nearest candidate by SimHash, or one sharing a
 * topic and at least two key terms; otherwise it opens a new event. Events unseen for
 * `clusterWindowHours` are evicted.
 */
export function createClusterer(config: Config['analysis'], deps: ClustererDeps = {}): Clusterer {
  const s: State = {
    clock: deps.clock ?? systemClock,
    windowMs: config.clusterWindowHours * HOUR,
    maxDistance: config.simhashDistance,
    entries: new Map<string, Entry>(),
    index: new Map<string, string[]>(),
  };

  return {
    restore(events) {
      s.entries.clear();
      s.index.clear();
      const sorted = [...events].sort((a, b) => Date.parse(a.lastSeenAt) - Date.parse(b.lastSeenAt));
      for (const e of sorted) put(s, { ...e });
      evict(s, s.clock.now().getTime());
    },

    assign(mention, analysis) {
      const institution = analysis.primaryInstitution;
      if (!institution) return undefined;
      const nowMs = s.clock.now().getTime();
      evict(s, nowMs);
      const published = Date.parse(mention.publishedAt);
      const atMs = Number.isFinite(published) ? Math.min(published, nowMs) : nowMs;
      const at = new Date(atMs).toISOString();
      const topicIds = analysis.topics.map((t) => t.id);
      const keys = keysOf(institution, analysis.simhash, topicIds, analysis.keyTerms);
      const hit = best(s, candidates(s, institution, keys, atMs), analysis);
      if (hit) return { event: join(s, hit, mention, analysis, topicIds, atMs, at), created: false };
      return { event: open(s, institution, mention, analysis, topicIds, at), created: true };
    },

    update(event) {
      const old = s.entries.get(event.id);
      // The store's copy wins for stats and title; the clusterer keeps its own term/topic counts.
      put(s, { ...event }, old ? {} : { titleFromNegative: true });
    },
  };
}
