import { type ChildProcess, spawn } from 'node:child_process';
import { projectRoot } from '../../../config/load.js';

export interface RoleProcess {
  name: string;
  proc: ChildProcess;
  /** Resolves with the log entry that says the role is up (for `api`: the one carrying its URL). */
  ready: Promise<Record<string, unknown>>;
  lines: string[];
  /** Resolves with the exit code once the process ended. */
  exited: Promise<number | null>;
}

/**
 * Runs `radar <args>` (from source, through tsx) as a real OS process with JSON logs on stderr, and
 * resolves `ready` on the first log entry whose message is `readyMessage`. DEBUG_CHILD=1 echoes the logs.
 */
export function startRole(name: string, args: string[], env: Record<string, string>, readyMessage: string): RoleProcess {
  const lines: string[] = [];
  const proc = spawn(process.execPath, ['--import', 'tsx', 'cli.ts', ...args], {
    cwd: projectRoot,
    env: { ...process.env, LOG_FORMAT: 'json', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const ready = new Promise<Record<string, unknown>>((resolve, reject) => {
    let buf = '';
    proc.stderr?.on('data', (chunk: Buffer) => {
      buf += chunk.toString('utf8');
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        lines.push(line);
        if (process.env.DEBUG_CHILD) process.stderr.write(`[${name} ${proc.pid}] ${line}\n`);
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          if (entry.message === readyMessage) resolve(entry);
        } catch {
          // not a JSON log line
        }
      }
    });
    void exited.then((code) => reject(new Error(`${name} exited early (${code}):\n${lines.slice(-20).join('\n')}`)));
  });
  ready.catch(() => undefined);
  return { name, proc, ready, lines, exited };
}

/** Polls `fn` until it returns a value (not undefined); errors count as "not yet". */
export async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** A Server-Sent Events client (fetch streaming) that records every event. */
export function openEventStream(url: string): { events: Array<{ event: string; data: unknown }>; opened: Promise<void>; close(): void } {
  const events: Array<{ event: string; data: unknown }> = [];
  const controller = new AbortController();
  const opened = (async () => {
    const res = await fetch(url, { signal: controller.signal });
    if (res.status !== 200 || !res.body) throw new Error(`event stream: HTTP ${res.status}`);
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buf = '';
    const pump = async (): Promise<void> => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buf += value;
        for (let end = buf.indexOf('\n\n'); end >= 0; end = buf.indexOf('\n\n')) {
          const block = buf.slice(0, end);
          buf = buf.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) });
        }
      }
    };
    void pump().catch(() => undefined);
  })();
  opened.catch(() => undefined);
  return { events, opened, close: () => controller.abort() };
}
