import { EventEmitter } from 'node:events';
import type { Case, SourceHealth } from './domain.js';

/** What the API's Server-Sent Events stream and the dashboard see. */
export type BusMessage =
  | { type: 'case.changed'; case: Case; change: string }
  | { type: 'source.health'; health: SourceHealth }
  | { type: 'mention.stored'; count: number };

/** In-process publish/subscribe for live updates (one per process; the cluster mode bridges it over Redis). */
export class MessageBus {
  private readonly emitter = new EventEmitter();
  constructor() {
    this.emitter.setMaxListeners(1000);
  }
  publish(message: BusMessage): void {
    this.emitter.emit('message', message);
  }
  /** Returns the unsubscribe function. */
  subscribe(listener: (message: BusMessage) => void): () => void {
    this.emitter.on('message', listener);
    return () => this.emitter.off('message', listener);
  }
}
