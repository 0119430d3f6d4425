import { createClusterer } from '../../../analysis/index.js';
import type { Analyzer } from '../../../analysis/types.js';
import { analyserFn, createMentionProcessor, type MentionProcessor, type ProcessorDeps } from '../../../app/process-mentions.js';
import type { Config } from '../../../config/schema.js';
import type { Clock } from '../../../lib/clock.js';
import { silentLogger } from '../../../lib/logger.js';
import type { Store } from '../../../store/store.js';

/**
 * The mention processor as the embedded runtime wires it (own clusterer, 72 h window, silent log,
 * owner `test`), for tests; `over` replaces any dependency.
 */
export function testProcessor(
  base: { store: Store; analyzer: Analyzer; config: Pick<Config, 'analysis'>; clock: Clock },
  over: Partial<ProcessorDeps> & Pick<ProcessorDeps, 'onEventUpdated'>,
): MentionProcessor {
  return createMentionProcessor({
    store: base.store,
    analyse: analyserFn(base.analyzer),
    owner: 'test',
    shared: false,
    clusterer: createClusterer(base.config.analysis, { clock: base.clock }),
    clock: base.clock,
    log: silentLogger(),
    windowHours: 72,
    ...over,
  });
}
