import { randomBytes } from 'node:crypto';
import { type Clock, systemClock } from '../lib/clock.js';
import type { ApiKeyRecord, ApiRole } from '../lib/domain.js';
import { CriticalError } from '../lib/errors.js';
import { newId, sha256Hex } from '../lib/ids.js';
import type { Store } from '../store/store.js';

export const API_ROLES = ['consumer', 'customer_service', 'pr', 'executive', 'compliance', 'admin'] as const satisfies readonly ApiRole[];

/** Secrets look like `yr_<40 hex>`; the first 10 characters are kept as a non-secret prefix for listings. */
export function generateSecret(): string {
  return `yr_${randomBytes(20).toString('hex')}`;
}

export function hashSecret(secret: string): string {
  return sha256Hex(secret);
}

function secretPrefix(secret: string): string {
  return secret.slice(0, 10);
}

export interface CreatedKey {
  id: string;
  /** Shown once; only its sha256 is stored. */
  secret: string;
  record: ApiKeyRecord;
}

/** Creates a key for `radar keys create` and `POST /api/v1/keys`. */
export async function createKey(store: Store, input: { name: string; role: ApiRole; secret?: string }, clock: Clock): Promise<CreatedKey> {
  const now = clock.now();
  const secret = input.secret ?? generateSecret();
  const record: ApiKeyRecord = {
    id: newId('k', now),
    name: input.name,
    role: input.role,
    hash: hashSecret(secret),
    prefix: secretPrefix(secret),
    createdAt: now.toISOString(),
  };
  await store.createApiKey(record);
  return { id: record.id, secret, record };
}

/** Keys without their hashes, newest first. */
export async function listKeys(store: Store): Promise<Array<Omit<ApiKeyRecord, 'hash'>>> {
  const keys = await store.listApiKeys();
  return keys.map(({ hash: _hash, ...rest }) => rest).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** False when the key does not exist or was already revoked. */
export async function revokeKey(store: Store, id: string, clock: Clock): Promise<boolean> {
  return store.revokeApiKey(id, clock.now().toISOString());
}

/** A bootstrap admin key shorter than this is refused at start-up (guessable). */
export const BOOTSTRAP_MIN_LENGTH = 24;

/**
 * Makes sure an admin key with this secret exists (from `RADAR_API_KEY`). Idempotent: a second start
 * with the same secret finds the stored hash and does nothing (a revoked bootstrap key stays revoked).
 * Returns the key id.
 */
export async function ensureBootstrapKey(store: Store, secret: string, clock: Clock = systemClock): Promise<string> {
  if (secret.trim() === '') throw new CriticalError('RADAR_API_KEY is empty');
  if (secret.length < BOOTSTRAP_MIN_LENGTH || /\s/.test(secret)) {
    throw new CriticalError(
      `RADAR_API_KEY must be at least ${BOOTSTRAP_MIN_LENGTH} characters without spaces (got ${secret.length}): it is an admin key; generate one with \`openssl rand -hex 24\``,
    );
  }
  const existing = await store.findApiKeyByHash(hashSecret(secret));
  if (existing) return existing.id;
  const created = await createKey(store, { name: 'bootstrap-admin', role: 'admin', secret }, clock);
  return created.id;
}
