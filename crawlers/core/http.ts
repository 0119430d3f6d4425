import { CookieJar } from 'tough-cookie';
import { type Dispatcher, ProxyAgent, fetch as undiciFetch } from 'undici';
import type { Clock } from '../../lib/clock.js';
import { BlockedError, errorMessage, NonRetryableError, RateLimitBlockError, RetryLaterError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import type { Metrics } from '../../lib/metrics.js';
import type { Fetcher, FetchRequest, FetchResponse } from '../types.js';
import { type BlockProbe, detectBlock, isWallRedirect } from './blocks.js';
import { decodeBody } from './charset.js';
import { HostPacer, type Pacer } from './pacer.js';

export { type BlockProbe, detectBlock } from './blocks.js';
export { decodeBody, sniffCharset } from './charset.js';
export { HostPacer, type Pacer, RedisHostPacer } from './pacer.js';

export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

export interface BrowserCookie {
  name: string;
  value: string;
  domain: string;
  path?: string;
}

export interface FetcherOptions {
  /** Source id, for logs, metrics and error messages. */
  sourceId: string;
  /** Pacing per host: at most this many requests per minute (shared by all fetchers of the process). */
  requestsPerMinute: number;
  /** Random extra delay as a fraction of the pacing interval (0.3 = up to +30%). Default 0. */
  jitter?: number;
  /** Per-attempt timeout covering headers and body. Default 15000. */
  timeoutMs?: number;
  /** Retries after the first attempt for network errors, timeouts and 5xx. Default 3. */
  maxRetries?: number;
  /** First backoff delay; doubles per retry (with up to 50% jitter). Default 1000. */
  backoffMs?: number;
  /** A Retry-After longer than this is not waited for: RetryLaterError instead. Default 60000. */
  maxRetryAfterMs?: number;
  userAgent: string;
  headers?: Record<string, string>;
  /** Cookie header value (`SUB=…; SUBP=…`) sent on every request, merged with the jar. */
  cookie?: string;
  /** http(s) proxy URL; requests then go through an undici ProxyAgent. */
  proxy?: string;
  clock: Clock;
  log: Logger;
  sleep?: Sleep;
  random?: () => number;
  /** Per-host pacing; pass the runtime's one so all sources on a host share it (default: a private one). */
  pacer?: Pacer;
  metrics?: Metrics;
  /** Extra per-source block detector: returns a reason when the response is a block page. */
  detectBlock?: (res: BlockProbe) => string | undefined;
  /** Test seam: a custom undici dispatcher (overrides `proxy`). */
  dispatcher?: Dispatcher;
}

/** The fetcher the crawler core hands to adapters, plus cookie management. */
export interface CoreFetcher extends Fetcher {
  /** Adds cookies harvested by a browser (or any other source) to this fetcher's jar. */
  setCookies(cookies: BrowserCookie[]): Promise<void>;
  /** The Cookie header value that would be sent to url. */
  cookieHeader(url: string): Promise<string>;
  /** The jar as text (tough-cookie's serialized form), to share it through the store with other workers. */
  exportCookies(): Promise<string>;
  /** Replaces the jar with one exported by `exportCookies` (another worker's, or this source's last run). */
  importCookies(text: string): Promise<void>;
  close(): Promise<void>;
}

const MAX_REDIRECTS = 5;

class HttpStatusError extends Error {
  override name = 'HttpStatusError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Retry-After as milliseconds: delta seconds or an HTTP date (relative to the clock). */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}

function parseCookieString(cookie: string | undefined): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of (cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    map.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return map;
}

function isIpOrLocal(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':') || host === 'localhost';
}

/** One fetcher's settings and state, shared by its steps. */
interface F {
  options: FetcherOptions;
  sleep: Sleep;
  random: () => number;
  pacer: Pacer;
  timeoutMs: number;
  maxRetries: number;
  backoffMs: number;
  maxRetryAfterMs: number;
  intervalMs: number;
  source: string;
  log: Logger;
  jar: CookieJar;
  /** Cookies from `options.cookie`, sent on every request under the jar's. */
  seed: Map<string, string>;
  /** ETag / Last-Modified of each GET url, for conditional requests. */
  validators: Map<string, { etag?: string; lastModified?: string }>;
  dispatcher: Dispatcher | undefined;
}

type Exchange = { res: Response; url: string; bytes: Buffer; redirects: string[] };
type Response = Awaited<ReturnType<typeof undiciFetch>>;

function count(f: F, outcome: string): void {
  f.options.metrics?.crawlRequests.inc({ source: f.source, outcome });
}

async function cookieHeader(f: F, url: string): Promise<string> {
  const merged = new Map(f.seed);
  for (const c of await f.jar.getCookies(url)) merged.set(c.key, c.value);
  return [...merged].map(([k, v]) => `${k}=${v}`).join('; ');
}

async function storeCookies(f: F, url: string, setCookie: string[]): Promise<void> {
  for (const line of setCookie) {
    try {
      await f.jar.setCookie(line, url, { ignoreError: true });
    } catch (err) {
      f.log.debug('cookie rejected', { url, error: errorMessage(err) });
    }
  }
}

async function setCookies(f: F, cookies: BrowserCookie[]): Promise<void> {
  for (const c of cookies) {
    const host = c.domain.replace(/^\./, '');
    const domainAttr = isIpOrLocal(host) ? '' : `; Domain=${c.domain}`;
    await f.jar.setCookie(`${c.name}=${c.value}; Path=${c.path ?? '/'}${domainAttr}`, `http://${host}/`, { ignoreError: true });
  }
}

/** The request headers for one hop: defaults, the fetcher's and the request's, cookies, validators. */
async function requestHeaders(f: F, req: FetchRequest, url: string, method: string): Promise<Record<string, string>> {
  const headers: Record<string, string> = {
    'user-agent': f.options.userAgent,
    'accept-language': 'zh-CN,zh;q=0.9,en;q=0.6',
    accept: req.expect === 'json' ? 'application/json, text/javascript, */*; q=0.01' : 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
    ...f.options.headers,
    ...req.headers,
  };
  const cookie = await cookieHeader(f, url);
  if (cookie && !Object.keys(headers).some((h) => h.toLowerCase() === 'cookie')) headers.cookie = cookie;
  const known = method === 'GET' ? f.validators.get(url) : undefined;
  if (known?.etag) headers['if-none-match'] = known.etag;
  if (known?.lastModified) headers['if-modified-since'] = known.lastModified;
  return headers;
}

/** One HTTP exchange including manual redirects (so cookies are kept and login redirects seen). */
async function exchange(f: F, req: FetchRequest, signal: AbortSignal): Promise<Exchange> {
  let url = req.url;
  let method = req.method ?? 'GET';
  let body = req.body;
  const redirects: string[] = [];
  for (let hop = 0; ; hop++) {
    const headers = await requestHeaders(f, req, url, method);
    const res = await undiciFetch(url, { method, headers, body, redirect: 'manual', signal, ...(f.dispatcher ? { dispatcher: f.dispatcher } : {}) });
    await storeCookies(f, url, res.headers.getSetCookie());
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && res.status !== 304 && location) {
      await res.body?.cancel();
      if (hop >= MAX_REDIRECTS) throw new NonRetryableError(`too many redirects from ${req.url}`);
      url = new URL(location, url).toString();
      redirects.push(url);
      // Never follow into a login/captcha wall: the redirect itself is the block signal.
      if (isWallRedirect(url, req.url)) return { res, url, bytes: Buffer.alloc(0), redirects };
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
      }
      continue;
    }
    const bytes = Buffer.from(await res.arrayBuffer());
    return { res, url, bytes, redirects };
  }
}

