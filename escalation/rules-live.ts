import { readFileSync } from 'node:fs';
import { projectPath } from '../config/load.js';
import type { Config } from '../config/schema.js';
import type { MessageBus } from '../lib/bus.js';
import type { Clock } from '../lib/clock.js';
import { errorMessage } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { Store } from '../store/store.js';
import { parseRules, type RuleSet } from './rules.js';

const RULES_NAME = 'escalation';

export interface RuleIssue {
  path: string;
  message: string;
}

/** The API's view of the rules: read the saved version, validate a draft, save a new version. */
export interface RulesService {
  get(): Promise<{ version: number; yaml: string }>;
  validate(yaml: string): RuleIssue[];
  update(yaml: string, actor: string): Promise<{ version: number }>;
}

export interface LiveRules {
  current(): RuleSet;
  /** Called with every new rule set, whichever process saved it. */
  onChange(fn: (rules: RuleSet) => void): void;
  /** The API's view: read, validate, save (which tells every process through the bus). */
  service: RulesService;
  close(): void;
}

/**
 * The escalation rules of this process: the latest version saved through the API (in the store) wins over
 * the file shipped with the config. A save publishes `rules.changed`; every process (API replicas, workers)
 * reloads the saved version from the store, so a rule change reaches each of them.
 */
export async function createLiveRules(deps: { config: Config; store: Store; bus: MessageBus; clock: Clock; log: Logger }): Promise<LiveRules> {
  const log = deps.log.child({ component: 'rules' });
  const fileYaml = () => readFileSync(projectPath(deps.config.escalation.rulesFile), 'utf8');
  const stored = await deps.store.getRuleSet(RULES_NAME);
  let rules = parseRules(stored?.yaml ?? fileYaml());
  let version = stored?.version ?? 0;
  const listeners: Array<(r: RuleSet) => void> = [];
  const apply = (next: RuleSet, v: number) => {
    rules = next;
    version = v;
    for (const fn of listeners) fn(next);
  };

  const unsubscribe = deps.bus.subscribe((m) => {
    if (m.type !== 'rules.changed' || m.name !== RULES_NAME || m.version <= version) return;
    deps.store
      .getRuleSet(RULES_NAME)
      .then((saved) => {
        if (!saved || saved.version <= version) return;
        apply(parseRules(saved.yaml), saved.version);
        log.info('rules reloaded after a change in another process', { version: saved.version });
      })
      .catch((err: unknown) => log.warn('could not reload changed rules', { version: m.version, error: errorMessage(err) }));
  });

  return {
    current: () => rules,
    onChange: (fn) => {
      listeners.push(fn);
    },
    service: {
      get: async () => {
        const current = await deps.store.getRuleSet(RULES_NAME);
        return { version: current?.version ?? 0, yaml: current?.yaml ?? fileYaml() };
      },
      validate: (yaml: string) => {
        try {
          parseRules(yaml);
          return [];
        } catch (err) {
          return [{ path: '(rules)', message: errorMessage(err) }];
        }
      },
      update: async (yaml: string, actor: string) => {
        const parsed = parseRules(yaml);
        const saved = await deps.store.saveRuleSet(RULES_NAME, yaml, actor, deps.clock.now().toISOString());
        apply(parsed, saved);
        deps.bus.publish({ type: 'rules.changed', name: RULES_NAME, version: saved });
        return { version: saved };
      },
    },
    close: unsubscribe,
  };
}
