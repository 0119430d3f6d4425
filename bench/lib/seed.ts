import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { Analysis, Case, CaseClock, CaseHistoryEntry, Event, Mention, Notification, SentimentLabel, SourceType, Tier } from '../../lib/domain.js';
import { emptyEventStats } from '../../lib/domain.js';
import { SqliteStore } from '../../store/sqlite/sqlite-store.js';
import type { Store } from '../../store/store.js';
import { BRANCHES, CLOSERS_NEGATIVE, CLOSERS_OTHER, isToken, MEDIA_OUTLETS, NEUTRAL, POSITIVE, TOPIC_TEXT } from './seed-text.js';

/**
 * Seeds a store with realistic, deterministic Chinese bank mentions (with analyses, events and cases) for
 * benchmarks. On SqliteStore it uses the bulk path (one transaction per 5,000 mentions); any other Store
 * goes through upsertMentions + completeMention.
 */
export interface SeedOptions {
  /** Spread publish times over this many days before `end` (default 30). */
  days?: number;
  /** PRNG seed (default 42): the same seed gives the same data. */
  seed?: number;
  /** Watchlist ids to use (default: every institution in config/watchlist.yaml). */
  institutions?: string[];
  /** Cases to open on the busiest events (default 2,000). */
  cases?: number;
  /** The newest possible publish time (default now). */
  end?: string;
  /** Where progress and timing lines go (default console.log). */
  print?: (line: string) => void;
}

const DAY = 86_400_000;
const MIN = 60_000;
const BATCH = 5000;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Inst {
  id: string;
  name: string;
}

function loadInstitutions(ids?: string[]): Inst[] {
  const text = readFileSync(new URL('../../config/watchlist.yaml', import.meta.url), 'utf8');
  const all = (parse(text) as Array<{ id: string; name: string }>).map((x) => ({ id: x.id, name: x.name }));
  const chosen = ids ? all.filter((x) => ids.includes(x.id)) : all;
  if (chosen.length === 0) throw new Error(`no watchlist institution matches ${ids?.join(',')}`);
  return chosen;
}

const SOURCES: Array<{ id: string; type: SourceType; until: number }> = [
  { id: 'weibo', type: 'social', until: 0.5 },
  { id: 'heimao', type: 'complaint', until: 0.7 },
  { id: 'jutousu', type: 'complaint', until: 0.8 },
  { id: 'news-rss', type: 'news', until: 1 },
];

function labelFor(type: SourceType, r: number): SentimentLabel {
  if (type === 'complaint') return r < 0.9 ? 'negative' : 'neutral';
  if (type === 'news') return r < 0.4 ? 'negative' : r < 0.9 ? 'neutral' : 'positive';
  return r < 0.55 ? 'negative' : r < 0.8 ? 'neutral' : 'positive';
}

/** The words of one seeded post (joined: its text), drawn from the topic's templates. */
function seedWords(inst: Inst, label: SentimentLabel, topic: (typeof TOPIC_TEXT)[number], rnd: () => number, pick: <T>(xs: T[]) => T): string[] {
  const fill = (t: string) =>
    t
      .replaceAll('{B}', inst.name)
      .replaceAll('{S}', pick(BRANCHES))
      .replaceAll('{N}', String(2 + Math.floor(rnd() * 20)))
      .split('|');
  const pool = label === 'negative' ? topic.details : NEUTRAL;
  const words = fill(label === 'negative' ? pick(topic.negative) : pick(label === 'neutral' ? NEUTRAL : POSITIVE));
  let len = words.join('').length;
  for (let k = 0; len < 100 && k < 6; k++) {
    const more = fill(pick(pool));
    const l = more.join('').length;
    if (len + l > 140) break;
    words.push(...more);
    len += l;
  }
  words.push(...fill(pick(label === 'negative' ? CLOSERS_NEGATIVE : CLOSERS_OTHER)));
  return words;
}

