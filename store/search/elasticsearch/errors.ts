import { errors } from '@elastic/elasticsearch';
import { redactSecrets, SearchUnavailableError } from '../errors.js';

/** Statuses after which a later try can succeed. */
const TRANSIENT = new Set([408, 429, 502, 503, 504]);

/**
 * Elasticsearch client errors as project errors. Messages name the status and the error type only,
 * never the node URL (which may carry credentials) nor the request.
 */
export function mapEsError(err: unknown, what: string): Error {
  if (err instanceof SearchUnavailableError) return err;
  if (err instanceof errors.ResponseError) {
    const status = err.statusCode ?? 0;
    const type = errorType(err.body);
    if (TRANSIENT.has(status))
      return new SearchUnavailableError(`Elasticsearch is unavailable for ${what} (HTTP ${status} ${type}); try again later`, retryAfter(err), { cause: err });
    if (status === 401 || status === 403) {
      return new SearchUnavailableError(`Elasticsearch refused the configured credentials for ${what} (HTTP ${status}); check ELASTICSEARCH_URL`, 60_000, {
        cause: err,
      });
    }
    return new Error(`Elasticsearch ${what} failed: HTTP ${status} ${type}`, { cause: err });
  }
  if (err instanceof errors.ConnectionError || err instanceof errors.TimeoutError || err instanceof errors.NoLivingConnectionsError) {
    return new SearchUnavailableError(`Elasticsearch is unreachable for ${what} (${err.name}); try again later`, 30_000, { cause: err });
  }
  if (err instanceof errors.ProductNotSupportedError) {
    return new Error(`the server at ELASTICSEARCH_URL is not a supported Elasticsearch (${what})`, { cause: err });
  }
  const message = redactSecrets(err instanceof Error ? err.message : String(err));
  return new Error(`Elasticsearch ${what} failed: ${message}`, { cause: err });
}

function errorType(body: unknown): string {
  const e = (body as { error?: unknown } | undefined)?.error;
  if (typeof e === 'string') return redactSecrets(e).slice(0, 200);
  const type = (e as { type?: unknown } | undefined)?.type;
  return typeof type === 'string' ? type : 'error';
}

function retryAfter(err: errors.ResponseError): number {
  const header = err.headers?.['retry-after'];
  const seconds = Number(Array.isArray(header) ? header[0] : header);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 30_000;
}
