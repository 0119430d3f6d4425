import type { Request, Response } from 'express';
import type { BusMessage, MessageBus } from '../lib/bus.js';

/**
 * Streams bus messages as Server-Sent Events (`event: <type>`, `data: <json>`) with a comment
 * heartbeat so proxies keep the connection open. Returns when the client disconnects.
 */
export function streamEvents(
  req: Request,
  res: Response,
  options: {
    bus: MessageBus;
    heartbeatMs: number;
    map: (message: BusMessage) => { event: string; data: unknown } | undefined;
    /** Re-checked every `recheckMs`: when false the stream says `event: revoked` and ends (a revoked key). */
    stillValid?: () => Promise<boolean>;
    recheckMs?: number;
  },
): { end(): void } {
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache, no-transform');
  res.setHeader('Connection', 'keep-alive');
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
  req.socket.setTimeout(0);
  req.socket.setNoDelay(true);
  let seq = 0;
  res.write('retry: 5000\n: connected\n\n');
  const unsubscribe = options.bus.subscribe((message) => {
    const out = options.map(message);
    if (!out) return;
    seq += 1;
    res.write(`id: ${seq}\nevent: ${out.event}\ndata: ${JSON.stringify(out.data)}\n\n`);
  });
  const heartbeat = setInterval(() => res.write(`: heartbeat ${Date.now()}\n\n`), options.heartbeatMs);
  heartbeat.unref();
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    res.write('event: revoked\ndata: {}\n\n');
    res.end();
  };
  const recheck = options.stillValid
    ? setInterval(() => {
        options.stillValid!().then(
          (ok) => (ok ? undefined : end()),
          () => undefined,
        );
      }, options.recheckMs ?? 5_000)
    : undefined;
  recheck?.unref();
  const stop = () => {
    ended = true;
    clearInterval(heartbeat);
    if (recheck) clearInterval(recheck);
    unsubscribe();
  };
  res.on('close', stop);
  return { end };
}