interface RecordContext {
  i: number;
  n: number;
  days: number;
  endMs: number;
  seed: number;
  rnd: () => number;
  pick: <T>(xs: T[]) => T;
}

/** The mention and analysis of seeded post `ctx.i` (of `ctx.n`), with its age and tokens. */
function seedRecord(ctx: RecordContext, inst: Inst, src: (typeof SOURCES)[number], label: SentimentLabel, topic: (typeof TOPIC_TEXT)[number], words: string[]) {
  const { i, n, days, endMs, rnd, pick } = ctx;
  const text = words.join('');
  // Oldest first with a little jitter, as crawls arrive: keeps the time-ordered indexes append-mostly.
  const ageMs = Math.max(0, Math.floor(((n - i) / n) * days * DAY - rnd() * 10 * MIN));
  const publishedAt = new Date(endMs - ageMs).toISOString();
  const isNews = src.type === 'news';
  const mediaAccount = !isNews && src.type === 'social' && rnd() < 0.03;
  const authorKey = isNews ? pick(MEDIA_OUTLETS) : mediaAccount ? `media${Math.floor(rnd() * 50)}` : `u${Math.floor(rnd() ** 2 * 200_000)}`;
  const nativeId = String(4_900_000_000_000_000 + i);
  const mention: Mention = {
    id: `${src.id}:${nativeId}`,
    source: src.id,
    sourceType: src.type,
    nativeId,
    url: `https://example.invalid/${src.id}/${nativeId}`,
    text,
    author: { key: authorKey, name: isNews ? authorKey : `用户${authorKey}`, isMedia: isNews || mediaAccount, ...(mediaAccount ? { verifiedType: 3 } : {}) },
    publishedAt,
    fetchedAt: new Date(endMs - ageMs + 3 * MIN).toISOString(),
    contentHash: `seed-${ctx.seed}-${i}`,
    metrics: { reposts: Math.floor(rnd() * 50), comments: Math.floor(rnd() * 80), likes: Math.floor(rnd() * 300) },
  };
  if (isNews) mention.title = `${inst.name}${topic.label}引关注`;
  const topics = label === 'negative' || rnd() < 0.2 ? [topic] : [];
  const tokens = words.filter(isToken);
  const analysis: Analysis = {
    mentionId: mention.id,
    sentiment: { label, score: label === 'negative' ? 0.7 + rnd() * 0.3 : label === 'neutral' ? 0.3 + rnd() * 0.3 : rnd() * 0.2 },
    institutions: [{ id: inst.id, name: inst.name, matched: inst.name, sentiment: label }],
    primaryInstitution: inst.id,
    topics: topics.map((t) => ({ id: t.id, label: t.label, businessLine: t.businessLine, cause: t.cause, phrases: [] })),
    severity: {
      regulatorMentioned: rnd() < 0.02,
      regulators: [],
      collectiveAction: false,
      reach: 100 + Math.floor(rnd() * 10_000),
      runRumour: rnd() < 0.0005,
    },
    tokens,
    keyTerms: tokens.slice(0, 5),
    simhash: Math.floor(rnd() * 0xffffffff)
      .toString(16)
      .padStart(8, '0')
      .repeat(2),
    displayText: text,
    negativePhrases: [],
    modelVersion: 'seed-1',
    analyzedAt: mention.fetchedAt,
  };
  return { ageMs, publishedAt, tokens, mention, analysis };
}

/** Skewed institution choice: the first ones get more coverage, as in real life. */
function instPicker(insts: Inst[], rnd: () => number): () => Inst {
  const instWeights = insts.map((_, k) => 1 / (k + 1) ** 0.6);
  const instTotal = instWeights.reduce((a, b) => a + b, 0);
  return (): Inst => {
    let r = rnd() * instTotal;
    for (let k = 0; k < insts.length; k++) {
      r -= instWeights[k]!;
      if (r <= 0) return insts[k]!;
    }
    return insts[insts.length - 1]!;
  };
}

