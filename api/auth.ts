import type { Request } from 'express';
import type { Clock } from '../lib/clock.js';
import type { ApiKeyRecord, ApiRole } from '../lib/domain.js';
import { ApiError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { Store } from '../store/store.js';
import { hashSecret } from './keys.js';
import type { RateLimiter } from './rate-limit.js';
import type { Access, Principal } from './types.js';

export type { Principal } from './types.js';

/** Roles that handle cases (the workflow enforces which tier each may act on). */
export const CASE_ROLES = ['customer_service', 'pr', 'executive', 'compliance'] as const satisfies readonly ApiRole[];
/** Every role may read mentions, events and reports. */
export const READ_ROLES = ['consumer', ...CASE_ROLES] as const satisfies readonly ApiRole[];
export const ADMIN_ONLY = [] as const satisfies readonly ApiRole[];

export function roleAllowed(role: ApiRole, access: Access): boolean {
  return access === 'public' || role === 'admin' || access.includes(role);
}

/** `Authorization: Bearer <key>`, or `?access_token=` where the route allows it (SSE). */
export function extractToken(req: Request, allowQuery: boolean): string | undefined {
  const header = req.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match?.[1];
  }
  if (allowQuery && typeof req.query.access_token === 'string' && req.query.access_token !== '') return req.query.access_token;
  return undefined;
}

interface CachedKey {
  record: ApiKeyRecord | undefined;
  until: number;
}

export interface AuthenticatorDeps {
  store: Store;
  clock: Clock;
  limiter: RateLimiter;
  /** Wrong keys per client address (brute force): once spent, every key from that address gets 429 until it refills. */
  failures?: RateLimiter;
  log: Logger;
  cacheMs?: number;
}

/** A wrong or revoked key: spends one of the address's failures (logging when it is throttled) and answers 401. */
function rejectUnknownKey(deps: AuthenticatorDeps, address: string): never {
  try {
    deps.failures?.take(address);
  } catch {
    deps.log.warn('API key guessing throttled', { address });
  }
  throw new ApiError(401, 'unauthorized', 'invalid or revoked API key');
}

/** Records the key's last use in the store, at most once a minute per key, without waiting for it. */
function touchAtMostPerMinute(deps: AuthenticatorDeps, touched: Map<string, number>, keyId: string, now: number): void {
  if ((touched.get(keyId) ?? 0) + 60_000 <= now) {
    touched.set(keyId, now);
    deps.store.touchApiKey(keyId, new Date(now).toISOString()).catch((err: unknown) => deps.log.warn('touch api key failed', { keyId, err: String(err) }));
  }
}

/**
 * Resolves keys with a short cache (lookups are per request; `touchApiKey` is written at most once a
 * minute per key). `forget` drops cached keys after a revocation through the API.
 */
export function createAuthenticator(deps: AuthenticatorDeps) {
  const cacheMs = deps.cacheMs ?? 5_000;
  const cache = new Map<string, CachedKey>();
  const touched = new Map<string, number>();
  /** Live streams per key id: ended as soon as the key is revoked through this process. */
  const streams = new Map<string, Set<() => void>>();

  async function lookup(hash: string, now: number): Promise<ApiKeyRecord | undefined> {
    const hit = cache.get(hash);
    if (hit && hit.until > now) return hit.record;
    const record = await deps.store.findApiKeyByHash(hash);
    if (cache.size > 10_000) cache.clear();
    cache.set(hash, { record, until: now + cacheMs });
    return record;
  }

  return {
    async authenticate(req: Request, access: Access, allowQueryToken: boolean): Promise<Principal | undefined> {
      if (access === 'public') return undefined;
      const token = extractToken(req, allowQueryToken);
      if (!token) throw new ApiError(401, 'unauthorized', 'missing API key: send Authorization: Bearer <key>');
      const address = req.socket.remoteAddress ?? 'unknown';
      // Checked before the key is: a throttled address learns nothing about the keys it tries.
      deps.failures?.check(address);
      const now = deps.clock.now().getTime();
      const record = await lookup(hashSecret(token), now);
      if (!record || record.revokedAt) {
        rejectUnknownKey(deps, address);
      }
      if (!roleAllowed(record.role, access)) {
        throw new ApiError(403, 'forbidden', `role ${record.role} may not call this endpoint`, { role: record.role, allowed: ['admin', ...access] });
      }
      deps.limiter.take(record.id);
      touchAtMostPerMinute(deps, touched, record.id, now);
      return { keyId: record.id, id: record.name, role: record.role };
    },
    forget(): void {
      cache.clear();
    },
    /** Registers a long-lived response to end when `keyId` is revoked; returns the unregister function. */
    watch(keyId: string, end: () => void): () => void {
      let set = streams.get(keyId);
      if (!set) {
        set = new Set();
        streams.set(keyId, set);
      }
      set.add(end);
      return () => {
        set.delete(end);
        if (set.size === 0) streams.delete(keyId);
      };
    },
    /** A key was revoked here: drop cached keys and end its live streams now. */
    revoked(keyId: string): void {
      cache.clear();
      for (const end of [...(streams.get(keyId) ?? [])]) end();
      streams.delete(keyId);
    },
    /** Whether the request's key is still valid, read from the store (revocations by other processes). */
    async stillValid(req: Request, allowQueryToken: boolean): Promise<boolean> {
      const token = extractToken(req, allowQueryToken);
      if (!token) return false;
      const record = await deps.store.findApiKeyByHash(hashSecret(token));
      return record !== undefined && !record.revokedAt;
    },
  };
}

export type Authenticator = ReturnType<typeof createAuthenticator>;
