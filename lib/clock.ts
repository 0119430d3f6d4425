/** Every module takes a Clock so that tests can move time by hours in milliseconds. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests move by hand. */
export class FakeClock implements Clock {
  private current: number;
  constructor(start: Date | string = '2025-11-22T02:00:00.000Z') {
    this.current = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  set(at: Date | string): void {
    this.current = new Date(at).getTime();
  }
  advance(ms: number): Date {
    this.current += ms;
    return this.now();
  }
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

export function iso(d: Date | number): string {
  return new Date(d).toISOString();
}

/** Formats a UTC instant for display in Asia/Shanghai, e.g. `2025-11-22 10:00`. */
export function formatShanghai(at: string | Date): string {
  const d = new Date(new Date(at).getTime() + 8 * HOUR);
  return d.toISOString().slice(0, 16).replace('T', ' ');
}
