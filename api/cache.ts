import type { Clock } from '../lib/clock.js';

/** Invalidation groups: `cases` (any case.changed), `mentions` (new mentions stored). */
export type CacheGroup = 'cases' | 'mentions';

interface Entry {
  body: string;
  expires: number;
}

/**
 * A micro-cache of serialised JSON responses for hot, role-independent reads (the alert board that
 * every dashboard polls, repeated searches, report charts). Entries live `ttlMs` and are dropped as
 * soon as the bus reports a change in their group, so a case action is visible on the next request.
 */
export function createResponseCache(options: { ttlMs: number; clock: Clock; maxEntries?: number }) {
  const groups = new Map<CacheGroup, Map<string, Entry>>([
    ['cases', new Map()],
    ['mentions', new Map()],
  ]);
  const max = options.maxEntries ?? 500;
  return {
    enabled: options.ttlMs > 0,
    get(group: CacheGroup, key: string): string | undefined {
      const entry = groups.get(group)!.get(key);
      if (!entry) return undefined;
      if (entry.expires <= options.clock.now().getTime()) {
        groups.get(group)!.delete(key);
        return undefined;
      }
      return entry.body;
    },
    set(group: CacheGroup, key: string, body: string): void {
      const map = groups.get(group)!;
      if (map.size >= max) map.delete(map.keys().next().value as string);
      map.set(key, { body, expires: options.clock.now().getTime() + options.ttlMs });
    },
    invalidate(group: CacheGroup): void {
      groups.get(group)!.clear();
    },
  };
}

export type ResponseCache = ReturnType<typeof createResponseCache>;
