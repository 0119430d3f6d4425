/**
 * Errors are named after what the caller should do with them (see STYLE.md §2).
 * Always pass `{ cause }` when wrapping.
 */

/** Throttled or temporarily unavailable: try again later; costs no attempt. */
export class RetryLaterError extends Error {
  override name = 'RetryLaterError';
  constructor(
    message: string,
    readonly retryAfterMs?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The platform blocked us (432/456/captcha/login wall): cool the source down. */
export class BlockedError extends Error {
  override name = 'BlockedError';
  constructor(
    message: string,
    readonly cooldownMs?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * HTTP 456: the platform's rate-limit block. A cool-down is the only cure (a browser retry would be blocked
 * too), so adapters that fall back to a browser on other blocks tell it apart by class, not by message.
 */
export class RateLimitBlockError extends BlockedError {}

/** Bad input (a malformed item or page): skip it, count it, go on. */
export class NonRetryableError extends Error {
  override name = 'NonRetryableError';
}

/** Something a human must fix (bad config, broken store): stop. */
export class CriticalError extends Error {
  override name = 'CriticalError';
}

/** An error the API maps to a 4xx/5xx JSON body `{"error":{"code","message","details"}}`. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
  toJSON(): { error: { code: string; message: string; details?: unknown } } {
    return { error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) } };
  }
}

export class NotFoundError extends ApiError {
  constructor(what: string, id: string) {
    super(404, 'not_found', `${what} ${id} not found`, { id });
  }
}

export class ConflictError extends ApiError {
  constructor(message: string, details?: unknown) {
    super(409, 'conflict', message, details);
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