/** Waits for the host's pace, then runs the exchange under the per-attempt timeout. */
async function pacedExchange(f: F, req: FetchRequest): Promise<Exchange> {
  const host = new URL(req.url).host;
  await f.pacer.wait(host, f.intervalMs, f.options.jitter ?? 0, { clock: f.options.clock, sleep: f.sleep, random: f.random });
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`timeout after ${f.timeoutMs} ms`)), f.timeoutMs);
  try {
    return await exchange(f, req, controller.signal);
  } finally {
    clearTimeout(timer);
  }
}

async function attempt(f: F, req: FetchRequest): Promise<FetchResponse> {
  const { res, url, bytes, redirects } = await pacedExchange(f, req);
  const { options, source } = f;
  const headers: Record<string, string> = {};
  res.headers.forEach((value, key) => {
    headers[key] = value;
  });
  const contentType = headers['content-type'] ?? '';
  const text = decodeBody(bytes, contentType);
  const probe: BlockProbe = { status: res.status, url, requestUrl: req.url, redirects, contentType, text, expect: req.expect };
  const blocked = detectBlock(probe) ?? options.detectBlock?.(probe);
  if (blocked) {
    const retryAfter = parseRetryAfter(headers['retry-after'], options.clock.now());
    const Blocked = probe.status === 456 ? RateLimitBlockError : BlockedError;
    throw new Blocked(`${source} blocked: ${blocked} (${req.url})`, retryAfter);
  }
  if (res.status === 304) return { status: 304, url, headers, text: '' };
  if (res.status === 429 || res.status === 503) {
    const retryAfter = parseRetryAfter(headers['retry-after'], options.clock.now());
    if (retryAfter !== undefined) throw new RetryLaterError(`HTTP ${res.status} from ${req.url}`, retryAfter);
  }
  if (res.status >= 400) throw new HttpStatusError(res.status, `HTTP ${res.status} from ${req.url}`);
  if (res.status === 200 && (req.method ?? 'GET') === 'GET' && (headers.etag || headers['last-modified'])) {
    f.validators.set(req.url, { etag: headers.etag, lastModified: headers['last-modified'] });
  }
  const response: FetchResponse = { status: res.status, url, headers, text };
  if (req.expect === 'json') response.json = parseJsonBody(text, req.url);
  const jsonBlock = req.expect === 'json' ? detectJsonBlock(response.json) : undefined;
  if (jsonBlock) throw new BlockedError(`${source} blocked: ${jsonBlock} (${req.url})`);
  return response;
}

