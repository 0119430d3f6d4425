import type { Event } from '../lib/domain.js';
import { type CompletionResult, LeaseLostError } from './store.js';

/** Gathers the outcomes of a batch of completions: events once each, lost leases listed, other errors thrown. */
export class CompletionCollector {
  private readonly events = new Map<string, Event>();
  private readonly lost: string[] = [];

  /** Records one completion's outcome (its event, or a LeaseLostError); rethrows any other error. */
  record(id: string, outcome: Event | undefined | Error): void {
    if (outcome instanceof LeaseLostError) this.lost.push(id);
    else if (outcome instanceof Error) throw outcome;
    else if (outcome) this.events.set(outcome.id, outcome);
  }

  result(): CompletionResult {
    return { events: [...this.events.values()], lost: this.lost };
  }
}

/** The outcome of fn: its value, or the error it threw (for CompletionCollector.record). */
export function outcomeOf<T>(fn: () => T): T | Error {
  try {
    return fn();
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}
