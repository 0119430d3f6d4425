import express, { type NextFunction, type Request, type Response } from 'express';
import { ApiError } from '../lib/errors.js';
import { StoreSearchIndex } from '../store/search/store-index.js';
import { createAuthenticator } from './auth.js';
import { createResponseCache } from './cache.js';
import type { ApiContext, ApiDeps } from './context.js';
import { registerAlertRoutes } from './controllers/alerts.js';
import { registerEventRoutes } from './controllers/events.js';
import { registerHealthRoutes } from './controllers/health.js';
import { registerKeyRoutes } from './controllers/keys.js';
import { registerMentionRoutes } from './controllers/mentions.js';
import { registerReportRoutes } from './controllers/reports.js';
import { registerRuleRoutes } from './controllers/rules.js';
import { registerSourceRoutes } from './controllers/sources.js';
import { registerStreamRoutes } from './controllers/stream.js';
import { createDtoContext } from './dto.js';
import { buildOpenApi, docsCss, docsHtml, docsJs } from './openapi.js';
import { createRateLimiter } from './rate-limit.js';
import { RouteRegistry } from './route.js';

export type { ApiDeps, CaseActor, CaseWorkflow, CrawlControl, RulesService, TopicInfo } from './context.js';

const API_VERSION = '1.0.0';

/** Only the dashboard's own scripts; styles may be inline (chart libraries set them). */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Every route of the API, for the OpenAPI document and for tests that check it lists each one. */
export function buildRegistry(ctx: ApiContext): RouteRegistry {
  const registry = new RouteRegistry();
  registerHealthRoutes(registry, ctx);
  registerMentionRoutes(registry, ctx);
  registerEventRoutes(registry, ctx);
  registerAlertRoutes(registry, ctx);
  registerReportRoutes(registry, ctx);
  registerSourceRoutes(registry, ctx);
  registerRuleRoutes(registry, ctx);
  registerKeyRoutes(registry, ctx);
  registerStreamRoutes(registry, ctx);
  return registry;
}

export type ApiApp = express.Express & { locals: { registry: RouteRegistry; openapi: Record<string, unknown> } };

/** Security headers, server time, request metrics, and CORS (answering preflights) for allowed origins. */
function headersAndCors(deps: ApiDeps, corsOrigins: ReadonlySet<string>): (req: Request, res: Response, next: NextFunction) => void {
  return (req: Request, res: Response, next: NextFunction) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    // The dashboard's SLA countdowns correct for client clock skew with this.
    res.setHeader('X-Server-Time', deps.clock.now().toISOString());
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const route = typeof res.locals.route === 'string' ? res.locals.route : 'other';
      deps.metrics.httpRequests.observe({ method: req.method, route, status: String(res.statusCode) }, Number(process.hrtime.bigint() - started) / 1e9);
    });
    const origin = req.headers.origin;
    if (origin && corsOrigins.has(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      res.setHeader('Access-Control-Expose-Headers', 'Retry-After, Content-Disposition, X-Server-Time');
      if (req.method === 'OPTIONS') {
        res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, DELETE, OPTIONS');
        res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type');
        res.setHeader('Access-Control-Max-Age', '600');
        res.status(204).end();
        return;
      }
    }
    next();
  };
}

/** The OpenAPI document and the docs page with its script and styles. */
function mountDocs(app: express.Express, openapi: Record<string, unknown>): void {
  app.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  app.get('/docs', (_req, res) => {
    res.type('html').send(docsHtml);
  });
  app.get('/docs/docs.js', (_req, res) => {
    res.type('application/javascript').send(docsJs);
  });
  app.get('/docs/docs.css', (_req, res) => {
    res.type('text/css').send(docsCss);
  });
}

