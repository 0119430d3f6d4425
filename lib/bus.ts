import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';
import type { Case, SourceHealth } from './domain.js';
import { errorMessage } from './errors.js';
import type { Logger } from './logger.js';

/** What the API's Server-Sent Events stream, the response cache and the workers react to. */
export type BusMessage =
  | { type: 'case.changed'; case: Case; change: string }
  | { type: 'source.health'; health: SourceHealth }
  | { type: 'mention.stored'; count: number }
  | { type: 'rules.changed'; name: string; version: number };

/**
 * Publish/subscribe for live updates inside one process. `radar start` uses it alone; the cluster roles
 * use `RedisBus`, which also carries every message to the other processes.
 */
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
  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}

export interface RedisBusOptions {
  url: string;
  /** Pub/sub channel (default `radar:bus`); tests use a random one. */
  channel?: string;
  log: Logger;
}

/**
 * The cluster bus: a message published in any process is delivered to local subscribers at once and
 * to every other process through Redis pub/sub (each process skips its own echo). So a case acknowledged
 * through one API replica reaches SSE clients and response caches of all replicas, and a rule change
 * saved through the API reaches every worker. Pub/sub is fire-and-forget: a process that is down misses
 * messages, which is why consumers treat them as hints (caches also expire, workers reload rules at start).
 */
export class RedisBus extends MessageBus {
  private readonly origin = randomUUID();
  private readonly channel: string;
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly log: Logger;
  /** Resolves once the subscription is active (messages published before that are not received). */
  readonly ready: Promise<void>;

  constructor(options: RedisBusOptions) {
    super();
    this.channel = options.channel ?? 'radar:bus';
    this.log = options.log.child({ component: 'bus' });
    this.pub = new Redis(options.url, { maxRetriesPerRequest: null });
    this.sub = new Redis(options.url, { maxRetriesPerRequest: null });
    for (const c of [this.pub, this.sub]) c.on('error', (err) => this.log.warn('redis bus connection error', { error: errorMessage(err) }));
    this.sub.on('message', (_channel: string, raw: string) => this.receive(raw));
    this.ready = this.sub.subscribe(this.channel).then(() => undefined);
  }

  override publish(message: BusMessage): void {
    super.publish(message);
    this.pub.publish(this.channel, JSON.stringify({ origin: this.origin, message })).catch((err: unknown) => {
      this.log.warn('bus message not sent to other processes', { type: message.type, error: errorMessage(err) });
    });
  }

  private receive(raw: string): void {
    let parsed: { origin?: string; message?: BusMessage };
    try {
      parsed = JSON.parse(raw) as typeof parsed;
    } catch {
      this.log.warn('unreadable bus message dropped', { bytes: raw.length });
      return;
    }
    if (parsed.origin === this.origin || !parsed.message) return;
    super.publish(parsed.message);
  }

  override async close(): Promise<void> {
    await super.close();
    await Promise.allSettled([this.sub.quit(), this.pub.quit()]);
  }
}
