import { getApiKey } from './api.js';
import type { StreamMessage } from './types.js';

type Listener = (message: StreamMessage) => void;
type StatusListener = (connected: boolean) => void;

const listeners = new Set<Listener>();
const statusListeners = new Set<StatusListener>();
let source: EventSource | undefined;
let connected = false;

function setConnected(value: boolean): void {
  connected = value;
  for (const l of statusListeners) l(value);
}

/** The API names each SSE event after the message type (`event: case.changed`) and sends the rest as data. */
function dispatch(data: string, type?: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return;
  }
  if (!parsed || typeof parsed !== 'object') return;
  const message = (type ? { ...parsed, type } : parsed) as StreamMessage;
  if (typeof message.type !== 'string') return;
  for (const l of listeners) l(message);
}

/**
 * Opens the live stream (SSE). EventSource cannot send headers, so the key goes in `access_token`.
 * The browser reconnects by itself; views re-fetch on reconnect to catch up on what was missed.
 */
export function connectStream(): void {
  const key = getApiKey();
  if (!key || source) return;
  source = new EventSource(`/api/v1/stream?access_token=${encodeURIComponent(key)}`);
  source.onopen = () => setConnected(true);
  source.onerror = () => setConnected(false);
  source.onmessage = (e) => dispatch(e.data);
  for (const type of ['case.changed', 'source.health', 'mention.stored']) source.addEventListener(type, (e) => dispatch((e as MessageEvent).data, type));
}

export function disconnectStream(): void {
  source?.close();
  source = undefined;
  setConnected(false);
}

export function onStream(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function onStreamStatus(listener: StatusListener): () => void {
  statusListeners.add(listener);
  listener(connected);
  return () => statusListeners.delete(listener);
}