/** How long to wait before retrying after `err`; throws (counting the outcome) when the error is final. */
function retryDelay(f: F, req: FetchRequest, err: unknown, attemptNo: number): number {
  if (err instanceof BlockedError) {
    count(f, 'blocked');
    throw err;
  }
  if (err instanceof NonRetryableError) {
    count(f, 'error');
    throw err;
  }
  const retriesLeft = attemptNo < f.maxRetries;
  if (err instanceof RetryLaterError) {
    const wait = err.retryAfterMs ?? 0;
    if (wait > f.maxRetryAfterMs || !retriesLeft) {
      count(f, 'throttled');
      throw err;
    }
    return wait;
  }
  if (err instanceof HttpStatusError) {
    if (err.status < 500) {
      count(f, 'error');
      throw new NonRetryableError(err.message, { cause: err });
    }
    if (!retriesLeft) {
      count(f, 'error');
      throw new RetryLaterError(`${err.message} after ${attemptNo + 1} attempts`, undefined, { cause: err });
    }
    return f.backoffMs * 2 ** attemptNo * (1 + 0.5 * f.random());
  }
  // Network error or timeout.
  if (!retriesLeft) {
    count(f, 'error');
    throw new RetryLaterError(`${req.url} failed after ${attemptNo + 1} attempts: ${describe(err)}`, undefined, { cause: err });
  }
  return f.backoffMs * 2 ** attemptNo * (1 + 0.5 * f.random());
}

async function fetchWithRetry(f: F, req: FetchRequest): Promise<FetchResponse> {
  for (let attemptNo = 0; ; attemptNo++) {
    try {
      const res = await attempt(f, req);
      count(f, res.status === 304 ? 'not_modified' : 'ok');
      return res;
    } catch (err) {
      const delay = retryDelay(f, req, err, attemptNo);
      count(f, 'retry');
      f.log.warn('request failed, retrying', { url: req.url, attempt: attemptNo + 1, delayMs: Math.round(delay), error: describe(err) });
      await f.sleep(delay);
    }
  }
}

export function createFetcher(options: FetcherOptions): CoreFetcher {
  const source = options.sourceId;
  const proxyAgent = options.dispatcher ? undefined : options.proxy ? new ProxyAgent({ uri: options.proxy, proxyTunnel: true }) : undefined;
  const f: F = {
    options,
    sleep: options.sleep ?? realSleep,
    random: options.random ?? Math.random,
    pacer: options.pacer ?? new HostPacer(),
    timeoutMs: options.timeoutMs ?? 15_000,
    maxRetries: options.maxRetries ?? 3,
    backoffMs: options.backoffMs ?? 1000,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000,
    intervalMs: 60_000 / options.requestsPerMinute,
    source,
    log: options.log.child({ component: 'fetcher', source }),
    jar: new CookieJar(undefined, { looseMode: true }),
    seed: parseCookieString(options.cookie),
    validators: new Map(),
    dispatcher: options.dispatcher ?? proxyAgent,
  };
  return {
    fetch: (req) => fetchWithRetry(f, req),
    setCookies: (cookies) => setCookies(f, cookies),
    cookieHeader: (url) => cookieHeader(f, url),
    async exportCookies() {
      return JSON.stringify(await f.jar.serialize());
    },
    async importCookies(text) {
      f.jar = await CookieJar.deserialize(JSON.parse(text) as object);
    },
    async close() {
      await proxyAgent?.close();
    },
  };
}

function describe(err: unknown): string {
  const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${errorMessage(err)}${cause}`;
}

/** Parses JSON, stripping a JSONP wrapper (`cb({...})`, `try{cb({...});}catch(e){}`). Malformed → NonRetryableError. */
export function parseJsonBody(text: string, url = ''): unknown {
  let body = text.replace(/^\ufeff/, '').trim();
  const tryWrapped = /^try\s*\{\s*([\s\S]*?);?\s*\}\s*catch\s*\([^)]*\)\s*\{[^}]*\};?$/.exec(body);
  if (tryWrapped) body = (tryWrapped[1] as string).trim();
  const jsonp = /^(?:\/\*\*\/\s*)?[A-Za-z_$][\w$.]*\s*\(([\s\S]*)\)\s*;?$/.exec(body);
  if (jsonp) body = (jsonp[1] as string).trim();
  try {
    return JSON.parse(body);
  } catch (err) {
    throw new NonRetryableError(`malformed JSON from ${url}: ${errorMessage(err)} (starts ${JSON.stringify(body.slice(0, 60))})`, { cause: err });
  }
}

/** Weibo answers `{"ok":-100,"url":"https://passport.weibo.com/sso/signin…"}` when a login is required. */
function detectJsonBlock(json: unknown): string | undefined {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return undefined;
  const obj = json as Record<string, unknown>;
  if (obj.ok === -100) return 'login required (ok:-100)';
  if (obj.data === undefined && typeof obj.url === 'string' && /passport\.(weibo|sina)|captcha|verify/i.test(obj.url)) return 'captcha/login challenge';
  return undefined;
}
