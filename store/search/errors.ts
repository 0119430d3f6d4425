import { ApiError } from '../../lib/errors.js';

/** The search backend cannot answer now (down, overloaded, refused our credentials): HTTP 503, try later. */
export class SearchUnavailableError extends ApiError {
  override name = 'SearchUnavailableError';
  constructor(
    message: string,
    readonly retryAfterMs = 30_000,
    options?: ErrorOptions,
  ) {
    super(503, 'search_unavailable', message, { retryAfterSeconds: Math.ceil(retryAfterMs / 1000) });
    if (options?.cause !== undefined) this.cause = options.cause;
  }

  /** Sent as the Retry-After header by the API's error handler. */
  get retryAfterSeconds(): number {
    return Math.ceil(this.retryAfterMs / 1000);
  }
}

/** Removes `user:password@` from URLs and `Authorization`/`ApiKey` values from a message. */
export function redactSecrets(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+(:[^/\s@]*)?@/gi, '$1***@').replace(/\b(Basic|Bearer|ApiKey)\s+[A-Za-z0-9+/=._-]+/g, '$1 ***');
}
