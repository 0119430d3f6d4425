import { readFileSync } from 'node:fs';
import { createClusterer } from '../analysis/cluster.js';
import type { Config } from '../config/schema.js';
import { parseRules, type RuleSet } from '../escalation/rules.js';
import { createEscalationService } from '../escalation/service.js';
import { createSweeper } from '../escalation/sweeper.js';
import { FakeClock, formatShanghai, iso } from '../lib/clock.js';
import type { Analysis, Case, Mention, Tier } from '../lib/domain.js';
import { createLogger, type Logger, silentLogger } from '../lib/logger.js';
import { createStore } from '../store/index.js';
import type { Store } from '../store/store.js';
import { createMentionProcessor } from './process-mentions.js';

export interface BacktestCase {
  caseId: string;
  eventId: string;
  institution: string;
  title: string;
  openedAt: string;
  openedTier: Tier;
  finalTier: Tier;
  /** Every opening, promotion and breach, in order, with the rule that caused it. */
  transitions: Array<{ at: string; type: string; tier?: Tier; reason?: string }>;
  mentionCount: number;
  distinctAuthors: number;
  /** Distinct complainants of the case's event (lib/who-counts.ts), as the rules counted them. */
  distinctComplainants: number;
  /** Notifications the rule set would have sent (none is sent). */
  notifications: number;
}

export interface BacktestResult {
  from: string;
  to: string;
  mentions: number;
  events: number;
  cases: BacktestCase[];
}

const TRANSITIONS = new Set(['opened', 'promoted', 'breach', 'early_warning']);

/**
 * Replays analysed mentions from `source` in publish order through the real clustering, escalation
 * engine and SLA sweeper, on a throw-away in-memory store with a simulated clock, so a PR team can see
 * which cases a rule set would have opened and when. Nothing is notified: the outbox is never dispatched.
 */
export async function backtest(
  source: Store,
  rules: RuleSet,
  config: Config,
  range: { from: string; to: string },
  log: Logger = silentLogger(),
): Promise<BacktestResult> {
  const clock = new FakeClock(range.from);
  const sim = await createStore({ ...config.store, backend: 'sqlite', dataDir: ':memory:' }, { log });
  try {
    const service = createEscalationService({ store: sim, rules, config, clock, log });
    const sweeper = createSweeper({ store: sim, service, clock, log });
    const stored = new Map<string, Analysis>();
    const events = new Set<string>();
    // The production processing use case, fed the stored analyses instead of the analyzer.
    const processor = createMentionProcessor({
      store: sim,
      analyse: (list, at) => list.map((m) => ({ ...stored.get(m.id)!, analyzedAt: at })),
      clusterer: createClusterer(config.analysis, { clock }),
      onEventUpdated: async (event) => {
        events.add(event.id);
        await service.onEventUpdated(event);
      },
      clock,
      log,
      owner: 'backtest',
      windowHours: config.analysis.clusterWindowHours,
      shared: false,
    });
    let mentions = 0;
    let afterId: string | undefined;
    for (;;) {
      const page = await source.listAnalysedMentions(range.from, range.to, afterId, 500);
      if (page.length === 0) break;
      for (const m of page) {
        const { analysis, ...mention } = m as Mention & { analysis: Analysis };
        // Clocks that came due before this post fire first, as they would have in production.
        if (Date.parse(mention.publishedAt) > clock.now().getTime()) clock.set(mention.publishedAt);
        await sweeper.sweepOnce();
        await sim.upsertMentions([{ ...mention, processedAt: undefined, duplicateOf: undefined }]);
        stored.set(mention.id, analysis);
        mentions += (await processor.processMentions([mention.id])).processed;
        stored.delete(mention.id);
      }
      afterId = page[page.length - 1]?.id;
    }
    clock.set(range.to);
    await sweeper.sweepOnce();

    const cases: BacktestCase[] = [];
    let cursor: string | undefined;
    do {
      const page = await sim.listCases({ limit: 200, cursor });
      for (const c of page.items) cases.push(await summarize(sim, c));
      cursor = page.nextCursor;
    } while (cursor);
    cases.sort((a, b) => a.openedAt.localeCompare(b.openedAt));
    return { from: range.from, to: range.to, mentions, events: events.size, cases };
  } finally {
    await sim.close();
  }
}

async function summarize(store: Store, c: Case): Promise<BacktestCase> {
  const opened = c.history.find((h) => h.type === 'opened');
  return {
    caseId: c.id,
    eventId: c.eventId,
    institution: c.institution,
    title: c.title,
    openedAt: c.openedAt,
    openedTier: opened?.tier ?? c.tier,
    finalTier: c.tier,
    transitions: c.history.filter((h) => TRANSITIONS.has(h.type)).map((h) => ({ at: h.at, type: h.type, tier: h.tier, reason: h.reason })),
    mentionCount: c.mentionCount,
    distinctAuthors: c.distinctAuthors,
    distinctComplainants: (await store.getEvent(c.eventId))?.distinctComplainants ?? 0,
    notifications: (await store.listNotifications(c.id)).length,
  };
}

function parseInstant(value: string, name: string): string {
  // A bare date means midnight in Asia/Shanghai.
  const v = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00+08:00` : value;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new Error(`--${name} is not a date or ISO datetime: ${value}`);
  return iso(t);
}

/** `radar backtest --rules file --from … --to …`: prints the cases a rule set would have opened. */
export async function runBacktestCli(config: Config, opts: { rules: string; from: string; to: string; format: string }): Promise<void> {
  const rules = parseRules(readFileSync(opts.rules, 'utf8'), opts.rules);
  const range = { from: parseInstant(opts.from, 'from'), to: parseInstant(opts.to, 'to') };
  if (range.from >= range.to) throw new Error('--from must be before --to');
  const log = createLogger({ level: 'warn', format: 'pretty' });
  const store = await createStore(config.store, { log });
  try {
    const result = await backtest(store, rules, config, range);
    if (opts.format === 'json') {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      return;
    }
    const names = new Map(config.watchlist.map((i) => [i.id, i.name]));
    process.stdout.write(
      `回测 ${formatShanghai(range.from)} → ${formatShanghai(range.to)}: ${result.mentions} mentions, ${result.events} events, ${result.cases.length} cases\n`,
    );
    for (const c of result.cases) {
      process.stdout.write(`\n${c.finalTier}  ${names.get(c.institution) ?? c.institution}  ${c.title}\n`);
      process.stdout.write(`    提及 ${c.mentionCount} · 作者 ${c.distinctAuthors} · 投诉人 ${c.distinctComplainants} · 通知 ${c.notifications} (not sent)\n`);
      for (const t of c.transitions)
        process.stdout.write(`    ${formatShanghai(t.at)}  ${t.type}${t.tier ? ` ${t.tier}` : ''}${t.reason ? `  — ${t.reason}` : ''}\n`);
    }
  } finally {
    await store.close();
  }
}
