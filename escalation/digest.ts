import cron, { type ScheduledTask } from 'node-cron';
import type { Config } from '../config/schema.js';
import type { MessageBus } from '../lib/bus.js';
import type { Clock } from '../lib/clock.js';
import { iso } from '../lib/clock.js';
import type { Event, Notification } from '../lib/domain.js';
import { errorMessage } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { Logger } from '../lib/logger.js';
import type { Store } from '../store/store.js';
import { inertText } from './messages.js';
import { buildDigest, type Digest, dayBounds, shanghaiDate, sumSeries } from './reports.js';

const DAY = 86_400_000;

/** Loads what the digest of one Asia/Shanghai day needs from the store and builds it. */
export async function loadDigest(store: Store, date: string, institutionName?: (id: string) => string): Promise<Digest> {
  const bounds = dayBounds(date);
  const from = Date.parse(bounds.from);
  const [cases, series, events] = await Promise.all([
    store.listCasesOpenedBetween(iso(from - 30 * DAY), bounds.to),
    store.sentimentSeries({ from: iso(from - 7 * DAY), to: bounds.to, interval: 'hour' }),
    collectEvents(store, bounds.from, bounds.to),
  ]);
  const stamped = series.map((p) => ({ p, t: Date.parse(p.bucket) }));
  const totals = (start: number) => sumSeries(stamped.filter(({ t }) => t >= start && t < start + DAY).map(({ p }) => p));
  const previousDays = Array.from({ length: 7 }, (_, i) => totals(from - (7 - i) * DAY));
  return buildDigest({ date, cases, events, day: totals(from), previousDays, institutionName });
}

/** Events active on the day (bounded: the digest needs only the most negative few). */
async function collectEvents(store: Store, from: string, to: string): Promise<Event[]> {
  const out: Event[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listEvents({ from, to, limit: 200, cursor });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && out.length < 2000);
  return out;
}

/** The digest as a markdown message (DingTalk / WeCom; e-mail renders it to HTML). */
export function digestMarkdown(digest: Digest, dashboardUrl: string): { subject: string; body: string } {
  const n = digest.newCases;
  const s = digest.sentiment;
  const rows = ['| 层级 | 新增案件 |', '|---|---|', `| L1 轻度 | ${n.L1} |`, `| L2 中度 | ${n.L2} |`, `| L3 重度 | ${n.L3} |`, `| 合计 | ${n.total} |`];
  const body = [
    `**日期**：${digest.date}（北京时间）`,
    ...digest.lines.map((l) => `- ${inertText(l)}`),
    '',
    ...rows,
    '',
    `**净情感指数**：${s.netSentiment ?? '—'}（近7日均值 ${s.sevenDayAverage ?? '—'}）`,
    ...(digest.breaches.length > 0 ? ['**超时案件**：', ...digest.breaches.map((b) => `- ${b.tier} ${inertText(b.title)}（${b.institution}）`)] : []),
    `[打开高管日报](${dashboardUrl}/#/digest)`,
  ].join('\n');
  return { subject: `【舆情日报】${digest.date} 新增案件 ${n.total} 件，重度 ${n.L3} 件`, body };
}

export interface DigestScheduler {
  /** Builds the digest of `date` (default: yesterday in Asia/Shanghai) and queues it to the executives. */
  runOnce(date?: string): Promise<Digest>;
  start(): void;
  stop(): void;
}

/**
 * Every morning (default 08:00 Asia/Shanghai) the executives get yesterday's summary: HTML e-mail and
 * markdown to DingTalk/WeCom, through the same outbox as case notifications (so a restart never sends
 * a day's digest twice: the idempotency key is the date, channel and recipient).
 */
export function createDigestScheduler(deps: { config: Config; store: Store; clock: Clock; log: Logger; bus?: MessageBus }): DigestScheduler {
  const log = deps.log.child({ component: 'digest' });
  const { digest: settings, roster } = deps.config.escalation;
  const names = new Map(deps.config.watchlist.map((i) => [i.id, i.name]));
  let task: ScheduledTask | undefined;

  function recipientsFor(channel: string): string[] {
    const people = roster.executive ?? [];
    if (channel === 'email') return people.map((p) => p.email).filter((e): e is string => Boolean(e));
    if (channel === 'sms') return [];
    // Group robots and webhooks post once to the group.
    return ['executive'];
  }

  return {
    async runOnce(date?: string) {
      const day = date ?? shanghaiDate(new Date(deps.clock.now().getTime() - DAY));
      const digest = await loadDigest(deps.store, day, (id) => names.get(id) ?? id);
      const { subject, body } = digestMarkdown(digest, deps.config.server.publicUrl);
      const now = iso(deps.clock.now());
      const channels = (deps.config.escalation.routes.executive ?? []).filter((c) => c !== 'sms');
      const notifications: Notification[] = channels.flatMap((channel) =>
        recipientsFor(channel).map((recipient) => ({
          id: newId('n', deps.clock.now()),
          caseId: `digest:${day}`,
          tier: 'L3' as const,
          kind: 'digest',
          channel,
          recipient,
          idempotencyKey: `digest:${day}:${channel}:${recipient}`,
          subject,
          body,
          status: 'pending' as const,
          attempts: 0,
          nextAttemptAt: now,
          createdAt: now,
        })),
      );
      const queued = await deps.store.enqueueNotifications(notifications);
      log.info('daily digest queued', { date: day, notifications: queued, newCases: digest.newCases.total });
      return digest;
    },
    start() {
      if (!settings.enabled || task) return;
      task = cron.schedule(
        settings.schedule,
        () => {
          this.runOnce().catch((err: unknown) => log.error('daily digest failed', { error: errorMessage(err) }));
        },
        { timezone: settings.timezone, name: 'daily-digest' },
      );
    },
    stop() {
      void task?.stop();
      task = undefined;
    },
  };
}