/** Errors as JSON: ApiError as given, malformed paths and body-parser errors as 4xx naming the part, the rest as 500 (logged). */
function errorHandler(log: ApiContext['log']): (err: unknown, req: Request, res: Response, next: NextFunction) => void {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    // A request refused before its body was read: do not keep reading it on this connection.
    if (!req.complete && !res.headersSent) res.setHeader('Connection', 'close');
    if (res.headersSent) {
      log.warn('error after response started', { err: String(err) });
      res.end();
      return;
    }
    if (err instanceof ApiError) {
      const retryAfter = (err as { retryAfterSeconds?: number }).retryAfterSeconds;
      if (retryAfter !== undefined) res.setHeader('Retry-After', String(retryAfter));
      res.status(err.statusCode).json(err.toJSON());
      return;
    }
    if (err instanceof URIError) {
      // The router could not decode a path segment (`%E0%A4%A`).
      const message = 'malformed percent-escape in the request path';
      res.status(400).json({ error: { code: 'invalid_request', message, details: [{ path: 'params', message }] } });
      return;
    }
    const status = (err as { status?: number; statusCode?: number }).status ?? (err as { statusCode?: number }).statusCode;
    const type = (err as { type?: string }).type;
    if (typeof status === 'number' && status >= 400 && status < 500 && type) {
      const code = type === 'entity.parse.failed' ? 'invalid_request' : type === 'entity.too.large' ? 'payload_too_large' : 'bad_request';
      const message = type === 'entity.parse.failed' ? 'request body is not valid JSON' : String((err as Error).message);
      res.status(status).json({ error: { code, message, details: [{ path: 'body', message }] } });
      return;
    }
    log.error('unhandled error in request', { err: err instanceof Error ? err.message : String(err), stack: err instanceof Error ? err.stack : undefined });
    res.status(500).json({ error: { code: 'internal', message: 'internal server error' } });
  };
}

/** The Express app: security headers, CORS, auth + rate limit per route, JSON API, docs, dashboard. */
export function createApiApp(deps: ApiDeps): ApiApp {
  const log = deps.log.child({ component: 'api' });
  const limiter = createRateLimiter(deps.config.server.rateLimitPerMinute, deps.clock);
  const failures = createRateLimiter(deps.config.server.authFailuresPerMinute, deps.clock);
  const pruner = setInterval(() => failures.prune(), 60_000);
  pruner.unref();
  const auth = createAuthenticator({ store: deps.store, clock: deps.clock, limiter, failures, log });
  const search = deps.search ?? new StoreSearchIndex(deps.store);
  const ctx: ApiContext = { ...deps, search, log, auth, dto: createDtoContext(deps.config, () => deps.clock.now(), deps.maskText) };
  const registry = buildRegistry(ctx);
  const openapi = buildOpenApi(registry, { title: '舆情雷达 yuqing-radar', version: API_VERSION, serverUrl: deps.config.server.publicUrl });
  const corsOrigins = new Set(deps.config.server.corsOrigins);

  const app = express() as ApiApp;
  app.locals.registry = registry;
  app.locals.openapi = openapi;
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');

  app.use(headersAndCors(deps, corsOrigins));
  // No global body parser: each route reads its JSON body after authentication (api/body.ts).

  mountDocs(app, openapi);

  const router = express.Router();
  const cache = createResponseCache({ ttlMs: deps.responseCacheMs ?? 1000, clock: deps.clock });
  deps.bus.subscribe((m) => {
    if (m.type === 'case.changed') cache.invalidate('cases');
    else if (m.type === 'mention.stored') cache.invalidate('mentions');
  });
  registry.mount(router, {
    authenticate: (req, def) => auth.authenticate(req, def.access, def.queryToken ?? false),
    validateResponses: deps.validateResponses ?? process.env.NODE_ENV !== 'production',
    cache,
    body: { limitBytes: 1024 * 1024, timeoutMs: deps.bodyTimeoutMs ?? 10_000 },
  });
  app.use(router);
  if (deps.webDir) app.use(express.static(deps.webDir, { index: 'index.html', maxAge: '5m' }));

  app.use((req: Request, _res: Response, next: NextFunction) => {
    next(new ApiError(404, 'not_found', `no route for ${req.method} ${req.path}`));
  });
  app.use(errorHandler(log));
  return app;
}
