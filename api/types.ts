import type { ApiRole } from '../lib/domain.js';

/** The caller behind an API key. `id` is what audit entries and case history record as the actor. */
export interface Principal {
  keyId: string;
  id: string;
  role: ApiRole;
}

/** Who may call a route: `public`, or the roles allowed (admin is always allowed). */
export type Access = 'public' | readonly ApiRole[];
