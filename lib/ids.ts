import { createHash, randomBytes } from 'node:crypto';

/** A sortable, unique id: time prefix + random suffix, e.g. `c_m3x9k2_a1b2c3d4`. */
export function newId(prefix: string, at: Date = new Date()): string {
  return `${prefix}_${at.getTime().toString(36)}_${randomBytes(4).toString('hex')}`;
}

export function sha256Hex(input: string | Buffer): string {
  return createHash('sha256').update(input).digest('hex');
}

export function mentionId(source: string, nativeId: string): string {
  return `${source}:${nativeId}`;
}