export async function seedStore(store: Store, n: number, options: SeedOptions = {}): Promise<void> {
  const print = options.print ?? ((line: string) => console.log(line));
  const days = options.days ?? 30;
  const rnd = mulberry32(options.seed ?? 42);
  const insts = loadInstitutions(options.institutions);
  const endMs = options.end ? Date.parse(options.end) : Date.now();
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const pickInst = instPicker(insts, rnd);
  const events = new Map<string, Event>();
  const started = performance.now();
  let written = 0;
  let pendingEvents: Event[] = [];
  let batch: Array<{ mention: Mention; analysis: Analysis; eventId?: string }> = [];
  const flush = async () => {
    if (store instanceof SqliteStore) written += store.bulkImport(pendingEvents, batch);
    else {
      for (const e of pendingEvents) await store.saveEvent(e);
      for (const it of batch) {
        const r = await store.upsertMentions([it.mention]);
        if (r.fresh.length === 1) await store.completeMention(it.mention.id, it.analysis, it.eventId, it.analysis.analyzedAt);
        written += r.fresh.length;
      }
    }
    pendingEvents = [];
    batch = [];
  };

  for (let i = 0; i < n; i++) {
    const inst = pickInst();
    const sr = rnd();
    const src = SOURCES.find((s) => sr < s.until)!;
    const label = labelFor(src.type, rnd());
    const topic = pick(TOPIC_TEXT);
    const words = seedWords(inst, label, topic, rnd, pick);
    const { ageMs, publishedAt, tokens, mention, analysis } = seedRecord(
      { i, n, days, endMs, seed: options.seed ?? 42, rnd, pick },
      inst,
      src,
      label,
      topic,
      words,
    );
    let eventId: string | undefined;
    if (label === 'negative') {
      eventId = `ev_${inst.id}_${topic.id}_${Math.floor(ageMs / (2 * DAY))}`;
      if (!events.has(eventId)) {
        const e: Event = {
          id: eventId,
          institution: inst.id,
          topics: [topic.id],
          keyTerms: tokens.slice(0, 5),
          title: `${inst.name}${topic.label}`,
          simhash: analysis.simhash,
          firstSeenAt: publishedAt,
          lastSeenAt: publishedAt,
          ...emptyEventStats(),
        };
        events.set(eventId, e);
        pendingEvents.push(e);
      }
    }
    batch.push({ mention, analysis, ...(eventId ? { eventId } : {}) });
    if (batch.length >= BATCH) {
      await flush();
      if ((i + 1) % 100_000 === 0) print(`  seeded ${i + 1} mentions (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    }
  }
  await flush();
  if (store instanceof SqliteStore) store.finishBulkImport();
  const mentionSecs = (performance.now() - started) / 1000;
  print(`seeded ${written} mentions and ${events.size} events in ${mentionSecs.toFixed(1)} s (${Math.round(written / mentionSecs)} mentions/s)`);

  const caseStart = performance.now();
  const opened = await seedCases(store, [...events.keys()], options.cases ?? 2000, endMs, rnd);
  print(`seeded ${opened} cases in ${((performance.now() - caseStart) / 1000).toFixed(1)} s`);
}

const DEADLINE_MIN: Record<Tier, number> = { L1: 120, L2: 240, L3: 60 };
const OWNER: Record<Tier, Case['owner']> = { L1: 'customer_service', L2: 'pr', L3: 'executive' };

async function seedCases(store: Store, eventIds: string[], count: number, endMs: number, rnd: () => number): Promise<number> {
  let opened = 0;
  for (const eventId of eventIds.slice(0, count)) {
    const ev = await store.getEvent(eventId);
    if (!ev) continue;
    const r = rnd();
    const tier: Tier = r < 0.55 ? 'L1' : r < 0.85 ? 'L2' : 'L3';
    const openedMs = Date.parse(ev.firstSeenAt) + 5 * MIN;
    const at = (m: number) => new Date(openedMs + m * MIN).toISOString();
    const old = endMs - openedMs > 3 * DAY;
    const s = rnd();
    const state = seedCaseState(old, s);
    const rank = ['open', 'acknowledged', 'responded', 'resolved', 'reviewed'].indexOf(state);
    const history: CaseHistoryEntry[] = [{ at: at(0), type: 'opened', tier: 'L1', actor: 'system', reason: '单条客户投诉' }];
    if (tier !== 'L1') history.push({ at: at(30), type: 'promoted', tier, actor: 'system', reason: tier === 'L2' ? '投诉人数达到 10 人' : '媒体报道' });
    const c: Case = {
      id: `case_${eventId}`,
      eventId,
      tier,
      owner: OWNER[tier],
      state,
      institution: ev.institution,
      title: ev.title,
      topics: ev.topics,
      openedAt: at(0),
      updatedAt: at(rank * 40),
      tierSince: at(tier === 'L1' ? 0 : 30),
      ackDueAt: at(15),
      deadlineAt: at((tier === 'L1' ? 0 : 30) + DEADLINE_MIN[tier]),
      mentionCount: ev.mentionCount,
      distinctAuthors: ev.distinctAuthors,
      distinctComplainants: ev.distinctComplainants,
      mediaCount: ev.mediaCount,
      responses: [],
      history: [],
      breachedTiers: [],
    };
    if (rank >= 1) {
      c.acknowledgedAt = at(10);
      c.assignee = pick2(rnd, ['张伟', '王芳', '李娜', '刘洋', '陈静']);
      history.push({ at: at(10), type: 'acknowledged', actor: c.assignee });
    }
    if (rank >= 2) {
      c.respondedAt = at(80);
      c.responses.push({
        kind: tier === 'L1' ? 'reply_to_complainant' : 'public_statement',
        text: '已与客户取得联系并致歉，正在核实处理。',
        actor: c.assignee!,
        at: at(80),
      });
      history.push({ at: at(80), type: 'responded', actor: c.assignee });
    }
    if (rank >= 3) {
      c.resolvedAt = at(120);
      history.push({ at: at(120), type: 'resolved', actor: c.assignee });
    }
    if (rank >= 4) history.push({ at: at(160), type: 'reviewed', actor: '合规部' });
    const clocks: CaseClock[] =
      rank >= 3
        ? []
        : [
            ...(rank === 0 ? [{ id: `${c.id}_ack`, caseId: c.id, kind: 'ack' as const, tier, dueAt: c.ackDueAt! }] : []),
            { id: `${c.id}_deadline`, caseId: c.id, kind: 'deadline', tier, dueAt: c.deadlineAt! },
          ];
    await store.commitCaseChange({
      case: c,
      history,
      scheduleClocks: clocks,
      cancelClockKinds: [],
      notifications: [openedNotification(c, ev.title, at)],
    });
    opened++;
  }
  return opened;
}

function seedCaseState(old: boolean, s: number): Case['state'] {
  return old
    ? s < 0.6
      ? 'resolved'
      : s < 0.9
        ? 'reviewed'
        : 'responded'
    : s < 0.35
      ? 'open'
      : s < 0.65
        ? 'acknowledged'
        : s < 0.85
          ? 'responded'
          : 'resolved';
}

function openedNotification(c: Case, title: string, at: (m: number) => string): Notification {
  const tier = c.tier;
  return {
    id: `${c.id}_n_opened`,
    caseId: c.id,
    tier,
    kind: 'opened',
    channel: 'webhook',
    recipient: OWNER[tier],
    idempotencyKey: `${c.id}:${tier}:opened:webhook:${OWNER[tier]}`,
    subject: `【${tier}】${title}`,
    body: `${title}，请及时处理。`,
    status: 'sent',
    attempts: 1,
    nextAttemptAt: at(0),
    sentAt: at(0),
    createdAt: at(0),
  };
}

function pick2<T>(rnd: () => number, xs: T[]): T {
  return xs[Math.floor(rnd() * xs.length)]!;
}
