import { loadConfig, projectPath } from '../../../config/load.js';
import type { Config } from '../../../config/schema.js';
import { createCaseWorkflow } from '../../../escalation/case/index.js';
import { loadRules, type RuleSet } from '../../../escalation/rules.js';
import { createEscalationService } from '../../../escalation/service.js';
import { createSweeper } from '../../../escalation/sweeper.js';
import { type BusMessage, MessageBus } from '../../../lib/bus.js';
import { FakeClock } from '../../../lib/clock.js';
import type { Event, Notification } from '../../../lib/domain.js';
import { silentLogger } from '../../../lib/logger.js';
import { createStore } from '../../../store/index.js';
import type { Store } from '../../../store/store.js';
import { buildEvent } from '../../fixtures/builders.js';

export const T0 = '2025-11-22T02:00:00.000Z'; // 10:00 Beijing time

export const shippedRules = (): RuleSet => loadRules(projectPath('config/escalation.yaml'));

/** A roster with a manager, a person without e-mail, and an empty compliance roster. */
export function testConfig(): Config {
  return loadConfig({
    env: {},
    overrides: {
      server: { publicUrl: 'https://radar.bank.example' },
      escalation: {
        roster: {
          customer_service: [{ name: '王芳', email: 'wangfang@bank.example', manager: '刘洋' }],
          pr: [
            { name: '李强', email: 'liqiang@bank.example', phone: '13800000001', manager: '刘洋' },
            { name: '赵敏', phone: '13800000002' },
            { name: '刘洋', email: 'liuyang@bank.example' },
          ],
          executive: [{ name: '陈总', email: 'chen@bank.example', phone: '13900000001' }],
        },
        routes: { customer_service: ['email', 'wecom'], pr: ['email', 'dingtalk'], executive: ['email', 'sms'], compliance: ['email'] },
      },
    },
  });
}

export function makeEvent(overrides: Partial<Event> = {}): Event {
  return buildEvent('e_cardfee_1', T0, {
    institution: 'example_bank',
    topics: ['fees'],
    keyTerms: ['信用卡', '年费'],
    title: '示例银行信用卡年费未经同意扣款',
    simhash: '0f0f0f0f0f0f0f0f',
    mentionCount: 1,
    distinctAuthors: 1,
    distinctComplainants: 1,
    negativeCount: 1,
    mediaCount: 0,
    sources: ['heimao'],
    regulatorMentioned: false,
    runRumour: false,
    lastHourCount: 1,
    ...overrides,
  });
}

export interface Harness {
  store: Store;
  clock: FakeClock;
  config: Config;
  rules: RuleSet;
  bus: MessageBus;
  published: BusMessage[];
  service: ReturnType<typeof createEscalationService>;
  sweeper: ReturnType<typeof createSweeper>;
  workflow: ReturnType<typeof createCaseWorkflow>;
}

/** Service, sweeper and workflow over a REAL SQLite store (in memory unless a data dir is given). */
export async function harness(options: { dataDir?: string; clock?: FakeClock; rules?: RuleSet; store?: Store } = {}): Promise<Harness> {
  const log = silentLogger();
  const store = options.store ?? (await createStore({ backend: 'sqlite', dataDir: options.dataDir ?? ':memory:', keepRawText: false }, { log }));
  const clock = options.clock ?? new FakeClock(T0);
  const config = testConfig();
  const rules = options.rules ?? shippedRules();
  const bus = new MessageBus();
  const published: BusMessage[] = [];
  bus.subscribe((m) => published.push(m));
  const service = createEscalationService({ store, rules, config, clock, log, bus });
  const sweeper = createSweeper({ store, service, clock, log });
  const workflow = createCaseWorkflow({ store, clock, log, bus, rules });
  return { store, clock, config, rules, bus, published, service, sweeper, workflow };
}

/** `kind tier channel recipient` lines, sorted, for exact outbox assertions. */
export function outbox(list: Notification[]): string[] {
  return list.map((n) => `${n.kind} ${n.tier} ${n.channel} ${n.recipient}`).sort();
}
