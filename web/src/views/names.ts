import type { Case } from '../types.js';

/** Institution display names learnt from API responses (cases carry `institutionName`; share of voice lists id → name). */
const names = new Map<string, string>();

export function rememberInstitution(id: string, name: string | undefined): void {
  if (name) names.set(id, name);
}

export function institutionName(c: Pick<Case, 'institution' | 'institutionName'>): string {
  if (c.institutionName) names.set(c.institution, c.institutionName);
  return c.institutionName ?? names.get(c.institution) ?? c.institution;
}
